// Runs a render plan (engine/render) with the real tools: kustomize (or kubectl kustomize), helm template, or the
// manifests of a folder; applies Flux's post-build substitution. Nothing runs before the plan's preflight passed
// (render-preflight: paths inside the repository, values checked, no network); the tools' own errors are passed on
// as they are.
import { readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { isComponentText, trackedObjects, wrapperKustomization, type TrackedObject } from '../../engine/kustomize/origins';
import { substituteVariables } from '../../engine/flux/flux-variables';
import type { RenderPlan } from '../../engine/render/render-plan';
import { plainDirectoryReads } from '../../engine/workspace/delivered-paths';
import { kustomizationFileIn } from '../../engine/workspace/workspace-files';
import { tooManyDocuments } from '../../engine/yaml/document-limits';
import { parseDocuments } from '../../engine/yaml/parse-documents';
import { diskFiles } from '../disk-files';
import { removeTemporaryFolder, temporaryFolder } from '../leftovers';
import { readTextFile } from '../read-text-file';
import { canMirror, mirroredCopy, type MirroredCopy } from './mirrored-copy';
import { applyArgoEdits, liftEscapingFiles, writeGeneratedKustomization } from './mirror-edits';
import { preflight, type PreflightFailure } from './render-preflight';
import { findTool, runTool, toolVersion } from './run-tool';
import { isRecord } from '../../engine/json';

export interface RenderTools {
  /** Paths as configured; each is else looked up on PATH. */
  kustomize?: string;
  kubectl?: string;
  helm?: string;
  timeoutMs?: number;
}

/**
 * A failed render; `missingTool` when the tool it needs is not installed, `needsNetwork` (the address) when it would
 * have to fetch (nothing about the repository is wrong either way).
 */
export type RenderFailure = {
  ok: false;
  error: string;
  missingTool?: boolean;
  needsNetwork?: string;
  /** The file (and line) the failure is about, when Driftless found it before any tool ran. */
  place?: { file: string; line?: number };
  /** The value at fault as the environment's definition writes it (see render-preflight). */
  inDefinition?: string;
};

export type Rendered = { ok: true; yaml: string; tool: string } | RenderFailure;

const DEFAULT_TIMEOUT_MS = 60_000;

/** The command that runs kustomize: `kustomize build`, else `kubectl kustomize`. */
export function kustomizeCommand(tools: RenderTools): { command: string; args: string[] } | undefined {
  const kustomize = findTool('kustomize', tools.kustomize);
  if (kustomize) return { command: kustomize, args: ['build'] };
  const kubectl = findTool('kubectl', tools.kubectl);
  return kubectl ? { command: kubectl, args: ['kustomize'] } : undefined;
}

/**
 * A tool path set (a setting, a CLI option) that leads to no program: said as such, rather than as a tool not found
 * (or, for kustomize, silently replaced by kubectl on PATH).
 */
function missingConfiguredTool(tools: RenderTools, names: readonly ('kustomize' | 'kubectl' | 'helm')[]): RenderFailure | undefined {
  for (const name of names) {
    const path = tools[name];
    if (path !== undefined && !findTool(name, path))
      return {
        ok: false,
        error: `the ${name} path ${path} does not exist or is not executable: fix driftless.${name}Path (CLI: --${name}).`,
        missingTool: true,
      };
  }
  return undefined;
}

/** The manifest files of a folder as `kubectl apply -f` and Argo CD read them: YAML and JSON. */
function manifestsUnder(folder: string, recursive: boolean): string[] {
  const found: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(folder, name);
    const kind = diskFiles.kindOf(path);
    if (kind === 'folder') {
      if (recursive) found.push(...manifestsUnder(path, true));
    } else if (kind === 'file' && /\.(?:ya?ml|json)$/i.test(name)) found.push(path);
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
    // A dangling link or a file gone meanwhile is not part of what kustomize-controller would find either.
    const kind = diskFiles.kindOf(path);
    if (kind === 'folder') {
      if (kustomizationFileIn(path, diskFiles)) entries.push(path);
      else entries.push(...generatedEntries(path));
    } else if (kind === 'file' && /\.ya?ml$/i.test(name)) {
      const text = readTextFile(path);
      if (text.ok && /^apiVersion:/m.test(text.text) && /^kind:/m.test(text.text)) entries.push(path);
    }
  }
  return entries;
}

