// What checks across files need to know of the file system. The engine does no I/O: the host (the Node adapter, or a
// test's in-memory tree) answers these.
import { closestMatch } from '../text/suggest';

export type EntryKind = 'file' | 'folder';

export interface WorkspaceFiles {
  /** What is at `path`: a file, a folder, or nothing (also when it cannot be read). */
  kindOf(path: string): EntryKind | undefined;
  /** The names in a folder; [] when it cannot be read. */
  list(folder: string): string[];
  /** An entry as a kustomization or manifest writes it (`../base`, `patch.yaml`), resolved against a folder. */
  resolve(folder: string, entry: string): string;
  dirname(path: string): string;
  /** `to` relative to the folder `from`, with `/` separators, as a user would write it. */
  relative(from: string, to: string): string;
}

/** Whether `file` is somewhere below `folder` (paths as written: nothing resolved). */
export function isUnderFolder(file: string, folder: string, dirname: (path: string) => string): boolean {
  for (let current = dirname(file); ; current = dirname(current)) {
    if (current === folder) return true;
    if (dirname(current) === current) return false;
  }
}

const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** The kustomization file kustomize would read in a folder, if there is one. */
export function kustomizationFileIn(folder: string, files: WorkspaceFiles): string | undefined {
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const candidate = files.resolve(folder, name);
    if (files.kindOf(candidate) === 'file') return candidate;
  }
  return undefined;
}

/**
 * For a path as written that does not exist, the closest existing name in the folder it points into, written the same
 * way (`../base/deploymnet.yaml` -> `../base/deployment.yaml`); undefined when nothing is close.
 */
export function closestExistingPath(folder: string, entry: string, files: WorkspaceFiles): string | undefined {
  const trimmed = entry.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  const parent = slash === -1 ? '' : trimmed.slice(0, slash + 1);
  const name = trimmed.slice(slash + 1);
  const parentFolder = files.resolve(folder, parent || '.');
  if (!name || files.kindOf(parentFolder) !== 'folder') return undefined;
  const suggestion = closestMatch(name, files.list(parentFolder));
  return suggestion === undefined ? undefined : parent + suggestion;
}
