// The base side of a diff, read without touching the user's checkout: a temporary detached worktree of the base ref
// (simple-git), removed afterwards whatever happens — at the end, on Ctrl-C (leftovers.ts), or, after a run that was
// killed outright, by the next run (pruneLeftoverWorktrees). git runs none of the repository's programs: no hooks
// (`git worktree add` runs post-checkout), no fsmonitor, no external diff.
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { isRunLeftover, removeTemporaryFolder, temporaryFolder, trackWorktree, untrackWorktree } from '../leftovers';

/** Configuration every git command of Driftless runs with: nothing of the repository's is executed. */
const GIT_SAFETY = ['core.hooksPath=/dev/null', 'core.fsmonitor=false'];

/** simple-git (and the modules it loads) only when a diff needs git: `driftless validate` starts without it. */
async function gitIn(folder: string): Promise<SimpleGit> {
  const { simpleGit } = await import('simple-git');
  return simpleGit(folder, { config: GIT_SAFETY });
}

/** The git top-level folder of `folder`, or undefined outside git. */
export async function gitRoot(folder: string): Promise<string | undefined> {
  try {
    return (await (await gitIn(folder)).revparse(['--show-toplevel'])).trim();
  } catch {
    return undefined;
  }
}

/** The first of `candidates` that names a commit in the repository, with that commit's id. */
export async function firstExistingRef(
  repository: string,
  candidates: readonly string[],
): Promise<{ ref: string; commit: string } | undefined> {
  const git = await gitIn(repository);
  for (const ref of candidates) {
    try {
      // Not --quiet: simple-git takes a failure with nothing on stderr for a success.
      const commit = (await git.revparse(['--verify', `${ref}^{commit}`])).trim();
      return { ref, commit };
    } catch {
      // Not a ref here.
    }
  }
  return undefined;
}

/**
 * The files of the working tree that differ from `commit` — changed, added, deleted, renamed (both names), staged or
 * not, and untracked ones git does not ignore — as absolute paths; undefined when git cannot tell.
 */
export async function changedSince(repository: string, commit: string): Promise<Set<string> | undefined> {
  try {
    const git = await gitIn(repository);
    const tracked = await git.raw(['diff', '--no-ext-diff', '--name-only', '--no-renames', '-z', commit, '--']);
    const untracked = await git.raw(['ls-files', '--others', '--exclude-standard', '-z']);
    const names = `${tracked}${untracked}`.split('\0').filter((name) => name !== '');
    return new Set(names.map((name) => join(repository, name)));
  } catch {
    return undefined;
  }
}

/** Runs `use` on a checkout of `ref` in a temporary worktree of `repository`. */
export async function withWorktree<T>(repository: string, ref: string, use: (folder: string) => Promise<T>): Promise<T> {
  const git = await gitIn(repository);
  const parent = temporaryFolder(BASE_PREFIX);
  const folder = join(parent, 'worktree');
  trackWorktree(repository, folder);
  try {
    await git.raw(['worktree', 'add', '--detach', '--quiet', folder, ref]);
    return await use(folder);
  } finally {
    await git.raw(['worktree', 'remove', '--force', folder]).catch(() => undefined);
    untrackWorktree(folder);
    removeTemporaryFolder(parent);
  }
}

const BASE_PREFIX = 'driftless-base-';

/**
 * Forgets the worktrees earlier runs of Driftless left registered in `repository` (a run killed outright, which no
 * handler sees): those in the temp dir, made by a process that is gone. Others' worktrees are left alone.
 */
export async function pruneLeftoverWorktrees(repository: string): Promise<void> {
  try {
    const git = await gitIn(repository);
    const listed = await git.raw(['worktree', 'list', '--porcelain']);
    for (const line of listed.split('\n')) {
      const path = /^worktree (.+)$/.exec(line)?.[1];
      if (!path || basename(path) !== 'worktree' || dirname(dirname(path)) !== tmpdir()) continue;
      if (!isRunLeftover(basename(dirname(path)), BASE_PREFIX)) continue;
      await git.raw(['worktree', 'remove', '--force', path]).catch(() => undefined);
      if (existsSync(dirname(path))) rmSync(dirname(path), { recursive: true, force: true });
    }
    await git.raw(['worktree', 'prune']);
  } catch {
    // Not a repository git can read: nothing to prune.
  }
}
