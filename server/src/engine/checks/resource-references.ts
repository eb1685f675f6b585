// References (a ConfigMap a pod mounts, a Flux dependency, a role a binding names) that resolve nowhere the referring
// resource is applied.
import { checkResourceReferences } from '../workspace/reference-checks';
import { judgesWholeResources, type CrossFileCheck } from './cross-file-check';

export const resourceReferences = {
  id: 'resource-references',
  appliesTo: judgesWholeResources,
  check: ({ content }, file, context) => checkResourceReferences(file.path, content, context.references),
} as const satisfies CrossFileCheck;
