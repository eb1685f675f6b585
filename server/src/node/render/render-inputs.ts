// What a render reads, as one digest of content: the same digest means the same render, so renders are cached by it
// (an edit elsewhere in the repository keeps them; saving a file without changing it too). The inputs are the files
// under every kustomization folder of the build (its resources, patches and generator files sit there or below) and
// the files it names elsewhere, or a chart's folder and values files. Each file's content hash is kept while its size
// and mtime stay the same, so a digest costs a walk and a stat per file.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RenderPlan } from '../../engine/render/render-plan';
import type { KustomizationFacts } from '../../engine/kustomize/kustomization';
import { kustomizationFileIn, type WorkspaceFiles } from '../../engine/workspace/workspace-files';
import { isUnder } from '../confined-path';

/** Past this many files a render is not cached: walking them would cost about what rendering does. */
const MAX_INPUT_FILES = 20_000;
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules']);

export interface RenderInputHost {
  files: WorkspaceFiles;
  kustomizationFacts(path: string): KustomizationFacts | undefined;
}

export class RenderInputs {
  /** Bounded: files come and go over an editor session (branch switches, generated files). */
  private readonly hashes = new LRUCache<string, { stamp: string; hash: string }>({ max: 100_000 });

  /** A digest of everything the plan reads (with the plan and `extra`, the tools); undefined when too large to tell. */
  digest(plan: RenderPlan, host: RenderInputHost, extra: unknown): string | undefined {
    const files = new Set<string>();
    const walk = (folder: string): boolean => {
      let names: string[];
      try {
        names = readdirSync(folder);
      } catch {
        return true;
      }
      for (const name of names) {
        if (SKIPPED_FOLDERS.has(name)) continue;
        const path = join(folder, name);
        const kind = host.files.kindOf(path);
        if (kind === 'folder' && !walk(path)) return false;
        if (kind === 'file') files.add(path);
        if (files.size > MAX_INPUT_FILES) return false;
      }
      return true;
    };
    const folders = inputFolders(plan, host);
    for (const folder of folders.recursive) if (!walk(folder)) return undefined;
    for (const file of folders.files) files.add(file);
    const digest = createHash('sha256').update(JSON.stringify([plan, extra]));
    for (const file of [...files].sort()) digest.update(`\0${file}\0${this.hashOf(file)}`);
    return digest.digest('hex');
  }

  /** A file's content hash (kept while its size and mtime stay the same); `missing` when it cannot be read. */
  hashOf(file: string): string {
    try {
      const stats = statSync(file);
      const stamp = `${stats.size}:${stats.mtimeMs}`;
      const known = this.hashes.get(file);
      if (known?.stamp === stamp) return known.hash;
      const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
      this.hashes.set(file, { stamp, hash });
      return hash;
    } catch {
      this.hashes.delete(file);
      return 'missing';
    }
  }
}

/** The folders a plan reads whole (for kustomize: every kustomization folder of the build), and the files it reads outside them. */
export function inputFolders(plan: RenderPlan, host: RenderInputHost): { recursive: string[]; files: string[] } {
  switch (plan.kind) {
    case 'none':
      return { recursive: [], files: [] };
    case 'directory':
      // Flux builds a path without kustomization from what is below it, kustomizations included: those may read
      // folders elsewhere.
      return kustomizeInputs([plan.folder, ...kustomizationFoldersUnder(plan.folder, host.files)], host);
    case 'helm':
      return {
        recursive: [plan.chart],
        files: [...plan.valuesFiles, ...(plan.set ?? []).filter((s) => s.as === 'file').map((s) => s.value)],
      };
    case 'kustomize': {
      // What Argo CD's kustomize options add: their components (folders) and patch files.
      const overlay = plan.overlay ?? {};
      const patches: string[] = [];
      for (const patch of Array.isArray(overlay.patches) ? overlay.patches : [])
        if (typeof patch === 'object' && patch !== null && typeof (patch as { path?: unknown }).path === 'string')
          patches.push((patch as { path: string }).path);
      const components = Array.isArray(overlay.components) ? overlay.components.filter((c): c is string => typeof c === 'string') : [];
      return kustomizeInputs([plan.folder, ...components], host, patches);
    }
  }
}

/** The kustomization folders below `folder` (not itself), as far as a bounded walk goes. */
function kustomizationFoldersUnder(folder: string, files: WorkspaceFiles): string[] {
  const found: string[] = [];
  let budget = MAX_INPUT_FILES;
  const walk = (current: string) => {
    for (const name of files.list(current)) {
      if (--budget < 0 || SKIPPED_FOLDERS.has(name)) continue;
      const path = files.resolve(current, name);
      if (files.kindOf(path) !== 'folder') continue;
      if (kustomizationFileIn(path, files)) found.push(path);
      walk(path);
    }
  };
  walk(folder);
  return found;
}

/** Every kustomization folder a build starting at `seeds` reads (and what they name outside those folders). */
function kustomizeInputs(seeds: string[], host: RenderInputHost, extraFiles: string[] = []): { recursive: string[]; files: string[] } {
  const folders = new Set<string>();
  const files = new Set<string>(extraFiles);
  const pending = [...seeds];
  while (pending.length) {
    const folder = pending.pop()!;
    if (folders.has(folder)) continue;
    folders.add(folder);
    const kustomization = kustomizationFileIn(folder, host.files);
    const facts = kustomization ? host.kustomizationFacts(kustomization) : undefined;
    // Generator inputs and the like count too: an env file next to the base may sit outside every folder.
    for (const entry of facts ? [...facts.resources, ...facts.components, ...facts.patches, ...facts.reads] : []) {
      if (host.files.kindOf(entry) === 'folder') pending.push(entry);
      else files.add(entry);
    }
  }
  return { recursive: [...folders], files: [...files].filter((file) => ![...folders].some((f) => isUnder(file, f))) };
}
