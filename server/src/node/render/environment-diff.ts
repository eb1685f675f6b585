// What the working tree's changes do to each environment: every environment rendered from the working tree and from
// the base ref (checked out in a temporary worktree), objects matched and diffed (engine/render/object-diff). Shared
// by `driftless diff` and the editor's Changes view. The editor keeps a DiffCache across requests: a commit's renders
// never change, and a working-tree render holds while the content of what it reads does, so after an edit only the
// environments it touches are rendered again (and no worktree is made while the base commit stays the same).
import type { EnvironmentDiff, EnvironmentDiffs, RenderFailureCause } from '../../engine/render/environment-diffs';
import { relativeMessage, renderFailureCause } from './render-failure-cause';
import { withRenderedFindings } from '../../engine/render/changed-objects';
import { realpathSync } from 'node:fs';
import { cpus } from 'node:os';
import { LRUCache } from 'lru-cache';
import { join, relative, resolve } from 'node:path';
import { noEnvironmentNamed, type Environment } from '../../engine/environments/environment';
import { diffRenders } from '../../engine/render/object-diff';
import type { RenderPlan } from '../../engine/render/render-plan';
import { changedSince, firstExistingRef, gitRoot, pruneLeftoverWorktrees, withWorktree } from '../git/base-worktree';
import { Project } from '../project';
import { SchemaFiles } from '../schema-files';
import type { RenderTools } from './render-environment';
import { projectSource } from './render-source';
import { isUnder } from '../confined-path';
import { inputFolders, RenderInputs } from './render-inputs';

export type { EnvironmentDiff, EnvironmentDiffs };

type Side = { yaml: string } | { error: string; failure: RenderFailureCause };

/** Renders kept between diffs of one repository (the editor's Changes view). */
export class DiffCache {
  /** The base's renders, by commit, environment and tools (only the last commit's are kept). */
  readonly base = new LRUCache<string, Side>({ max: 2_000 });
  /** The base's renders under way (a diff's or the background's), same keys: each is made once. */
  readonly pendingBase = new Map<string, Promise<Side>>();
  /** The background renders of the base under way (see prerenderBase). */
  prerendering: Promise<void> | undefined;
  /** The base's render plans (as JSON, paths as in the working tree; null: no such environment there), same keys. */
  readonly basePlans = new Map<string, string | null>();
  baseCommit: string | undefined;
  /** Whether earlier runs' leftover worktrees were pruned (once per cache). */
  pruned = false;
  /** The working tree's renders, by environment and tools, with the digest of their inputs. */
  readonly head = new LRUCache<string, { digest: string; side: Side }>({ max: 2_000 });
  readonly inputs = new RenderInputs();
}

function loadProject(root: string): Project {
  const project = new Project(root, new SchemaFiles());
  project.scan();
  return project;
}

async function render(project: Project, environment: Environment | undefined, tools: RenderTools): Promise<Side> {
  // An environment the base does not have yet renders to nothing there: all its objects are added.
  if (!environment) return { yaml: '' };
  // Both sides are render sources (render-source.ts): the working tree's project, or the base's in its worktree.
  const rendered = await projectSource(project, tools).render(environment);
  if (rendered.ok) return { yaml: rendered.text() };
  // Told in the repository's terms while the project (a base worktree's, say) is at hand.
  return { error: relativeMessage(project, rendered.error), failure: renderFailureCause(project, environment, rendered.error) };
}

/**
 * Whether a changed file can change the environment's render: one it reads (see inputFolders), the file that defines
 * it, or the project's `.driftless.yaml`.
 */
export function touches(changed: ReadonlySet<string>, environment: Environment, plan: RenderPlan, project: Project): boolean {
  const inputs = inputFolders(plan, project);
  const defining = [environment.file, project.configPath].filter((file): file is string => file !== undefined);
  for (const file of changed) {
    if (defining.includes(file) || inputs.files.includes(file)) return true;
    if (inputs.recursive.some((folder) => file === folder || isUnder(file, folder))) return true;
  }
  return false;
}

/**
 * The base's render of an environment, made once however many ask for it (a diff, the background); kept when it is
 * of the commit the cache holds.
 */
function baseRender(cache: DiffCache, commit: string, key: string, make: () => Promise<Side>): Promise<Side> {
  const known = cache.base.get(key);
  if (known) return Promise.resolve(known);
  let pending = cache.pendingBase.get(key);
  if (!pending) {
    pending = make()
      .then((side) => {
        if (cache.baseCommit === commit) cache.base.set(key, side);
        return side;
      })
      .finally(() => cache.pendingBase.delete(key));
    cache.pendingBase.set(key, pending);
  }
  return pending;
}

