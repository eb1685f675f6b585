// The rendered changes of each environment as Markdown, ready for a pull request: `driftless diff --format markdown`
// prints it and the pull requests Driftless opens carry it.
import type { ChangedObject, RenderFailureCause } from './environment-diffs';
import type { ObjectChange } from './object-diff';

/** What a diff says of one environment (node/render/environment-diff's EnvironmentDiff has this shape). */
export interface EnvironmentChanges {
  name: string;
  changes: readonly ChangedObject[];
  error?: string;
  failure?: RenderFailureCause;
  skipped?: string;
  findings?: { errors: number; warnings: number };
}

/** Why an environment cannot be rendered, in a line: its cause and the place to fix (`deploy/x/kustomization.yaml:6`). */
export function failureLine(result: Pick<EnvironmentChanges, 'error' | 'failure'>): string {
  if (!result.failure) return (result.error ?? '').split('\n')[0]!;
  const { cause, file, line } = result.failure;
  return file ? `${cause} (${file}${line !== undefined ? `:${line + 1}` : ''})` : cause;
}

export const CHANGE_SIGN: Record<ObjectChange['change'], string> = { added: '+', removed: '-', changed: '~' };

/** `2 changed, 1 added, 0 removed` */
export function changeCounts(changes: readonly ObjectChange[]): string {
  const of = (change: ObjectChange['change']) => changes.filter((c) => c.change === change).length;
  return `${of('changed')} changed, ${of('added')} added, ${of('removed')} removed`;
}

/**
 * A name or message for markdown meant for a pull request: characters HTML or markdown would read (`<`, `*`, a
 * backtick, ...) as entities, line breaks as spaces, so an environment name cannot break out of `<summary>` nor inject
 * markup or links.
 */
export function markdownText(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/[&<>"'`*_[\]\\|~]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A fenced block longer than any run of backticks inside it: object contents cannot close it. */
function fenced(language: string, body: string): string[] {
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${language}`, body, fence];
}

/** GitHub takes comments of up to 65,536 characters: the CLI's markdown stops before, leaving the rest to its other formats. */
export const COMMENT_LIMIT = 60_000;

/**
 * One collapsible section per changed environment, each object's unified diff in a `diff` block, every name and
 * message escaped; environments past `limit` characters are named at the end instead.
 */
export function renderedDiffMarkdown(results: readonly EnvironmentChanges[], summary: string, limit = COMMENT_LIMIT): string {
  const lines = [`### Driftless: rendered changes`, '', markdownText(summary), ''];
  let length = lines.join('\n').length;
  const left: string[] = [];
  for (const result of results) {
    const name = markdownText(result.name);
    const section: string[] = [];
    if (result.error) section.push(`- **${name}**: cannot be rendered: ${markdownText(failureLine(result))}`);
    if (result.skipped) section.push(`- ${name}: not rendered: ${markdownText(result.skipped)}`);
    if (result.changes.length) {
      const errors = result.findings?.errors ?? 0;
      const mark = errors ? ` · ⛔ ${errors} error${errors === 1 ? '' : 's'} in the render` : '';
      section.push(`<details><summary><b>${name}</b>: ${changeCounts(result.changes)}${mark}</summary>`, '');
      for (const change of result.changes) {
        const fields = change.fields ? `: ${markdownText(change.fields)}` : '';
        section.push(`${CHANGE_SIGN[change.change]} <code>${markdownText(change.id)}</code>${fields}`, '');
        for (const finding of change.findings ?? [])
          section.push(`- ${finding.severity === 'error' ? '⛔' : '⚠️'} ${markdownText(finding.message)} (${finding.rule})`);
        if (change.findings?.length) section.push('');
        section.push(...fenced('diff', change.diff.trimEnd()), '');
      }
      section.push('</details>', '');
    }
    const size = section.join('\n').length + 1;
    if (left.length || length + size > limit) {
      if (section.length) left.push(name);
      continue;
    }
    lines.push(...section);
    length += size;
  }
  if (left.length)
    lines.push(
      `… and ${left.length} more environment${left.length === 1 ? '' : 's'} (${left.slice(0, 20).join(', ')}${left.length > 20 ? ', …' : ''}): the text would be too long; run \`driftless diff\` to see ${left.length === 1 ? 'it' : 'them'}.`,
    );
  return lines.join('\n').trimEnd();
}
