// Git for delivery, through simple-git and the user's own git: their configuration, hooks, signing and credentials.
// What it does to a repository is only what the user asked for: stage the files they chose, commit, make a branch,
// push, check out a pull request. It never resets, never forces a push, never stashes, never rewrites a commit; a
// rejected push keeps the local commit and says git's own words and the way out.
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { branchNameProblem } from '../../engine/delivery/branch-name';

/** How long a git command may stay silent before it is stopped (a push or fetch resets it with each progress line). */
const QUICK_MS = 30_000;
const NETWORK_MS = 120_000;
/** A commit may wait for a signing passphrase typed into the user's pinentry. */
const COMMIT_MS = 300_000;

/**
 * What git gets of this process's environment: where programs and the user's configuration are, the locale, the SSH
 * and GPG agents (signing, SSH keys), proxies, and the user's GIT_* settings — except those that would point git at
 * another repository than the one asked for. Credential helpers such as `gh auth git-credential` read GH_TOKEN or
 * GITHUB_TOKEN, so those pass too (git never prints them).
 */
const PASSED_ON =
  /^(PATH|PATHEXT|HOME|USER|USERNAME|LOGNAME|SHELL|LANG|LANGUAGE|LC_\w+|TZ|TMPDIR|TMP|TEMP|SSH_AUTH_SOCK|SSH_AGENT_PID|GNUPGHOME|GPG_TTY|GPG_AGENT_INFO|XDG_\w+|DISPLAY|WAYLAND_DISPLAY|DBUS_SESSION_BUS_ADDRESS|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY|all_proxy|ALL_PROXY|GIT_\w+|GH_\w+|GITHUB_TOKEN|GCM_\w+|SYSTEMROOT|SystemRoot|WINDIR|COMSPEC|ComSpec|APPDATA|LOCALAPPDATA|USERPROFILE|HOMEDRIVE|HOMEPATH|ProgramData|ProgramFiles)$/;
const NOT_PASSED_ON = new Set([
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
]);

export function gitEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env))
    if (value !== undefined && PASSED_ON.test(name) && !NOT_PASSED_ON.has(name)) env[name] = value;
  return { ...env, ...extra };
}

/** A git failure told in git's own words (its stderr, credentials in URLs removed), with what the user can do. */
export class DeliveryGitError extends Error {
  constructor(
    message: string,
    readonly kind:
      | 'detached'
      | 'no-remote'
      | 'not-a-repository'
      | 'rejected'
      | 'auth'
      | 'hook'
      | 'conflict'
      | 'dirty'
      | 'bad-input'
      | 'timeout'
      | 'failed',
    /** What git printed, as it printed it (credentials removed). */
    readonly gitMessage = '',
  ) {
    super(message);
  }
}

/** git's words, with any credentials in URLs removed. */
export function cleanGitOutput(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^@/\s]*@/gi, '$1')
    .replace(/\s+$/, '')
    .trim();
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return cleanGitOutput(text);
}

function timedOut(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { plugin?: string }).plugin === 'timeout';
}

export interface WorkingTreeState {
  /** The git top-level folder. */
  root: string;
  /** The current branch, or undefined on a detached HEAD. */
  branch: string | undefined;
  /** HEAD's commit, or undefined in a repository without commits. */
  head: string | undefined;
  /** Changed files (staged or not, untracked included), relative to the root with `/`; both names of a rename. */
  changed: string[];
  /** Files with changes staged now. */
  staged: string[];
  /** An unfinished merge, rebase, cherry-pick or revert: no commit may be made for the user in the middle of one. */
  operation?: string;
}

export interface PushRejection {
  /** `non-fast-forward`, `fetch first`, `pre-receive hook declined`, `protected branch hook declined`, … */
  reason: string;
  gitMessage: string;
  /** What to do now. */
  wayOut: string;
}

export type PushResult = { pushed: true; remote: string; branch: string; created: boolean } | ({ pushed: false } & PushRejection);

