// An environment as a commit has it: its project checked out in a temporary worktree (render-source's way, never the
// user's checkout), its render, the files that render reads (relative to the repository, for `git log -- paths` and a
// rollback's restore), and the validation of those files. Deploys use committed states only.
import { join, relative, sep } from 'node:path';
import type { Environment } from '../../engine/environments/environment';
import type { ValidationSummary } from '../../engine/delivery/pull-request-body';
import type { Json } from '../../engine/json';
import { identityOf } from '../../engine/drift/object-identity';
import { validateFiles } from '../delivery/commit-plan';
import { withWorktree } from '../git/base-worktree';
import { Project } from '../project';
import { inputFolders } from '../render/render-inputs';
import { projectSource } from '../render/render-source';
import type { RenderTools } from '../render/render-environment';
import { SchemaFiles } from '../schema-files';
import { findYamlFiles } from '../find-yaml-files';

export interface RevisionView {
  /** The project in the worktree (valid inside `use` only). */
  project: Project;
  environment: Environment;
  /** Files and folders its render reads, relative to the repository, with `/`; and the file defining it. */
  inputs: string[];
  render: { ok: true; yaml: string; objects: Json[] } | { ok: false; error: string };
  validation: ValidationSummary;
}

/** Runs `use` on the environment as `commit` has it; `{ error }` when the commit has no such environment. */
export async function atRevision<T>(
  options: { repository: string; projectRoot: string; commit: string; environment: string; tools: RenderTools; signal?: AbortSignal },
  use: (view: RevisionView) => Promise<T>,
): Promise<T | { error: string }> {
  return withWorktree(options.repository, options.commit, async (worktree) => {
    const root = join(worktree, relative(options.repository, options.projectRoot));
    const project = new Project(root, new SchemaFiles());
    project.scan();
    const environment = project.environments().find((e) => e.name === options.environment);
    if (!environment) return { error: `${options.commit.slice(0, 12)} has no environment named "${options.environment}"` };
    const plan = project.renderPlanOf(environment);
    const folders = inputFolders(plan, project);
    const relativeTo = (path: string) => relative(worktree, path).split(sep).join('/');
    // The file defining it is an input (a HelmRelease's values, an Application's kustomize options), also when
    // .driftless.yaml refines it.
    const defining = [
      ...(environment.file && environment.file !== project.configPath ? [environment.file] : []),
      ...(environment.objectFile ? [environment.objectFile] : []),
    ];
    const inputs = [...new Set([...folders.recursive, ...folders.files, ...defining].map(relativeTo))].filter(
      (path) => path && !path.startsWith('..'),
    );
    let render: RevisionView['render'];
    if (plan.kind === 'none') render = { ok: false, error: plan.why };
    else {
      const rendered = await projectSource(project, options.tools).render(environment, options.signal ? { signal: options.signal } : {});
      if (!rendered.ok) render = { ok: false, error: rendered.error };
      else {
        const read = rendered.objects();
        render = read.ok
          ? { ok: true, yaml: rendered.text(), objects: read.objects.filter((o) => identityOf(o)) }
          : { ok: false, error: read.error };
      }
    }
    const filter = { exclude: [], root: worktree, confineTo: worktree };
    const files = [...folders.recursive.flatMap((folder) => findYamlFiles(folder, filter, 20_000)), ...folders.files, ...defining];
    return use({ project, environment, inputs, render, validation: validateFiles(project, [...new Set(files)]) });
  });
}
