// The same object defined twice in a kustomize build (kustomize stops on it) or in the repository.
import { checkDuplicateObjects } from '../workspace/duplicate-checks';
import { judgesWholeResources, type CrossFileCheck } from './cross-file-check';

export const duplicateObjects = {
  id: 'duplicate-objects',
  appliesTo: judgesWholeResources,
  check: ({ index, content }, file, context) => checkDuplicateObjects(file.path, index, content, context.references),
} as const satisfies CrossFileCheck;