/** A git repository, as delivery works on it. */
export class DeliveryGit {
  private constructor(
    readonly root: string,
    private readonly git: (timeoutMs: number, extraEnv?: Record<string, string>) => SimpleGit,
  ) {}

  /** The repository holding `folder`. */
  static async open(folder: string): Promise<DeliveryGit> {
    const { simpleGit } = await import('simple-git');
    const make = (baseDir: string, timeoutMs: number, extraEnv?: Record<string, string>) =>
      simpleGit({ baseDir, timeout: { block: timeoutMs } }).env(gitEnvironment(extraEnv));
    let root: string;
    try {
      root = (await make(folder, QUICK_MS).revparse(['--show-toplevel'])).trim();
    } catch (error) {
      throw new DeliveryGitError(`${folder} is not in a git repository: ${messageOf(error)}`, 'not-a-repository');
    }
    return new DeliveryGit(root, (timeoutMs, extraEnv) => make(root, timeoutMs, extraEnv));
  }

  private async run(args: string[], timeoutMs = QUICK_MS, extraEnv?: Record<string, string>): Promise<string> {
    try {
      return await this.git(timeoutMs, extraEnv).raw(args);
    } catch (error) {
      if (timedOut(error))
        throw new DeliveryGitError(`git ${args[0]} did not finish: it was silent for ${timeoutMs / 1000} s and was stopped.`, 'timeout');
      throw new DeliveryGitError(messageOf(error), 'failed', messageOf(error));
    }
  }

  /** A path of this repository, relative with `/`; refused when it leads outside the repository. */
  repositoryPath(path: string): string {
    const absolute = isAbsolute(path) ? path : resolve(this.root, path);
    const inside = relative(this.root, absolute);
    if (!inside || inside.startsWith('..') || isAbsolute(inside))
      throw new DeliveryGitError(`${path} is not a file of the repository at ${this.root}.`, 'bad-input');
    return inside.split(sep).join('/');
  }

  async state(): Promise<WorkingTreeState> {
    const branch = (await this.run(['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => '')).trim() || undefined;
    const head = (await this.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => '')).trim() || undefined;
    // Porcelain v1, NUL-separated: `XY path`, a rename's source follows as its own entry.
    const status = await this.run(['status', '--porcelain=v1', '-z', '--untracked-files=all']);
    const entries = status.split('\0');
    const changed: string[] = [];
    const staged: string[] = [];
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.length < 4) continue;
      const [x, y, path] = [entry[0]!, entry[1]!, entry.slice(3)];
      changed.push(path);
      if (x !== ' ' && x !== '?') staged.push(path);
      if (x === 'R' || x === 'C' || y === 'R' || y === 'C') {
        const source = entries[++i];
        if (source) changed.push(source);
      }
    }
    const gitDir = (await this.run(['rev-parse', '--absolute-git-dir'])).trim();
    const markers: [string, string][] = [
      ['MERGE_HEAD', 'a merge'],
      ['rebase-merge', 'a rebase'],
      ['rebase-apply', 'a rebase'],
      ['CHERRY_PICK_HEAD', 'a cherry-pick'],
      ['REVERT_HEAD', 'a revert'],
    ];
    const operation = markers.find(([file]) => existsSync(join(gitDir, file)))?.[1];
    return { root: this.root, branch, head, changed: [...new Set(changed)], staged, ...(operation ? { operation } : {}) };
  }

  /** The names of the remotes. */
  async remotes(): Promise<string[]> {
    return (await this.run(['remote']))
      .split('\n')
      .map((r) => r.trim())
      .filter(Boolean);
  }

  /**
   * Any other git command of delivery (deploy records as notes, logs, worktrees): `network` for those that reach a
   * remote (no terminal prompt, a longer silence allowed), `commit` for those that may wait for signing.
   */
  async raw(args: readonly string[], options: { network?: boolean; commit?: boolean } = {}): Promise<string> {
    return this.run(
      [...args],
      options.commit ? COMMIT_MS : options.network ? NETWORK_MS : QUICK_MS,
      options.network ? { GIT_TERMINAL_PROMPT: '0' } : undefined,
    );
  }

