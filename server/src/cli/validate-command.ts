// `driftless validate [paths...] [--kubernetes-version X.Y] [--format text|json|sarif] [--rendered]`
import { existsSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { normalizeKubernetesVersion } from '../engine/schema/kubernetes-version';
import { findProjectRoot, Project } from '../node/project';
import { SchemaFiles } from '../node/schema-files';
import { formatJson, formatSarif, formatText, type CliDiagnostic, type ValidationOutput } from './output-formats';
import { validateFileForCli } from './file-results';
import type { RenderTools } from '../node/render/render-environment';
import { ruleSetting } from '../engine/validate/report';
import type { RenderedFinding, RenderedFolders } from '../node/render/rendered-validation';

export interface ValidateOptions {
  paths: string[];
  kubernetesVersion?: string;
  format: 'text' | 'json' | 'sarif';
  cwd: string;
  color: boolean;
  toolVersion: string;
  /** Also render every environment with these tools and report its findings on the source lines (--rendered). */
  rendered?: RenderTools;
  /** Exit 1 when there are more warnings than this (as ESLint's --max-warnings). */
  maxWarnings?: number;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runValidate(options: ValidateOptions): Promise<CommandResult> {
  const errors: string[] = [];
  /** Said on stderr without changing the exit code to 2. */
  const notes: string[] = [];
  const targets = (options.paths.length ? options.paths : ['.']).map((p) => resolve(options.cwd, p));
  const schemas = new SchemaFiles();
  let versionOverride: string | undefined;
  if (options.kubernetesVersion !== undefined) {
    versionOverride = normalizeKubernetesVersion(options.kubernetesVersion);
    const bundled = (schemas.readJson('index.json') as { kubernetesVersions: string[] }).kubernetesVersions;
    if (!versionOverride || !bundled.includes(versionOverride)) {
      return usage(
        `--kubernetes-version ${options.kubernetesVersion}: bundled versions are ${bundled[0]} to ${bundled[bundled.length - 1]}.`,
      );
    }
  }
  const project = new Project(findProjectRoot(targets[0]!), schemas, undefined, versionOverride);
  project.scan({ keepParses: true });

  const display = (path: string) => relative(options.cwd, path) || path;
  const files: string[] = [];
  const outsideLinks: CliDiagnostic[] = [];
  const linkSeverity = ruleSetting('link-outside-repository', project.config.rules);
  const outside = (link: string, target: string) => {
    if (linkSeverity === 'off') return;
    outsideLinks.push({
      file: display(link),
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      severity: linkSeverity,
      rule: 'link-outside-repository',
      message: `This link leads to ${target}, outside the repository: it was not followed, and nothing there was validated.`,
    });
  };
  for (const target of targets) {
    if (!existsSync(target)) {
      errors.push(`${display(target)}: no such file or directory`);
      continue;
    }
    // A file named explicitly is validated whatever its extension; folders contribute their YAML files.
    if (statSync(target).isDirectory())
      files.push(...project.yamlFiles([target], (path, reason) => errors.push(`${display(path)}/: ${reason}`), outside));
    else files.push(target);
  }
  const unique = [...new Set(files)].map((path) => ({ path, display: display(path) }));
  const results = unique.map((file) => validateFileForCli(project, file.path, file.display));

  let own = [...outsideLinks, ...results.flatMap((r) => r.diagnostics)];
  if (options.rendered) {
    const rendered = await renderEnvironments(project, options.rendered, errors);
    // A file only kustomize builds apply, every one of them rendered: the renders judge its objects (as in the editor).
    const { decidedByRenders } = await import('../node/render/rendered-validation.js');
    for (const file of unique) {
      if (!rendered.folders.allRendered(project.kustomizeOnlyBuildFolders(file.path))) continue;
      const here = rendered.findings.filter((f) => f.file === file.path);
      const kept = new Set(
        decidedByRenders(
          own.filter((d) => d.file === file.display),
          (d) => ({ ...d, line: d.line - 1 }),
          here,
        ),
      );
      own = own.filter((d) => d.file !== file.display || kept.has(d));
    }
    own.push(...(await renderedDiagnostics(rendered.findings, targets, own, display)));
  }
  const diagnostics = collapseRepeatedNotices(own);
  errors.push(...results.flatMap((r) => (r.error ? [r.error] : [])));
  const count = (severity: string) => diagnostics.filter((d) => d.severity === severity).length;
  const output: ValidationOutput = {
    diagnostics,
    summary: {
      files: unique.length,
      resources: results.reduce((sum, r) => sum + r.resources, 0),
      errors: count('error'),
      warnings: count('warning'),
      infos: count('info'),
    },
    kubernetesVersion: project.config.kubernetesVersion,
    versionSource: project.config.versionSource,
  };
  const stdout =
    options.format === 'json'
      ? formatJson(output)
      : options.format === 'sarif'
        ? formatSarif(output, options.toolVersion)
        : formatText(output, options.color);
  const tooManyWarnings = options.maxWarnings !== undefined && output.summary.warnings > options.maxWarnings;
  if (tooManyWarnings) notes.push(`${output.summary.warnings} warnings, more than --max-warnings ${options.maxWarnings}.`);
  const exitCode = errors.length > 0 ? 2 : output.summary.errors > 0 || tooManyWarnings ? 1 : 0;
  return { exitCode, stdout, stderr: [...errors, ...notes].map((e) => `driftless: ${e}`).join('\n') };
}

/**
 * Every environment rendered and judged, its findings traced to their source lines; and which kustomize folders
 * rendered without failing.
 */
async function renderEnvironments(
  project: Project,
  tools: RenderTools,
  errors: string[],
): Promise<{ findings: RenderedFinding[]; folders: RenderedFolders }> {
  // Loaded only with --rendered: rendering brings child processes and digests a plain validation does not start.
  const { checkEnvironmentRender, RenderedFolders } = await import('../node/render/rendered-validation.js');
  const findings: RenderedFinding[] = [];
  const folders = new RenderedFolders();
  for (const environment of project.environments()) {
    const checked = await checkEnvironmentRender(project, environment, tools);
    findings.push(...checked.findings);
    folders.note(project.renderPlanOf(environment), checked);
    // --rendered asked for what cannot be done here: exit 2 (the rest is still reported).
    if (checked.missingTool && !errors.includes(checked.missingTool)) errors.push(checked.missingTool);
  }
  return { findings, folders };
}

/** The renders' findings on the validated files, but those a file's own validation already reports there. */
async function renderedDiagnostics(
  found: readonly RenderedFinding[],
  targets: readonly string[],
  own: readonly CliDiagnostic[],
  display: (path: string) => string,
): Promise<CliDiagnostic[]> {
  const { alreadyShown, mergeRenderedFindings, renderedMessage } = await import('../node/render/rendered-validation.js');
  const inTargets = (file: string) =>
    targets.some((target) => file === target || file.startsWith(target.endsWith(sep) ? target : target + sep));
  return mergeRenderedFindings(found)
    .filter((finding) => inTargets(finding.file))
    .filter((finding) => {
      const file = display(finding.file);
      return !alreadyShown(
        finding,
        own.filter((d) => d.file === file).map((d) => ({ rule: d.rule, severity: d.severity, line: d.line - 1 })),
      );
    })
    .map((finding) => ({
      file: display(finding.file),
      line: finding.range.start.line + 1,
      column: finding.range.start.character + 1,
      endLine: finding.range.end.line + 1,
      endColumn: finding.range.end.character + 1,
      severity: finding.severity,
      rule: finding.rule,
      message: renderedMessage(finding),
    }));
}

/**
 * A remote modeline schema is unavailable offline in every file that names it; a repository can name one in hundreds
 * of files. Say it once per schema, with the count, rather than once per file.
 */
function collapseRepeatedNotices(diagnostics: CliDiagnostic[]): CliDiagnostic[] {
  const first = new Map<string, CliDiagnostic>();
  const counts = new Map<string, number>();
  const kept: CliDiagnostic[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.rule !== 'schema-unavailable') {
      kept.push(diagnostic);
      continue;
    }
    counts.set(diagnostic.message, (counts.get(diagnostic.message) ?? 0) + 1);
    if (!first.has(diagnostic.message)) {
      first.set(diagnostic.message, diagnostic);
      kept.push(diagnostic);
    }
  }
  for (const [message, diagnostic] of first) {
    const more = counts.get(message)! - 1;
    if (more > 0) diagnostic.message += ` (${more} more document${more === 1 ? '' : 's'} name this schema.)`;
  }
  return kept;
}

function usage(message: string): CommandResult {
  return { exitCode: 2, stdout: '', stderr: `driftless: ${message}` };
}
