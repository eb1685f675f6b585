// Git for deploys and rollbacks, through the user's git (node/delivery/delivery-git.ts): the deploy records as notes
// (refs/notes/driftless: read, appended, fetched and pushed — a concurrent writer's notes are merged with
// cat_sort_uniq, never overwritten), the commits that changed an environment's inputs, and the rollback's commit:
// made in a temporary worktree on top of the branch it goes to, so the user's checkout, index and branches stay as
// they are. Nothing is ever forced, reset or rewritten.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NOTES_REF, parseRecords, recordLine, type DeployRecord } from '../../engine/deploy/deploy-record';
import type { InputCommit } from '../../engine/deploy/history';
import { DeliveryGit, DeliveryGitError, pushRejection } from '../delivery/delivery-git';
import { removeTemporaryFolder, temporaryFolder, trackWorktree, untrackWorktree } from '../leftovers';

/** Where another machine's records are fetched to before they are merged into ours. */
const FETCHED_NOTES_REF = 'refs/notes/driftless-fetched';
const SHA = /^[0-9a-f]{40}$/;

export class DeployGit {
  private constructor(readonly git: DeliveryGit) {}

  static async open(folder: string): Promise<DeployGit> {
    return new DeployGit(await DeliveryGit.open(folder));
  }

  get root(): string {
    return this.git.root;
  }

  /** The commit a revision names (a sha, a prefix, a branch, a tag), or undefined. */
  async resolve(revision: string): Promise<string | undefined> {
    if (!/^[\w./@^~{}-]+$/.test(revision) || revision.startsWith('-')) return undefined;
    return this.git.commitOf(revision);
  }

  async describe(commit: string): Promise<InputCommit | undefined> {
    if (!SHA.test(commit)) return undefined;
    const out = await this.git.raw(['log', '-1', '--format=%H%x1f%cI%x1f%an%x1f%s', commit, '--']).catch(() => '');
    return parseLog(out)[0];
  }

  /** The commits of `refs` that changed any of `paths` (relative to the root), newest first. */
  async commitsChanging(paths: readonly string[], refs: readonly string[], limit = 50): Promise<InputCommit[]> {
    if (!paths.length || !refs.length) return [];
    const out = await this.git.raw(['log', `--max-count=${limit}`, '--format=%H%x1f%cI%x1f%an%x1f%s', ...refs, '--', ...paths]);
    return parseLog(out);
  }

  /** Whether `commit` is contained in `ref` (an ancestor of it, or it). */
  async contains(ref: string, commit: string): Promise<boolean> {
    // Not `merge-base --is-ancestor`: its answer is the exit code alone, and simple-git takes a silent exit 1 for success.
    const out = await this.git.raw(['rev-list', '--count', `${ref}..${commit}`, '--']).catch(() => '');
    return out.trim() === '0';
  }

  // Records ------------------------------------------------------------------------------------------------------------

