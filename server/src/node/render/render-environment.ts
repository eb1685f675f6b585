// Runs a render plan (engine/render) with the real tools: kustomize (or kubectl kustomize), helm template, or the
// manifests of a folder; applies Flux's post-build substitution. The tools' own errors are passed on as they are.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { isComponentText, originWrapper, trackedObjects, type TrackedObject } from '../../engine/render/origins';
import { substituteVariables, type RenderPlan } from '../../engine/render/render-plan';
import { findTool, runTool } from './run-tool';

export interface RenderTools {
  /** Paths as configured; each is else looked up on PATH. */
  kustomize?: string;
  kubectl?: string;
  helm?: string;
  timeoutMs?: number;
}

export type Rendered = { ok: true; yaml: string; tool: string } | { ok: false; error: string };

const DEFAULT_TIMEOUT_MS = 60_000;

/** The command that runs kustomize: `kustomize build`, else `kubectl kustomize`. */
export function kustomizeCommand(tools: RenderTools): { command: string; args: string[] } | undefined {
  const kustomize = findTool('kustomize', tools.kustomize);
  if (kustomize) return { command: kustomize, args: ['build'] };
  const kubectl = findTool('kubectl', tools.kubectl);
  return kubectl ? { command: kubectl, args: ['kustomize'] } : undefined;
}

function manifestsUnder(folder: string, recursive: boolean): string[] {
  const found: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(folder, name);
    const stats = statSync(path);
    if (stats.isDirectory()) {
      if (recursive) found.push(...manifestsUnder(path, true));
    } else if (/\.ya?ml$/i.test(name)) found.push(path);
  }
  return found;
}

export async function renderPlanWith(plan: RenderPlan, tools: RenderTools, signal?: AbortSignal): Promise<Rendered> {
  const timeoutMs = tools.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  switch (plan.kind) {
    case 'none':
      return { ok: false, error: plan.why };
    case 'directory': {
      const documents = manifestsUnder(plan.folder, plan.recursive).map((file) => readFileSync(file, 'utf8').trim());
      const yaml = documents.filter(Boolean).join('\n---\n') + '\n';
      return { ok: true, yaml: plan.substitute ? substituteVariables(yaml, plan.substitute) : yaml, tool: 'the manifests of the folder' };
    }
    case 'kustomize': {
      const kustomize = kustomizeCommand(tools);
      if (!kustomize)
        return {
          ok: false,
          error: 'Neither kustomize nor kubectl was found: install one, or set driftless.kustomizePath (CLI: --kustomize or --kubectl).',
        };
      const result = await runTool(kustomize.command, [...kustomize.args, plan.folder], { timeoutMs, ...(signal ? { signal } : {}) });
      if (!result.ok) return { ok: false, error: result.error ?? 'kustomize failed' };
      return {
        ok: true,
        yaml: plan.substitute ? substituteVariables(result.stdout, plan.substitute) : result.stdout,
        tool: kustomize.args.join(' '),
      };
    }
    case 'helm': {
      const helm = findTool('helm', tools.helm);
      if (!helm) return { ok: false, error: 'helm was not found: install it, or set driftless.helmPath (CLI: --helm).' };
      const args = ['template', plan.release, plan.chart, ...(plan.namespace ? ['--namespace', plan.namespace] : [])];
      for (const file of plan.valuesFiles) args.push('--values', file);
      // Inline values (an Application's valuesObject, a HelmRelease's values) go last, as the controllers merge them.
      const scratch = plan.values !== undefined ? mkdtempSync(join(tmpdir(), 'driftless-values-')) : undefined;
      try {
        if (scratch) {
          const file = join(scratch, 'values.yaml');
          writeFileSync(file, typeof plan.values === 'string' ? plan.values : JSON.stringify(plan.values));
          args.push('--values', file);
        }
        const result = await runTool(helm, args, { timeoutMs, ...(signal ? { signal } : {}) });
        return result.ok ? { ok: true, yaml: result.stdout, tool: 'helm template' } : { ok: false, error: result.error ?? 'helm failed' };
      } finally {
        if (scratch) rmSync(scratch, { recursive: true, force: true });
      }
    }
  }
}

/**
 * A kustomize build with each object's source file (engine/render/origins): the folder built through a temporary
 * wrapping kustomization that asks kustomize to record origins and transformations. Paths are returned absolute.
 */
export async function renderWithOrigins(
  folder: string,
  tools: RenderTools,
  signal?: AbortSignal,
  /** Flux post-build variables, substituted as kustomize-controller does after the build. */
  substitute?: Record<string, string>,
): Promise<{ ok: true; objects: TrackedObject[] } | { ok: false; error: string }> {
  const kustomize = kustomizeCommand(tools);
  if (!kustomize) return { ok: false, error: 'Neither kustomize nor kubectl was found: install one, or set driftless.kustomizePath.' };
  const wrapper = mkdtempSync(join(tmpdir(), 'driftless-origins-'));
  try {
    const kustomization = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']
      .map((name) => join(folder, name))
      .find((path) => existsSync(path));
    const isComponent = kustomization !== undefined && isComponentText(readFileSync(kustomization, 'utf8'));
    writeFileSync(join(wrapper, 'kustomization.yaml'), originWrapper(relative(wrapper, folder), isComponent));
    const result = await runTool(kustomize.command, [...kustomize.args, wrapper], {
      timeoutMs: tools.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(signal ? { signal } : {}),
    });
    if (!result.ok) return { ok: false, error: result.error ?? 'kustomize failed' };
    return {
      ok: true,
      objects: trackedObjects(substitute ? substituteVariables(result.stdout, substitute) : result.stdout).map((tracked) => ({
        ...tracked,
        ...(tracked.origin ? { origin: resolve(wrapper, tracked.origin) } : {}),
        patchedIn: tracked.patchedIn.map((file) => resolve(wrapper, file)),
      })),
    };
  } finally {
    rmSync(wrapper, { recursive: true, force: true });
  }
}
