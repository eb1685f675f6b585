// `driftless diff [--base REF] [--env NAME] [--format text|json|markdown]`: what the working tree's changes do to
// each environment's rendered objects, against the base branch rendered in a temporary worktree. Exit 0 no changes,
// 1 changes, 2 errors (what could be computed is still printed).
import { resolve } from 'node:path';
import type { ObjectChange } from '../engine/render/object-diff';
import { findProjectRoot } from '../node/project';
import { diffEnvironments, type EnvironmentDiff } from '../node/render/environment-diff';
import type { RenderTools } from '../node/render/render-environment';
import type { CommandResult } from './validate-command';

export interface DiffOptions {
  base?: string;
  environment?: string;
  format: 'text' | 'json' | 'markdown';
  cwd: string;
  tools: RenderTools;
}

export async function runDiff(options: DiffOptions): Promise<CommandResult> {
  const diffs = await diffEnvironments({
    root: findProjectRoot(resolve(options.cwd)),
    tools: options.tools,
    ...(options.base ? { base: options.base } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
  });
  if ('error' in diffs) return { exitCode: 2, stdout: '', stderr: `driftless: ${diffs.error}` };
  const { base, environments: results, summary } = diffs;
  const errors = results.filter((r) => r.error);
  const exitCode = errors.length ? 2 : summary.objects ? 1 : 0;
  const stderr = errors.map((e) => `driftless: ${e.name} cannot be rendered: ${e.error}`).join('\n');
  if (options.format === 'json')
    return {
      exitCode,
      stdout: JSON.stringify(
        { base, environments: results, summary: { objects: summary.objects, environments: summary.environments } },
        null,
        2,
      ),
      stderr,
    };
  return { exitCode, stdout: options.format === 'markdown' ? markdown(results, summary.text) : text(results, summary.text), stderr };
}

const SIGN: Record<ObjectChange['change'], string> = { added: '+', removed: '-', changed: '~' };

function counts(changes: readonly ObjectChange[]): string {
  const of = (change: ObjectChange['change']) => changes.filter((c) => c.change === change).length;
  return `${of('changed')} changed, ${of('added')} added, ${of('removed')} removed`;
}

function text(results: readonly EnvironmentDiff[], summary: string): string {
  const lines: string[] = [];
  for (const result of results) {
    if (result.skipped) lines.push(`${result.name}: not rendered: ${result.skipped}`);
    if (!result.changes.length) continue;
    lines.push(`${result.name}: ${counts(result.changes)}`);
    for (const change of result.changes) lines.push(`  ${SIGN[change.change]} ${change.id}`, change.diff.replace(/^/gm, '    ').trimEnd());
  }
  lines.push(summary);
  return lines.join('\n');
}

/**
 * A name or message for the markdown of a pull-request comment: characters HTML or markdown would read (`<`, `*`,
 * a backtick, ...) as entities, line breaks as spaces, so an environment name cannot break out of `<summary>` nor
 * inject markup or links.
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

/** GitHub takes comments of up to 65,536 characters; past this the rest is left to the CLI's other formats. */
const MARKDOWN_LIMIT = 60_000;

function markdown(results: readonly EnvironmentDiff[], summary: string): string {
  const lines = [`### Driftless: rendered changes`, '', markdownText(summary), ''];
  let length = lines.join('\n').length;
  const left: string[] = [];
  for (const result of results) {
    const name = markdownText(result.name);
    const section: string[] = [];
    if (result.error) section.push(`- **${name}**: cannot be rendered: ${markdownText(result.error.split('\n')[0]!)}`);
    if (result.skipped) section.push(`- ${name}: not rendered: ${markdownText(result.skipped)}`);
    if (result.changes.length) {
      section.push(`<details><summary><b>${name}</b>: ${counts(result.changes)}</summary>`, '');
      for (const change of result.changes)
        section.push(`${SIGN[change.change]} <code>${markdownText(change.id)}</code>`, '', ...fenced('diff', change.diff.trimEnd()), '');
      section.push('</details>', '');
    }
    const size = section.join('\n').length + 1;
    if (left.length || length + size > MARKDOWN_LIMIT) {
      if (section.length) left.push(name);
      continue;
    }
    lines.push(...section);
    length += size;
  }
  if (left.length)
    lines.push(
      `… and ${left.length} more environment${left.length === 1 ? '' : 's'} (${left.slice(0, 20).join(', ')}${left.length > 20 ? ', …' : ''}): the comment would be too long; run \`driftless diff\` to see ${left.length === 1 ? 'it' : 'them'}.`,
    );
  return lines.join('\n').trimEnd();
}
