// `driftless render <env|path> [--format yaml|json] [--show-secrets] [--values FILE]...`: what an environment (or a
// kustomization, chart or folder) really renders to, with the real tools; Secret values masked unless asked for. Exit 0,
// or 2 when it cannot be rendered (the tool's error on stderr).
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
import { closestName } from '../engine/text/suggest';
import { isConfined } from '../node/confined-path';

export interface RenderOptions {
  target: string;
  format: 'yaml' | 'json';
  cwd: string;
  tools: RenderTools;
  /** Print Secret values as rendered (`--show-secrets`); masked otherwise. */
  showSecrets?: boolean;
  /** Values files for a chart, after its own (`--values`, relative to `cwd`, inside the repository). */
  valuesFiles?: readonly string[];
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
  const close = closestName(target, names);
  return (
    `"${target}" is neither an environment nor a folder${close ? `; did you mean ${close}?` : '.'}` +
    `${names.length ? ` Environments: ${names.join(', ')}.` : ''}`
  );
}

/** The plan with the `--values` files after its own; why not, when it renders no chart or a file is not there. */
function withValuesFiles(plan: RenderPlan, files: readonly string[], options: RenderOptions): RenderPlan | string {
  if (!files.length) return plan;
  if (plan.kind !== 'helm') return `--values is for a Helm chart: ${options.target} is not rendered with helm.`;
  const paths: string[] = [];
  for (const file of files) {
    const path = resolve(options.cwd, file);
    if (!existsSync(path) || !statSync(path).isFile()) return `--values ${file}: that file does not exist.`;
    if (!isConfined(path, plan.root))
      return `--values ${file}: it is outside the repository (${plan.root}): Driftless reads nothing outside it.`;
    paths.push(path);
  }
  return { ...plan, valuesFiles: [...plan.valuesFiles, ...paths] };
}

export async function runRender(options: RenderOptions): Promise<CommandResult> {
  const planned = planOf(options.target, options.cwd);
  const plan = typeof planned === 'string' ? planned : withValuesFiles(planned, options.valuesFiles ?? [], options);
  if (typeof plan === 'string') return { exitCode: 2, stdout: '', stderr: `driftless: ${plan}` };
  const rendered = await renderPlanWith(plan, options.tools);
  if (!rendered.ok) return { exitCode: 2, stdout: '', stderr: `driftless: ${options.target} cannot be rendered: ${rendered.error}` };
  // Read with the validator's limits whatever the format: what cannot be read is not printed.
  const read = readRenderedDocuments(rendered.yaml);
  if (!read.ok) return { exitCode: 2, stdout: '', stderr: `driftless: ${options.target} cannot be rendered: ${read.error}` };
  if (options.format === 'yaml') {
    const yaml = options.showSecrets ? rendered.yaml : maskedRender(rendered.yaml);
    // A comment, so the output still applies as is; it says which tool and version made it, to compare with CI's.
    const header = `# rendered by ${rendered.tool} from ${options.target}${options.showSecrets ? '' : '; Secret values masked'}`;
    return { exitCode: 0, stdout: `${header}\n${yaml.trimEnd()}`, stderr: '' };
  }
  const items = options.showSecrets ? read.values : read.values.map((value) => (isRecord(value) ? masked(value) : value));
  return { exitCode: 0, stdout: JSON.stringify({ target: options.target, tool: rendered.tool, items }, null, 2), stderr: '' };
}