type KustomizeBuildPlan = RenderPlan & { kind: 'kustomize' | 'directory' };

type Built = { ok: true; output: string; tool: string; wrapper?: string; real?: (path: string) => string } | RenderFailure;

/** A preflight's failure as a render's. */
function failed(check: PreflightFailure): RenderFailure {
  return {
    ok: false,
    error: check.error,
    ...(check.needsNetwork ? { needsNetwork: check.needsNetwork } : {}),
    ...(check.place ? { place: check.place } : {}),
    ...(check.inDefinition !== undefined ? { inDefinition: check.inDefinition } : {}),
  };
}

/**
 * Runs kustomize on a plan, its load restrictor on: the folder itself when nothing is added; else an edited copy of
 * its folders in a mirror (mirror-edits.ts: Argo CD's `kustomize edit`, kustomize-controller's generated kustomization
 * and its reads from anywhere in the repository) and/or a temporary kustomization that wraps it and adds Flux's
 * target namespace, Argo CD's other options and, with `origins`, `buildMetadata` so kustomize records where each
 * object comes from. Returns the output and the wrapper's folder (already gone; the recorded paths are relative to it).
 */
async function kustomizeBuild(
  plan: KustomizeBuildPlan,
  tools: RenderTools,
  signal: AbortSignal | undefined,
  origins: boolean,
): Promise<Built> {
  const configured = missingConfiguredTool(tools, ['kustomize', 'kubectl']);
  if (configured) return configured;
  const kustomize = kustomizeCommand(tools);
  if (!kustomize)
    return {
      ok: false,
      error: 'Neither kustomize nor kubectl was found: install one, or set driftless.kustomizePath (CLI: --kustomize or --kubectl).',
      missingTool: true,
    };
  const checked = preflight(plan);
  if (!checked.ok) return failed(checked);
  const flux = plan.flux;
  const kustomizationFile = kustomizationFileIn(plan.folder, diskFiles);
  let argo = plan.kind === 'kustomize' && plan.overlay ? argoEdits(plan.overlay, kustomizationFile) : undefined;
  const lifts = flux ? checked.kustomizations.filter((k) => k.escaping.length) : [];
  // A folder too large to copy whose only edit is a prefix or suffix gets it added by the wrapper instead (the same
  // names unless the folder sets its own, which Argo CD's would replace).
  if (argo?.edits && !argo.edits.patches.length && !lifts.length && plan.kind === 'kustomize' && !canMirror([plan.folder], plan.root))
    argo = { rest: plan.overlay ?? {} };
  const copies = [
    ...(argo?.edits ? [plan.folder] : []),
    ...(plan.kind === 'directory' ? [plan.folder] : []),
    ...(lifts.length ? checked.kustomizations.map((k) => k.folder) : []),
  ];
  let mirror: MirroredCopy | undefined;
  let wrapper: string | undefined;
  try {
    if (copies.length) {
      mirror = mirroredCopy(copies, plan.root);
      if (!mirror)
        return {
          ok: false,
          error:
            'the folders it builds are too large to copy (over 10,000 files or 64 MB): Driftless builds an edited copy rather than let kustomize read outside the folders it names.',
        };
      liftEscapingFiles(mirror, lifts);
      if (plan.kind === 'directory') writeGeneratedKustomization(mirror, plan.folder, generatedEntries(plan.folder));
      if (argo?.edits && kustomizationFile) applyArgoEdits(mirror, plan.folder, kustomizationFile, argo.edits);
    }
    const folder = mirror ? mirror.pathOf(plan.folder) : plan.folder;
    const overlay = argo?.rest;
    const wrap = origins || flux?.namespace !== undefined || overlay !== undefined;
    let target = folder;
    if (wrap) {
      wrapper = temporaryFolder('driftless-build-');
      const own = kustomizationFile ? readTextFile(kustomizationFile) : undefined;
      writeFileSync(
        join(wrapper, 'kustomization.yaml'),
        wrapperKustomization({
          entries: [relative(wrapper, folder)],
          isComponent: own?.ok === true && isComponentText(own.text),
          ...(flux?.namespace ? { namespace: flux.namespace } : {}),
          ...(overlay ? { fields: relativeTo(wrapper, overlay) } : {}),
          origins,
        }),
      );
      target = wrapper;
    }
    // `helmCharts` inflate only with helm enabled (what Argo CD's --enable-helm build option and users' CI pass), from
    // charts already in the repository (the preflight refused the others). kustomize-controller never inflates them.
    const inflates = !flux && checked.kustomizations.some((k) => k.inflates);
    const helm = inflates ? findTool('helm', tools.helm) : undefined;
    const helmArgs = helm ? ['--enable-helm', '--helm-command', helm] : [];
    // Asked before the build (once per binary, then known): the build's log line and the render's header name it.
    const version = await toolVersion(kustomize.command, kustomize.args[0] === 'kustomize' ? 'kubectl' : 'kustomize');
    const result = await runTool(kustomize.command, [...kustomize.args, ...helmArgs, target], {
      timeoutMs: tools.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(signal ? { signal } : {}),
    });
    if (!result.ok) return { ok: false, error: result.error ?? 'kustomize failed' };
    const output = flux?.substitute ? substituteVariables(result.stdout, flux.substitute) : result.stdout;
    const tool = `${kustomize.args[0] === 'kustomize' ? 'kubectl kustomize' : 'kustomize build'}${version ? ` (${version})` : ''}`;
    const real = mirror?.real;
    return { ok: true, output, tool, ...(wrapper ? { wrapper } : {}), ...(real ? { real } : {}) };
  } finally {
    if (wrapper) removeTemporaryFolder(wrapper);
    mirror?.dispose();
  }
}

