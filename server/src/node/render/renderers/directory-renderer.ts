// The renderer of a folder of manifests: what `kubectl apply -f` and Argo CD read of it (its YAML and JSON files, as
// Argo CD's include and exclude globs choose); for Flux, a kustomize build of the kustomization kustomize-controller
// generates for a path without one.
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { plainDirectoryReads } from '../../../engine/workspace/delivered-paths';
import { kustomizationFileIn } from '../../../engine/workspace/workspace-files';
import { tooManyDocuments } from '../../../engine/yaml/document-limits';
import { diskFiles } from '../../disk-files';
import { readTextFile } from '../../read-text-file';
import { preflight } from '../render-preflight';
import { kustomizationFoldersUnder, kustomizeInputs } from './kustomize-inputs';
import { kustomizeBuild, kustomizeVersion } from './kustomize-build';
import { failed, type PlanOf, type Rendered, type Renderer, type RenderTools } from './renderer';

export function directoryRenderer(plan: PlanOf<'directory'>): Renderer {
  return {
    render: (tools, signal) => renderFolder(plan, tools, signal),
    // Flux builds a path without kustomization from what is below it, kustomizations included: those may read folders
    // elsewhere.
    inputs: (host) => kustomizeInputs([plan.folder, ...kustomizationFoldersUnder(plan.folder, host.files)], host),
    failures: () => {
      const rootFile = kustomizationFileIn(plan.folder, diskFiles);
      return { tool: 'kustomize', folder: plan.folder, ...(rootFile ? { rootFile } : {}), fromBuildFolders: true };
    },
    // A folder's objects are traced through the kustomization kustomize-controller would generate for it.
    tracing: { by: 'kustomize', plan },
    ...(plan.flux ? {} : { notJudged: 'its manifests are validated as they are written' }),
    version: (tools) => (plan.flux ? kustomizeVersion(tools) : Promise.resolve(undefined)),
  };
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

async function renderFolder(plan: PlanOf<'directory'>, tools: RenderTools, signal: AbortSignal | undefined): Promise<Rendered> {
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
