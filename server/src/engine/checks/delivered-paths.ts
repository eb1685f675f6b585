// The paths a Flux Kustomization or HelmRelease, or an Argo CD Application, reads from this repository: each must
// exist, or the sync fails.
import { checkDeliveredPaths } from '../workspace/delivered-paths';
import { judgesWholeResources, type CrossFileCheck } from './cross-file-check';

export const deliveredPaths = {
  id: 'delivered-paths',
  appliesTo: judgesWholeResources,
  check: ({ content }, file, context) => checkDeliveredPaths(file.path, content, context.delivered),
} as const satisfies CrossFileCheck;