/**
 * What of Argo CD's kustomize options is an edit of the folder's kustomization (`kustomize edit` in its folder): a
 * namePrefix or nameSuffix the folder sets too (Argo CD's replaces it; a wrapping kustomization would add to it), and
 * patches (added to the folder's). The rest stays in a wrapper, where adding is the same.
 */
function argoEdits(
  overlay: Record<string, unknown>,
  kustomizationFile: string | undefined,
): { edits?: { names: Record<string, unknown>; patches: Record<string, unknown>[] }; rest?: Record<string, unknown> } {
  if (!kustomizationFile) return { rest: overlay };
  const text = readTextFile(kustomizationFile);
  const own = text.ok ? parseDocuments(text.text)[0]?.content.value : undefined;
  const names = Object.fromEntries(
    (['namePrefix', 'nameSuffix'] as const)
      .filter((key) => typeof overlay[key] === 'string' && isRecord(own) && key in own)
      .map((key) => [key, overlay[key]]),
  );
  const patches = (Array.isArray(overlay.patches) ? overlay.patches : []).filter(isRecord);
  const edited = [...Object.keys(names), ...(patches.length ? ['patches'] : [])];
  const rest = Object.fromEntries(Object.entries(overlay).filter(([key]) => !edited.includes(key)));
  return { ...(edited.length ? { edits: { names, patches } } : {}), ...(Object.keys(rest).length ? { rest } : {}) };
}

