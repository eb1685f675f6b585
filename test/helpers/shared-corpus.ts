// Where the shared reference corpus is (read-only data the tests compare against: real repositories, peer validators'
// suites, CRDs). DRIFTLESS_CORPUS, else the nearest `shared/corpus` in a folder above the repository: ../shared from
// the integration checkout, ../../shared from a git worktree next to it. A worktree must not lose the corpus suites
// to a path that only holds in one checkout (they would be skipped, saying so, but skipped).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..', '..');

function findSharedCorpus(): string {
  if (process.env.DRIFTLESS_CORPUS) return resolve(process.env.DRIFTLESS_CORPUS);
  for (let dir = dirname(REPO_ROOT); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'shared', 'corpus'))) return join(dir, 'shared', 'corpus');
    if (dirname(dir) === dir) return join(dirname(REPO_ROOT), 'shared', 'corpus'); // Named in the skip messages.
  }
}

/** The corpus folder (which may not exist: tests that need it skip, saying which path they looked for). */
export const SHARED_CORPUS = findSharedCorpus();

/** A folder of the corpus, or the path an environment variable names instead. */
export function corpusFolder(overrideVariable: string, ...parts: string[]): string {
  const override = process.env[overrideVariable];
  return override ? resolve(override) : join(SHARED_CORPUS, ...parts);
}
