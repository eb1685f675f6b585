// Pushing a branch, opening its pull request, listing the open ones and checking one out. A pull request's body says
// what each environment receives: the head commit is rendered in a temporary worktree against the base branch as the
// remote has it, so uncommitted edits never leak into it. An open pull request for the branch is linked, never
// duplicated; a branch the remote lacks is pushed first (never forced) when the caller asks for that.
import type { CheckoutOutcome, Failure, PullRequestList, PullRequestSummary, TokenNeeded } from '../../engine/delivery/delivery-reports';
import { join, relative } from 'node:path';
import { branchNameProblem, freeBranchName, keptChangesBranchName } from '../../engine/delivery/branch-name';
import { overrideOf } from '../../engine/delivery/commit-message';
import {
  FORGE_NAMES,
  forgeFromCiVariables,
  webUrlOfApi,
  withoutCredentials,
  type ForgeHost,
  type ForgeKind,
  type ForgeRepository,
} from '../../engine/delivery/forge';
import { buildPullRequestBody } from '../../engine/delivery/pull-request-body';
import { pullRequestSettingsFor } from '../../engine/delivery/pull-request-settings';
import { markdownText, renderedDiffMarkdown } from '../../engine/render/diff-markdown';
import { withWorktree } from '../git/base-worktree';
import { Project } from '../project';
import { diffEnvironments, touches } from '../render/environment-diff';
import type { RenderTools } from '../render/render-environment';
import { SchemaFiles } from '../schema-files';
import { validateFiles } from './commit-plan';
import { DeliveryGit, DeliveryGitError, type PushResult } from './delivery-git';
import { ForgeError, type ForgeClient, type PullRequestState } from './forges/forge-client';
import { forgeClient, resolveForgeRepository } from './forges/open-forge';

/** The environment variables a token may come from, per forge (the CLI's, and the editor's fallback). */
export type { CheckoutOutcome, Failure, PullRequestList, TokenNeeded };

export const TOKEN_VARIABLES: Record<ForgeKind, string> = { github: 'GITHUB_TOKEN', gitlab: 'GITLAB_TOKEN', gitea: 'GITEA_TOKEN' };

export interface ForgeAccess {
  /** Forges the user runs (VS Code `driftless.forges`). */
  forges: readonly ForgeHost[];
  /** The token for the repository's forge, when the caller has one. */
  token?: string;
  /** Where a token may also come from (`GITHUB_TOKEN`, …): the CLI's environment; the editor's as a fallback. */
  environment?: Readonly<Record<string, string | undefined>>;
  /** The CI's own variables naming its forge's API (GITHUB_API_URL, CI_API_V4_URL): the CLI only. */
  ci?: { GITHUB_API_URL?: string | undefined; CI_API_V4_URL?: string | undefined };
  /** The time limit of each forge call (tests shorten it). */
  timeoutMs?: number;
}

/** What the forge needs before it can answer: a token for this host. */

function failure(error: unknown): Failure {
  if (error instanceof ForgeError || error instanceof DeliveryGitError) return { error: error.message, kind: error.kind };
  throw error;
}

/** The forge repository of a remote, with the CI's API base first when it names the same host. */
async function repositoryOf(git: DeliveryGit, remote: string, access: ForgeAccess): Promise<ForgeRepository | Failure> {
  const url = await git.remoteUrl(remote);
  if (!url) return { error: `The repository has no remote named ${remote}: add one (git remote add ${remote} URL).`, kind: 'no-remote' };
  const fromCi = access.ci ? forgeFromCiVariables(access.ci) : undefined;
  const configured: ForgeHost[] = [
    ...(fromCi ? [{ url: webUrlOfApi(fromCi.kind, fromCi.apiUrl), kind: fromCi.kind }] : []),
    ...access.forges,
  ];
  const resolved = await resolveForgeRepository(url, configured);
  if ('error' in resolved) return { error: `${remote} (${withoutCredentials(url)}): ${resolved.error}`, kind: 'unknown-forge' };
  // The CI's API base as given (GitHub Actions on github.com says https://api.github.com).
  if (fromCi && fromCi.kind === resolved.repository.kind && webUrlOfApi(fromCi.kind, fromCi.apiUrl) === resolved.repository.webUrl)
    return { ...resolved.repository, apiUrl: fromCi.apiUrl };
  return resolved.repository;
}

function tokenFor(repository: ForgeRepository, access: ForgeAccess): string | undefined {
  return access.token || access.environment?.[TOKEN_VARIABLES[repository.kind]] || undefined;
}

