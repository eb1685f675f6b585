// Services and PodDisruptionBudgets whose selector matches no workload applied with them.
import { checkSelectors } from '../workspace/selector-checks';
import { judgesWholeResources, type CrossFileCheck } from './cross-file-check';

export const selectors = {
  id: 'selectors',
  appliesTo: judgesWholeResources,
  check: ({ content }, file, context) => checkSelectors(file.path, content, context.references),
} as const satisfies CrossFileCheck;
