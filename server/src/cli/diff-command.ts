// `driftless diff [--base REF] [--env NAME] [--format text|json|markdown]`: what the working tree's changes do to
// each environment's rendered objects, against the base branch rendered in a temporary worktree. Exit 0 no changes,
// 1 changes, 2 errors (what could be computed is still printed).
import { join, relative, resolve } from 'node:path';
import type { Environment } from '../engine/environments/environment';
import { diffRenders, type ObjectChange } from '../engine/render/object-diff';
import { renderPlan } from '../engine/render/render-plan';
import { firstExistingRef, gitRoot, withWorktree } from '../node/git/base-worktree';
import { findProjectRoot, Project } from '../node/project';
import { renderPlanWith, type RenderTools } from '../node/render/render-environment';
import { SchemaFiles } from '../node/schema-files';
import type { CommandResult } from './validate-command';

export interface DiffOptions {
  base?: string;
  environment?: string;
  format: 'text' | 'json' | 'markdown';
  cwd: string;
  tools: RenderTools;
}

interface EnvironmentDiff {
  name: string;
  changes: ObjectChange[];
  error?: string;
  /** Why it is not rendered at all (its source is another repository): not an error. */
  skipped?: string;
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
  const rendered = await renderPlanWith(
    renderPlan(environment, project.files, project.deliveredPaths.repositoryRoot ?? project.root),
    tools,
  );
  return rendered.ok ? { yaml: rendered.yaml } : { error: rendered.error };
}

export async function runDiff(options: DiffOptions): Promise<CommandResult> {
  const root = findProjectRoot(resolve(options.cwd));
  const repository = await gitRoot(root);
  if (!repository)
    return { exitCode: 2, stdout: '', stderr: `driftless: ${root} is not in a git repository: there is no base to compare with.` };
  const head = loadProject(root);
  const environments = head.environments().filter((e) => !options.environment || e.name === options.environment);
  if (options.environment && !environments.length)
    return { exitCode: 2, stdout: '', stderr: `driftless: no environment named "${options.environment}".` };
  const candidates = options.base
    ? [options.base]
    : [...new Set([environments[0]?.baseBranch, 'main', 'master'].filter((b): b is string => !!b)), 'HEAD'];
  const base = await firstExistingRef(repository, candidates);
  if (!base) return { exitCode: 2, stdout: '', stderr: `driftless: ${options.base} is no commit of this repository.` };

  const results = await withWorktree(repository, base, async (worktree) => {
    const baseProject = loadProject(join(worktree, relative(repository, root)));
    const baseEnvironments = baseProject.environments();
    const diffs: EnvironmentDiff[] = [];
    for (const environment of environments) {
      const plan = renderPlan(environment, head.files, head.deliveredPaths.repositoryRoot ?? head.root);
      if (plan.kind === 'none') {
        diffs.push({ name: environment.name, changes: [], skipped: plan.why });
        continue;
      }
      const [before, after] = [
        await render(
          baseProject,
          baseEnvironments.find((e) => e.name === environment.name),
          options.tools,
        ),
        await render(head, environment, options.tools),
      ];
      if ('error' in before || 'error' in after) {
        const error = 'error' in after ? after.error : `on ${base}: ${(before as { error: string }).error}`;
        diffs.push({ name: environment.name, changes: [], error });
        continue;
      }
      diffs.push({ name: environment.name, changes: diffRenders(before.yaml, after.yaml, { base, head: 'working tree' }) });
    }
    return diffs;
  });

  const changed = results.filter((r) => r.changes.length);
  const objects = changed.reduce((sum, r) => sum + r.changes.length, 0);
  const errors = results.filter((r) => r.error);
  const summary = `This change changes ${objects} object${objects === 1 ? '' : 's'} in ${changed.length} environment${changed.length === 1 ? '' : 's'} (against ${base}).`;
  const exitCode = errors.length ? 2 : objects ? 1 : 0;
  const stderr = errors.map((e) => `driftless: ${e.name} cannot be rendered: ${e.error}`).join('\n');
  if (options.format === 'json')
    return {
      exitCode,
      stdout: JSON.stringify({ base, environments: results, summary: { objects, environments: changed.length } }, null, 2),
      stderr,
    };
  return { exitCode, stdout: options.format === 'markdown' ? markdown(results, summary) : text(results, summary), stderr };
}

const SIGN: Record<ObjectChange['change'], string> = { added: '+', removed: '-', changed: '~' };

function counts(changes: readonly ObjectChange[]): string {
  const of = (change: ObjectChange['change']) => changes.filter((c) => c.change === change).length;
  return `${of('changed')} changed, ${of('added')} added, ${of('removed')} removed`;
}

function text(results: readonly EnvironmentDiff[], summary: string): string {
  const lines: string[] = [];
  for (const result of results) {
    if (result.skipped) lines.push(`${result.name}: not rendered: ${result.skipped}`);
    if (!result.changes.length) continue;
    lines.push(`${result.name}: ${counts(result.changes)}`);
    for (const change of result.changes) lines.push(`  ${SIGN[change.change]} ${change.id}`, change.diff.replace(/^/gm, '    ').trimEnd());
  }
  lines.push(summary);
  return lines.join('\n');
}

function markdown(results: readonly EnvironmentDiff[], summary: string): string {
  const lines = [`### Driftless: rendered changes`, '', summary, ''];
  for (const result of results) {
    if (result.error) lines.push(`- **${result.name}**: cannot be rendered: ${result.error.split('\n')[0]}`);
    if (result.skipped) lines.push(`- ${result.name}: not rendered: ${result.skipped}`);
    if (!result.changes.length) continue;
    lines.push(`<details><summary><b>${result.name}</b>: ${counts(result.changes)}</summary>`, '');
    for (const change of result.changes)
      lines.push(`${SIGN[change.change]} \`${change.id}\``, '', '```diff', change.diff.trimEnd(), '```', '');
    lines.push('</details>', '');
  }
  return lines.join('\n').trimEnd();
}