/** The ref a diff compares with, and its commit: `base`, else the environments' base branch, main, master, HEAD. */
async function baseCommitOf(
  repository: string,
  environments: readonly Environment[],
  base: string | undefined,
): Promise<{ ref: string; commit: string } | undefined> {
  const candidates = base ? [base] : [...new Set([environments[0]?.baseBranch, 'main', 'master'].filter((b): b is string => !!b)), 'HEAD'];
  return firstExistingRef(repository, candidates);
}

/** Runs `work` on every item, a few at a time (`width`): the tools are processes of their own, and cores are few. */
async function inPool<T>(
  items: readonly T[],
  work: (item: T) => Promise<void>,
  width = Math.max(2, Math.min(4, cpus().length)),
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/**
 * The diffs of the project at `root` (all its environments, or the one named) against `base` (else the default base).
 * `project`: the working tree's project when the caller keeps one current (the editor); `cache`: renders to reuse.
 */
export async function diffEnvironments(options: {
  root: string;
  base?: string;
  environment?: string;
  tools: RenderTools;
  project?: Project;
  cache?: DiffCache;
  /** What the head side is called in the diffs (default "working tree"; a branch when `root` is its checkout). */
  headLabel?: string;
}): Promise<EnvironmentDiffs | { error: string }> {
  const { root, tools } = options;
  const cache = options.cache ?? new DiffCache();
  const repository = await gitRoot(root);
  if (!repository) return { error: `${root} is not in a git repository: there is no base to compare with.` };
  // git names the repository by its real path; the root may be reached through a symbolic link: git's paths are
  // turned into the root's.
  const realRoot = realpathSync(root);
  const repositoryAsSeen = resolve(root, relative(realRoot, repository));
  if (!cache.pruned) {
    cache.pruned = true;
    await pruneLeftoverWorktrees(repository);
  }
  const head = options.project ?? loadProject(root);
  const environments = head.environments().filter((e) => !options.environment || e.name === options.environment);
  if (options.environment && !environments.length)
    return {
      error: noEnvironmentNamed(
        options.environment,
        head.environments().map((e) => e.name),
      ),
    };
  const found = await baseCommitOf(repository, environments, options.base);
  if (!found) return { error: `${options.base} is no commit of this repository.` };
  const { ref: base, commit } = found;
  if (cache.baseCommit !== commit) {
    cache.base.clear();
    cache.basePlans.clear();
    cache.baseCommit = commit;
  }

  const toolsKey = JSON.stringify(tools);
  const baseKey = (environment: Environment) => `${commit}\0${environment.name}\0${toolsKey}`;
  // What the background is rendering from this commit is waited for rather than rendered again.
  await Promise.all(environments.flatMap((environment) => cache.pendingBase.get(baseKey(environment)) ?? []));
  const rendered = environments.flatMap((environment) => {
    const plan = head.renderPlanOf(environment);
    return plan.kind === 'none' ? [] : [{ environment, plan }];
  });

  // An environment whose render plan is the base's and none of whose inputs git reports changed renders the same on
  // both sides: neither is rendered. Most environments of a repository are untouched by a change.
  const changedInGit = await changedSince(repository, commit);
  const changedFiles = changedInGit && new Set([...changedInGit].map((file) => join(repositoryAsSeen, relative(repository, file))));
  const untouched = new Set<string>();
  const settle = () => {
    if (!changedFiles) return;
    for (const { environment, plan } of rendered)
      if (cache.basePlans.get(baseKey(environment)) === JSON.stringify(plan) && !touches(changedFiles, environment, plan, head))
        untouched.add(environment.name);
  };
  settle();

  // The base: only what no earlier diff rendered from this commit, in one worktree (which also tells the base's plans).
  const needsBase = ({ environment }: { environment: Environment }) =>
    !untouched.has(environment.name) && !cache.base.has(baseKey(environment));
  if (rendered.some(({ environment }) => !cache.basePlans.has(baseKey(environment))) || rendered.some(needsBase))
    await withWorktree(repository, commit, async (worktree) => {
      const baseRoot = join(worktree, relative(repository, realRoot));
      const baseProject = loadProject(baseRoot);
      const baseEnvironments = baseProject.environments();
      const baseOf = (environment: Environment) => baseEnvironments.find((e) => e.name === environment.name);
      for (const { environment } of rendered) {
        const found = baseOf(environment);
        // The base's paths as the working tree's, so that equal plans compare equal.
        const plan = found
          ? JSON.stringify(baseProject.renderPlanOf(found))
              .split(JSON.stringify(worktree).slice(1, -1))
              .join(JSON.stringify(repositoryAsSeen).slice(1, -1))
          : null;
        cache.basePlans.set(baseKey(environment), plan);
      }
      settle();
      await inPool(rendered.filter(needsBase), async ({ environment }) => {
        await baseRender(cache, commit, baseKey(environment), () => render(baseProject, baseOf(environment), tools));
      });
    });

  // The working tree: again only where the content of what a render reads changed.
  const heads = new Map<string, Side>();
  await inPool(
    rendered.filter(({ environment }) => !untouched.has(environment.name)),
    async ({ environment, plan }) => {
      const key = `${environment.name}\0${toolsKey}`;
      const digest = cache.inputs.digest(plan, head, tools);
      const known = cache.head.get(key);
      if (digest !== undefined && known?.digest === digest) {
        heads.set(environment.name, known.side);
        return;
      }
      const side = await render(head, environment, tools);
      heads.set(environment.name, side);
      if (digest !== undefined) cache.head.set(key, { digest, side });
    },
  );

  const results: EnvironmentDiff[] = environments.map((environment) => {
    const plan = head.renderPlanOf(environment);
    if (plan.kind === 'none') return { name: environment.name, changes: [], skipped: plan.why };
    if (untouched.has(environment.name)) return { name: environment.name, changes: [] };
    const before = cache.base.get(baseKey(environment))!;
    const after = heads.get(environment.name)!;
    if ('error' in after) return { name: environment.name, changes: [], error: after.error, failure: after.failure };
    if ('error' in before)
      return {
        name: environment.name,
        changes: [],
        error: `on ${base}: ${before.error}`,
        failure: { ...before.failure, cause: `on ${base}: ${before.failure.cause}` },
      };
    const changes = diffRenders(before.yaml, after.yaml, { base, head: options.headLabel ?? 'working tree' });
    return Array.isArray(changes)
      ? withRenderedFindings({ name: environment.name, changes }, after.yaml, head, before.yaml)
      : { name: environment.name, changes: [], error: changes.error, failure: { cause: changes.error } };
  });
  const changed = results.filter((r) => r.changes.length);
  const objects = changed.reduce((sum, r) => sum + r.changes.length, 0);
  const failed = results.filter((r) => r.error).length;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const text =
    `This change changes ${plural(objects, 'object')} in ${plural(changed.length, 'environment')} (against ${base})` +
    (failed ? `; ${plural(failed, 'environment')} cannot be rendered.` : '.');
  return { base, environments: results, summary: { objects, environments: changed.length, failed, text } };
}

/**
 * Renders, in the background and one at a time, the base side of every environment a diff of this commit has not
 * rendered (those no change touched), so that a later edit touching them — of a shared base, say — waits only for the
 * working tree's side. After a diff (it fixes the commit); once per commit; stops when the base moves.
 */
export function prerenderBase(options: { root: string; tools: RenderTools; project: Project; cache: DiffCache }): Promise<void> {
  const { cache } = options;
  if (cache.prerendering) return cache.prerendering;
  const run = renderMissingBases(options);
  cache.prerendering = run;
  // Cleared once done (also when it ends at once), so that the next diff may start the next.
  void run.finally(() => {
    if (cache.prerendering === run) cache.prerendering = undefined;
  });
  return run;
}

async function renderMissingBases(options: { root: string; tools: RenderTools; project: Project; cache: DiffCache }): Promise<void> {
  const { cache } = options;
  const commit = cache.baseCommit;
  if (!commit) return;
  const toolsKey = JSON.stringify(options.tools);
  const keyOf = (environment: Environment) => `${commit}\0${environment.name}\0${toolsKey}`;
  const missing = options.project
    .environments()
    .filter((e) => options.project.renderPlanOf(e).kind !== 'none' && !cache.base.has(keyOf(e)) && !cache.pendingBase.has(keyOf(e)));
  const repository = missing.length ? await gitRoot(options.root) : undefined;
  if (!repository) return;
  await withWorktree(repository, commit, async (worktree) => {
    const baseProject = loadProject(join(worktree, relative(repository, options.root)));
    const baseEnvironments = baseProject.environments();
    await inPool(
      missing,
      async (environment) => {
        if (cache.baseCommit !== commit) return;
        const found = baseEnvironments.find((e) => e.name === environment.name);
        await baseRender(cache, commit, keyOf(environment), () => render(baseProject, found, options.tools));
      },
      1,
    );
  });
}
