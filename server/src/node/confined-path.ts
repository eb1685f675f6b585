// Paths confined to a repository's root, as Argo CD's securejoin and its out-of-bounds symlink check: a path is
// judged by where it really leads (every symlink on the way resolved), and anything that leads out of the root is
// refused. Repository content is hostile: `../../..`, an absolute path or a link to /etc must never be read.
import { lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isUnderFolder } from '../engine/workspace/workspace-files';

/** Whether `file` is somewhere below `folder` (paths as written: nothing resolved). */
export function isUnder(file: string, folder: string): boolean {
  return isUnderFolder(file, folder, dirname);
}

/**
 * Where a path really leads: its symlinks resolved. A path that does not exist (yet) leads where its nearest existing
 * ancestor leads, followed by the rest of it: a missing file under a link out of the root is still out of it.
 */
export function realPathOf(path: string): string {
  const absolute = resolve(path);
  const rest: string[] = [];
  for (let current = absolute; ; current = dirname(current)) {
    try {
      return join(realpathSync(current), ...rest.reverse());
    } catch {
      // Missing, or a dangling link or a loop of links: judge by what leads to it.
      if (dirname(current) === current) return absolute;
      rest.push(basename(current));
    }
  }
}

/** Whether `path`, its symlinks resolved, is the root or inside it (the root's own symlinks resolved too). */
export function isConfined(path: string, root: string): boolean {
  const real = realPathOf(path);
  const realRoot = realPathOf(root);
  return real === realRoot || isUnder(real, realRoot);
}

/** A symlink that leads out of the root, and where to. */
export interface OutOfBoundsLink {
  link: string;
  target: string;
}

/**
 * The first symlink in or under `folder` (walked without following links, as Argo CD's CheckOutOfBoundsSymlinks) that
 * leads out of `root`; undefined when there is none. `budget` bounds the walk (entries looked at); past it the walk
 * stops and says so with `exhausted`. `skip`: names not walked (default `.git`).
 */
export function linkOutOf(
  root: string,
  folder: string,
  options: { budget?: number; skip?: (name: string) => boolean } = {},
): OutOfBoundsLink | { exhausted: true } | undefined {
  let left = options.budget ?? 50_000;
  // git's own folder is nothing a tool reads.
  const skip = options.skip ?? ((name: string) => name === '.git');
  const walk = (current: string): OutOfBoundsLink | { exhausted: true } | undefined => {
    let stats;
    try {
      stats = lstatSync(current);
    } catch {
      return undefined;
    }
    if (--left < 0) return { exhausted: true };
    if (stats.isSymbolicLink()) {
      if (isConfined(current, root)) return undefined;
      let target: string;
      try {
        target = readlinkSync(current);
      } catch {
        target = realPathOf(current);
      }
      return { link: current, target };
    }
    if (!stats.isDirectory()) return undefined;
    let names: string[];
    try {
      names = readdirSync(current);
    } catch {
      return undefined;
    }
    for (const name of names.sort()) {
      if (skip(name)) continue;
      const found = walk(join(current, name));
      if (found) return found;
    }
    return undefined;
  };
  return walk(folder);
}
