// `driftless environments [path] [--format text|json]`: the environments of the repository, discovered and declared,
// as the editor's Environments view lists them.
import { resolve } from 'node:path';
import { environmentView } from '../engine/environments/environment';
import { findProjectRoot, Project } from '../node/project';
import { SchemaFiles } from '../node/schema-files';
import type { CommandResult } from './validate-command';

export function runEnvironments(options: { path?: string; format: 'text' | 'json'; cwd: string }): CommandResult {
  const project = new Project(findProjectRoot(resolve(options.cwd, options.path ?? '.')), new SchemaFiles());
  project.scan();
  const views = project.environments().map((environment) => environmentView(environment, (path) => project.displayPath(path)));
  if (options.format === 'json') return { exitCode: 0, stdout: JSON.stringify({ environments: views }, null, 2), stderr: '' };
  if (!views.length)
    return { exitCode: 0, stdout: 'No environments: no Argo CD Application, Flux object or overlay found, none declared.', stderr: '' };
  const width = Math.max(...views.map((v) => v.name.length));
  const lines = views.map(
    (v) =>
      `${v.name.padEnd(width)}  ${v.source}${v.cluster ? `  →  ${v.cluster}` : ''}${v.protection === 'production' ? '  [production]' : ''}`,
  );
  return { exitCode: 0, stdout: lines.join('\n'), stderr: '' };
}
