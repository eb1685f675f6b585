// The file system as the engine's checks across files see it (engine/workspace/workspace-files.ts), read from disk.
import { readdirSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { EntryKind, WorkspaceFiles } from '../engine/workspace/workspace-files';

export const diskFiles: WorkspaceFiles = {
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
};
