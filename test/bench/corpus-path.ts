// Where the shared corpus is: ../shared/corpus beside the checkout, or DRIFTLESS_CORPUS (as scripts/build-schemas.ts
// reads it) for a checkout that sits elsewhere, such as a git worktree.
import { join, resolve } from 'node:path';

export const CORPUS_DIR = resolve(process.env.DRIFTLESS_CORPUS ?? join(__dirname, '..', '..', '..', 'shared', 'corpus'));

/** The corpus's Kubernetes OpenAPI components for a minor version (x.y). */
export function kubernetesComponentsPath(kubernetesVersion: string): string {
  return join(CORPUS_DIR, 'schemas', 'kubernetes', `k8s-v${kubernetesVersion}-components.json`);
}
