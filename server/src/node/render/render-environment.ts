// Runs a render plan (engine/render) with the real tools: kustomize (or kubectl kustomize), helm template, or the
// manifests of a folder; applies Flux's post-build substitution. The tools' own errors are passed on as they are.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseDocument } from 'yaml';
import { join, relative, resolve } from 'node:path';
import { isComponentText, trackedObjects, wrapperKustomization, type TrackedObject } from '../../engine/render/origins';
import { substituteVariables, type RenderPlan } from '../../engine/render/render-plan';
import { findTool, runTool, toolVersion } from './run-tool';

export interface RenderTools {
  /** Paths as configured; each is else looked up on PATH. */
  kustomize?: string;
  kubectl?: string;
  helm?: string;
  timeoutMs?: number;
}

/** A failed render; `missingTool` when the tool it needs is not installed (nothing about the repository is wrong). */
export type RenderFailure = { ok: false; error: string; missingTool?: boolean };

export type Rendered = { ok: true; yaml: string; tool: string } | RenderFailure;

const DEFAULT_TIMEOUT_MS = 60_000;

/** The command that runs kustomize: `kustomize build`, else `kubectl kustomize`. */
export function kustomizeCommand(tools: RenderTools): { command: string; args: string[] } | undefined {
  const kustomize = findTool('kustomize', tools.kustomize);
  if (kustomize) return { command: kustomize, args: ['build'] };
  const kubectl = findTool('kubectl', tools.kubectl);
  return kubectl ? { command: kubectl, args: ['kustomize'] } : undefined;
}

function manifestsUnder(folder: string, recursive: boolean): string[] {
  const found: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(folder, name);
    const stats = statSync(path);
    if (stats.isDirectory()) {
      if (recursive) found.push(...manifestsUnder(path, true));
    } else if (/\.ya?ml$/i.test(name)) found.push(path);
  }
  return found;
}

/**
 * The entries of the kustomization kustomize-controller generates for a path without one: each folder below that
 * holds a kustomization (not entered), else the YAML files that declare Kubernetes objects, recursively.
 */
function generatedEntries(folder: string): string[] {
  const entries: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      if (KUSTOMIZATION_NAMES.some((file) => existsSync(join(path, file)))) entries.push(path);
      else entries.push(...generatedEntries(path));
    } else if (/\.ya?ml$/i.test(name) && /^apiVersion:/m.test(readFileSync(path, 'utf8')) && /^kind:/m.test(readFileSync(path, 'utf8'))) {
      entries.push(path);
    }
  }
  return entries;
}

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

type KustomizeBuildPlan = RenderPlan & { kind: 'kustomize' | 'directory' };

/**
 * Runs kustomize on a plan: the folder itself when nothing is added, else through a temporary kustomization that
 * wraps it (or, for a Flux path without a kustomization, lists what kustomize-controller would) and adds the target
 * namespace and, with `origins`, `buildMetadata` so kustomize records where each object comes from. Flux builds
 * without load restrictions, as kustomize-controller does. Returns the output and the wrapper's folder (already gone;
 * the recorded paths are relative to it).
 */
