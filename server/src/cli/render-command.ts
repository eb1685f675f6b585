// `driftless render <env|path> [--format yaml|json] [--show-secrets]`: what an environment (or a kustomization, chart or
// folder) really renders to, with the real tools; Secret values masked unless asked for. Exit 0, or 2 when it cannot
// be rendered (the tool's error on stderr).
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { planForFolder, type RenderPlan } from '../engine/render/render-plan';
import { readRenderedDocuments } from '../engine/render/rendered-documents';
import { masked, maskedRender } from '../engine/render/secret-mask';
import { findProjectRoot, Project } from '../node/project';
import { renderPlanWith, type RenderTools } from '../node/render/render-environment';
import { SchemaFiles } from '../node/schema-files';
import type { CommandResult } from './validate-command';
import { isRecord } from '../engine/json';

export interface RenderOptions {
  target: string;
  format: 'yaml' | 'json';
  cwd: string;
  tools: RenderTools;
  /** Print Secret values as rendered (`--show-secrets`); masked otherwise. */
  showSecrets?: boolean;
}

/** An environment of the current folder's repository by that name (names win over paths), else a folder. */
function planOf(target: string, cwd: string): RenderPlan | string {
  const schemas = new SchemaFiles();
  const project = new Project(findProjectRoot(cwd), schemas);
  project.scan();
  const environments = project.environments();
  const environment = environments.find((e) => e.name === target);
  if (environment) return project.renderPlanOf(environment);
  const path = resolve(cwd, target);
  if (existsSync(path) && statSync(path).isDirectory())
    return planForFolder(path, project.files, { root: project.repositoryRoot, recursive: false });
  const names = environments.map((e) => e.name);
  return `"${target}" is neither an environment nor a folder.${names.length ? ` Environments: ${names.join(', ')}.` : ''}`;
}

export async function runRender(options: RenderOptions): Promise<CommandResult> {
  const plan = planOf(options.target, options.cwd);
  if (typeof plan === 'string') return { exitCode: 2, stdout: '', stderr: `driftless: ${plan}` };
  const rendered = await renderPlanWith(plan, options.tools);
  if (!rendered.ok) return { exitCode: 2, stdout: '', stderr: `driftless: ${options.target} cannot be rendered: ${rendered.error}` };
  // Read with the validator's limits whatever the format: what cannot be read is not printed.
  const read = readRenderedDocuments(rendered.yaml);
  if (!read.ok) return { exitCode: 2, stdout: '', stderr: `driftless: ${options.target} cannot be rendered: ${read.error}` };
  if (options.format === 'yaml') {
    const yaml = options.showSecrets ? rendered.yaml : maskedRender(rendered.yaml);
    return { exitCode: 0, stdout: yaml.trimEnd(), stderr: '' };
  }
  const items = options.showSecrets ? read.values : read.values.map((value) => (isRecord(value) ? masked(value) : value));
  return { exitCode: 0, stdout: JSON.stringify({ target: options.target, tool: rendered.tool, items }, null, 2), stderr: '' };
}
