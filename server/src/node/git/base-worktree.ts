// The base side of a diff, read without touching the user's checkout: a temporary detached worktree of the base ref
// (simple-git), removed afterwards whatever happens.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';

/** simple-git (and the modules it loads) only when a diff needs git: `driftless validate` starts without it. */
async function gitIn(folder: string): Promise<SimpleGit> {
  const { simpleGit } = await import('simple-git');
  return simpleGit(folder);
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
    const tracked = await git.raw(['diff', '--name-only', '--no-renames', '-z', commit, '--']);
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
  const folder = join(mkdtempSync(join(tmpdir(), 'driftless-base-')), 'worktree');
  try {
    await git.raw(['worktree', 'add', '--detach', '--quiet', folder, ref]);
    return await use(folder);
  } finally {
    await git.raw(['worktree', 'remove', '--force', folder]).catch(() => undefined);
    rmSync(join(folder, '..'), { recursive: true, force: true });
  }
}