async function kustomizeBuild(
  plan: KustomizeBuildPlan,
  tools: RenderTools,
  signal: AbortSignal | undefined,
  origins: boolean,
): Promise<{ ok: true; output: string; tool: string; wrapper?: string } | RenderFailure> {
  const kustomize = kustomizeCommand(tools);
  if (!kustomize)
    return {
      ok: false,
      error: 'Neither kustomize nor kubectl was found: install one, or set driftless.kustomizePath (CLI: --kustomize or --kubectl).',
      missingTool: true,
    };
  const flux = plan.flux;
  const overlay = plan.kind === 'kustomize' ? plan.overlay : undefined;
  const wrap = origins || plan.kind === 'directory' || flux?.namespace !== undefined || overlay !== undefined;
  const wrapper = wrap ? mkdtempSync(join(tmpdir(), 'driftless-build-')) : undefined;
  try {
    let target = plan.folder;
    if (wrapper) {
      const kustomization = KUSTOMIZATION_NAMES.map((name) => join(plan.folder, name)).find((path) => existsSync(path));
      const isComponent = kustomization !== undefined && isComponentText(readFileSync(kustomization, 'utf8'));
      const entries = plan.kind === 'directory' ? generatedEntries(plan.folder) : [plan.folder];
      writeFileSync(
        join(wrapper, 'kustomization.yaml'),
        wrapperKustomization({
          entries: entries.map((entry) => relative(wrapper, entry)),
          isComponent,
          ...(flux?.namespace ? { namespace: flux.namespace } : {}),
          ...(overlay ? { fields: relativeTo(wrapper, overlay) } : {}),
          origins,
        }),
      );
      target = wrapper;
    }
    // kustomize-controller never restricts loading; a wrapper listing files (a Flux path, Argo CD's patch files) must
    // not either, as they sit outside its folder. Otherwise the restriction stays, so a render fails where the tool does.
    const listsFiles =
      plan.kind === 'directory' || (Array.isArray(overlay?.patches) && overlay.patches.some((p) => isRecord(p) && 'path' in p));
    const unrestricted = flux !== undefined || listsFiles ? ['--load-restrictor', 'LoadRestrictionsNone'] : [];
    // `helmCharts` inflate only with helm enabled (what Argo CD's --enable-helm build option and users' CI pass).
    const helm = usesHelmCharts(plan.folder) ? findTool('helm', tools.helm) : undefined;
    const helmArgs = helm ? ['--enable-helm', '--helm-command', helm] : [];
    const result = await runTool(kustomize.command, [...kustomize.args, ...unrestricted, ...helmArgs, target], {
      timeoutMs: tools.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(signal ? { signal } : {}),
    });
    if (!result.ok) return { ok: false, error: result.error ?? 'kustomize failed' };
    const output = flux?.substitute ? substituteVariables(result.stdout, flux.substitute) : result.stdout;
    const version = await toolVersion(kustomize.command, kustomize.args[0] === 'kustomize' ? 'kubectl' : 'kustomize');
    const tool = `${kustomize.args[0] === 'kustomize' ? 'kubectl kustomize' : 'kustomize build'}${version ? ` (${version})` : ''}`;
    return { ok: true, output, tool, ...(wrapper ? { wrapper } : {}) };
  } finally {
    if (wrapper) rmSync(wrapper, { recursive: true, force: true });
  }
}

export async function renderPlanWith(plan: RenderPlan, tools: RenderTools, signal?: AbortSignal): Promise<Rendered> {
  const timeoutMs = tools.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  switch (plan.kind) {
    case 'none':
      return { ok: false, error: plan.why };
    case 'directory': {
      if (plan.flux) {
        const built = await kustomizeBuild(plan, tools, signal, false);
        return built.ok ? { ok: true, yaml: built.output, tool: `${built.tool} (of a generated kustomization, as Flux does)` } : built;
      }
      const documents = manifestsUnder(plan.folder, plan.recursive).map((file) => readFileSync(file, 'utf8').trim());
      const yaml = documents.filter(Boolean).join('\n---\n') + '\n';
      return { ok: true, yaml, tool: 'the manifests of the folder' };
    }
    case 'kustomize': {
      const built = await kustomizeBuild(plan, tools, signal, false);
      return built.ok ? { ok: true, yaml: built.output, tool: built.tool } : built;
    }
    case 'helm': {
      const helm = findTool('helm', tools.helm);
      if (!helm) return { ok: false, error: 'helm was not found: install it, or set driftless.helmPath (CLI: --helm).', missingTool: true };
      const args = ['template', plan.release, plan.chart, ...(plan.namespace ? ['--namespace', plan.namespace] : [])];
      for (const file of plan.valuesFiles) args.push('--values', file);
      // Values from ConfigMaps and Secrets (a HelmRelease's valuesFrom), then inline values (an Application's
      // valuesObject, a HelmRelease's values), merged as Helm merges values files and passed on stdin: a Secret's
      // values never touch the disk.
      const late = lateValues(plan);
      if (late !== undefined) args.push('--values', '-');
      for (const set of plan.set ?? [])
        args.push(set.as === 'file' ? '--set-file' : set.as === 'string' ? '--set-string' : '--set', `${set.name}=${set.value}`);
      if (plan.skipCrds) args.push('--skip-crds');
      const result = await runTool(helm, args, {
        timeoutMs,
        ...(signal ? { signal } : {}),
        ...(late !== undefined ? { input: late } : {}),
      });
      if (!result.ok) return { ok: false, error: result.error ?? 'helm failed' };
      const version = await toolVersion(helm, 'helm');
      return { ok: true, yaml: result.stdout, tool: `helm template${version ? ` (${version})` : ''}` };
    }
  }
}

