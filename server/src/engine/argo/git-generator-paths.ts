// The paths Argo CD's git generators match, as Argo CD matches them: a directories pattern with Go's path.Match over
// each folder of the repository (so `*` and `**` stay within one folder name, hidden folders skipped), a files
// pattern as a git pathspec (`*` and `?` also match `/`). Generation and the `missing-path` check both read them here,
// so a pattern that generates nothing is the one reported.
import type { WorkspaceFiles } from '../workspace/workspace-files';

/** A matcher of one path segment for a glob segment: `*` and `?` within it, `[...]` as a class. */
function globSegment(segment: string): RegExp {
  let source = '';
  for (const char of segment) source += char === '*' ? '[^/]*' : char === '?' ? '[^/]' : char.replace(/[.+^${}()|\\]/g, '\\$&');
  return new RegExp(`^${source}$`);
}

/** Matches one segment of a folder path as Go's path.Match does; undefined for a pattern it would refuse. */
function segmentMatcher(segment: string): ((name: string) => boolean) | undefined {
  if (segment.includes('\\')) return undefined;
  if (!/[*?[]/.test(segment)) return (name) => name === segment;
  try {
    const matcher = globSegment(segment);
    return (name) => matcher.test(name);
  } catch {
    return undefined;
  }
}

/**
 * The folders of the repository (as segments from its root) an include pattern of a git directories generator
 * matches: Go's path.Match, so `*` stays within one folder name (`**` too), over every folder but hidden ones.
 */
export function matchingFolders(root: string, pattern: string, files: WorkspaceFiles, budget: { left: number }): string[][] | undefined {
  let found: { folder: string; segments: string[] }[] = [{ folder: root, segments: [] }];
  for (const segment of pattern.split('/')) {
    const matches = segment === '' ? undefined : segmentMatcher(segment);
    if (!matches) return [];
    const next: typeof found = [];
    for (const { folder, segments } of found) {
      const names = /[*?[]/.test(segment) ? [...files.list(folder)].sort() : [segment];
      budget.left -= names.length;
      if (budget.left < 0) return undefined;
      for (const name of names) {
        const path = files.resolve(folder, name);
        // Argo CD's walk skips hidden folders, and with them what is inside.
        if (!name.startsWith('.') && matches(name) && files.kindOf(path) === 'folder')
          next.push({ folder: path, segments: [...segments, name] });
      }
    }
    found = next;
  }
  return found.map((f) => f.segments);
}

/** Whether a folder (its segments) matches a pattern, as the exclude entries of a directories generator match. */
export function pathMatches(pattern: string, segments: string[]): boolean {
  const parts = pattern.split('/');
  return parts.length === segments.length && parts.every((part, i) => segmentMatcher(part)?.(segments[i]!) ?? false);
}

/** A git pathspec as `git ls-files` (Argo CD's default file globbing) reads it: `*` and `?` also match `/`. */
export function pathspecMatcher(pattern: string): RegExp | undefined {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) return undefined;
      const inner = pattern
        .slice(i + 1, end)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\');
      source += `[${inner}]`;
      i = end;
    } else source += char.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  try {
    return new RegExp(`^${source}$`);
  } catch {
    return undefined;
  }
}

/** Every file of the repository below the pattern's literal folders, as repository-relative paths. */
export function filesBelow(root: string, pattern: string, files: WorkspaceFiles, budget: { left: number }): string[] | undefined {
  const segments = pattern.split('/');
  const wildcard = segments.findIndex((s) => /[*?[]/.test(s));
  const literal = segments.slice(0, wildcard === -1 ? segments.length - 1 : wildcard);
  if (literal.some((s) => s === '' || s === '.' || s === '..')) return [];
  const found: string[] = [];
  const walk = (folder: string, relative: string): boolean => {
    const names = files.list(folder);
    budget.left -= names.length;
    if (budget.left < 0) return false;
    for (const name of names) {
      if (name === '.git') continue;
      const path = files.resolve(folder, name);
      const kind = files.kindOf(path);
      const inside = relative ? `${relative}/${name}` : name;
      if (kind === 'file') found.push(inside);
      else if (kind === 'folder' && !walk(path, inside)) return false;
    }
    return true;
  };
  const start = literal.reduce((folder, segment) => files.resolve(folder, segment), root);
  if (files.kindOf(start) !== 'folder') return [];
  return walk(start, literal.join('/')) ? found : undefined;
}

/** Past this many folder entries looked at, whether a pattern matches cannot be told here. */
const CHECK_BUDGET = 10_000;

/**
 * Whether a git generator's pattern, read from `root` as Argo CD reads it, matches at least one folder (directories
 * generator) or file (files generator). Past the budget it cannot tell, and says it matches.
 */
export function generatorPatternMatches(root: string, pattern: string, expects: 'file' | 'folder', files: WorkspaceFiles): boolean {
  const budget = { left: CHECK_BUDGET };
  if (expects === 'folder') {
    const folders = matchingFolders(root, pattern, files, budget);
    return folders === undefined || folders.length > 0;
  }
  const relative = pattern.replace(/^\.\//, '');
  const matcher = pathspecMatcher(relative);
  const candidates = filesBelow(root, relative, files, budget);
  if (!matcher || candidates === undefined) return true;
  return candidates.some((path) => matcher.test(path));
}
