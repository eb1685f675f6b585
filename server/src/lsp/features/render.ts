// driftless/render and driftless/changes: an environment rendered, and every environment's rendered diff against
// the base branch, in the server with the real tools (node/render), never in an untrusted workspace and only for the
// workspace folders' projects (a file opened from elsewhere is not covered by the user's trust), with a timeout and
// cancellation; renders cached by the content of what they read (node/render/render-inputs), in bounded caches;
// Secret values masked.
import { LRUCache } from 'lru-cache';
import { log } from '../../node/log';
import type { CancellationToken } from 'vscode-languageserver/node';
import type { Project } from '../../node/project';
import { renderPlanWith, type RenderTools } from '../../node/render/render-environment';
import { DiffCache, diffEnvironments, prerenderBase } from '../../node/render/environment-diff';
import { RenderInputs } from '../../node/render/render-inputs';
import { planForFolder, type RenderPlan } from '../../engine/render/render-plan';
import { maskedRender } from '../../engine/render/secret-mask';
import { isConfined } from '../../node/confined-path';
import { diskFiles } from '../../node/disk-files';
import { dirname, resolve } from 'node:path';
import {
  ChangesRequest,
  RenderedSourceRequest,
  RenderRequest,
  type RenderedSourceResult,
  type ChangesParams,
  type ChangesResult,
  type DriftlessSettings,
  type RenderParams,
  type RenderResult,
} from '../../protocol';
import type { DocumentRequests } from '../document-requests';
import { renderedObjectAt, renderedOutline } from '../../engine/render/rendered-outline';
import { renderedDiffMarkdown } from '../../engine/render/diff-markdown';
import { renderedSource } from '../../node/render/rendered-source';

export interface RenderHost {
  /** The workspace folders' projects: the only ones rendered. */
  projects(): Project[];
  trusted(): boolean;
  settings(): DriftlessSettings;
}

/** The tools as the settings configure them. */
export function toolsOf(settings: DriftlessSettings): RenderTools {
  return {
    ...(settings.kubectlPath ? { kubectl: settings.kubectlPath } : {}),
    ...(settings.kustomizePath ? { kustomize: settings.kustomizePath } : {}),
    ...(settings.helmPath ? { helm: settings.helmPath } : {}),
  };
}

/** What a render request names: an environment of a project, or a folder (a file names its folder). */
function planOf(params: RenderParams, projects: Project[]): { project: Project; plan: RenderPlan; key: string } | { error: string } {
  if (params.path !== undefined) {
    // The path comes from a URI anyone can write (`driftless-rendered:/../../etc`): resolved, its links followed, and
    // only taken inside a workspace folder.
    const path = resolve(params.path);
    const folder = diskFiles.kindOf(path) === 'folder' ? path : dirname(path);
    const project = projects.filter((p) => isConfined(folder, p.root)).sort((a, b) => b.root.length - a.root.length)[0];
    if (!project) return { error: `${params.path} is in no workspace folder.` };
    return {
      project,
      plan: planForFolder(folder, project.files, { root: project.repositoryRoot, recursive: false }),
      key: `${project.root}\0path:${folder}`,
    };
  }
  const project = (params.folder && projects.find((p) => p.root === params.folder)) || projects[0];
  const environment = project?.environments().find((e) => e.name === params.environment);
  if (!project || !environment) return { error: `No environment named "${params.environment}".` };
  return { project, plan: project.renderPlanOf(environment), key: `${project.root}\0${environment.name}` };
}

/** A render as the editor shows it: its objects' lines and what they are found to have, on those lines. */
function renderedDocument(project: Project, yaml: string, tool: string): RenderResult {
  const judged = project.renderedDiagnostics(yaml);
  const findings = judged.diagnostics.map((d) => ({
    rule: d.rule,
    severity: d.severity,
    message: d.message,
    range: judged.lines.rangeOf(d.start, d.end),
  }));
  return { ok: true, yaml, tool, cached: false, objects: renderedOutline(yaml), findings };
}

const UNTRUSTED = 'This workspace is not trusted: Driftless runs no kustomize or helm here. Trust the workspace to render.';

export function renderRequests(requests: DocumentRequests, host: RenderHost): void {
  /** Per project: renders kept between Changes requests (the base's by commit, the working tree's by content). */
  const diffCaches = new LRUCache<string, DiffCache>({ max: 16 });
  requests.connection.onRequest(ChangesRequest.type, async (params: ChangesParams): Promise<ChangesResult> => {
    if (!host.trusted()) return { error: UNTRUSTED };
    const projects = host.projects();
    const project = (params.folder && projects.find((p) => p.root === params.folder)) || projects[0];
    if (!project) return { error: 'No workspace folder.' };
    let cache = diffCaches.get(project.root);
    if (!cache) diffCaches.set(project.root, (cache = new DiffCache()));
    // The server's own project when its index is complete (it follows the disk); else one read now.
    const tools = toolsOf(host.settings());
    const result = await diffEnvironments({
      root: project.root,
      tools,
      cache,
      ...(project.indexComplete ? { project } : {}),
      ...(params.base ? { base: params.base } : {}),
    });
    // Then the base side of what this change did not touch, in the background, for the next change that does.
    if ('error' in result) return result;
    if (project.indexComplete) void prerenderBase({ root: project.root, tools, project, cache }).catch(() => undefined);
    return { ...result, root: project.repositoryRoot, markdown: renderedDiffMarkdown(result.environments, result.summary.text) };
  });
  requests.connection.onRequest(RenderedSourceRequest.type, async (params, token): Promise<RenderedSourceResult> => {
    if (!host.trusted()) return { error: UNTRUSTED };
    const projects = host.projects();
    const project = (params.folder && projects.find((p) => p.root === params.folder)) || projects[0];
    const environment = project?.environments().find((e) => e.name === params.environment);
    if (!project || !environment) return { error: `No environment named "${params.environment}".` };
    const at = renderedObjectAt(params.yaml, params.offset);
    if (!at) return { error: 'There is no rendered object here.' };
    const abort = new AbortController();
    const listener = token.onCancellationRequested(() => abort.abort());
    try {
      const traced = params.object ? { ...at, path: [] } : at;
      return await renderedSource(project, environment, toolsOf(host.settings()), traced, abort.signal);
    } finally {
      listener.dispose();
    }
  });
  const cache = new LRUCache<string, { digest: string; result: RenderResult }>({ max: 64 });
  const inputs = new RenderInputs();
  requests.connection.onRequest(RenderRequest.type, async (params: RenderParams, token: CancellationToken): Promise<RenderResult> => {
    if (!host.trusted()) return { ok: false, error: UNTRUSTED };
    const target = planOf(params, host.projects());
    if ('error' in target) return { ok: false, error: target.error };
    const { project, plan, key } = target;
    const tools = toolsOf(host.settings());
    const digest = inputs.digest(plan, project, tools);
    const cached = cache.get(key);
    if (digest !== undefined && cached?.digest === digest) {
      log('info', `Render cache hit: ${params.environment} (its inputs did not change)`);
      return cached.result.ok ? { ...cached.result, cached: true } : cached.result;
    }
    const abort = new AbortController();
    const listener = token.onCancellationRequested(() => abort.abort());
    try {
      const rendered = await renderPlanWith(plan, tools, abort.signal);
      const result: RenderResult = rendered.ok
        ? renderedDocument(project, maskedRender(rendered.yaml), rendered.tool)
        : { ok: false, error: rendered.error };
      if (!abort.signal.aborted && digest !== undefined) cache.set(key, { digest, result });
      return result;
    } finally {
      listener.dispose();
    }
  });
}
