// Runs kustomize for the kustomize renderer and for Flux's builds of a plain folder: `kustomize build` (else `kubectl
// kustomize`) of the folder, of an edited copy of it (Argo CD's `kustomize edit`, kustomize-controller's generated
// kustomization), or of a wrapping kustomization (Flux's target namespace, Argo CD's options, origins for tracing).
import { readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { isComponentText, trackedObjects, wrapperKustomization, type TrackedObject } from '../../../engine/kustomize/origins';
import { substituteVariables } from '../../../engine/flux/flux-variables';
import type { RenderPlan } from '../../../engine/render/render-plan';
import { kustomizationFileIn } from '../../../engine/workspace/workspace-files';
import { parseDocuments } from '../../../engine/yaml/parse-documents';
import { isRecord } from '../../../engine/json';
import { diskFiles } from '../../disk-files';
import { removeTemporaryFolder, temporaryFolder } from '../../leftovers';
import { readTextFile } from '../../read-text-file';
import { canMirror, mirroredCopy, type MirroredCopy } from '../mirrored-copy';
import { applyArgoEdits, liftEscapingFiles, writeGeneratedKustomization } from '../mirror-edits';
import { preflight } from '../render-preflight';
import { findTool, runTool, toolVersion } from '../run-tool';
import { DEFAULT_TIMEOUT_MS, failed, missingConfiguredTool, type RenderFailure, type RenderTools } from './renderer';

/** The command that runs kustomize: `kustomize build`, else `kubectl kustomize`. */
export function kustomizeCommand(tools: RenderTools): { command: string; args: string[] } | undefined {
  const kustomize = findTool('kustomize', tools.kustomize);
  if (kustomize) return { command: kustomize, args: ['build'] };
  const kubectl = findTool('kubectl', tools.kubectl);
  return kubectl ? { command: kubectl, args: ['kustomize'] } : undefined;
}

/** The version of the kustomize that `kustomizeCommand` runs. */
export async function kustomizeVersion(tools: RenderTools): Promise<string | undefined> {
  const kustomize = kustomizeCommand(tools);
  return kustomize ? toolVersion(kustomize.command, kustomize.args[0] === 'kustomize' ? 'kubectl' : 'kustomize') : undefined;
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

export type KustomizeBuildPlan = RenderPlan & { kind: 'kustomize' | 'directory' };

type Built = { ok: true; output: string; tool: string; wrapper?: string; real?: (path: string) => string } | RenderFailure;

/**
 * Runs kustomize on a plan, its load restrictor on: the folder itself when nothing is added; else an edited copy of
 * its folders in a mirror (mirror-edits.ts: Argo CD's `kustomize edit`, kustomize-controller's generated kustomization
 * and its reads from anywhere in the repository) and/or a temporary kustomization that wraps it and adds Flux's
 * target namespace, Argo CD's other options and, with `origins`, `buildMetadata` so kustomize records where each
 * object comes from. Returns the output and the wrapper's folder (already gone; the recorded paths are relative to it).
 */
export async function kustomizeBuild(
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
