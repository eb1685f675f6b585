// Findings of what each environment really receives, shown on the source lines that cause them: every environment
// rendered in the background (node/render/rendered-validation) once the index is complete and after files change on
// disk, never in an untrusted workspace. An environment whose inputs did not change keeps its last findings.
import { LRUCache } from 'lru-cache';
import type { Environment } from '../engine/environments/environment';
import type { Project } from '../node/project';
import type { RenderTools } from '../node/render/render-environment';
import { RenderInputs } from '../node/render/render-inputs';
import {
  checkEnvironmentRender,
  mergeRenderedFindings,
  RenderedFolders,
  type RenderedCheck,
  type RenderedFinding,
} from '../node/render/rendered-validation';
import { log } from '../node/log';
import type { EnvironmentStatus } from '../engine/environments/environment';
import { environmentStatus } from '../node/render/environment-status';

export interface RenderedDiagnosticsHost {
  projects(): Project[];
  trusted(): boolean;
  /** Whether the user wants renders validated (driftless.validateRenderedOutput). */
  enabled(): boolean;
  tools(): RenderTools;
  /** Shows the findings of these files again (their rendered findings changed). */
  republish(paths: ReadonlySet<string>): void;
  /** Tells the user once that a tool is missing (what to install or configure); validation goes on without renders. */
  toolMissing(message: string): void;
  /** A pass failed unexpectedly (logged; the next pass runs as usual). */
  failed(error: unknown): void;
  /** Which kustomize folders rendered changed: the files they build are judged again (see rendersWithoutFailure). */
  coverageChanged(): void;
  /** The environments' statuses changed (the Environments view asks again). */
  statusesChanged(): void;
}

/** Saves come in bursts (a branch switch, a formatter); one pass after the burst. */
const SETTLE_MS = 400;

export class RenderedDiagnostics {
  private byFile = new Map<string, RenderedFinding[]>();
  /** The kustomize folders the last pass rendered, and whether each rendered without failing. */
  private renderedFolders = new RenderedFolders();
  /** Per project root and environment: the digest of its inputs and what its render found. */
  private readonly checked = new LRUCache<string, { digest: string; check: RenderedCheck }>({ max: 2_000 });
  /** Per project root and environment: what its last render found, for the Environments view. */
  private statuses = new Map<string, EnvironmentStatus>();
  /** Each check's status, made once (a check kept in `checked` is the same object pass after pass). */
  private readonly statusOfCheck = new WeakMap<RenderedCheck, EnvironmentStatus | undefined>();
  private readonly toldMissing = new Set<string>();
  private readonly inputs = new RenderInputs();
  private timer: NodeJS.Timeout | undefined;
  private running: AbortController | undefined;
  private pass: Promise<void> = Promise.resolve();

  constructor(private readonly host: RenderedDiagnosticsHost) {}

  /** What the renders found in a file. */
  findingsFor(path: string): readonly RenderedFinding[] {
    return this.byFile.get(path) ?? [];
  }

  /** Whether the last pass rendered the kustomization in each of these folders, and none failed. */
  rendersWithoutFailure(folders: readonly string[] | undefined): boolean {
    return this.renderedFolders.allRendered(folders);
  }

  /** What the last pass found of an environment: undefined when it was not rendered (yet). */
  statusOf(root: string, environment: string): EnvironmentStatus | undefined {
    return this.statuses.get(`${root}\0${environment}`);
  }

  /** Renders again soon (files changed on disk, trust or settings changed); a pass under way is abandoned. */
  schedule(): void {
    this.running?.abort();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A pass that fails must not stop the next ones (nor end the server with an unhandled rejection).
      this.pass = this.pass.then(() => this.run()).catch((error: unknown) => this.host.failed(error));
    }, SETTLE_MS);
  }

  /** Resolves when no pass is scheduled or running (tests and benchmarks wait for it). */
  async settled(): Promise<void> {
    while (this.timer !== undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    await this.pass;
  }

  dispose(): void {
    this.running?.abort();
    clearTimeout(this.timer);
  }

  private async run(): Promise<void> {
    const abort = new AbortController();
    this.running = abort;
    const found: RenderedFinding[] = [];
    const folders = new RenderedFolders();
    const statuses = new Map<string, EnvironmentStatus>();
    if (this.host.trusted() && this.host.enabled()) {
      const tools = this.host.tools();
      for (const project of this.host.projects()) {
        if (!project.indexComplete) continue;
        for (const environment of project.environments()) {
          const check = await this.check(project, environment, tools, abort.signal);
          if (abort.signal.aborted) return;
          found.push(...check.findings);
          folders.note(project.renderPlanOf(environment), check);
          if (!this.statusOfCheck.has(check)) this.statusOfCheck.set(check, environmentStatus(project, environment, check));
          const status = this.statusOfCheck.get(check);
          if (status) statuses.set(`${project.root}\0${environment.name}`, status);
        }
      }
    }
    if (abort.signal.aborted) return;
    const statusesBefore = this.statuses;
    this.statuses = statuses;
    if (JSON.stringify([...statusesBefore]) !== JSON.stringify([...statuses])) this.host.statusesChanged();
    const coverageChanged = !folders.sameAs(this.renderedFolders);
    this.renderedFolders = folders;
    const before = this.byFile;
    this.byFile = new Map();
    for (const finding of mergeRenderedFindings(found)) {
      const list = this.byFile.get(finding.file) ?? [];
      list.push(finding);
      this.byFile.set(finding.file, list);
    }
    const changed = new Set<string>();
    for (const file of new Set([...before.keys(), ...this.byFile.keys()]))
      if (JSON.stringify(before.get(file)) !== JSON.stringify(this.byFile.get(file))) changed.add(file);
    if (changed.size) this.host.republish(changed);
    if (coverageChanged) this.host.coverageChanged();
  }

  /** An environment's rendered findings (a tool missing is told once, and counts as not rendered). */
  private async check(project: Project, environment: Environment, tools: RenderTools, signal: AbortSignal): Promise<RenderedCheck> {
    const key = `${project.root}\0${environment.name}`;
    const plan = project.renderPlanOf(environment);
    // Besides what the render reads: what judging it depends on (version, rules, the workspace's CRDs) and, for the
    // lines of inline values, the file that defines the environment.
    const digest = this.inputs.digest(plan, project, [
      tools,
      project.config.kubernetesVersion,
      project.config.rules,
      project.crds.generation,
      environment.object,
      environment.file && this.inputs.hashOf(environment.file),
    ]);
    const known = this.checked.get(key);
    if (digest !== undefined && known?.digest === digest) {
      log(
        'debug',
        `Render cache hit: ${environment.name} (its inputs did not change; ${known.check.findings.length} rendered findings kept)`,
      );
      return known.check;
    }
    const check = await checkEnvironmentRender(project, environment, tools, signal);
    if (check.missingTool) {
      if (!this.toldMissing.has(check.missingTool)) this.host.toolMissing(check.missingTool);
      this.toldMissing.add(check.missingTool);
      return { findings: [], missingTool: check.missingTool };
    }
    if (digest !== undefined && !signal.aborted) this.checked.set(key, { digest, check });
    return check;
  }
}
