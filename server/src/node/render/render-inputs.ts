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
import { MAX_INPUT_FILES, SKIPPED_FOLDERS } from './renderers/kustomize-inputs';
import type { RenderInputFiles, RenderInputHost } from './renderers/renderer';
import { rendererFor } from './renderers/renderers';

export type { RenderInputHost };

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
export function inputFolders(plan: RenderPlan, host: RenderInputHost): RenderInputFiles {
  return plan.kind === 'none' ? { recursive: [], files: [] } : rendererFor(plan).inputs(host);
}
