// Runs a render plan (engine/render) with the real tools: kustomize (or kubectl kustomize), helm template, or the
// manifests of a folder; applies Flux's post-build substitution. The tools' own errors are passed on as they are.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { isComponentText, trackedObjects, wrapperKustomization, type TrackedObject } from '../../engine/render/origins';
import { substituteVariables, type RenderPlan } from '../../engine/render/render-plan';
import { findTool, runTool, toolVersion } from './run-tool';
import { plainDirectoryReads } from '../../engine/workspace/delivered-paths';
import { kustomizationFileIn } from '../../engine/workspace/workspace-files';
import { parseDocuments } from '../../engine/yaml/parse-documents';
import { diskFiles } from '../disk-files';
import { findGitRepository } from '../git-remotes';
import { readTextFile } from '../read-text-file';
import { mirroredCopy, type MirroredCopy } from './mirrored-copy';

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
export type RenderFailure = { ok: false; error: string; missingTool?: boolean; needsNetwork?: string };

export type Rendered = { ok: true; yaml: string; tool: string } | RenderFailure;

const DEFAULT_TIMEOUT_MS = 60_000;

/** The command that runs kustomize: `kustomize build`, else `kubectl kustomize`. */
export function kustomizeCommand(tools: RenderTools): { command: string; args: string[] } | undefined {
  const kustomize = findTool('kustomize', tools.kustomize);
  if (kustomize) return { command: kustomize, args: ['build'] };
  const kubectl = findTool('kubectl', tools.kubectl);
  return kubectl ? { command: kubectl, args: ['kustomize'] } : undefined;
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
): Promise<{ ok: true; output: string; tool: string; wrapper?: string; real?: (path: string) => string } | RenderFailure> {
  const kustomize = kustomizeCommand(tools);
  if (!kustomize)
    return {
      ok: false,
      error: 'Neither kustomize nor kubectl was found: install one, or set driftless.kustomizePath (CLI: --kustomize or --kubectl).',
      missingTool: true,
    };
  const flux = plan.flux;
  const edited = plan.kind === 'kustomize' && plan.overlay ? withNamesEdited(plan.folder, plan.overlay) : undefined;
  if (edited) temporaryFolders.add(edited.copy.root);
  const overlay = edited ? edited.rest : plan.kind === 'kustomize' ? plan.overlay : undefined;
  const folder = edited?.copy.folder ?? plan.folder;
  const wrap = origins || plan.kind === 'directory' || flux?.namespace !== undefined || overlay !== undefined || edited !== undefined;
  const wrapper = wrap ? temporaryFolder('driftless-build-') : undefined;
  try {
    let target = folder;
    if (wrapper) {
      const kustomization = kustomizationFileIn(plan.folder, diskFiles);
      const isComponent = kustomization !== undefined && isComponentText(readFileSync(kustomization, 'utf8'));
      const entries = plan.kind === 'directory' ? generatedEntries(plan.folder) : [folder];
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
    // `helmCharts` inflate only with helm enabled (what Argo CD's --enable-helm build option and users' CI pass), and
    // only from charts already in the repository: pulling one needs the network and writes into the checkout.
    // kustomize-controller does not inflate them at all.
    const charts = flux ? { any: false } : helmChartsOf(plan.folder);
    if (charts.remote) return { ok: false, error: `its helmCharts pull charts from ${charts.remote}`, needsNetwork: charts.remote };
    const helm = charts.any ? findTool('helm', tools.helm) : undefined;
    const helmArgs = helm ? ['--enable-helm', '--helm-command', helm] : [];
    const result = await runTool(kustomize.command, [...kustomize.args, ...unrestricted, ...helmArgs, target], {
      timeoutMs: tools.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(signal ? { signal } : {}),
    });
    if (!result.ok) return { ok: false, error: result.error ?? 'kustomize failed' };
    const output = flux?.substitute ? substituteVariables(result.stdout, flux.substitute) : result.stdout;
    const version = await toolVersion(kustomize.command, kustomize.args[0] === 'kustomize' ? 'kubectl' : 'kustomize');
    const tool = `${kustomize.args[0] === 'kustomize' ? 'kubectl kustomize' : 'kustomize build'}${version ? ` (${version})` : ''}`;
    return { ok: true, output, tool, ...(wrapper ? { wrapper } : {}), ...(edited ? { real: edited.copy.real } : {}) };
  } finally {
    if (wrapper) removeTemporaryFolder(wrapper);
    if (edited) removeTemporaryFolder(edited.copy.root);
  }
}

/**
 * Argo CD sets an Application's `namePrefix` and `nameSuffix` with `kustomize edit` in its folder, so where the
 * folder's kustomization has its own, Argo CD's replaces it (a wrapping kustomization would add to it). Such a build
 * runs on an edited copy of the folder (see mirrored-copy.ts), the other options staying in the wrapper. Undefined
 * when nothing is replaced (adding is then the same) or no copy can be made (the build then adds).
 */
function withNamesEdited(
  folder: string,
  overlay: Record<string, unknown>,
): { copy: MirroredCopy; rest: Record<string, unknown> | undefined } | undefined {
  const edits = (['namePrefix', 'nameSuffix'] as const).filter((key) => typeof overlay[key] === 'string');
  const file = kustomizationFileIn(folder, diskFiles);
  if (!edits.length || !file) return undefined;
  const document = parseDocument(readFileSync(file, 'utf8'));
  if (document.errors.length || !edits.some((key) => document.has(key))) return undefined;
  const repository = findGitRepository(folder);
  const copy = repository ? mirroredCopy(folder, repository.root) : undefined;
  if (!copy) return undefined;
  for (const key of edits) document.set(key, overlay[key]);
  writeFileSync(join(copy.folder, basename(file)), String(document));
  const rest = Object.fromEntries(Object.entries(overlay).filter(([key]) => !(edits as string[]).includes(key)));
  return { copy, rest: Object.keys(rest).length ? rest : undefined };
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
      // What Argo CD reads of the folder: its YAML and JSON manifests, those its include and exclude globs choose.
      const directory = { recurse: plan.recursive, include: plan.include, exclude: plan.exclude };
      const documents = manifestsUnder(plan.folder, plan.recursive)
        .filter((file) => plainDirectoryReads(directory, relative(plan.folder, file).split(sep).join('/')))
        .map((file) => readFileSync(file, 'utf8').trim());
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
      // Names come from the repository (a releaseName, generator parameters): one that helm would read as a flag
      // (`--post-renderer=...`) is refused, as Helm refuses release names that are not DNS labels.
      if (!RELEASE_NAME.test(plan.release))
        return { ok: false, error: `"${plan.release}" is not a valid Helm release name (lowercase letters, digits and "-", at most 53).` };
      const args = ['template', plan.release, plan.chart, ...(plan.namespace ? ['--namespace', plan.namespace] : [])];
      for (const file of plan.valuesFiles) args.push('--values', file);
      // Values from ConfigMaps and Secrets (a HelmRelease's valuesFrom), then inline values (an Application's
      // valuesObject, a HelmRelease's values), merged as Helm merges values files and passed on stdin: a Secret's
      // values never touch the disk.
      const late = lateValues(plan);
      if (late !== undefined) args.push('--values', '-');
      for (const set of plan.set ?? [])
        args.push(
          set.as === 'file' ? '--set-file' : set.as === 'string' ? '--set-string' : '--set',
          `${set.name}=${helmSetValue(set.value)}`,
        );
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

/** Temporary folders in use: removed when done, or when the process exits first. */
const temporaryFolders = new Set<string>();
process.once('exit', () => {
  for (const folder of temporaryFolders) rmSync(folder, { recursive: true, force: true });
});

function temporaryFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  temporaryFolders.add(folder);
  return folder;
}

function removeTemporaryFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
  temporaryFolders.delete(folder);
}

