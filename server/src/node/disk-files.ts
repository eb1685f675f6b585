// The files and git repository a project reads (engine/project/project-files.ts), on disk: text read within the size
// limits, paths confined by where their links lead, YAML files found as the CLI and the server walk folders, remotes
// read from `.git/config`.
import { readdirSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProjectFiles } from '../engine/project/project-files';
import type { EntryKind } from '../engine/workspace/workspace-files';
import { isConfined } from './confined-path';
import { excludeMatcher, findYamlFiles } from './find-yaml-files';
import { findGitRepository } from './git-remotes';
import { readTextFile } from './read-text-file';

export const diskFiles: ProjectFiles = {
  kindOf(path: string): EntryKind | undefined {
    try {
      const stats = statSync(path);
      return stats.isDirectory() ? 'folder' : stats.isFile() ? 'file' : undefined;
    } catch {
      return undefined;
    }
  },
  list(folder: string): string[] {
    try {
      return readdirSync(folder);
    } catch {
      return [];
    }
  },
  resolve: (folder, entry) => resolve(folder, entry),
  dirname: (path) => dirname(path),
  relative: (from, to) => relative(from, to).split(sep).join('/'),
  readText: (path) => readTextFile(path),
  stamp(path: string): string | undefined {
    try {
      const stats = statSync(path);
      return `${stats.size}:${stats.mtimeMs}`;
    } catch {
      return undefined;
    }
  },
  isConfined: (path, root) => isConfined(path, root),
  yamlFiles: (path, walk) => findYamlFiles(path, walk),
  excludeMatcher: (root, exclude) => excludeMatcher({ root, exclude }),
  gitRepositoryOf: (folder) => findGitRepository(folder),
  pathOfFileUrl: (url) => fileURLToPath(url),
};
