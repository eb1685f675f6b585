// What the working tree's changes do to each environment: every environment rendered from the working tree and from
// the base ref (checked out in a temporary worktree), objects matched and diffed (engine/render/object-diff). Shared
// by `driftless diff` and the editor's Changes view.
import { join, relative } from 'node:path';
import type { Environment } from '../../engine/environments/environment';
import { diffRenders, type ObjectChange } from '../../engine/render/object-diff';
import { firstExistingRef, gitRoot, withWorktree } from '../git/base-worktree';
import { Project } from '../project';
import { SchemaFiles } from '../schema-files';
import { renderPlanWith, type RenderTools } from './render-environment';

export interface EnvironmentDiff {
  name: string;
  changes: ObjectChange[];
  error?: string;
  /** Why it is not rendered at all (its source is another repository): not an error. */
  skipped?: string;
}

export interface EnvironmentDiffs {
  base: string;
  environments: EnvironmentDiff[];
  summary: { objects: number; environments: number; text: string };
}

function loadProject(root: string): Project {
  const project = new Project(root, new SchemaFiles());
  project.scan();
  return project;
}

async function render(
  project: Project,
  environment: Environment | undefined,
  tools: RenderTools,
): Promise<{ yaml: string } | { error: string }> {
  // An environment the base does not have yet renders to nothing there: all its objects are added.
  if (!environment) return { yaml: '' };
  const rendered = await renderPlanWith(project.renderPlanOf(environment), tools);
  return rendered.ok ? { yaml: rendered.yaml } : { error: rendered.error };
}

/** The diffs of the project at `root` (all its environments, or the one named) against `base` (else the default base). */
export async function diffEnvironments(options: {
  root: string;
  base?: string;
  environment?: string;
  tools: RenderTools;
}): Promise<EnvironmentDiffs | { error: string }> {
  const { root, tools } = options;
  const repository = await gitRoot(root);
  if (!repository) return { error: `${root} is not in a git repository: there is no base to compare with.` };
  const head = loadProject(root);
  const environments = head.environments().filter((e) => !options.environment || e.name === options.environment);
  if (options.environment && !environments.length) return { error: `no environment named "${options.environment}".` };
  const candidates = options.base
    ? [options.base]
    : [...new Set([environments[0]?.baseBranch, 'main', 'master'].filter((b): b is string => !!b)), 'HEAD'];
  const base = await firstExistingRef(repository, candidates);
  if (!base) return { error: `${options.base} is no commit of this repository.` };

  const results = await withWorktree(repository, base, async (worktree) => {
    const baseProject = loadProject(join(worktree, relative(repository, root)));
    const baseEnvironments = baseProject.environments();
    const diffs: EnvironmentDiff[] = [];
    for (const environment of environments) {
      const plan = head.renderPlanOf(environment);
      if (plan.kind === 'none') {
        diffs.push({ name: environment.name, changes: [], skipped: plan.why });
        continue;
      }
      const before = await render(
        baseProject,
        baseEnvironments.find((e) => e.name === environment.name),
        tools,
      );
      const after = await render(head, environment, tools);
      if ('error' in after) diffs.push({ name: environment.name, changes: [], error: after.error });
      else if ('error' in before) diffs.push({ name: environment.name, changes: [], error: `on ${base}: ${before.error}` });
      else diffs.push({ name: environment.name, changes: diffRenders(before.yaml, after.yaml, { base, head: 'working tree' }) });
    }
    return diffs;
  });
  const changed = results.filter((r) => r.changes.length);
  const objects = changed.reduce((sum, r) => sum + r.changes.length, 0);
  const text = `This change changes ${objects} object${objects === 1 ? '' : 's'} in ${changed.length} environment${changed.length === 1 ? '' : 's'} (against ${base}).`;
  return { base, environments: results, summary: { objects, environments: changed.length, text } };
}
