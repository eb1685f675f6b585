// A folder copied where it sits in a mirror of its repository, to build an edited copy of a kustomization as if it
// were the original: Argo CD runs `kustomize edit set nameprefix` (and namesuffix) in an Application's folder, which
// replaces the folder's own prefix, and Driftless must not write into the user's files. Every other entry along the
// path from the repository's root is a link to the real one, so the copy's relative paths (`../base`) reach what they
// reach from the folder, and what lies outside the repository is missing, as in Argo CD's checkout.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

/** Beyond this the folder is not copied (the caller builds without the copy). */
const MAX_FILES = 2_000;
const MAX_BYTES = 32 * 1024 * 1024;

export interface MirroredCopy {
  /** The mirror of the repository's root (remove it when done). */
  root: string;
  /** The copy of the folder inside it. */
  folder: string;
  /** The real path of a path inside the mirror (paths outside it are returned as they are). */
  real: (path: string) => string;
}

/**
 * Copies `folder` (inside `repositoryRoot`) into a new mirror; undefined when it cannot: a folder too large to copy,
 * or links that cannot be made (Windows without the privilege).
 */
export function mirroredCopy(folder: string, repositoryRoot: string): MirroredCopy | undefined {
  const path = relative(repositoryRoot, folder);
  if (process.platform === 'win32' || path === '' || path.startsWith('..') || !withinLimits(folder)) return undefined;
  const root = mkdtempSync(join(tmpdir(), 'driftless-mirror-'));
  try {
    const parts = path.split(sep);
    let real = repositoryRoot;
    let copy = root;
    parts.forEach((part, i) => {
      for (const name of readdirSync(real)) if (name !== part) symlinkSync(join(real, name), join(copy, name));
      real = join(real, part);
      copy = join(copy, part);
      if (i < parts.length - 1) mkdirSync(copy);
    });
    cpSync(folder, copy, { recursive: true, verbatimSymlinks: true });
    return {
      root,
      folder: copy,
      real: (inside) => {
        const below = relative(root, inside);
        return below.startsWith('..') ? inside : join(repositoryRoot, below);
      },
    };
  } catch {
    rmSync(root, { recursive: true, force: true });
    return undefined;
  }
}

function withinLimits(folder: string): boolean {
  let files = 0;
  let bytes = 0;
  const walk = (current: string): boolean => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        if (!walk(path)) return false;
      } else if (entry.isFile()) {
        files++;
        bytes += statSync(path).size;
        if (files > MAX_FILES || bytes > MAX_BYTES) return false;
      }
    }
    return true;
  };
  try {
    return walk(folder);
  } catch {
    return false;
  }
}
