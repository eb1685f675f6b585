// What every render tool (kustomize, helm, the manifests of a folder) provides, so a new tool is one file plus one
// entry in renderers.ts: its render, the files it reads, where its failures are placed, how its objects are traced
// back to source lines, and its version. The shapes renders share (tools, results, failures) live here too.
import type { RenderPlan } from '../../../engine/render/render-plan';
import type { KustomizationFacts } from '../../../engine/kustomize/kustomization';
import type { WorkspaceFiles } from '../../../engine/workspace/workspace-files';
import type { PreflightFailure } from '../render-preflight';
import { findTool } from '../run-tool';

export interface RenderTools {
  /** Paths as configured; each is else looked up on PATH. */
  kustomize?: string;
  kubectl?: string;
  helm?: string;
  timeoutMs?: number;
}

/**
 * A failed render; `missingTool` when the tool it needs is not installed, `needsNetwork` (the address) when it would
 * have to fetch (nothing about the repository is wrong either way).
 */
export type RenderFailure = {
  ok: false;
  error: string;
  missingTool?: boolean;
  needsNetwork?: string;
  /** The file (and line) the failure is about, when Driftless found it before any tool ran. */
  place?: { file: string; line?: number };
  /** The value at fault as the environment's definition writes it (see render-preflight). */
  inDefinition?: string;
};

export type Rendered = { ok: true; yaml: string; tool: string } | RenderFailure;

export const DEFAULT_TIMEOUT_MS = 60_000;

/** A plan that runs a tool (not `none`), and the plan of one kind. */
export type ToolPlan = Exclude<RenderPlan, { kind: 'none' }>;
export type PlanOf<K extends ToolPlan['kind']> = ToolPlan & { kind: K };

/** What a plan's inputs are read through (the project: its files and its kustomizations' facts). */
export interface RenderInputHost {
  files: WorkspaceFiles;
  kustomizationFacts(path: string): KustomizationFacts | undefined;
}

/** The folders a render reads whole, and the files it reads outside them. */
export interface RenderInputFiles {
  recursive: string[];
  files: string[];
}

/**
 * How the objects of a render are traced back to the lines that wrote them: kustomize's origins (buildMetadata) and
 * patches, or helm's templates and values. Carries the plan as that tracing needs it.
 */
export type Tracing = { by: 'kustomize'; plan: PlanOf<'kustomize' | 'directory'> } | { by: 'helm'; plan: PlanOf<'helm'> };

/** One plan's renderer. */
export interface Renderer {
  /** Runs the tool (after the plan's preflight); never throws for what the repository holds. */
  render(tools: RenderTools, signal?: AbortSignal): Promise<Rendered>;
  /** What the render reads: a digest of these is the render's cache key, and a change to one re-renders it. */
  inputs(host: RenderInputHost): RenderInputFiles;
  /**
   * Where a failure is shown: the tool whose messages name the file (engine/render/render-failure), the folder it ran
   * in, the file to blame when the message names none (undefined: the environment's own file), and whether relative
   * names in its messages start from the build's kustomization folders.
   */
  failures(): { tool: 'kustomize' | 'helm'; folder: string; rootFile?: string; fromBuildFolders: boolean };
  /** How its objects are traced to source lines. */
  tracing: Tracing;
  /** Why its render is not judged (its files are validated as written), when it is not. */
  notJudged?: string;
  /** The tool's version (`kustomize v5.5.0`), asked once per binary; undefined without the tool. */
  version(tools: RenderTools): Promise<string | undefined>;
}

/**
 * A tool path set (a setting, a CLI option) that leads to no program: said as such, rather than as a tool not found
 * (or, for kustomize, silently replaced by kubectl on PATH).
 */
export function missingConfiguredTool(tools: RenderTools, names: readonly ('kustomize' | 'kubectl' | 'helm')[]): RenderFailure | undefined {
  for (const name of names) {
    const path = tools[name];
    if (path !== undefined && !findTool(name, path))
      return {
        ok: false,
        error: `the ${name} path ${path} does not exist or is not executable: fix driftless.${name}Path (CLI: --${name}).`,
        missingTool: true,
      };
  }
  return undefined;
}

/** A preflight's failure as a render's. */
export function failed(check: PreflightFailure): RenderFailure {
  return {
    ok: false,
    error: check.error,
    ...(check.needsNetwork ? { needsNetwork: check.needsNetwork } : {}),
    ...(check.place ? { place: check.place } : {}),
    ...(check.inDefinition !== undefined ? { inDefinition: check.inDefinition } : {}),
  };
}
