// The git repository a folder belongs to: its top-level folder and the URLs of its remotes, read from its config (a
// worktree's `.git` file points at its git dir). No git process: this runs on every project load, and in untrusted
// workspaces too.
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { GitRepository } from '../engine/project/project-files';

function gitDirectory(root: string): string | undefined {
  const dotGit = join(root, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
    return pointer ? (isAbsolute(pointer) ? pointer : resolve(root, pointer)) : undefined;
  } catch {
    return undefined;
  }
}

function remoteUrls(gitDir: string): string[] {
  const configs = [join(gitDir, 'config')];
  // A linked worktree keeps its remotes in the main repository's config.
  try {
    const common = readFileSync(join(gitDir, 'commondir'), 'utf8').trim();
    configs.push(join(isAbsolute(common) ? common : resolve(gitDir, common), 'config'));
  } catch {
    // Not a linked worktree.
  }
  const urls: string[] = [];
  for (const config of configs) {
    let text: string;
    try {
      text = readFileSync(config, 'utf8');
    } catch {
      continue;
    }
    let inRemote = false;
    for (const line of text.split('\n')) {
      const section = /^\s*\[([^\]]+)\]/.exec(line);
      if (section) inRemote = /^remote\s+"/.test(section[1]!);
      else if (inRemote) {
        const url = /^\s*url\s*=\s*(.+?)\s*$/.exec(line)?.[1];
        if (url) urls.push(url);
      }
    }
  }
  return [...new Set(urls)];
}

/** The repository holding `folder` (the folder itself or the nearest ancestor with a `.git`); undefined outside git. */
export function findGitRepository(folder: string): GitRepository | undefined {
  for (let current = resolve(folder); ; current = dirname(current)) {
    const gitDir = gitDirectory(current);
    if (gitDir) return { root: current, remotes: remoteUrls(gitDir) };
    if (dirname(current) === current) return undefined;
  }
}
