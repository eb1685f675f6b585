// Where one value of one object an environment renders was written in the repository: the environment rendered with
// origins (kustomize: the file each object was read from and the kustomizations whose patches it went through; Helm:
// the template `# Source:` names), then traced as rendered findings are (engine/render/trace-*.ts) to the resource
// line, patch, values key or template line. The Drift view's "Take the live value into git" starts here.
import { dirname, join } from 'node:path';
import { isRecord, type Json } from '../../engine/json';
import type { Environment } from '../../engine/environments/environment';
import { trackedObjects, type TrackedObject } from '../../engine/kustomize/origins';
import { namedTemplates, splitHelmOutput, templateFile, traceHelmValue } from '../../engine/helm/trace-helm';
import { traceKustomizeValue } from '../../engine/kustomize/trace-kustomize';
import { kustomizationFileIn } from '../../engine/workspace/workspace-files';
import type { JsonPath } from '../../engine/yaml/locate';
import { parseDocuments } from '../../engine/yaml/parse-documents';
import type { Project } from '../project';
import { readTextFile } from '../read-text-file';
import { renderPlanWith, renderWithOrigins, type RenderTools } from './render-environment';
import type { PlanOf } from './renderers/renderer';
import { rendererFor } from './renderers/renderers';
import { helperFiles, noTracing, SourceFiles, subchartValues, valuesSources } from './rendered-validation';

export interface RenderedObjectName {
  kind: string;
  name: string;
  namespace?: string;
}

export interface TracedLocation {
  file: string;
  /** Offsets in the file as it is on disk. */
  start: number;
  end: number;
  /** A resource file, a patch, a kustomization (an inline patch's entry), a Helm values file or a template. */
  via: 'resource' | 'patch' | 'kustomization' | 'values' | 'template';
}

export type TracedValue =
  | {
      ok: true;
      /** How the environment renders. */
      tool: 'kustomize' | 'helm';
      /** The object as rendered. */
      rendered: Json;
      /** The value's path in it (undefined: git does not set it). */
      path?: JsonPath;
      /** Where it was written (undefined: nothing in the repository wrote it: a generator, a transformer). */
      location?: TracedLocation;
      /** The kustomizations the object went through, the environment's own first (kustomize only). */
      kustomizations: string[];
      /** The file the object was read from (kustomize only). */
      origin?: string;
    }
  | { ok: false; error: string };

function matches(object: unknown, wanted: RenderedObjectName): boolean {
  if (!isRecord(object) || object.kind !== wanted.kind || !isRecord(object.metadata)) return false;
  const { name, namespace } = object.metadata;
  // A render leaves the namespace to the applier when the source names none.
  return name === wanted.name && (typeof namespace !== 'string' || !namespace || !wanted.namespace || namespace === wanted.namespace);
}

/** Traces the value that `pathIn` finds in the rendered object named `wanted`. */
export async function traceRenderedValue(
  project: Project,
  environment: Environment,
  tools: RenderTools,
  wanted: RenderedObjectName,
  pathIn: (rendered: Json) => JsonPath | undefined,
  signal?: AbortSignal,
): Promise<TracedValue> {
  const plan = project.renderPlanOf(environment);
  if (plan.kind === 'none') return { ok: false, error: plan.why };
  const sources = new SourceFiles(project);
  const tracing = rendererFor(plan).tracing;
  switch (tracing.by) {
    case 'helm':
      return traceInChart(tracing.plan);
    case 'kustomize':
      return traceInBuild(tracing.plan);
    default:
      return noTracing(tracing);
  }

  async function traceInChart(plan: PlanOf<'helm'>): Promise<TracedValue> {
    const rendered = await renderPlanWith(plan, tools, signal);
    if (!rendered.ok) return { ok: false, error: `it cannot be rendered: ${rendered.error}` };
    for (const object of splitHelmOutput(rendered.yaml)) {
      const value = parseDocuments(object.text)[0]?.content.value;
      if (!matches(value, wanted) || !isRecord(value)) continue;
      const path = pathIn(value);
      const template = object.source ? templateFile(object.source, plan.chart, join) : undefined;
      const templateText = template ? readTextFile(template) : undefined;
      if (!path || !template || !templateText?.ok)
        return { ok: true, tool: 'helm', rendered: value, ...(path ? { path } : {}), kustomizations: [] };
      const values = subchartValues(template, plan.chart, valuesSources(plan, environment, sources), sources);
      const helpers = namedTemplates(helperFiles(dirname(template), plan.chart));
      const location = traceHelmValue(template, templateText.text, path, 'value', values, helpers);
      return { ok: true, tool: 'helm', rendered: value, path, location, kustomizations: [] };
    }
    return { ok: false, error: `the render has no ${wanted.kind} ${wanted.name}` };
  }

  async function traceInBuild(plan: PlanOf<'kustomize' | 'directory'>): Promise<TracedValue> {
    const withOrigins = await renderWithOrigins(plan, tools, signal);
    let objects: TrackedObject[];
    if (withOrigins.ok) objects = withOrigins.objects;
    else {
      const plain = await renderPlanWith(plan, tools, signal);
      if (!plain.ok) return { ok: false, error: `it cannot be rendered: ${plain.error}` };
      const tracked = trackedObjects(plain.yaml);
      if (!Array.isArray(tracked)) return { ok: false, error: `its render cannot be read: ${tracked.error}` };
      objects = tracked;
    }
    const tracked = objects.find((candidate) => matches(candidate.object, wanted));
    if (!tracked) return { ok: false, error: `the render has no ${wanted.kind} ${wanted.name}` };
    const root = plan.kind === 'kustomize' ? kustomizationFileIn(plan.folder, project.files) : undefined;
    const kustomizations = [...new Set([...(root ? [root] : []), ...[...tracked.patchedIn].reverse()])];
    const path = pathIn(tracked.object);
    const base = {
      ok: true as const,
      tool: 'kustomize' as const,
      rendered: tracked.object,
      kustomizations,
      ...(tracked.origin ? { origin: tracked.origin } : {}),
    };
    if (!path) return base;
    const location = traceKustomizeValue(
      tracked.object,
      tracked.origin,
      tracked.patchedIn,
      { path, target: 'value', missing: false },
      sources,
    );
    return { ...base, path, ...(location ? { location } : {}) };
  }
}