export async function renderPlanWith(plan: RenderPlan, tools: RenderTools, signal?: AbortSignal): Promise<Rendered> {
  // Anything unexpected on the way (a folder gone mid-render, a file that cannot be read) is this render's failure,
  // said in a sentence: never an exception that ends the caller's other renders (a diff's, a validation's).
  try {
    return await renderPlanUnguarded(plan, tools, signal);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

async function renderPlanUnguarded(plan: RenderPlan, tools: RenderTools, signal?: AbortSignal): Promise<Rendered> {
  const timeoutMs = tools.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  switch (plan.kind) {
    case 'none':
      return { ok: false, error: plan.why };
    case 'directory': {
      if (plan.flux) {
        const built = await kustomizeBuild(plan, tools, signal, false);
        return built.ok ? { ok: true, yaml: built.output, tool: `${built.tool} (of a generated kustomization, as Flux does)` } : built;
      }
      const checked = preflight(plan);
      if (!checked.ok) return failed(checked);
      if (diskFiles.kindOf(plan.folder) !== 'folder') return { ok: false, error: `${plan.folder} is not a folder` };
      // What Argo CD reads of the folder: its YAML and JSON manifests, those its include and exclude globs choose.
      const directory = { recurse: plan.recursive, include: plan.include, exclude: plan.exclude };
      const documents: string[] = [];
      for (const file of manifestsUnder(plan.folder, plan.recursive)) {
        if (!plainDirectoryReads(directory, relative(plan.folder, file).split(sep).join('/'))) continue;
        const text = readTextFile(file);
        if (!text.ok) return { ok: false, error: `${file}: ${text.message}`, place: { file } };
        documents.push(text.text.trim());
      }
      const yaml = documents.filter(Boolean).join('\n---\n') + '\n';
      const crowded = tooManyDocuments(yaml);
      if (crowded) return { ok: false, error: `the manifests of the folder are ${crowded}` };
      return { ok: true, yaml, tool: 'the manifests of the folder' };
    }
    case 'kustomize': {
      const built = await kustomizeBuild(plan, tools, signal, false);
      return built.ok ? { ok: true, yaml: built.output, tool: built.tool } : built;
    }
    case 'helm': {
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
      const version = await toolVersion(helm, 'helm');
      const result = await runTool(helm, args, {
        timeoutMs,
        ...(signal ? { signal } : {}),
        ...(late !== undefined ? { input: late } : {}),
      });
      if (!result.ok) return { ok: false, error: result.error ?? 'helm failed' };
      return { ok: true, yaml: result.stdout, tool: `helm template${version ? ` (${version})` : ''}` };
    }
  }
}

/** A `--set` value as Argo CD passes it: commas escaped (helm would split there) unless it is a `{a,b}` list. */
function helmSetValue(value: string): string {
  return value.startsWith('{') && value.endsWith('}') ? value : value.replace(/,/g, '\\,');
}

/** Helm's merge of values files: mappings merged key by key, anything else replaced by the later file. */
function mergeValues(into: unknown, from: unknown): unknown {
  if (!isRecord(into) || !isRecord(from)) return from;
  const merged: Record<string, unknown> = { ...into };
  for (const [key, value] of Object.entries(from)) merged[key] = key in merged ? mergeValues(merged[key], value) : value;
  return merged;
}

/** The values that come after the values files, as one JSON document (JSON is YAML); undefined when there are none. */
function lateValues(plan: RenderPlan & { kind: 'helm' }): string | undefined {
  // The project's own reader: bounded aliases, and a document that does not parse gives nothing rather than throwing.
  const read = (text: string) => parseDocuments(text)[0]?.content.value;
  const layers: unknown[] = (plan.valuesTexts ?? []).map(read);
  if (plan.values !== undefined) layers.push(typeof plan.values === 'string' ? read(plan.values) : plan.values);
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
  // Paths inside an edited copy of the folder are those of the folder itself.
  const real = built.real ?? ((path: string) => path);
  const tracked = trackedObjects(built.output);
  if (!Array.isArray(tracked)) return { ok: false, error: tracked.error };
  return {
    ok: true,
    objects: tracked.map((tracked) => ({
      ...tracked,
      ...(tracked.origin ? { origin: real(resolve(wrapper, tracked.origin)) } : {}),
      patchedIn: tracked.patchedIn.map((file) => real(resolve(wrapper, file))),
    })),
  };
}
