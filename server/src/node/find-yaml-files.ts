// Finds the YAML files under a folder: skips VCS and dependency folders and excluded globs, and survives symlink loops.
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { isConfined } from './confined-path';

const SKIPPED_FOLDERS = new Set(['.git', '.hg', '.svn', 'node_modules', '.terraform', '.venv', '__pycache__']);
const YAML_FILE = /\.ya?ml$/i;

/** Whether a path lies in a folder no walk enters (`.git`, `node_modules`, …). */
export function inSkippedFolder(path: string): boolean {
  return path.split(/[\\/]/).some((part) => SKIPPED_FOLDERS.has(part));
}

export interface FileFilter {
  /** Glob patterns relative to `root` ("vendor/**", "**\/generated/*.yaml"). */
  exclude: readonly string[];
  root: string;
  /** Told of each folder the walk cannot list (permission denied, ...): its files are not validated. */
  unreadable?: (path: string, reason: string) => void;
  /** Links that lead out of this folder (the repository's root) are not followed, and told to `outside`. */
  confineTo?: string;
  outside?: (link: string, target: string) => void;
}

export function excludeMatcher(filter: FileFilter): (path: string) => boolean {
  if (filter.exclude.length === 0) return () => false;
  const match = picomatch([...filter.exclude], { dot: true });
  return (path) => {
    const rel = relative(filter.root, path).split(sep).join('/');
    return !rel.startsWith('..') && (match(rel) || match(rel + '/'));
  };
}

/**
 * Every YAML file under `directory` (or `directory` itself if it is a file, whatever its extension), in a stable order.
 *
 * Symlinks are followed, as kustomize and helm read through them, but each real file is listed once, and under its own
 * path when the walk meets it there: the real tree is walked first (folders in sorted order), then the symlinks it met,
 * in the order met. A symlink into the walked tree therefore adds nothing; a symlink to a file or folder outside it
 * but inside the repository (a shared base, say) is validated under the symlink's path; one that leads out of the
 * repository (`filter.confineTo`) is not followed, and told to `filter.outside`: repository content must not make
 * Driftless read the rest of the machine. Loops (`a/loop -> ..`, `b/self -> b`) end because every folder is walked
 * once by its real path; dangling and self-referencing links are skipped. Folders that cannot be listed are skipped
 * and told to `filter.unreadable`.
 */
export function findYamlFiles(directory: string, filter: FileFilter, limit = 200_000): string[] {
  const excluded = excludeMatcher(filter);
  const found: string[] = [];
  const walkedFolders = new Set<string>();
  const foundFiles = new Set<string>();
  /** Symlinks met in the walk, followed once the real tree is done. */
  const links: string[] = [];
  const add = (path: string, real: string) => {
    if (foundFiles.has(real)) return;
    foundFiles.add(real);
    found.push(path);
  };
  /** Walks `dir`, whose real path is `real`. */
  const walk = (dir: string, real: string) => {
    if (walkedFolders.has(real) || found.length >= limit) return;
    walkedFolders.add(real);
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch (error) {
      filter.unreadable?.(dir, describeError(error));
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      if (excluded(path)) continue;
      let stats;
      try {
        stats = lstatSync(path);
      } catch {
        continue;
      }
      if (stats.isSymbolicLink()) links.push(path);
      else if (stats.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry)) walk(path, join(real, entry));
      } else if (stats.isFile() && YAML_FILE.test(entry)) {
        add(path, join(real, entry));
      }
      if (found.length >= limit) return;
    }
  };
  let real: string;
  try {
    if (statSync(directory).isFile()) return excluded(directory) ? [] : [directory];
    real = realpathSync(directory);
  } catch {
    return [];
  }
  walk(directory, real);
  // `links` grows while linked folders are walked; each folder is walked once, so this ends.
  for (let i = 0; i < links.length && found.length < limit; i++) {
    const path = links[i]!;
    let target: string;
    let stats;
    try {
      target = realpathSync(path); // Throws on dangling links and loops of links (ENOENT, ELOOP).
      stats = statSync(target);
    } catch {
      continue;
    }
    // An excluded or skipped folder stays out when reached through a symlink.
    if (excluded(target)) continue;
    if (filter.confineTo !== undefined && !isConfined(target, filter.confineTo)) {
      // Told only where it would have been followed: a folder, or a file with a YAML name.
      if (stats.isDirectory() || YAML_FILE.test(basename(path))) filter.outside?.(path, target);
      continue;
    }
    if (stats.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(basename(path)) && !SKIPPED_FOLDERS.has(basename(target))) walk(path, target);
    } else if (stats.isFile() && YAML_FILE.test(basename(path))) {
      add(path, target);
    }
  }
  return found;
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
