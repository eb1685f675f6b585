// Why an environment cannot be rendered, in one line a person reads: what the blamed file's own validation says on
// the line the tool's message leads to ("`scripts/x.sh` does not exist, so `kustomize build` fails here"), else the
// tool's first line; its paths relative to the repository, and the place to fix. The Changes view and
// `driftless diff` show it; the tool's whole message stays available beside it.
import { realpathSync } from 'node:fs';
import { relative } from 'node:path';
import type { Environment } from '../../engine/environments/environment';
import type { RenderFailureCause } from '../../engine/render/environment-diffs';
import { firstLineOf, repositoryRelative } from '../../engine/render/render-failure';
import type { Project } from '../project';
import { readTextFile } from '../read-text-file';
import { renderFailureFinding, type RenderedFinding } from './rendered-validation';

/** The folders that stand for a project's repository in a tool's messages: its path as given and its real path. */
export function repositoryRoots(project: Project): string[] {
  const roots = [project.repositoryRoot, project.root];
  for (const root of [...roots])
    try {
      roots.push(realpathSync(root));
    } catch {
      // A root gone: its path as given is all there is.
    }
  return roots;
}

/** A tool's message with the project's paths relative to its repository. */
export function relativeMessage(project: Project, message: string): string {
  return repositoryRelative(message, repositoryRoots(project));
}

export function renderFailureCause(project: Project, environment: Environment, error: string): RenderFailureCause {
  const toolLine = firstLineOf(relativeMessage(project, error));
  let finding;
  try {
    finding = renderFailureFinding(project, environment, error);
  } catch {
    finding = undefined;
  }
  return finding ? causeOfFinding(project, finding, toolLine) : { cause: toolLine };
}

/**
 * The cause of a failed render's finding (validation's `render-failed` or `render-unavailable`): the blamed file's own
 * error on the blamed line, else `toolLine`; the file relative to the repository's root.
 */
export function causeOfFinding(project: Project, finding: RenderedFinding, toolLine: string): RenderFailureCause {
  const file = relative(project.repositoryRoot, finding.file);
  const line = finding.range.start.line;
  if (finding.rule === 'render-unavailable') return { cause: relativeMessage(project, finding.message), file, line, needsNetwork: true };
  // The file's own error on that line says it in the repository's terms; the tool's words when it has none.
  const text = readTextFile(finding.file);
  const validation = text.ok ? project.validateText(finding.file, text.text) : undefined;
  const own = validation?.diagnostics.find((d) => d.severity === 'error' && validation.lines.rangeOf(d.start, d.end).start.line === line);
  // "…, so `kustomize build` fails here": that it fails is what the row says already.
  return { cause: own ? own.message.replace(/, so `[^`]+` fails here\.$/, '') : toolLine, file, line };
}