/** Helm's merge of values files: mappings merged key by key, anything else replaced by the later file. */
function mergeValues(into: unknown, from: unknown): unknown {
  if (!isRecord(into) || !isRecord(from)) return from;
  const merged: Record<string, unknown> = { ...into };
  for (const [key, value] of Object.entries(from)) merged[key] = key in merged ? mergeValues(merged[key], value) : value;
  return merged;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The values that come after the values files, as one JSON document (JSON is YAML); undefined when there are none. */
function lateValues(plan: RenderPlan & { kind: 'helm' }): string | undefined {
  const layers: unknown[] = (plan.valuesTexts ?? []).map((text) => parseDocument(text).toJS() as unknown);
  if (plan.values !== undefined)
    layers.push(typeof plan.values === 'string' ? (parseDocument(plan.values).toJS() as unknown) : plan.values);
  if (!layers.length) return undefined;
  return JSON.stringify(layers.reduce((merged, layer) => mergeValues(merged, layer ?? {}), {}));
}

/** Paths of kustomization fields (Argo CD's patches and components) relative to the wrapper that holds them. */
function relativeTo(wrapper: string, fields: Record<string, unknown>): Record<string, unknown> {
  const out = { ...fields };
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);
  if (out.components) out.components = list(out.components).map((c) => (typeof c === 'string' ? relative(wrapper, c) : c));
  if (out.patches)
    out.patches = list(out.patches).map((p) => (isRecord(p) && typeof p.path === 'string' ? { ...p, path: relative(wrapper, p.path) } : p));
  return out;
}

/** Whether a kustomization, or one it includes, inflates Helm charts (`helmCharts:`). */
function usesHelmCharts(folder: string, seen = new Set<string>()): boolean {
  if (seen.has(folder)) return false;
  seen.add(folder);
  const file = KUSTOMIZATION_NAMES.map((name) => join(folder, name)).find((path) => existsSync(path));
  if (!file) return false;
  const text = readFileSync(file, 'utf8');
  if (/^helmCharts\s*:/m.test(text)) return true;
  const value = parseDocument(text).toJS() as unknown;
  if (!isRecord(value)) return false;
  const entries = ['resources', 'bases', 'components'].flatMap((field) => (Array.isArray(value[field]) ? (value[field] as unknown[]) : []));
  return entries.some((entry) => {
    if (typeof entry !== 'string' || /^[a-z]+:\/\//i.test(entry)) return false;
    const path = resolve(folder, entry);
    return existsSync(path) && statSync(path).isDirectory() && usesHelmCharts(path, seen);
  });
}

/**
 * A kustomize build with each object's source file and the kustomizations whose patches changed it
 * (engine/render/origins), through a temporary wrapping kustomization. Paths are returned absolute.
 */
export async function renderWithOrigins(
  plan: KustomizeBuildPlan,
  tools: RenderTools,
  signal?: AbortSignal,
): Promise<{ ok: true; objects: TrackedObject[] } | RenderFailure> {
  const built = await kustomizeBuild(plan, tools, signal, true);
  if (!built.ok) return built;
  const wrapper = built.wrapper!;
  return {
    ok: true,
    objects: trackedObjects(built.output).map((tracked) => ({
      ...tracked,
      ...(tracked.origin ? { origin: resolve(wrapper, tracked.origin) } : {}),
      patchedIn: tracked.patchedIn.map((file) => resolve(wrapper, file)),
    })),
  };
}
