// Where an environment's objects come from, behind one interface: a project on disk (the working tree, or a git ref
// checked out in a temporary worktree) renders them with kustomize or helm; a cluster reads them live
// (node/cluster/cluster-source). The Changes view compares a git ref's render with the working tree's; drift compares
// the working tree's with the cluster's.
import { realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import type { LiveObjects, UnreadScope } from '../../engine/drift/drift-report';
import type { Json } from '../../engine/json';
import type { Environment } from '../../engine/environments/environment';
import { renderedObjects, type RenderedObjects } from '../../engine/render/rendered-objects';
import { withWorktree } from '../git/base-worktree';
import { Project } from '../project';
import { SchemaFiles } from '../schema-files';
import { renderPlanWith, type RenderTools } from './render-environment';

export type SourceRender =
  | {
      ok: true;
      /** The objects as YAML documents (a render's own output). */
      text(): string;
      /** The objects, or why the render's output cannot be read (over a limit, not YAML). */
      objects(): RenderedObjects;
      /** Kinds and namespaces a live source could not read. */
      unread: UnreadScope[];
      /** What the reader should know of how the objects were read. */
      notes: string[];
    }
  | { ok: false; error: string };

export interface RenderScope {
  /** The objects (namespaced) whose kinds and namespaces a live source reads; a render ignores it. */
  like?: readonly Json[];
  signal?: AbortSignal;
}

export interface RenderSource {
  /** `working tree`, `main`, `cluster prod-eu`. */
  readonly label: string;
  render(environment: Environment, scope?: RenderScope): Promise<SourceRender>;
}

/** A render's output as a source's result; parsed once, when first asked. */
export function renderedText(yaml: string): SourceRender {
  let objects: RenderedObjects | undefined;
  return { ok: true, text: () => yaml, objects: () => (objects ??= renderedObjects(yaml)), unread: [], notes: [] };
}

/** Live objects as a source's result. */
export function liveObjects(live: LiveObjects & { notes?: string[] }): SourceRender {
  return {
    ok: true,
    text: () => live.objects.map((object) => stringify(object)).join('---\n'),
    objects: () => ({ ok: true, objects: live.objects }),
    unread: live.unread,
    notes: live.notes ?? [],
  };
}

/** The environments of a project on disk, rendered with the real tools. */
export function projectSource(project: Project, tools: RenderTools, label = 'working tree'): RenderSource {
  return {
    label,
    async render(environment, scope) {
      try {
        const rendered = await renderPlanWith(project.renderPlanOf(environment), tools, scope?.signal);
        return rendered.ok ? renderedText(rendered.yaml) : { ok: false, error: rendered.error };
      } catch (error) {
        // A plan that cannot be made (a source gone from a base) is this environment's error, not the caller's end.
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}

/**
 * The environments as a git ref has them, rendered in a temporary worktree that `use` runs in (removed afterwards).
 * An environment the ref does not have renders to nothing there.
 */
export function withGitRefSource<T>(
  options: { repository: string; ref: string; root: string; tools: RenderTools },
  use: (source: RenderSource) => Promise<T>,
): Promise<T> {
  return withWorktree(options.repository, options.ref, async (worktree) => {
    // git names the repository by its real path; the root may be reached through a symbolic link.
    const project = new Project(join(worktree, relative(options.repository, realpathSync(options.root))), new SchemaFiles());
    project.scan();
    const inRef = projectSource(project, options.tools, options.ref);
    return use({
      label: options.ref,
      render: (environment, scope) => {
        const found = project.environments().find((e) => e.name === environment.name);
        return found ? inRef.render(found, scope) : Promise.resolve(renderedText(''));
      },
    });
  });
}
