// `delivery.pullRequest` of .driftless.yaml, at the top level and per environment: whether pull requests open as
// drafts, who reviews them, their labels and their base branch. A change touching several environments gets the
// reviewers and labels of all of them, and is a draft when any of them asks for one.
import type { Environment } from '../environments/environment';
import { isRecord } from '../json';

export interface PullRequestSettings {
  draft?: boolean;
  reviewers?: string[];
  labels?: string[];
  base?: string;
}

function names(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const found = value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
  return found.length ? [...new Set(found)] : undefined;
}

/** A `pullRequest` mapping as written, reduced to what can be used (the schema reports the rest). */
export function readPullRequestSettings(value: unknown): PullRequestSettings | undefined {
  if (!isRecord(value)) return undefined;
  const reviewers = names(value.reviewers);
  const labels = names(value.labels);
  const base = typeof value.base === 'string' && value.base.trim() ? value.base.trim() : undefined;
  const settings: PullRequestSettings = {
    ...(typeof value.draft === 'boolean' ? { draft: value.draft } : {}),
    ...(reviewers ? { reviewers } : {}),
    ...(labels ? { labels } : {}),
    ...(base ? { base } : {}),
  };
  return Object.keys(settings).length ? settings : undefined;
}

/** The top-level `delivery` of .driftless.yaml → its `pullRequest`. */
export function topLevelPullRequestSettings(delivery: unknown): PullRequestSettings | undefined {
  return isRecord(delivery) ? readPullRequestSettings(delivery.pullRequest) : undefined;
}

/**
 * The settings of a pull request for a change to `environments`: each environment's own over the top level's. The
 * base: an environment's `pullRequest.base`, else its delivery branch, when all the environments agree; else the top
 * level's; else undefined (the caller takes the remote's default branch).
 */
export function pullRequestSettingsFor(
  environments: readonly Environment[],
  topLevel: PullRequestSettings | undefined,
): PullRequestSettings & { baseFrom?: string } {
  const own = environments.map((e) => ({ name: e.name, settings: e.delivery?.pullRequest, branch: e.delivery?.branch }));
  const draft = own.some((o) => (o.settings?.draft ?? topLevel?.draft) === true);
  const reviewers = [...new Set([...(topLevel?.reviewers ?? []), ...own.flatMap((o) => o.settings?.reviewers ?? [])])];
  const labels = [...new Set([...(topLevel?.labels ?? []), ...own.flatMap((o) => o.settings?.labels ?? [])])];
  const bases = [...new Set(own.map((o) => o.settings?.base ?? o.branch).filter((b): b is string => !!b))];
  const base = bases.length === 1 ? bases[0] : topLevel?.base;
  const baseFrom =
    bases.length === 1
      ? `the environment${own.length === 1 ? '' : 's'} ${own.map((o) => o.name).join(', ')}`
      : topLevel?.base
        ? '.driftless.yaml delivery.pullRequest.base'
        : undefined;
  return {
    ...(draft ? { draft } : {}),
    ...(reviewers.length ? { reviewers } : {}),
    ...(labels.length ? { labels } : {}),
    ...(base ? { base } : {}),
    ...(baseFrom && base ? { baseFrom } : {}),
  };
}
