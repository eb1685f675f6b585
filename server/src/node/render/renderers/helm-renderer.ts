// The helm renderer: `helm template` of a chart with its values files, values from ConfigMaps and Secrets and inline
// values (on stdin: a Secret's values never touch the disk) and Argo CD's parameters, as Argo CD and Flux pass them.
import { join } from 'node:path';
import { parseDocuments } from '../../../engine/yaml/parse-documents';
import { mergeValueFiles } from '../../../engine/helm/helm-values-merge';
import { preflight } from '../render-preflight';
import { findTool, runTool, toolVersion } from '../run-tool';
import { DEFAULT_TIMEOUT_MS, failed, missingConfiguredTool, type PlanOf, type Rendered, type Renderer, type RenderTools } from './renderer';

export function helmRenderer(plan: PlanOf<'helm'>): Renderer {
  return {
    render: (tools, signal) => renderChart(plan, tools, signal),
    inputs: () => ({
      recursive: [plan.chart],
      files: [...plan.valuesFiles, ...(plan.set ?? []).filter((s) => s.as === 'file').map((s) => s.value)],
    }),
    failures: () => ({ tool: 'helm', folder: plan.chart, rootFile: join(plan.chart, 'Chart.yaml'), fromBuildFolders: false }),
    tracing: { by: 'helm', plan },
    version: helmVersion,
  };
}

async function helmVersion(tools: RenderTools): Promise<string | undefined> {
  const helm = findTool('helm', tools.helm);
  return helm ? toolVersion(helm, 'helm') : undefined;
}

async function renderChart(plan: PlanOf<'helm'>, tools: RenderTools, signal: AbortSignal | undefined): Promise<Rendered> {
  const timeoutMs = tools.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const configured = missingConfiguredTool(tools, ['helm']);
  if (configured) return configured;
  const helm = findTool('helm', tools.helm);
  if (!helm) return { ok: false, error: 'helm was not found: install it, or set driftless.helmPath (CLI: --helm).', missingTool: true };
  // Names and paths come from the repository (a releaseName, generator parameters, value files): checked before
  // helm runs, so none is read as a flag (`--post-renderer=...`) and none reads outside the repository.
  const checked = preflight(plan);
  if (!checked.ok) return failed(checked);
  // Every flag with its value in one argument, the release and chart after `--`: nothing can be read as a flag.
  const args = ['template', ...(plan.namespace ? [`--namespace=${plan.namespace}`] : [])];
  for (const file of plan.valuesFiles) args.push(`--values=${file}`);
  // Values from ConfigMaps and Secrets (a HelmRelease's valuesFrom), then inline values (an Application's
  // valuesObject, a HelmRelease's values), merged as Helm merges values files and passed on stdin: a Secret's
  // values never touch the disk.
  const late = lateValues(plan);
  if (late !== undefined) args.push('--values=-');
  for (const set of plan.set ?? [])
    args.push(
      `${set.as === 'file' ? '--set-file' : set.as === 'string' ? '--set-string' : '--set'}=${set.name}=${helmSetValue(set.value)}`,
    );
  if (plan.skipCrds) args.push('--skip-crds');
  args.push('--', plan.release, plan.chart);
  // Asked before the run (once per binary, then known): the run's log line and the render's header name it.
  const version = await toolVersion(helm, 'helm');
  const result = await runTool(helm, args, {
    timeoutMs,
    ...(signal ? { signal } : {}),
    ...(late !== undefined ? { input: late } : {}),
  });
  if (!result.ok) return { ok: false, error: result.error ?? 'helm failed' };
  return { ok: true, yaml: result.stdout, tool: `helm template${version ? ` (${version})` : ''}` };
}

/** A `--set` value as Argo CD passes it: commas escaped (helm would split there) unless it is a `{a,b}` list. */
function helmSetValue(value: string): string {
  return value.startsWith('{') && value.endsWith('}') ? value : value.replace(/,/g, '\\,');
}

/** The values that come after the values files, as one JSON document (JSON is YAML); undefined when there are none. */
function lateValues(plan: PlanOf<'helm'>): string | undefined {
  // The project's own reader: bounded aliases, and a document that does not parse gives nothing rather than throwing.
  const read = (text: string) => parseDocuments(text)[0]?.content.value;
  const layers: unknown[] = (plan.valuesTexts ?? []).map(read);
  if (plan.values !== undefined) layers.push(typeof plan.values === 'string' ? read(plan.values) : plan.values);
  if (!layers.length) return undefined;
  return JSON.stringify(mergeValueFiles(layers));
}
