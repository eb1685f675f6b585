// Finds the YAML files under a folder: skips VCS and dependency folders and excluded globs, and survives symlink loops.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch';

const SKIPPED_FOLDERS = new Set(['.git', '.hg', '.svn', 'node_modules', '.terraform', '.venv', '__pycache__']);
const YAML_FILE = /\.ya?ml$/i;

export interface FileFilter {
  /** Glob patterns relative to `root` ("vendor/**", "**\/generated/*.yaml"). */
  exclude: readonly string[];
  root: string;
}

export function excludeMatcher(filter: FileFilter): (path: string) => boolean {
  if (filter.exclude.length === 0) return () => false;
  const match = picomatch([...filter.exclude], { dot: true });
  return (path) => {
    const rel = relative(filter.root, path).split(sep).join('/');
    return !rel.startsWith('..') && (match(rel) || match(rel + '/'));
  };
}

/** Every YAML file under `directory` (or `directory` itself if it is a file, whatever its extension), in a stable order. */
export function findYamlFiles(directory: string, filter: FileFilter, limit = 200_000): string[] {
  const excluded = excludeMatcher(filter);
  const found: string[] = [];
  const visited = new Set<string>();
  const walk = (dir: string) => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (visited.has(real) || found.length >= limit) return;
    visited.add(real);
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      if (excluded(path)) continue;
      let stats;
      try {
        stats = statSync(path);
      } catch {
        continue;
      }
      if (stats.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry)) walk(path);
      } else if (stats.isFile() && YAML_FILE.test(entry)) {
        found.push(path);
        if (found.length >= limit) return;
      }
    }
  };
  try {
    if (statSync(directory).isFile()) return excluded(directory) ? [] : [directory];
  } catch {
    return [];
  }
  walk(directory);
  return found;
}
