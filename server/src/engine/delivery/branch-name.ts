// Branch names: one drafted from a change (driftless/cart-prod-image-1.0.1), and the rules git holds a branch name
// to (git check-ref-format --branch), checked before any name reaches git.
import type { EnvironmentChanges } from '../render/diff-markdown';
import { fieldChangesOf } from './field-changes';

export const BRANCH_PREFIX = 'driftless/';
/** Long enough to say what changed, short enough for a terminal prompt and the forges' branch lists. */
const LONGEST_SLUG = 60;

/**
 * Why `name` cannot be a branch (git's rules for refs, `git check-ref-format --branch`), or undefined when it can.
 * Stricter than git in one way: no non-ASCII characters, which some forges' URLs and some file systems mangle.
 */
export function branchNameProblem(name: string): string | undefined {
  if (!name) return 'a branch name cannot be empty';
  if (name.length > 200) return 'a branch name this long is refused by some forges (200 characters at most)';
  if (name.startsWith('-')) return 'a branch name cannot start with "-"';
  if (name === 'HEAD' || name === '@') return `"${name}" is not a branch name`;
  if (/[\u0000-\u0020\u007f]/.test(name)) return 'a branch name cannot hold spaces or control characters';
  if (/[^\u0000-\u007f]/.test(name)) return 'a branch name should hold ASCII characters only';
  const bad = /[~^:?*[\\]/.exec(name);
  if (bad) return `a branch name cannot hold "${bad[0]}"`;
  if (name.includes('..')) return 'a branch name cannot hold ".."';
  if (name.includes('@{')) return 'a branch name cannot hold "@{"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'a branch name cannot start or end with "/", or hold "//"';
  if (name.endsWith('.')) return 'a branch name cannot end with "."';
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return 'no part of a branch name (between "/") can start with "."';
    if (component.endsWith('.lock')) return 'no part of a branch name (between "/") can end with ".lock"';
  }
  return undefined;
}

/** Text as a part of a branch name: letters, digits, `.`, `_` and `-` only, no `..`, no `.` or `-` at either end. */
export function branchSlug(text: string, longest = LONGEST_SLUG): string {
  return text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .slice(0, longest)
    .replace(/^[-.]+|[-.]+$/g, '')
    .replace(/\.lock$/i, '-lock');
}

/**
 * A branch name for a change: the first changed environment and what changed in it
 * (driftless/cart-prod-image-1.0.1, driftless/web-prod-add-configmap-web-env), else the first changed file's name.
 */
export function draftBranchName(environments: readonly EnvironmentChanges[], files: readonly string[] = []): string {
  const first = environments.find((e) => e.changes.length);
  const change = first?.changes[0];
  let words: string;
  if (first && change) {
    if (change.change === 'changed') {
      const field = fieldChangesOf(change).fields[0];
      words = field
        ? `${first.name}-${field.label}${field.after !== undefined && !field.hidden ? `-${field.after}` : ''}`
        : `${first.name}-${change.kind}-${change.name}`;
    } else words = `${first.name}-${change.change === 'added' ? 'add' : 'remove'}-${change.kind.toLowerCase()}-${change.name}`;
  } else {
    const file = files[0]
      ?.split('/')
      .pop()
      ?.replace(/\.[^.]+$/, '');
    words = file ? `update-${file}` : 'update';
  }
  const name = `${BRANCH_PREFIX}${branchSlug(words) || 'update'}`;
  return branchNameProblem(name) ? `${BRANCH_PREFIX}update` : name;
}

/** The branch that keeps the working tree's changes before a checkout (the user agreed): dated, so it is never taken. */
export function keptChangesBranchName(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${BRANCH_PREFIX}kept-${stamp}`;
}

/** `name`, else `name-2`, `name-3`… : the first that is none of `taken` (branches that exist, here or on the remote). */
export function freeBranchName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) if (!taken.has(`${name}-${n}`)) return `${name}-${n}`;
}