function tokenNeeded(repository: ForgeRepository): TokenNeeded {
  return {
    needsToken: {
      kind: repository.kind,
      forge: FORGE_NAMES[repository.kind],
      webUrl: repository.webUrl,
      repository: repository.fullName,
      variable: TOKEN_VARIABLES[repository.kind],
    },
  };
}

async function clientFor(git: DeliveryGit, remote: string, access: ForgeAccess): Promise<{ client: ForgeClient } | TokenNeeded | Failure> {
  const repository = await repositoryOf(git, remote, access);
  if ('error' in repository) return repository;
  const token = tokenFor(repository, access);
  if (!token) return tokenNeeded(repository);
  return { client: await forgeClient(repository, token, access.timeoutMs) };
}

/** Pushes a branch (the current one by default) to its push remote; never forced. */
export async function pushBranch(root: string, options: { branch?: string; remote?: string } = {}): Promise<PushResult | Failure> {
  try {
    const git = await DeliveryGit.open(root);
    const state = await git.state();
    const branch = options.branch ?? state.branch;
    if (!branch) return { error: 'HEAD is detached: there is no branch to push. Make a branch of this commit first.', kind: 'detached' };
    const remote = options.remote ?? (await git.pushRemoteOf(branch));
    if (!remote) return { error: 'The repository has no remote to push to: add one (git remote add origin URL).', kind: 'no-remote' };
    return await git.push(remote, branch);
  } catch (error) {
    return failure(error);
  }
}

export interface OpenPullRequestOptions extends ForgeAccess {
  /** The project's root (a folder of the repository). */
  root: string;
  head?: string;
  base?: string;
  title?: string;
  /** Draft; default: .driftless.yaml's delivery.pullRequest. */
  draft?: boolean;
  remote?: string;
  /** Push the head first when the remote lacks it (the CLI; the editor pushes as its own step). */
  pushIfMissing?: boolean;
  tools: RenderTools;
  /** The drift of the target environments as Markdown, when a cluster was reachable. */
  drift?: (environments: readonly string[]) => Promise<string | undefined>;
}

export interface OpenedPullRequest {
  pullRequest: { url: string; number: number; title: string; head: string; base: string; draft: boolean };
  created: boolean;
  /** Whether the head was pushed first. */
  pushed: boolean;
  bodyCut: boolean;
  warnings: string[];
}

