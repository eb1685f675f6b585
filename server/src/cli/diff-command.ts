// `driftless diff [--base REF] [--env NAME] [--format text|json|markdown]`: what the working tree's changes do to
// each environment's rendered objects, against the base branch rendered in a temporary worktree. Exit 0 no changes,
// 1 changes, 2 errors (what could be computed is still printed).
import { resolve } from 'node:path';
import { CHANGE_SIGN, changeCounts as counts, failureLine, renderedDiffMarkdown } from '../engine/render/diff-markdown';
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
        {
          base,
          environments: results,
          summary: { objects: summary.objects, environments: summary.environments, failed: summary.failed },
        },
        null,
        2,
      ),
      stderr,
    };
  return {
    exitCode,
    stdout: options.format === 'markdown' ? renderedDiffMarkdown(results, summary.text) : text(results, summary.text),
    stderr,
  };
}

/** `; 2 errors in its render` when the working tree's render has errors. */
function errorsOf(result: EnvironmentDiff): string {
  const errors = result.findings?.errors ?? 0;
  return errors ? `; ${errors} error${errors === 1 ? '' : 's'} in its render` : '';
}

function text(results: readonly EnvironmentDiff[], summary: string): string {
  const lines: string[] = [];
  for (const result of results) {
    if (result.skipped) lines.push(`${result.name}: not rendered: ${result.skipped}`);
    if (result.error) lines.push(`${result.name}: cannot be rendered: ${failureLine(result)}`);
    if (!result.changes.length) continue;
    lines.push(`${result.name}: ${counts(result.changes)}${errorsOf(result)}`);
    for (const change of result.changes) {
      const notes = [change.fields, ...(change.findings ?? []).map((f) => `${f.severity}: ${f.message}`)].filter(Boolean);
      lines.push(`  ${CHANGE_SIGN[change.change]} ${change.id}${notes.length ? ` (${notes.join('; ')})` : ''}`);
      lines.push(change.diff.replace(/^/gm, '    ').trimEnd());
    }
  }
  lines.push(summary);
  return lines.join('\n');
}