/** Helm's own rule for release names (a DNS-1123 label of at most 53 characters). */
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/;

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
 * The charts a kustomization, or one it includes, inflates (`helmCharts:`): none, all already in their chartHome, or
 * one that kustomize would pull from a repository (the network, and a download into the user's checkout: not done).
 */
function helmChartsOf(folder: string, seen = new Set<string>()): { remote?: string; any: boolean } {
  if (seen.has(folder)) return { any: false };
  seen.add(folder);
  const file = kustomizationFileIn(folder, diskFiles);
  const text = file ? readTextFile(file) : undefined;
  if (!text?.ok) return { any: false };
  const value = parseDocuments(text.text)[0]?.content.value;
  if (!isRecord(value)) return { any: false };
  const found: { remote?: string; any: boolean } = { any: false };
  const globals = isRecord(value.helmGlobals) ? value.helmGlobals : {};
  const chartHome = resolve(folder, typeof globals.chartHome === 'string' ? globals.chartHome : 'charts');
  for (const chart of Array.isArray(value.helmCharts) ? value.helmCharts : []) {
    if (!isRecord(chart) || typeof chart.name !== 'string') continue;
    found.any = true;
    const pulled = typeof chart.version === 'string' ? join(chartHome, `${chart.name}-${chart.version}`, chart.name) : undefined;
    const local =
      diskFiles.kindOf(join(chartHome, chart.name)) === 'folder' || (pulled !== undefined && diskFiles.kindOf(pulled) === 'folder');
    if (!local && typeof chart.repo === 'string') found.remote ??= chart.repo;
  }
  const entries = ['resources', 'bases', 'components'].flatMap((field) => (Array.isArray(value[field]) ? (value[field] as unknown[]) : []));
  for (const entry of entries) {
    if (typeof entry !== 'string' || /^[a-z]+:\/\//i.test(entry)) continue;
    const path = resolve(folder, entry);
    if (diskFiles.kindOf(path) !== 'folder') continue;
    const inner = helmChartsOf(path, seen);
    found.any ||= inner.any;
    if (inner.remote) found.remote ??= inner.remote;
  }
  return found;
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
  return {
    ok: true,
    objects: trackedObjects(built.output).map((tracked) => ({
      ...tracked,
      ...(tracked.origin ? { origin: real(resolve(wrapper, tracked.origin)) } : {}),
      patchedIn: tracked.patchedIn.map((file) => real(resolve(wrapper, file))),
    })),
  };
}
