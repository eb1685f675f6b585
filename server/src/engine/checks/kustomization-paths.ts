// What `kustomize build` stops on before it reads a resource: a path that does not exist, a base without a
// kustomization, kustomizations that include each other.
import { isKustomizeConfig } from '../classify/file-kind';
import { checkKustomizationReferences } from '../kustomize/kustomization-checks';
import type { CrossFileCheck } from './cross-file-check';

export const kustomizationPaths = {
  id: 'kustomization-paths',
  appliesTo: (file) => file.kind === 'kustomization',
  check: ({ value, index }, file, context) =>
    index === 0 && isKustomizeConfig(value)
      ? checkKustomizationReferences(file.path, value, context.files, context.kustomizations, context.indexComplete)
      : [],
} as const satisfies CrossFileCheck;
