// The same object twice in a folder applied whole: one Flux builds without a kustomization, or the plain manifests an
// Argo CD Application reads.
import { checkWholeFolderDuplicates } from '../workspace/duplicate-checks';
import { judgesWholeResources, type CrossFileCheck } from './cross-file-check';

export const wholeFolderDuplicates = {
  id: 'whole-folder-duplicates',
  appliesTo: judgesWholeResources,
  check: ({ index, content }, file, context) =>
    checkWholeFolderDuplicates(file.path, index, content, context.wholeFolderBuildsOf(file.path), context.references),
} as const satisfies CrossFileCheck;
