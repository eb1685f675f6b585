// An in-memory tree that answers the engine's ProjectFiles as the disk does (node/disk-files.ts), so engine tests run
// a whole project without touching the disk: files by absolute POSIX path, folders implied by them (or made empty),
// a stamp that changes with each write, and a git repository with remotes when asked for one.
import { posix } from 'node:path';
import type { GitRepository, ProjectFiles, TextFile, YamlFileWalk } from '../../server/src/engine/project/project-files';
import type { EntryKind } from '../../server/src/engine/workspace/workspace-files';
import { decodeText } from '../../server/src/node/read-text-file';
import { excludeMatcher } from '../../server/src/node/find-yaml-files';

/** The folders a walk for YAML files skips, as node/find-yaml-files.ts does. */
const SKIPPED_FOLDERS = new Set(['.git', '.hg', '.svn', 'node_modules', '.terraform', '.venv', '__pycache__']);
const YAML_FILE = /\.ya?ml$/i;

export class MemoryFiles implements ProjectFiles {
  private readonly texts = new Map<string, string>();
  private readonly folders = new Set<string>(['/']);
  private readonly versions = new Map<string, number>();
  private writes = 0;

  /** `tree`: path (relative to `root`) -> text; a path ending in `/` is an empty folder. */
  constructor(
    readonly root: string,
    tree: Record<string, string> = {},
    private readonly git?: GitRepository,
  ) {
    this.mkdir(root);
    for (const [path, text] of Object.entries(tree)) {
      if (path.endsWith('/')) this.mkdir(posix.resolve(root, path));
      else this.write(posix.join(root, path), text);
    }
  }

  /** Writes a file (absolute path), making its folders. */
  write(path: string, text: string): void {
    this.mkdir(posix.dirname(path));
    this.texts.set(path, text);
    this.versions.set(path, ++this.writes);
  }

  mkdir(folder: string): void {
    for (let current = folder; !this.folders.has(current); current = posix.dirname(current)) this.folders.add(current);
  }

  /** Removes a file, or a folder with everything in it. */
  remove(path: string): void {
    this.texts.delete(path);
    this.folders.delete(path);
    for (const known of [...this.texts.keys(), ...this.folders])
      if (known.startsWith(`${path}/`)) {
        this.texts.delete(known);
        this.folders.delete(known);
      }
  }

  /** A file's text, for a test to validate it (throws when there is none, as reading a missing fixture would). */
  text(path: string): string {
    const text = this.texts.get(path);
    if (text === undefined) throw new Error(`no file ${path} in the memory tree`);
    return text;
  }

  kindOf(path: string): EntryKind | undefined {
    if (this.texts.has(path)) return 'file';
    return this.folders.has(path) ? 'folder' : undefined;
  }

  list(folder: string): string[] {
    if (!this.folders.has(folder)) return [];
    const prefix = folder === '/' ? '/' : `${folder}/`;
    const names = new Set<string>();
    for (const path of [...this.texts.keys(), ...this.folders])
      if (path.startsWith(prefix) && path !== folder) names.add(path.slice(prefix.length).split('/')[0]!);
    return [...names];
  }

  resolve(folder: string, entry: string): string {
    return posix.resolve(folder, entry);
  }

  dirname(path: string): string {
    return posix.dirname(path);
  }

  relative(from: string, to: string): string {
    return posix.relative(from, to);
  }

  readText(path: string): TextFile {
    const text = this.texts.get(path);
    if (text !== undefined) return decodeText(new TextEncoder().encode(text));
    return this.folders.has(path)
      ? { ok: false, reason: 'unreadable', message: 'is a directory' }
      : { ok: false, reason: 'unreadable', message: 'no such file or directory', missing: true };
  }

  stamp(path: string): string | undefined {
    if (this.folders.has(path)) return 'folder';
    const version = this.versions.get(path);
    return version === undefined ? undefined : String(version);
  }

  /** No links in memory: a path is confined when it lies in the root. */
  isConfined(path: string, root: string): boolean {
    const resolved = posix.resolve(path);
    return resolved === root || resolved.startsWith(`${root === '/' ? '' : root}/`);
  }

  yamlFiles(path: string, walk: YamlFileWalk): string[] {
    const excluded = excludeMatcher({ root: walk.root, exclude: walk.exclude });
    if (this.texts.has(path)) return excluded(path) ? [] : [path];
    const found: string[] = [];
    const visit = (folder: string) => {
      for (const name of this.list(folder).sort()) {
        const entry = posix.join(folder, name);
        if (excluded(entry)) continue;
        if (this.folders.has(entry)) {
          if (!SKIPPED_FOLDERS.has(name)) visit(entry);
        } else if (YAML_FILE.test(name)) found.push(entry);
      }
    };
    if (this.folders.has(path)) visit(path);
    return found;
  }

  excludeMatcher(root: string, exclude: readonly string[]): (path: string) => boolean {
    return excludeMatcher({ root, exclude });
  }

  gitRepositoryOf(folder: string): GitRepository | undefined {
    const git = this.git;
    if (!git) return undefined;
    return folder === git.root || folder.startsWith(`${git.root}/`) ? { root: git.root, remotes: [...git.remotes] } : undefined;
  }

  pathOfFileUrl(url: string): string {
    return decodeURIComponent(new URL(url).pathname);
  }
}