/** Opens the pull request of a branch, or links the one open for it. */
export async function openPullRequest(options: OpenPullRequestOptions): Promise<OpenedPullRequest | TokenNeeded | Failure> {
  try {
    const git = await DeliveryGit.open(options.root);
    const state = await git.state();
    const head = options.head ?? state.branch;
    if (!head) return { error: 'HEAD is detached: name the branch to propose (--head), or check out a branch.', kind: 'detached' };
    const headProblem = branchNameProblem(head);
    if (headProblem) return { error: `--head ${head}: ${headProblem}.`, kind: 'bad-input' };
    if (options.base !== undefined && branchNameProblem(options.base))
      return { error: `--base ${options.base}: ${branchNameProblem(options.base)}.`, kind: 'bad-input' };
    const headCommit = await git.commitOf(`refs/heads/${head}`);
    if (!headCommit) return { error: `There is no local branch ${head}.`, kind: 'bad-input' };
    const remote = options.remote ?? (await git.pushRemoteOf(head));
    if (!remote)
      return { error: 'The repository has no remote: add one (git remote add origin URL) to open a pull request.', kind: 'no-remote' };
    const found = await clientFor(git, remote, options);
    if (!('client' in found)) return found;
    const { client } = found;
    const warnings: string[] = [];

    // What the change touches decides .driftless.yaml's settings, the base among them.
    const project = loadProject(options.root);
    const defaultBase = options.base ?? (await git.remoteDefaultBranch(remote)) ?? (await client.defaultBranch());
    const defaultBaseCommit = await git
      .fetchCommit(remote, `refs/heads/${defaultBase}`, `refs/remotes/${remote}/${defaultBase}`)
      .catch(() => undefined);
    const touched = defaultBaseCommit ? await git.changedBetween(defaultBaseCommit, headCommit).catch(() => []) : [];
    const touchedPaths = new Set(touched.map((path) => join(git.root, path)));
    const environments = project.environments().filter((environment) => {
      const plan = project.renderPlanOf(environment);
      return plan.kind !== 'none' && touches(touchedPaths, environment, plan, project);
    });
    const settings = pullRequestSettingsFor(environments, project.pullRequestSettings());
    const base = options.base ?? settings.base ?? defaultBase;
    if (branchNameProblem(base)) return { error: `The base ${base}: ${branchNameProblem(base)}.`, kind: 'bad-input' };
    if (base === head) return { error: `The head and the base are both ${head}: a pull request needs two branches.`, kind: 'bad-input' };

    // The head on the remote: pushed when missing (asked for), never forced.
    let pushed = false;
    const remoteHas = await git.remoteBranches(remote);
    if (!remoteHas.has(head)) {
      if (!options.pushIfMissing) return { error: `${remote} has no branch ${head} yet: push it first.`, kind: 'not-pushed' };
      const push = await git.push(remote, head);
      if (!push.pushed)
        return { error: `git push ${remote} ${head} was rejected (${push.reason}):\n${push.gitMessage}\n${push.wayOut}`, kind: 'rejected' };
      pushed = true;
    } else {
      const remoteHead = await git.fetchCommit(remote, `refs/heads/${head}`, `refs/remotes/${remote}/${head}`).catch(() => undefined);
      if (remoteHead && remoteHead !== headCommit)
        warnings.push(
          `${remote}/${head} is at ${remoteHead.slice(0, 8)}, your ${head} at ${headCommit.slice(0, 8)}: the pull request shows ${remote}'s. Push to update it.`,
        );
    }

    const existing = await client.findOpen(head, base);
    if (existing) return { pullRequest: publicOf(existing), created: false, pushed, bodyCut: false, warnings };

    const baseCommit = await git.fetchCommit(remote, `refs/heads/${base}`, `refs/remotes/${remote}/${base}`).catch((error: unknown) => {
      throw error instanceof DeliveryGitError && error.kind === 'bad-input'
        ? new DeliveryGitError(`${remote} has no branch ${base} to propose into.`, 'bad-input')
        : error;
    });
    const body = await pullRequestBody(git, project, {
      headCommit,
      head,
      baseRef: `${remote}/${base}`,
      baseCommit,
      tools: options.tools,
      kind: client.repository.kind,
      environments: environments.map((e) => e.name),
      ...(options.drift ? { drift: options.drift } : {}),
    });
    const title = options.title?.trim() || (await git.subjectOf(headCommit)) || head;
    const request = {
      head,
      base,
      title,
      body: body.body,
      draft: options.draft ?? settings.draft ?? false,
      reviewers: settings.reviewers ?? [],
      labels: settings.labels ?? [],
    };
    try {
      const created = await client.create(request);
      return {
        pullRequest: publicOf(created.pullRequest),
        created: true,
        pushed,
        bodyCut: body.cut,
        warnings: [...warnings, ...created.warnings],
      };
    } catch (error) {
      // Opened by someone else since we looked (GitLab and Gitea say 409, GitHub 422 "already exists"): link it.
      if (error instanceof ForgeError && (error.kind === 'exists' || (error.kind === 'invalid' && /already exists/i.test(error.message)))) {
        const now = await client.findOpen(head, base);
        if (now) return { pullRequest: publicOf(now), created: false, pushed, bodyCut: false, warnings };
      }
      throw error;
    }
  } catch (error) {
    return failure(error);
  }
}

function publicOf(summary: PullRequestSummary): OpenedPullRequest['pullRequest'] {
  return { url: summary.url, number: summary.number, title: summary.title, head: summary.head, base: summary.base, draft: summary.draft };
}

function loadProject(root: string): Project {
  const project = new Project(root, new SchemaFiles());
  project.scan();
  return project;
}

/** The body of a pull request: the head commit rendered in a temporary worktree against the remote's base. */
async function pullRequestBody(
  git: DeliveryGit,
  project: Project,
  options: {
    headCommit: string;
    head: string;
    baseRef: string;
    baseCommit: string;
    tools: RenderTools;
    kind: ForgeKind;
    environments: string[];
    drift?: (environments: readonly string[]) => Promise<string | undefined>;
  },
): Promise<{ body: string; cut: boolean }> {
  const projectPath = relative(git.root, project.root);
  const made = await withWorktree(git.root, options.headCommit, async (worktree) => {
    const root = join(worktree, projectPath);
    const diffs = await diffEnvironments({ root, base: options.baseRef, tools: options.tools, headLabel: options.head });
    const changed = await git.changedBetween(options.baseCommit, options.headCommit);
    const validation = validateFiles(
      loadProject(root),
      changed.map((path) => join(worktree, path)),
    );
    return { diffs, validation };
  });
  const overridden = (await git.messagesBetween(options.baseCommit, options.headCommit)).some(
    (message) => overrideOf(message) !== undefined,
  );
  const renderedDiff =
    'error' in made.diffs
      ? `### Driftless: rendered changes\n\nThe environments could not be compared: ${markdownText(made.diffs.error)}`
      : // No limit here: the body is cut at the forge's own limit, with a note (buildPullRequestBody).
        renderedDiffMarkdown(made.diffs.environments, made.diffs.summary.text, Infinity);
  const drift = options.drift ? await options.drift(options.environments).catch(() => undefined) : undefined;
  const built = buildPullRequestBody({
    renderedDiff,
    validation: { ...made.validation, ...(overridden && made.validation.errors > 0 ? { overridden: true } : {}) },
    ...(drift ? { drift } : {}),
    forge: options.kind,
  });
  return { body: built.body, cut: built.cut };
}

