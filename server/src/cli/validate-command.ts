// `driftless validate [paths...] [--kubernetes-version X.Y] [--format text|json|sarif]`
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { normalizeKubernetesVersion } from '../engine/schema/kubernetes-version';
import { findProjectRoot, Project } from '../node/project';
import { SchemaFiles } from '../node/schema-files';
import { formatJson, formatSarif, formatText, type CliDiagnostic, type ValidationOutput } from './output-formats';
import { validateFileForCli } from './file-results';

export interface ValidateOptions {
  paths: string[];
  kubernetesVersion?: string;
  format: 'text' | 'json' | 'sarif';
  cwd: string;
  color: boolean;
  toolVersion: string;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function runValidate(options: ValidateOptions): CommandResult {
  const errors: string[] = [];
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
  for (const target of targets) {
    if (!existsSync(target)) {
      errors.push(`${display(target)}: no such file or directory`);
      continue;
    }
    // A file named explicitly is validated whatever its extension; folders contribute their YAML files.
    if (statSync(target).isDirectory())
      files.push(...project.yamlFiles([target], (path, reason) => errors.push(`${display(path)}/: ${reason}`)));
    else files.push(target);
  }
  const unique = [...new Set(files)].map((path) => ({ path, display: display(path) }));
  const results = unique.map((file) => validateFileForCli(project, file.path, file.display));

  const diagnostics = collapseRepeatedNotices(results.flatMap((r) => r.diagnostics));
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
  const exitCode = errors.length > 0 ? 2 : output.summary.errors > 0 ? 1 : 0;
  return { exitCode, stdout, stderr: errors.map((e) => `driftless: ${e}`).join('\n') };
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
