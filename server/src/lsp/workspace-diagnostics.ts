// Findings of the files nobody opened, in the Problems panel from the start, as rust-analyzer publishes them for every
// file it indexed: each workspace folder's YAML files validated from disk in the background once its index is
// complete, and again after changes that can alter them (settings, CRDs, kustomizations, renders). Bounded: past
// `driftless.problems.maxFiles` files one info says how many more `driftless validate` checks.
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Project } from '../node/project';

export type ProblemsScope = 'workspace' | 'openFiles';

export interface WorkspaceDiagnosticsHost {
  /** The projects of the workspace folders (files opened from elsewhere are shown while open only). */
  projects(): Project[];
  scope(): ProblemsScope;
  /** How many files a project's pass validates at most. */
  maxFiles(): number;
  /** Whether the editor holds the file: its own publish (of the editor's text) owns it then. */
  isOpen(path: string): boolean;
  /** The findings of a file as on disk; undefined when it cannot be read (gone). */
  diagnosticsOf(project: Project, path: string): Diagnostic[] | undefined;
  send(uri: string, diagnostics: Diagnostic[]): void;
  /** A pass finished: what it covered, for the log. */
  passed(summary: { files: number; withFindings: number; notShown: number; ms: number }): void;
  failed(error: unknown): void;
}

/** Changes come in bursts (typing in a kustomization, a branch switch): one pass after the burst. */
const SETTLE_MS = 300;
/** Work between two yields, so an edit, a hover or a completion is answered during a pass without waiting. */
const SLICE_MS = 10;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class WorkspaceDiagnostics {
  /** The files whose findings (non-empty) this pass published: cleared when they no longer have any. */
  private shown = new Set<string>();
  /** The files the last pass covered (within the bound), so a file closed or changed alone is published again. */
  private covered = new Set<string>();
  /** Per file past the bound that carries the info about the files left out: that info. */
  private carriers = new Map<string, Diagnostic>();
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private pass: Promise<void> = Promise.resolve();
  /** Each project's YAML files, sorted: listed once, again after files appeared or went (a walk of the disk). */
  private readonly listed = new WeakMap<Project, string[]>();

  constructor(private readonly host: WorkspaceDiagnosticsHost) {}

  /** Files appeared or went: the next pass lists the folders again. */
  filesChanged(): void {
    for (const project of this.host.projects()) this.listed.delete(project);
    this.schedule();
  }

  /** Validates every file again soon; a pass under way is abandoned. */
  schedule(): void {
    this.generation++;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const generation = this.generation;
      this.pass = this.pass.then(() => this.run(generation)).catch((error: unknown) => this.host.failed(error));
    }, SETTLE_MS);
  }

  /** Resolves when no pass is scheduled or running. */
  async settled(): Promise<void> {
    while (this.timer !== undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    await this.pass;
  }

  /**
   * One closed file's findings again (it was closed in the editor, changed on disk, or its rendered findings changed);
   * true when it is shown from here (else the caller clears it).
   */
  refresh(project: Project, path: string): boolean {
    if (this.host.scope() !== 'workspace' || !this.covered.has(path) || this.host.isOpen(path)) return false;
    const carried = this.carriers.get(path);
    if (carried) this.host.send(pathToFileURL(path).href, [carried]);
    else this.publish(project, path);
    return true;
  }

  dispose(): void {
    this.generation++;
    clearTimeout(this.timer);
  }

  private publish(project: Project, path: string): void {
    const diagnostics = this.host.diagnosticsOf(project, path) ?? [];
    if (diagnostics.length) this.shown.add(path);
    else if (this.shown.delete(path)) {
      // Nothing to say any more: cleared below.
    } else return;
    this.host.send(pathToFileURL(path).href, diagnostics);
  }

  private async run(generation: number): Promise<void> {
    const started = performance.now();
    const covered = new Set<string>();
    const carriers = new Map<string, Diagnostic>();
    let notShown = 0;
    let files = 0;
    if (this.host.scope() === 'workspace') {
      const limit = Math.max(1, this.host.maxFiles());
      for (const project of this.host.projects()) {
        if (!project.indexComplete) continue;
        // Sorted, so the files shown within the bound are the same from one pass to the next.
        let all = this.listed.get(project);
        if (!all) this.listed.set(project, (all = project.yamlFiles().sort()));
        const within = all.slice(0, limit);
        let sliceStarted = performance.now();
        for (const path of within) {
          covered.add(path);
          files++;
          if (!this.host.isOpen(path)) this.publish(project, path);
          if (performance.now() - sliceStarted > SLICE_MS) {
            await yieldToEventLoop();
            if (generation !== this.generation) return;
            sliceStarted = performance.now();
          }
        }
        const rest = all.slice(limit);
        if (rest.length) {
          notShown += rest.length;
          this.tellAboutTheRest(project, rest, limit, all.length, carriers);
        }
      }
    }
    if (generation !== this.generation) return;
    for (const path of carriers.keys()) covered.add(path);
    for (const path of this.shown) {
      if (covered.has(path) || this.host.isOpen(path)) continue;
      this.shown.delete(path);
      this.host.send(pathToFileURL(path).href, []);
    }
    this.covered = covered;
    this.carriers = carriers;
    const withFindings = [...this.shown].filter((path) => covered.has(path) && !carriers.has(path)).length;
    this.host.passed({ files, withFindings, notShown, ms: Math.round(performance.now() - started) });
  }

  /** One info, on the first file past the bound that is not open, saying how many files the panel leaves out. */
  private tellAboutTheRest(
    project: Project,
    rest: readonly string[],
    limit: number,
    total: number,
    carriers: Map<string, Diagnostic>,
  ): void {
    const carrier = rest.find((path) => !this.host.isOpen(path));
    if (!carrier) return;
    this.shown.add(carrier);
    const message =
      `Driftless lists the findings of the first ${limit} of ${total} YAML files of ${project.root} here ` +
      `(driftless.problems.maxFiles); the other ${rest.length} are validated when opened, and \`driftless validate\` reports them all.`;
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const info: Diagnostic = { range, severity: DiagnosticSeverity.Information, source: 'driftless', message };
    carriers.set(carrier, info);
    this.host.send(pathToFileURL(carrier).href, [info]);
  }
}