  /** Every record the local notes hold (at most `limit` notes are read, newest commits first). */
  async records(limit = 500): Promise<DeployRecord[]> {
    const list = await this.git.raw(['notes', `--ref=${NOTES_REF}`, 'list']).catch(() => '');
    const commits = list
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[1])
      .filter((commit): commit is string => !!commit && SHA.test(commit))
      .slice(0, limit);
    if (!commits.length) return [];
    // One process for all of them: each commit, then its note, then a separator.
    const out = await this.git
      .raw(['log', '--no-walk=unsorted', `--notes=${NOTES_REF}`, '--format=%x1e%H%n%N', ...commits])
      .catch(() => '');
    return out.split('\x1e').flatMap((chunk) => parseRecords(chunk.split('\n').slice(1).join('\n')));
  }

  /** Appends a record to the note of its revision. */
  async addRecord(record: DeployRecord): Promise<void> {
    await this.git.raw(['notes', `--ref=${NOTES_REF}`, 'append', '-m', recordLine(record), record.revision]);
  }

  /** Brings `remote`'s records in (merged with ours, lines of both kept); false when the remote has none or is unreachable. */
  async fetchRecords(remote: string): Promise<boolean> {
    try {
      await this.git.raw(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', remote, `+${NOTES_REF}:${FETCHED_NOTES_REF}`], {
        network: true,
      });
    } catch {
      return false;
    }
    await this.git
      .raw(['notes', `--ref=${NOTES_REF}`, 'merge', '--quiet', '-s', 'cat_sort_uniq', FETCHED_NOTES_REF])
      .catch(() => undefined);
    return true;
  }

  /** Pushes the records to `remote`; when another machine pushed some meanwhile, they are merged in and pushed again. */
  async pushRecords(remote: string): Promise<{ pushed: boolean; message?: string }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const out = await this.git.raw(['push', '--porcelain', remote, `${NOTES_REF}:${NOTES_REF}`], { network: true });
        if (!/^!/m.test(out)) return { pushed: true };
      } catch (error) {
        const text = error instanceof DeliveryGitError ? error.gitMessage || error.message : String(error);
        if (!pushRejection(text, remote, NOTES_REF)) return { pushed: false, message: text.split('\n')[0] };
      }
      await this.fetchRecords(remote);
    }
    return { pushed: false, message: `${remote} kept refusing ${NOTES_REF}` };
  }

  // Rollback commits ---------------------------------------------------------------------------------------------------

  /** The files among `paths` (files or folders, relative) that differ between `from` and `to`, with what restoring `to` does. */
  async differingFiles(from: string, to: string, paths: readonly string[]): Promise<{ path: string; action: 'restore' | 'delete' }[]> {
    if (!paths.length) return [];
    const out = await this.git.raw(['diff', '--no-ext-diff', '--no-renames', '--name-status', '-z', from, to, '--', ...paths]);
    const fields = out.split('\0').filter(Boolean);
    const files: { path: string; action: 'restore' | 'delete' }[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      // From `from` to `to`: a file `to` lacks (D) is deleted; any other is restored to `to`'s content.
      files.push({ path: fields[i + 1]!, action: fields[i]!.startsWith('D') ? 'delete' : 'restore' });
    }
    return files;
  }

  /**
   * Makes a commit restoring `files` to their content at `to`, on top of `base` (a commit), in a temporary worktree:
   * the user's checkout is not touched. With `branch`, the commit is on a new local branch of that name; else it is
   * only a commit (to be pushed). The user's hooks and signing apply, as to any commit of theirs.
   */
  async commitRestore(options: {
    base: string;
    to: string;
    files: readonly { path: string; action: 'restore' | 'delete' }[];
    message: string;
    branch?: string;
  }): Promise<{ commit: string }> {
    if (!SHA.test(options.base) || !SHA.test(options.to)) throw new DeliveryGitError('A rollback needs commit ids.', 'bad-input');
    if (!options.files.length) throw new DeliveryGitError('Nothing to restore: the inputs are the same at both revisions.', 'bad-input');
    const parent = temporaryFolder('driftless-rollback-');
    const folder = join(parent, 'worktree');
    trackWorktree(this.root, folder);
    try {
      await this.git.raw(['worktree', 'add', '--quiet', ...(options.branch ? ['-b', options.branch] : ['--detach']), folder, options.base]);
      const inWorktree = await DeliveryGit.open(folder);
      const restore = options.files.filter((f) => f.action === 'restore').map((f) => f.path);
      const remove = options.files.filter((f) => f.action === 'delete').map((f) => f.path);
      if (restore.length) await inWorktree.raw(['checkout', options.to, '--', ...restore]);
      const present = remove.filter((path) => existsSync(join(folder, path)));
      if (present.length) await inWorktree.raw(['rm', '--quiet', '--', ...present]);
      try {
        await inWorktree.raw(['commit', '--quiet', '-m', options.message], { commit: true });
      } catch (error) {
        const text = error instanceof DeliveryGitError ? error.gitMessage || error.message : String(error);
        // The branch made for it goes again: it still points at the base.
        if (options.branch) await this.git.raw(['worktree', 'remove', '--force', folder]).catch(() => undefined);
        if (options.branch) await this.git.raw(['branch', '-D', options.branch]).catch(() => undefined);
        throw new DeliveryGitError(`git commit failed: ${text}`, /hook/i.test(text) ? 'hook' : 'failed', text);
      }
      return { commit: (await inWorktree.raw(['rev-parse', 'HEAD'])).trim() };
    } finally {
      await this.git.raw(['worktree', 'remove', '--force', folder]).catch(() => undefined);
      untrackWorktree(folder);
      removeTemporaryFolder(parent);
    }
  }

  /** The identity records are written under: git's user.name and user.email. */
  async who(): Promise<string> {
    const get = async (key: string) => (await this.git.raw(['config', '--get', key]).catch(() => '')).trim();
    const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
    return [name || 'unknown', email ? `<${email}>` : ''].filter(Boolean).join(' ');
  }
}

function parseLog(out: string): InputCommit[] {
  return out
    .split('\n')
    .map((line) => line.split('\x1f'))
    .filter((fields) => fields.length >= 4 && SHA.test(fields[0]!))
    .map(([commit, date, author, ...subject]) => ({ commit: commit!, date: date!, author: author!, subject: subject.join('\x1f') }));
}
