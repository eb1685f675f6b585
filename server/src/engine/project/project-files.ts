// What a project reads of the machine, injected: the disk and git (node/disk-files.ts) in the server and the CLI, an
// in-memory tree in tests (test/helpers/memory-files.ts). The engine itself does no I/O.
import type { WorkspaceFiles } from '../workspace/workspace-files';

/** A file's text, or why it is not read (too large, binary or not UTF-8, unreadable; `missing` when nothing is there). */
export type TextFile =
  { ok: true; text: string } | { ok: false; reason: 'too-large' | 'not-text' | 'unreadable'; message: string; missing?: boolean };

/** The git repository a folder belongs to. */
export interface GitRepository {
  /** The repository's top-level folder: where Flux and Argo CD paths start. */
  root: string;
  /** The `url` of every `[remote "..."]` section. */
  remotes: string[];
}

/** How the YAML files under a folder are found (see node/find-yaml-files.ts). */
export interface YamlFileWalk {
  /** The folder exclude globs are relative to. */
  root: string;
  /** Glob patterns relative to `root` ("vendor/**", "**\/generated/*.yaml"). */
  exclude: readonly string[];
  /** Links that lead out of this folder (the repository's root) are not followed, and told to `outside`. */
  confineTo?: string;
  /** Told of each folder that cannot be listed: its files are not validated. */
  unreadable?: (path: string, reason: string) => void;
  outside?: (link: string, target: string) => void;
}

export interface ProjectFiles extends WorkspaceFiles {
  /** A file's text, bounded and decoded as UTF-8 (see node/read-text-file.ts). */
  readText(path: string): TextFile;
  /** Changes whenever the file's content may have (its size and modification time); undefined when it cannot be read. */
  stamp(path: string): string | undefined;
  /** Whether `path`, its symbolic links resolved, is `root` or inside it (see node/confined-path.ts). */
  isConfined(path: string, root: string): boolean;
  /** Every YAML file under `path` (or `path` itself when it is a file), in a stable order. */
  yamlFiles(path: string, walk: YamlFileWalk): string[];
  /** Whether a path matches one of the exclude globs (relative to `root`). */
  excludeMatcher(root: string, exclude: readonly string[]): (path: string) => boolean;
  /** The git repository holding `folder` (the folder or its nearest ancestor with a `.git`), read now. */
  gitRepositoryOf(folder: string): GitRepository | undefined;
  /** A `file:` URL as a path. */
  pathOfFileUrl(url: string): string;
}