/** Whether a pull request is open, merged (and the commit the merge made) or closed: a deploy follows it to its merge. */
export async function pullRequestState(
  root: string,
  number: number,
  access: ForgeAccess & { remote?: string },
): Promise<PullRequestState | TokenNeeded | Failure> {
  try {
    const git = await DeliveryGit.open(root);
    const remote = access.remote ?? (await git.pushRemoteOf((await git.state()).branch));
    if (!remote) return { error: 'The repository has no remote: its pull requests live on a forge it is pushed to.', kind: 'no-remote' };
    const found = await clientFor(git, remote, access);
    if (!('client' in found)) return found;
    return await found.client.pullRequestState(number);
  } catch (error) {
    return failure(error);
  }
}

/** The open pull requests of the repository's forge, with their checks and review state. */
export async function listPullRequests(
  root: string,
  access: ForgeAccess & { remote?: string; limit?: number },
): Promise<PullRequestList | TokenNeeded | Failure> {
  try {
    const git = await DeliveryGit.open(root);
    const state = await git.state();
    const remote = access.remote ?? (await git.pushRemoteOf(state.branch));
    if (!remote) return { error: 'The repository has no remote: its pull requests live on a forge it is pushed to.', kind: 'no-remote' };
    const found = await clientFor(git, remote, access);
    if (!('client' in found)) return found;
    const repository = found.client.repository;
    return {
      repository: { kind: repository.kind, forge: FORGE_NAMES[repository.kind], fullName: repository.fullName, webUrl: repository.webUrl },
      remote,
      pullRequests: await found.client.listOpen(access.limit ?? 30),
    };
  } catch (error) {
    return failure(error);
  }
}

export interface CheckoutRequest {
  root: string;
  remote: string;
  number: number;
  /** The pull request's head branch (the local branch's name), its fetchable ref, and its base. */
  head: string;
  headRef: string;
  base: string;
  /** Keep the working tree's changes on a new branch first (the user chose to; the `keepBranch` a dirty answer named). */
  keepChangesOn?: string;
}

/**
 * Checks out a pull request's head as a local branch. With a dirty tree nothing happens unless the user chose to keep
 * the changes on a branch; a local branch that moved away from the pull request is never reset.
 */
export async function checkoutPullRequest(request: CheckoutRequest): Promise<CheckoutOutcome> {
  try {
    if (!/^refs\/(pull|merge-requests)\/\d+\/head$/.test(request.headRef))
      return { error: `${request.headRef} is no pull request's head.`, kind: 'bad-input' };
    for (const name of [request.head, request.base, ...(request.keepChangesOn ? [request.keepChangesOn] : [])])
      if (branchNameProblem(name)) return { error: `"${name}": ${branchNameProblem(name)}.`, kind: 'bad-input' };
    const git = await DeliveryGit.open(request.root);
    const state = await git.state();
    if (state.changed.length && !request.keepChangesOn)
      return { dirty: state.changed, keepBranch: freeBranchName(keptChangesBranchName(new Date()), await git.localBranches()) };
    if (state.operation)
      return { error: `The repository is in the middle of ${state.operation}: finish or abort it first.`, kind: 'conflict' };
    const commit = await git.fetchCommit(request.remote, request.headRef);
    await git.fetchCommit(request.remote, `refs/heads/${request.base}`, `refs/remotes/${request.remote}/${request.base}`);
    const kept =
      request.keepChangesOn && state.changed.length
        ? await git.keepChangesOnBranch(
            request.keepChangesOn,
            `Driftless: changes kept before checking out pull request #${request.number}`,
          )
        : undefined;
    const checkedOut = await git.checkoutAt(request.head, commit);
    return { ...checkedOut, commit, baseRef: `${request.remote}/${request.base}`, ...(kept ? { kept } : {}) };
  } catch (error) {
    return failure(error);
  }
}
