// What a kustomize build reads: every kustomization folder from its seeds on (resources, components, patches,
// generator inputs), and the files they name outside those folders — the inputs a render's cache digest covers.
import { kustomizationFileIn, type WorkspaceFiles } from '../../../engine/workspace/workspace-files';
import { isUnder } from '../../confined-path';
import type { RenderInputFiles, RenderInputHost } from './renderer';

/** Past this many files a render is not cached: walking them would cost about what rendering does. */
export const MAX_INPUT_FILES = 20_000;
export const SKIPPED_FOLDERS = new Set(['.git', 'node_modules']);

/** The kustomization folders below `folder` (not itself), as far as a bounded walk goes. */
export function kustomizationFoldersUnder(folder: string, files: WorkspaceFiles): string[] {
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
export function kustomizeInputs(seeds: string[], host: RenderInputHost, extraFiles: string[] = []): RenderInputFiles {
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
