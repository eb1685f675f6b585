// What a commit of the working tree's changes would be, before anything is written: which changed files belong to
// which environments, what each environment's render gains or loses, the message and branch drafted from that, and
// the validation of the files to commit (errors block unless the user overrides). Then the commit itself, on the
// current branch or a new one, re-validated at that moment.
import type { CommitPlan, PlannedFile } from '../../engine/delivery/delivery-reports';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { draftBranchName, freeBranchName } from '../../engine/delivery/branch-name';
import { draftCommitMessage, withOverrideTrailer } from '../../engine/delivery/commit-message';
import { withoutCredentials } from '../../engine/delivery/forge';
import type { ValidationSummary } from '../../engine/delivery/pull-request-body';
import { pullRequestSettingsFor } from '../../engine/delivery/pull-request-settings';
import type { Project } from '../project';
import { readTextFile } from '../read-text-file';
import { diffEnvironments, touches, type DiffCache, type EnvironmentDiffs } from '../render/environment-diff';
import type { RenderTools } from '../render/render-environment';
import { DeliveryGit, DeliveryGitError } from './delivery-git';

export type { CommitPlan, PlannedFile };

export interface PlanOptions {
  tools: RenderTools;
  cache?: DiffCache;
  /** The server's project, current with the disk, when its index is complete. */
  current?: boolean;
}

const SEVERITY_KEY = { error: 'errors', warning: 'warnings', info: 'infos', hint: 'infos' } as const;

/** The findings of files as `driftless validate` reports them, counted; deleted and non-YAML files are skipped. */
export function validateFiles(project: Project, files: readonly string[]): ValidationSummary {
  const summary: ValidationSummary = { errors: 0, warnings: 0, infos: 0, files: 0 };
  for (const file of files) {
    if (!/\.ya?ml$/i.test(file) || !existsSync(file) || project.isExcluded(file)) continue;
    const text = readTextFile(file);
    if (!text.ok) continue;
    summary.files++;
    for (const diagnostic of project.validateText(file, text.text).diagnostics) {
      const key = SEVERITY_KEY[diagnostic.severity as keyof typeof SEVERITY_KEY];
      if (key) summary[key]++;
    }
  }
  return summary;
}

/** The plan of committing the working tree's changes in the project's repository. */
export async function planCommit(project: Project, options: PlanOptions): Promise<CommitPlan> {
  const git = await DeliveryGit.open(project.root);
  const state = await git.state();
  const remote = await git.pushRemoteOf(state.branch);
  const remoteUrl = remote ? await git.remoteUrl(remote) : undefined;
  const absolute = (path: string) => join(git.root, path);

  const diffs = state.changed.length
    ? await diffEnvironments({
        root: project.root,
        tools: options.tools,
        ...(options.cache ? { cache: options.cache } : {}),
        ...(options.current ? { project } : {}),
      })
    : ({ base: 'HEAD', environments: [], summary: { objects: 0, environments: 0, failed: 0, text: '' } } satisfies EnvironmentDiffs);
  const changedEnvironments = 'error' in diffs ? [] : diffs.environments.filter((e) => e.changes.length);

  const environments = project.environments();
  const files: PlannedFile[] = state.changed.map((path) => ({
    path,
    errors: validateFiles(project, [absolute(path)]).errors,
    environments: environments
      .filter((environment) => {
        const plan = project.renderPlanOf(environment);
        return plan.kind !== 'none' && touches(new Set([absolute(path)]), environment, plan, project);
      })
      .map((e) => e.name),
  }));
  const shown = new Set(changedEnvironments.map((e) => e.name));
  const environmentFiles = files.filter((file) => file.environments.some((name) => shown.has(name))).map((file) => file.path);

  const display = (path: string) => relative(git.root, absolute(path)).split('\\').join('/');
  const drafted = draftCommitMessage(changedEnvironments, (environmentFiles.length ? environmentFiles : state.changed).map(display));
  const branchName = freeBranchName(draftBranchName(changedEnvironments, state.changed), await git.localBranches());
  const targets = environments.filter((e) => shown.has(e.name));
  return {
    root: git.root,
    ...(state.branch ? { branch: state.branch } : {}),
    ...(state.head ? { head: state.head } : {}),
    ...(remote ? { remote } : {}),
    ...(remoteUrl ? { remoteUrl: withoutCredentials(remoteUrl) } : {}),
    files,
    environmentFiles,
    environments: changedEnvironments.map((e) => ({ name: e.name, objects: e.changes.length })),
    subject: drafted.subject,
    message: drafted.message,
    branchName,
    validation: validateFiles(project, state.changed.map(absolute)),
    pullRequest: pullRequestSettingsFor(targets, project.pullRequestSettings()),
    ...('error' in diffs ? { diffError: diffs.error } : {}),
    ...(state.operation ? { operation: state.operation } : {}),
  };
}

export interface CommitRequest {
  /** Paths relative to the git root (or absolute, inside it). */
  files: readonly string[];
  message: string;
  /** A new branch to make and commit on; absent: the current branch. */
  branch?: string;
  /** Commit despite validation errors: recorded in the message's Driftless-Override trailer. */
  override?: boolean;
}

export type CommitOutcome =
  | { commit: string; branch: string; message: string; validation: ValidationSummary }
  | { error: string; kind: DeliveryGitError['kind'] | 'validation' };

/**
 * Commits the chosen files: validated first (errors refuse the commit unless overridden, and an override is written
 * into the message), on a new branch when one is named. Nothing else in the repository changes.
 */
export async function commitChange(project: Project, request: CommitRequest): Promise<CommitOutcome> {
  try {
    const git = await DeliveryGit.open(project.root);
    const paths = request.files.map((file) => git.repositoryPath(file));
    const state = await git.state();
    if (!state.branch && !request.branch)
      return {
        error: 'HEAD is detached: a commit here would belong to no branch. Name a new branch to commit on (Driftless: Commit… offers one).',
        kind: 'detached',
      };
    const validation = validateFiles(
      project,
      paths.map((path) => join(git.root, path)),
    );
    if (validation.errors > 0 && !request.override)
      return {
        error: `Validation found ${validation.errors} error${validation.errors === 1 ? '' : 's'} in the files to commit: fix ${validation.errors === 1 ? 'it' : 'them'}, or commit with an override (recorded in the commit message).`,
        kind: 'validation',
      };
    if (state.operation)
      return { error: `The repository is in the middle of ${state.operation}: finish or abort it first, then commit.`, kind: 'conflict' };
    const message = validation.errors > 0 ? withOverrideTrailer(request.message, validation.errors) : request.message.trim();
    if (request.branch) await git.createBranch(request.branch);
    try {
      const { commit } = await git.commit(paths, message);
      return { commit, branch: request.branch ?? state.branch!, message, validation };
    } catch (error) {
      // The commit was refused (a hook, signing): back to where the user was; the new branch, still at the same
      // commit, goes again. The working tree's changes come along untouched.
      if (request.branch) await git.abandonNewBranch(request.branch, state.branch ?? state.head!).catch(() => undefined);
      throw error;
    }
  } catch (error) {
    if (error instanceof DeliveryGitError) return { error: error.message, kind: error.kind };
    throw error;
  }
}
