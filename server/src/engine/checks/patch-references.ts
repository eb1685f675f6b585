// The names a kustomize patch refers to, resolved in the builds that apply the patch (a patch is a partial object:
// only what it adds is judged).
import { checkPatchReferences } from '../workspace/reference-checks';
import type { CrossFileCheck } from './cross-file-check';

export const patchReferences = {
  id: 'patch-references',
  appliesTo: (file, context) => file.kind === 'manifests' && context.indexComplete && context.kustomizations.isPatch(file.path),
  check: ({ content }, file, context) => checkPatchReferences(file.path, content, context.references),
} as const satisfies CrossFileCheck;
