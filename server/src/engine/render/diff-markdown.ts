// The rendered changes of each environment as Markdown, ready for a pull request: `driftless diff --format markdown`
// prints it and the pull requests Driftless opens carry it.
import type { ObjectChange } from './object-diff';

/** What a diff says of one environment (node/render/environment-diff's EnvironmentDiff has this shape). */
export interface EnvironmentChanges {
  name: string;
  changes: readonly ObjectChange[];
  error?: string;
  skipped?: string;
}

export const CHANGE_SIGN: Record<ObjectChange['change'], string> = { added: '+', removed: '-', changed: '~' };

/** `2 changed, 1 added, 0 removed` */
export function changeCounts(changes: readonly ObjectChange[]): string {
  const of = (change: ObjectChange['change']) => changes.filter((c) => c.change === change).length;
  return `${of('changed')} changed, ${of('added')} added, ${of('removed')} removed`;
}

/** One collapsible section per changed environment, each object's unified diff in a `diff` block. */
export function renderedDiffMarkdown(results: readonly EnvironmentChanges[], summary: string): string {
  const lines = [`### Driftless: rendered changes`, '', summary, ''];
  for (const result of results) {
    if (result.error) lines.push(`- **${result.name}**: cannot be rendered: ${result.error.split('\n')[0]}`);
    if (result.skipped) lines.push(`- ${result.name}: not rendered: ${result.skipped}`);
    if (!result.changes.length) continue;
    lines.push(`<details><summary><b>${result.name}</b>: ${changeCounts(result.changes)}</summary>`, '');
    for (const change of result.changes)
      lines.push(`${CHANGE_SIGN[change.change]} \`${change.id}\``, '', '```diff', change.diff.trimEnd(), '```', '');
    lines.push('</details>', '');
  }
  return lines.join('\n').trimEnd();
}
