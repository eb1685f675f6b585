// A commit message drafted from what a change does to each environment's rendered objects, e.g.
// `cart: image 1.0.0 → 1.0.1 in cart-prod; memory 128Mi → 256Mi in cart-prod, cart-staging`, with one line per
// environment and object below; and the trailer that records a validation override (`Driftless-Override: 2 errors`).
import type { EnvironmentChanges } from '../render/diff-markdown';
import type { ObjectChange } from '../render/object-diff';
import { describeField, fieldChangesOf } from './field-changes';

export const OVERRIDE_TRAILER = 'Driftless-Override';

/** Subjects longer than this are summed up (`cart, web: 5 changes in 3 environments`); the body keeps the detail. */
const LONGEST_SUBJECT = 100;
/** Environments named in one item before "and N more". */
const MOST_ENVIRONMENTS = 3;
/** Body lines before "… and N more". */
const MOST_BODY_LINES = 40;

export interface DraftedMessage {
  subject: string;
  /** The detail, one line per environment and object; empty when the subject says it all. */
  body: string;
  /** Subject and body as `git commit` takes them. */
  message: string;
}

/** What one object's change says: `image 1.0.0 → 1.0.1`, `Service added`, `12 fields changed`. */
function itemsOf(change: ObjectChange): string[] {
  if (change.change === 'added') return [`${change.kind} added`];
  if (change.change === 'removed') return [`${change.kind} removed`];
  const { fields, total } = fieldChangesOf(change);
  if (fields.length) return fields.map(describeField);
  return [total ? `${change.kind} ${total} fields changed` : `${change.kind} changed`];
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function environmentList(names: readonly string[]): string {
  return names.length > MOST_ENVIRONMENTS
    ? `${names.slice(0, MOST_ENVIRONMENTS).join(', ')} and ${names.length - MOST_ENVIRONMENTS} more`
    : names.join(', ');
}

/** `Update apps/web/deployment.yaml`, `Update 3 files in apps/web`: when no environment's render changed. */
function fromFiles(files: readonly string[]): string {
  if (!files.length) return 'Update';
  if (files.length === 1) return `Update ${files[0]}`;
  const parts = files.map((file) => file.split('/'));
  const common: string[] = [];
  for (let i = 0; parts.every((p) => p.length > i + 1 && p[i] === parts[0]![i]); i++) common.push(parts[0]![i]!);
  return `Update ${files.length} files${common.length ? ` in ${common.join('/')}` : ''}`;
}

/**
 * Drafts the message of a commit from its rendered changes (`environments`, as `driftless diff` computes them) and
 * the changed files (paths as the user reads them), for when no render changed.
 */
export function draftCommitMessage(environments: readonly EnvironmentChanges[], files: readonly string[] = []): DraftedMessage {
  // Object name → item → the environments it happens in, in order of first appearance.
  const groups = new Map<string, Map<string, string[]>>();
  const bodyLines: string[] = [];
  for (const environment of environments) {
    if (!environment.changes.length) continue;
    bodyLines.push(`${environment.name}:`);
    for (const change of environment.changes) {
      const items = itemsOf(change);
      const where = change.namespace ? `${change.namespace}/${change.name}` : change.name;
      bodyLines.push(`- ${change.kind} ${where}: ${items.join(', ')}`);
      let group = groups.get(change.name);
      if (!group) groups.set(change.name, (group = new Map<string, string[]>()));
      for (const item of items) {
        const found = group.get(item) ?? [];
        if (!found.includes(environment.name)) found.push(environment.name);
        group.set(item, found);
      }
    }
  }
  if (!groups.size) {
    const subject = fromFiles(files);
    return { subject, body: '', message: subject };
  }
  const subject = [...groups]
    .map(([name, items]) => `${name}: ${[...items].map(([item, names]) => `${item} in ${environmentList(names)}`).join('; ')}`)
    .join('; ');
  const changedEnvironments = environments.filter((e) => e.changes.length).length;
  const itemCount = [...groups.values()].reduce((sum, items) => sum + items.size, 0);
  const names = [...groups.keys()];
  const short =
    subject.length <= LONGEST_SUBJECT
      ? subject
      : `${names.length > MOST_ENVIRONMENTS ? `${names.slice(0, MOST_ENVIRONMENTS).join(', ')} and ${names.length - MOST_ENVIRONMENTS} more` : names.join(', ')}: ${plural(itemCount, 'change')} in ${plural(changedEnvironments, 'environment')}`;
  const shownLines =
    bodyLines.length > MOST_BODY_LINES
      ? [...bodyLines.slice(0, MOST_BODY_LINES), `… and ${bodyLines.length - MOST_BODY_LINES} more lines (driftless diff shows all)`]
      : bodyLines;
  // One environment and one object: the subject says it all.
  const body = bodyLines.length <= 2 && short === subject ? '' : shownLines.join('\n');
  return { subject: short, body, message: body ? `${short}\n\n${body}` : short };
}

/** `2 errors`: the value of the override trailer. */
export function overrideValue(errors: number): string {
  return plural(errors, 'error');
}

/**
 * The message with the trailer that records committing despite validation errors (`Driftless-Override: 2 errors`),
 * added to the message's trailer block (or as a new one), replacing an earlier Driftless-Override.
 */
export function withOverrideTrailer(message: string, errors: number): string {
  const trailer = `${OVERRIDE_TRAILER}: ${overrideValue(errors)}`;
  const lines = message
    .replace(/\s+$/, '')
    .split('\n')
    .filter((line) => !line.startsWith(`${OVERRIDE_TRAILER}:`));
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  const lastBlank = lines.lastIndexOf('');
  const lastParagraph = lines.slice(lastBlank + 1);
  const isTrailerBlock = lastBlank > 0 && lastParagraph.every((line) => /^[A-Za-z0-9-]+: /.test(line));
  return isTrailerBlock ? [...lines, trailer].join('\n') : [...lines, '', trailer].join('\n');
}

/** The errors an override trailer of `message` records, or undefined when it has none. */
export function overrideOf(message: string): number | undefined {
  const match = new RegExp(`^${OVERRIDE_TRAILER}: (\\d+) errors?$`, 'm').exec(message);
  return match ? Number(match[1]) : undefined;
}