  /** A remote's URL as git uses it (`url.*.insteadOf` applied); undefined when there is no such remote. */
  async remoteUrl(remote: string): Promise<string | undefined> {
    if (!/^[A-Za-z0-9][\w.-]*$/.test(remote)) throw new DeliveryGitError(`"${remote}" is not a remote name.`, 'bad-input');
    try {
      return (await this.run(['remote', 'get-url', remote])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** The remote a branch pushes to: its `branch.<name>.pushRemote`/`remote.pushDefault`/`branch.<name>.remote`, else origin. */
  async pushRemoteOf(branch: string | undefined): Promise<string | undefined> {
    const remotes = await this.remotes();
    const config = async (key: string) => (await this.run(['config', '--get', key]).catch(() => '')).trim();
    const configured =
      (branch && (await config(`branch.${branch}.pushRemote`))) ||
      (await config('remote.pushDefault')) ||
      (branch && (await config(`branch.${branch}.remote`)));
    if (configured && remotes.includes(configured)) return configured;
    return remotes.includes('origin') ? 'origin' : remotes.length === 1 ? remotes[0] : undefined;
  }

  async localBranches(): Promise<Set<string>> {
    const out = await this.run(['for-each-ref', '--format=%(refname:short)', 'refs/heads']);
    return new Set(out.split('\n').filter(Boolean));
  }

  /** The branches `remote` has, asked of the remote itself (not the last fetch). */
  async remoteBranches(remote: string): Promise<Set<string>> {
    const out = await this.run(['ls-remote', '--heads', remote], NETWORK_MS, { GIT_TERMINAL_PROMPT: '0' });
    return new Set(
      out
        .split('\n')
        .map((line) => line.split('\t')[1] ?? '')
        .filter((ref) => ref.startsWith('refs/heads/'))
        .map((ref) => ref.slice('refs/heads/'.length)),
    );
  }

  /** The branch `remote`'s HEAD names (its default branch), asked of the remote; else what the last fetch recorded. */
  async remoteDefaultBranch(remote: string): Promise<string | undefined> {
    try {
      const out = await this.run(['ls-remote', '--symref', remote, 'HEAD'], NETWORK_MS, { GIT_TERMINAL_PROMPT: '0' });
      const found = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out)?.[1];
      if (found) return found;
    } catch {
      // Unreachable: try what is known locally.
    }
    const local = (await this.run(['symbolic-ref', '--quiet', '--short', `refs/remotes/${remote}/HEAD`]).catch(() => '')).trim();
    return local ? local.slice(remote.length + 1) : undefined;
  }

  /** Makes `name` from HEAD and switches to it; the working tree's changes come along, untouched. */
  async createBranch(name: string): Promise<void> {
    const problem = branchNameProblem(name);
    if (problem) throw new DeliveryGitError(`"${name}": ${problem}.`, 'bad-input');
    if ((await this.localBranches()).has(name))
      throw new DeliveryGitError(`A branch named ${name} exists already: choose another name.`, 'bad-input');
    await this.run(['switch', '--create', name, '--no-track']);
  }

  /**
   * Returns from a branch just made (no commit of its own) to `back` (a branch or a commit), and deletes it — only
   * when it still points where `back` does, so nothing can be lost.
   */
  async abandonNewBranch(name: string, back: string): Promise<void> {
    const [at, where] = await Promise.all([this.run(['rev-parse', `refs/heads/${name}`]), this.run(['rev-parse', `${back}^{commit}`])]);
    if (at.trim() !== where.trim()) return;
    const isBranch = (await this.localBranches()).has(back);
    await this.run(['switch', '--quiet', ...(isBranch ? [back] : ['--detach', back])]);
    await this.run(['branch', '--delete', name]);
  }

  /**
   * Commits exactly `files` (staged first, deletions included) with `message`, as the user's `git commit` would:
   * their hooks run, their signing applies. Other staged changes stay staged and out of this commit.
   */
  async commit(files: readonly string[], message: string): Promise<{ commit: string }> {
    if (!files.length) throw new DeliveryGitError('Nothing to commit: no changed file was chosen.', 'bad-input');
    if (!message.trim()) throw new DeliveryGitError('A commit needs a message.', 'bad-input');
    const paths = files.map((file) => this.repositoryPath(file));
    const state = await this.state();
    if (state.operation)
      throw new DeliveryGitError(
        `The repository is in the middle of ${state.operation}: finish or abort it first, then commit.`,
        'conflict',
      );
    const unchanged = paths.filter((path) => !state.changed.includes(path));
    if (unchanged.length) throw new DeliveryGitError(`${unchanged.join(', ')}: not changed, nothing to commit there.`, 'bad-input');
    // `--` keeps any path from being read as an option; -A stages deletions of the chosen paths too.
    await this.run(['add', '-A', '--', ...paths]);
    try {
      // --only: exactly these paths, whatever else is staged. -m keeps the message as given (hooks may still edit it).
      await this.run(['commit', '--quiet', '-m', message, '--only', '--', ...paths], COMMIT_MS);
    } catch (error) {
      // Whatever the hook or the signing said, as git said it; the files stay staged as the user chose them.
      const text = error instanceof DeliveryGitError ? error.gitMessage || error.message : messageOf(error);
      throw new DeliveryGitError(`git commit failed: ${text}`, /hook/i.test(text) ? 'hook' : 'failed', text);
    }
    return { commit: (await this.run(['rev-parse', 'HEAD'])).trim() };
  }

  /**
   * Pushes `branch` to the same name on `remote`, setting it as upstream when it has none (or pushes the commit
   * `from` to that branch, a deploy's push). Never forced: a remote that moved on, a protected branch or a hook's
   * refusal is a rejection, told with git's own message and the way out; the local commit stays.
   */
  async push(remote: string, branch: string, from?: { commit: string }): Promise<PushResult> {
    if (branchNameProblem(branch)) throw new DeliveryGitError(`"${branch}" is not a branch name.`, 'bad-input');
    if (from && !/^[0-9a-f]{40}$/.test(from.commit)) throw new DeliveryGitError(`"${from.commit}" is not a commit id.`, 'bad-input');
    if (!(await this.remoteUrl(remote))) throw new DeliveryGitError(`There is no remote named ${remote}.`, 'no-remote');
    const existed = (await this.remoteBranches(remote)).has(branch);
    // A commit pushed to a branch (a deploy's) leaves the local branches and their upstreams alone.
    const upstream = from ? 'kept' : (await this.run(['config', '--get', `branch.${branch}.remote`]).catch(() => '')).trim();
    const source = from ? from.commit : `refs/heads/${branch}`;
    const args = ['push', '--porcelain', ...(upstream ? [] : ['--set-upstream']), remote, `${source}:refs/heads/${branch}`];
    let output: string;
    try {
      output = await this.run(args, NETWORK_MS, { GIT_TERMINAL_PROMPT: '0' });
    } catch (error) {
      const text = error instanceof DeliveryGitError ? error.gitMessage || error.message : messageOf(error);
      if (error instanceof DeliveryGitError && error.kind === 'timeout') throw error;
      const rejection = pushRejection(text, remote, branch);
      if (rejection) return { pushed: false, ...rejection };
      if (
        /terminal prompts disabled|could not read (Username|Password)|Authentication failed|Permission denied \(publickey|403|401/i.test(
          text,
        )
      )
        throw new DeliveryGitError(
          `git could not sign in to ${remote} to push: ${text}\nSet up git's credentials for this remote (a credential helper, an SSH key), or push from the Source Control view, which asks for them.`,
          'auth',
          text,
        );
      throw new DeliveryGitError(`git push failed: ${text}`, 'failed', text);
    }
    // --porcelain reports a refused ref with "!" even when git exits 0 for it on some versions.
    const rejection = pushRejection(output, remote, branch);
    if (rejection && /^!/m.test(output)) return { pushed: false, ...rejection };
    return { pushed: true, remote, branch, created: !existed };
  }

  /**
   * Fetches `ref` from `remote` and returns the fetched commit; `tracking` (a `refs/remotes/…` ref) is updated to it,
   * as `git fetch` updates remote-tracking refs. Never into a local branch.
   */
  async fetchCommit(remote: string, ref: string, tracking?: string): Promise<string> {
    const refPattern = /^refs\/[\w./-]+$/;
    if (!refPattern.test(ref) || ref.includes('..') || ref.endsWith('.lock'))
      throw new DeliveryGitError(`"${ref}" is not a ref to fetch.`, 'bad-input');
    if (tracking !== undefined && (!tracking.startsWith('refs/remotes/') || !refPattern.test(tracking) || tracking.includes('..')))
      throw new DeliveryGitError(`"${tracking}" is not a remote-tracking ref.`, 'bad-input');
    if (!(await this.remoteUrl(remote))) throw new DeliveryGitError(`There is no remote named ${remote}.`, 'no-remote');
    const refspec = tracking ? `+${ref}:${tracking}` : ref;
    try {
      await this.run(['fetch', '--quiet', '--no-tags', ...(tracking ? ['--no-write-fetch-head'] : []), remote, refspec], NETWORK_MS, {
        GIT_TERMINAL_PROMPT: '0',
      });
    } catch (error) {
      const text = error instanceof DeliveryGitError ? error.message : messageOf(error);
      throw new DeliveryGitError(
        `git could not fetch ${ref} from ${remote}: ${text}`,
        /couldn't find remote ref/i.test(text) ? 'bad-input' : 'failed',
        text,
      );
    }
    return (await this.run(['rev-parse', `${tracking ?? 'FETCH_HEAD'}^{commit}`])).trim();
  }

  /** The files that differ between the merge base of `base` and `head`, and `head` (what a pull request shows). */
  async changedBetween(base: string, head: string): Promise<string[]> {
    const out = await this.run(['diff', '--name-only', '--no-renames', '-z', `${base}...${head}`, '--']);
    return out.split('\0').filter(Boolean);
  }

  /** The full messages of the commits in `head` that `base` lacks. */
  async messagesBetween(base: string, head: string): Promise<string[]> {
    const out = await this.run(['log', '--format=%B%x00', `${base}..${head}`, '--']);
    return out
      .split('\0')
      .map((m) => m.trim())
      .filter(Boolean);
  }

  /** A commit's subject line. */
  async subjectOf(commit: string): Promise<string> {
    return (await this.run(['log', '-1', '--format=%s', commit, '--'])).trim();
  }

  /** The commit a ref names, or undefined. */
  async commitOf(ref: string): Promise<string | undefined> {
    try {
      return (await this.run(['rev-parse', '--verify', `${ref}^{commit}`])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Whether commit `a` is an ancestor of (or equal to) `b`. */
  async isAncestor(a: string, b: string): Promise<boolean> {
    const base = (await this.run(['merge-base', a, b]).catch(() => '')).trim();
    const full = (await this.run(['rev-parse', `${a}^{commit}`])).trim();
    return base === full;
  }

  /**
   * Checks out `branch` at `commit` (a pull request's head): made when missing, fast-forwarded when behind. Refused
   * with a dirty tree, and when the local branch has commits of its own (it would need a merge): nothing is moved.
   */
  async checkoutAt(branch: string, commit: string): Promise<{ branch: string; updated: boolean }> {
    const problem = branchNameProblem(branch);
    if (problem) throw new DeliveryGitError(`"${branch}": ${problem}.`, 'bad-input');
    const state = await this.state();
    if (state.changed.length)
      throw new DeliveryGitError(
        `The working tree has changes (${state.changed.slice(0, 3).join(', ')}${state.changed.length > 3 ? ', …' : ''}): commit them, or keep them on a branch, before checking out another.`,
        'dirty',
      );
    const local = await this.localBranches();
    if (!local.has(branch)) {
      await this.run(['switch', '--create', branch, '--no-track', commit]);
      return { branch, updated: true };
    }
    const current = (await this.run(['rev-parse', `refs/heads/${branch}`])).trim();
    if (current === commit) {
      await this.run(['switch', branch]);
      return { branch, updated: false };
    }
    if (await this.isAncestor(current, commit)) {
      await this.run(['switch', branch]);
      await this.run(['merge', '--ff-only', '--quiet', commit]);
      return { branch, updated: true };
    }
    if (await this.isAncestor(commit, current)) {
      await this.run(['switch', branch]);
      return { branch, updated: false };
    }
    throw new DeliveryGitError(
      `Your branch ${branch} and the pull request's head have both moved on: updating it needs a merge, which Driftless does not make for you. Nothing was changed. Merge or rebase ${branch} yourself, or delete it to check out the pull request fresh.`,
      'conflict',
    );
  }

  /**
   * Keeps the working tree's changes on a new branch (a commit there, made with the user's consent), then returns to
   * where HEAD was, with a clean tree. Returns the branch and its commit.
   */
  async keepChangesOnBranch(name: string, message: string): Promise<{ branch: string; commit: string }> {
    const state = await this.state();
    if (!state.changed.length) throw new DeliveryGitError('There are no changes to keep.', 'bad-input');
    if (state.operation)
      throw new DeliveryGitError(`The repository is in the middle of ${state.operation}: finish or abort it first.`, 'conflict');
    const back = state.branch ?? state.head;
    if (!back) throw new DeliveryGitError('The repository has no commit yet.', 'bad-input');
    await this.createBranch(name);
    try {
      await this.run(['add', '-A', '--', '.']);
      await this.run(['commit', '--quiet', '-m', message, '--no-verify'], COMMIT_MS);
    } catch (error) {
      // The changes are in the tree still; go back to where the user was, leaving the empty branch for them to see.
      await this.run(['switch', '--quiet', state.branch ?? '--detach', ...(state.branch ? [] : [state.head!])]).catch(() => undefined);
      throw error;
    }
    const commit = (await this.run(['rev-parse', 'HEAD'])).trim();
    await this.run(['switch', '--quiet', ...(state.branch ? [state.branch] : ['--detach', state.head!])]);
    return { branch: name, commit };
  }
}

/** What a push's output says about a refused ref, and the way out. */
export function pushRejection(text: string, remote: string, branch: string): PushRejection | undefined {
  const clean = cleanGitOutput(text);
  const porcelain =
    /^!\t[^\t]*\t\[(?:remote )?rejected\] \(([^)]*)\)/m.exec(clean) ?? /\[(?:remote )?rejected\]\s+\S+ -> \S+ \(([^)]*)\)/m.exec(clean);
  const remoteRejected =
    /\[remote rejected\]|pre-receive hook declined|hook declined|protected branch|GH006|You are not allowed to push/i.test(clean);
  if (!porcelain && !remoteRejected) return undefined;
  const reason = porcelain?.[1] ?? 'refused by the remote';
  let wayOut: string;
  if (/non-fast-forward|fetch first/.test(reason))
    wayOut = `${remote}/${branch} has commits yours lacks. Your commit is kept. Pull (merge or rebase) ${branch} from ${remote} and push again, or push to a new branch and open a pull request.`;
  else if (/protected|hook declined|pre-receive|update hook/i.test(`${reason} ${clean}`))
    wayOut = `${remote} does not take pushes to ${branch} (a protected branch, or its hooks refused). Your commit is kept: push it to a new branch and open a pull request instead.`;
  else if (/stale info/.test(reason))
    wayOut = `The remote's ${branch} moved since you last fetched. Your commit is kept: fetch, then push again.`;
  else wayOut = `Your commit is kept. Read ${remote}'s message above, fix what it asks, and push again.`;
  // Only the lines that say why: the remote's own ("remote: …") and the rejection.
  const lines = clean
    .split('\n')
    .filter((line) => /^remote:|rejected|error:|hint:|^!/.test(line))
    .map((line) => line.replace(/^!\t/, ''));
  return { reason, gitMessage: (lines.length ? lines : [clean]).join('\n'), wayOut };
}
