// Folders copied where they sit in a mirror of their repository, so that an edited copy of a kustomization builds as
// if it were the original, and Driftless never writes into the user's files: Argo CD runs `kustomize edit` in an
// Application's folder (its namePrefix replaces the folder's own, its patches are added to it), kustomize-controller
// generates a kustomization for a path without one, and reads files from anywhere in the repository (flux-mirror.ts).
// Every other entry along the paths from the repository's root is a link to the real one, so the copies' relative
// paths (`../base`) reach what they reach from the folders, and what lies outside the repository is missing, as in
// Argo CD's checkout. kustomize's load restrictor stays on: files a copy reads are inside it.
import { cpSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { removeTemporaryFolder, temporaryFolder } from '../leftovers';

/** Beyond this the folders are not copied (the render then fails, saying so). */
const MAX_FILES = 10_000;
const MAX_BYTES = 64 * 1024 * 1024;

export interface MirroredCopy {
  /** The mirror of the repository's root. */
  root: string;
  /** The copy of a folder (or of any path) inside the mirror. */
  pathOf: (real: string) => string;
  /** The real path of a path inside the mirror (paths outside it are returned as they are; see also `aliases`). */
  real: (path: string) => string;
  /** Paths in the mirror that stand for other real files (lifted files: flux-mirror.ts). */
  aliases: Map<string, string>;
  dispose(): void;
}

/**
 * Copies `folders` (inside `repositoryRoot`) into a new mirror; undefined when it cannot: folders too large to copy,
 * a folder outside the repository, or links that cannot be made (Windows without the privilege).
 */
export function mirroredCopy(folders: readonly string[], repositoryRoot: string): MirroredCopy | undefined {
  const paths = [...new Set(folders.map((folder) => relative(repositoryRoot, folder)))].sort();
  if (process.platform === 'win32' || paths.some((path) => path.startsWith('..'))) return undefined;
  // A folder inside another copied one comes with it.
  const copied = paths.filter((path) => !paths.some((other) => other !== path && (other === '' || path.startsWith(other + sep))));
  if (!withinLimits(copied.map((path) => join(repositoryRoot, path)))) return undefined;
  const root = temporaryFolder('driftless-mirror-');
  const dispose = () => removeTemporaryFolder(root);
  try {
    // The real folders along the way: the entries of each are links, but for the next folder on a way and the copies.
    const made = new Set<string>(['']);
    const onTheWay = new Set<string>();
    for (const path of copied) {
      const parts = path === '' ? [] : path.split(sep);
      for (let i = 1; i < parts.length; i++) onTheWay.add(parts.slice(0, i).join(sep));
    }
    const fill = (path: string) => {
      for (const name of readdirSync(join(repositoryRoot, path))) {
        const inside = path === '' ? name : join(path, name);
        if (onTheWay.has(inside) || copied.includes(inside)) continue;
        symlinkSync(join(repositoryRoot, inside), join(root, inside));
      }
    };
    for (const path of [...onTheWay].sort()) {
      mkdirSync(join(root, path), { recursive: true });
      made.add(path);
    }
    for (const path of made) if (!copied.includes(path)) fill(path);
    const notGit = (source: string) => basename(source) !== '.git';
    for (const path of copied)
      cpSync(join(repositoryRoot, path), join(root, path), { recursive: true, verbatimSymlinks: true, filter: notGit });
    const aliases = new Map<string, string>();
    return {
      root,
      aliases,
      pathOf: (real) => join(root, relative(repositoryRoot, real)),
      real: (inside) => {
        const alias = aliases.get(inside);
        if (alias) return alias;
        const below = relative(root, inside);
        return below.startsWith('..') ? inside : join(repositoryRoot, below);
      },
      dispose,
    };
  } catch {
    dispose();
    return undefined;
  }
}

/** Whether `folders` can be copied into a mirror (within the limits, on a platform with links). */
export function canMirror(folders: readonly string[], repositoryRoot: string): boolean {
  return (
    process.platform !== 'win32' && folders.every((folder) => !relative(repositoryRoot, folder).startsWith('..')) && withinLimits(folders)
  );
}

function withinLimits(folders: readonly string[]): boolean {
  let files = 0;
  let bytes = 0;
  const walk = (current: string): boolean => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git' && !walk(path)) return false;
      } else if (entry.isFile()) {
        files++;
        bytes += statSync(path).size;
        if (files > MAX_FILES || bytes > MAX_BYTES) return false;
      }
    }
    return true;
  };
  try {
    return folders.every(walk);
  } catch {
    return false;
  }
}
