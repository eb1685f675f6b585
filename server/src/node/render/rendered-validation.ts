// Validation of what an environment really receives: its render checked as the API server would judge each object,
// every finding traced back to the line that produced it (an overlay's patch, a values file's key, a template line,
// the resource file), and a failed render reported on the file its tool's message names.
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Environment } from '../../engine/environments/environment';
import { failurePlace, unreachableRemote, type FailedRender } from '../../engine/render/render-failure';
import { kustomizationFileIn } from '../../engine/workspace/workspace-files';
import {
  namedTemplates,
  splitHelmOutput,
  templateFile,
  traceHelmValue,
  type HelmHelperFile,
  type ValuesSource,
} from '../../engine/helm/trace-helm';
import { traceKustomizeValue, type SourceLocation, type TraceSources } from '../../engine/kustomize/trace-kustomize';
import { judgedByRenders, type RuleId, type Severity } from '../../engine/rules';
import type { Finding } from '../../engine/validate/finding';
import { LineIndex, type Range } from '../../engine/yaml/line-index';
import { parseDocuments, type ParsedDocument } from '../../engine/yaml/parse-documents';
import type { Project } from '../project';
import { readTextFile } from '../read-text-file';
import { renderPlanWith, renderWithOrigins, type RenderTools } from './render-environment';
import { trackedObjects, type TrackedObject } from '../../engine/kustomize/origins';
import type { PlanOf, Renderer, Tracing } from './renderers/renderer';
import { rendererFor } from './renderers/renderers';
import { isConfined } from '../confined-path';
import { isRecord, type Json } from '../../engine/json';

export interface RenderedFinding {
  /** The source file the finding is traced to, and where in it (as the file is on disk). */
  file: string;
  range: Range;
  rule: RuleId;
  severity: Severity;
  message: string;
  /** The environments whose renders have it. */
  environments: string[];
  /** The rendered object, `Deployment prod-web`; undefined for a failed render. */
  object?: string;
}

export interface RenderedCheck {
  findings: RenderedFinding[];
  /** Why nothing was rendered (an environment rendered from another repository, a plain folder validated as it is). */
  skipped?: string;
  /** The tool it needs is not installed: what to install or configure (nothing is reported on the repository). */
  missingTool?: string;
}

/** Whether a check rendered its environment (not skipped, no tool missing) without the render failing. */
export function renderedWithoutFailure(check: RenderedCheck): boolean {
  return (
    check.skipped === undefined &&
    check.missingTool === undefined &&
    !check.findings.some((f) => f.rule === 'render-failed' || f.rule === 'render-unavailable')
  );
}

/**
 * A file's own findings once the renders decide (every build that applies it rendered): one of a rule judged on renders
 * stays only where a render reports the same rule on the same line (it keeps its own words and quick fixes); the
 * others are what Driftless could not see the builds do (a transformer plugin, `replacements`).
 */
export function decidedByRenders<T>(
  own: readonly T[],
  shown: (finding: T) => ShownFinding & { rule: RuleId },
  rendered: readonly RenderedFinding[],
): T[] {
  return own.filter((finding) => {
    const at = shown(finding);
    return !judgedByRenders(at.rule) || rendered.some((r) => r.rule === at.rule && r.range.start.line === at.line);
  });
}

/**
 * Records which kustomize folders rendered without failing (a folder rendered by several environments, all of them),
 * so that the files only those builds apply are judged by their renders.
 */
export class RenderedFolders {
  private readonly folders = new Map<string, boolean>();

  note(plan: { kind: string; folder?: string }, check: RenderedCheck): void {
    if (plan.kind !== 'kustomize' || plan.folder === undefined) return;
    this.folders.set(plan.folder, (this.folders.get(plan.folder) ?? true) && renderedWithoutFailure(check));
  }

  /** Whether every one of the folders (a file's builds) rendered without failing. */
  allRendered(folders: readonly string[] | undefined): boolean {
    return folders !== undefined && folders.length > 0 && folders.every((folder) => this.folders.get(folder) === true);
  }

  /** The same folders and outcomes as `other`. */
  sameAs(other: RenderedFolders): boolean {
    return JSON.stringify([...this.folders].sort()) === JSON.stringify([...other.folders].sort());
  }
}

/** Files read while tracing one render, each parsed once. */
export class SourceFiles implements TraceSources {
  private readonly parsed = new Map<string, { text: string; documents: readonly ParsedDocument[] } | undefined>();

  constructor(private readonly project: Project) {}

  read(file: string): { text: string; documents: readonly ParsedDocument[] } | undefined {
    if (!this.parsed.has(file)) {
      const text = readTextFile(file);
      this.parsed.set(file, text.ok ? { text: text.text, documents: parseDocuments(text.text) } : undefined);
    }
    return this.parsed.get(file);
  }

  documents(file: string): readonly ParsedDocument[] | undefined {
    return this.read(file)?.documents;
  }

  kustomization(file: string) {
    return this.project.kustomizationFacts(file);
  }

  /** Offsets in a file as a line and character range; the first line when the file cannot be read. */
  range(file: string, start: number, end: number): Range {
    const text = this.read(file)?.text;
    if (text === undefined) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return new LineIndex(text).rangeOf(start, end);
  }

  lineRange(file: string, line: number): Range {
    const lines = (this.read(file)?.text ?? '').split('\n');
    const at = Math.min(Math.max(line, 0), Math.max(lines.length - 1, 0));
    return { start: { line: at, character: 0 }, end: { line: at, character: lines[at]?.length ?? 0 } };
  }
}

function describe(value: Json): string {
  const name = isRecord(value.metadata) && typeof value.metadata.name === 'string' ? value.metadata.name : '(no name)';
  return `${String(value.kind)} ${name}`;
}

/** Findings a render can have that its sources cannot: errors and warnings (hints about unknown kinds stay at the source). */
function judged(project: Project, text: string): { finding: Finding; severity: Severity }[] {
  return project.validateRendered(text).filter(({ finding, severity }) => severity !== 'info' && finding.path !== undefined);
}

function renderedFinding(
  location: { file: string; range: Range },
  found: { finding: Finding; severity: Severity },
  environment: string,
  object: string,
): RenderedFinding {
  return {
    ...location,
    rule: found.finding.rule,
    severity: found.severity,
    message: found.finding.message,
    environments: [environment],
    object,
  };
}

/**
 * One finding per place and problem: environments sharing a base have the same finding in each render. The message
 * names the object and the environments.
 */
export function mergeRenderedFindings(findings: readonly RenderedFinding[]): RenderedFinding[] {
  const merged = new Map<string, RenderedFinding>();
  for (const finding of findings) {
    const { start, end } = finding.range;
    const key = JSON.stringify([
      finding.file,
      start.line,
      start.character,
      end.line,
      end.character,
      finding.rule,
      finding.message,
      finding.object,
    ]);
    const known = merged.get(key);
    if (known) known.environments = [...new Set([...known.environments, ...finding.environments])];
    else merged.set(key, { ...finding, environments: [...finding.environments] });
  }
  return [...merged.values()];
}

/** A diagnostic a file's own validation shows: its rule, severity and 0-based first line. */
export interface ShownFinding {
  rule: string;
  severity: string;
  line: number;
}

/**
 * Whether a file's own validation already says what a render found: the same rule on the same line (a base's error in
 * every overlay), any error on the line a failed render blames (a missing file is why kustomize failed), or a failed
 * render of a file that is not valid YAML.
 */
export function alreadyShown(finding: RenderedFinding, own: readonly ShownFinding[]): boolean {
  const line = finding.range.start.line;
  // A file that cannot be read as YAML is why kustomize failed on it, wherever the tool says.
  const unreadable = (d: ShownFinding) => d.severity === 'error' && (d.rule.startsWith('yaml-') || d.rule === 'duplicate-key');
  return own.some(
    (d) =>
      (d.line === line && (d.rule === finding.rule || (finding.rule === 'render-failed' && d.severity === 'error'))) ||
      (finding.rule === 'render-failed' && unreadable(d)),
  );
}

/** The message as shown: what is wrong, in which rendered object, for which environments. */
export function renderedMessage(finding: RenderedFinding): string {
  if (!finding.object) return finding.message;
  const environments = finding.environments.join(', ');
  return `${finding.message} (${finding.object}, as rendered for ${environments})`;
}

/**
 * The kustomization or Chart.yaml a render starts from, where a finding that leads nowhere else is shown; for a
 * folder without a kustomization, the file that defines the environment (the Flux Kustomization).
 */
function rootFileOf(renderer: Renderer, environment: Environment): string {
  const { rootFile, folder } = renderer.failures();
  return rootFile ?? environment.file ?? folder;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function failure(
  {
    error,
    needsNetwork,
    place: given,
    inDefinition,
  }: { error: string; needsNetwork?: string; place?: { file: string; line?: number }; inDefinition?: string },
  renderer: Renderer,
  project: Project,
  sources: SourceFiles,
  environment: Environment,
): RenderedFinding {
  // A finding stays on a file of the repository (its range is read from it): a message may name one outside it, or
  // a link that leads out of it; a source outside it is blamed on the file that names it (.driftless.yaml, the
  // Application).
  const inRepository = (file: string) => isConfined(file, project.repositoryRoot);
  const { tool, folder, fromBuildFolders } = renderer.failures();
  const folders = fromBuildFolders ? renderer.inputs(project).recursive.filter(inRepository) : [];
  const own = rootFileOf(renderer, environment);
  const render: FailedRender = {
    kind: tool,
    folder,
    rootFile: inRepository(own) || !environment.file ? own : environment.file,
    folders,
  };
  // A value of the environment's definition (an Application's releaseName) is shown where it is written.
  const definition =
    inDefinition !== undefined && environment.file
      ? { file: environment.file, line: lineOf(sources, environment.file, inDefinition) }
      : undefined;
  const known = given ?? definition;
  const at = known && inRepository(known.file) ? known : undefined;
  const remote = needsNetwork ?? unreachableRemote(error);
  if (remote) {
    const file = at?.file ?? render.rootFile;
    return {
      file,
      range: sources.lineRange(file, at?.line ?? 0),
      rule: 'render-unavailable',
      severity: 'info',
      message: `${environment.name} cannot be rendered here: it reads ${remote}, which needs the network. Its rendered objects are not checked.`,
      environments: [environment.name],
    };
  }
  const buildKustomizations = folders.flatMap((folder) => {
    const file = kustomizationFileIn(folder, project.files);
    return file ? [file] : [];
  });
  const found = failurePlace(error, render, {
    isFile,
    resolve: (folder, relative) => resolve(folder, relative),
    // Files the index knows as named (resources, patches, components), else a kustomization of the build that
    // mentions the file (generator inputs, configurations).
    kustomizationsNaming: (path) => {
      const named = project.kustomizationsNaming(path).filter((file) => !fromBuildFolders || buildKustomizations.includes(file));
      return named.length ? named : buildKustomizations.filter((file) => (sources.read(file)?.text ?? '').includes(basename(path)));
    },
    kustomizationIn: (folder) => kustomizationFileIn(folder, project.files),
    lineNaming: (kustomization, path) => {
      const lines = (sources.read(kustomization)?.text ?? '').split('\n');
      const index = lines.findIndex((line) => !line.trimStart().startsWith('#') && line.includes(basename(path)));
      return index === -1 ? undefined : index;
    },
  });
  const place = at ?? (inRepository(found.file) ? found : { file: render.rootFile });
  return {
    file: place.file,
    range: sources.lineRange(place.file, place.line ?? 0),
    rule: 'render-failed',
    severity: 'error',
    message: `Rendering ${environment.name} failed: ${error.trim()}`,
    environments: [environment.name],
  };
}

/**
 * The finding a failed render of an environment is, as `validate --rendered` reports it: on the file and line its
 * tool's message leads to (the kustomization naming a missing file), or the network it needs. Undefined for an
 * environment that is not rendered from this repository.
 */
export function renderFailureFinding(project: Project, environment: Environment, error: string): RenderedFinding | undefined {
  const plan = project.renderPlanOf(environment);
  if (plan.kind === 'none') return undefined;
  return failure({ error }, rendererFor(plan), project, new SourceFiles(project), environment);
}

/** The 0-based line of a file that holds `needle` (0 when none does). */
function lineOf(sources: SourceFiles, file: string, needle: string): number {
  const index = (sources.read(file)?.text ?? '').split('\n').findIndex((line) => line.includes(needle));
  return Math.max(index, 0);
}

/** The values Helm merges for a plan, in order: the chart's values.yaml, the values files, the inline values. */
export function valuesSources(plan: PlanOf<'helm'>, environment: Environment, sources: SourceFiles): ValuesSource[] {
  const values: ValuesSource[] = [];
  for (const file of [join(plan.chart, 'values.yaml'), ...plan.valuesFiles]) {
    const document = sources.documents(file)?.[0];
    if (document) values.push({ file, document, prefix: [] });
  }
  const object = environment.object;
  if (plan.values !== undefined && environment.file && isRecord(object)) {
    const document = sources
      .documents(environment.file)
      ?.find((d) => isRecord(d.content.value) && JSON.stringify(d.content.value) === JSON.stringify(object));
    const spec = isRecord(object.spec) ? object.spec : {};
    const prefix = isRecord(spec.values)
      ? ['spec', 'values']
      : isRecord(spec.source) && isRecord(spec.source.helm) && isRecord(spec.source.helm.valuesObject)
        ? ['spec', 'source', 'helm', 'valuesObject']
        : undefined;
    if (document && prefix) values.push({ file: environment.file, document, prefix });
  }
  return values;
}

/**
 * The values a subchart's template reads (`<chart>/charts/<name>/templates/...`): the subchart's own values.yaml, then
 * what the parent's values set under the subchart's name (last wins, as Helm passes them down).
 */
/**
 * The helper files a template can include from: the `.tpl` files of its own templates folder and of the chart's (named
 * templates are shared by a chart and its subcharts).
 */
export function helperFiles(templatesFolder: string, chart: string): HelmHelperFile[] {
  const folders = [...new Set([templatesFolder, join(chart, 'templates')])];
  const helpers: HelmHelperFile[] = [];
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.endsWith('.tpl')).sort()) {
      const text = readTextFile(join(folder, name));
      if (text.ok) helpers.push({ file: join(folder, name), text: text.text });
    }
  }
  return helpers;
}

export function subchartValues(template: string, chart: string, parent: readonly ValuesSource[], sources: SourceFiles): ValuesSource[] {
  const name = /^charts[\\/]([^\\/]+)[\\/]templates[\\/]/.exec(relative(chart, template))?.[1];
  if (!name) return [...parent];
  const own = join(chart, 'charts', name, 'values.yaml');
  const document = sources.documents(own)?.[0];
  return [
    ...(document ? [{ file: own, document, prefix: [] }] : []),
    ...parent.map((source) => ({ ...source, prefix: [...source.prefix, name] })),
  ];
}

/**
 * Renders an environment and validates what it renders (never in an untrusted workspace: the caller checks). What
 * cannot be read on the way (an unresolved alias in values, a file gone mid-render) is that environment's failure,
 * reported on its root file, never an exception that ends the other environments' checks.
 */
export async function checkEnvironmentRender(
  project: Project,
  environment: Environment,
  tools: RenderTools,
  signal?: AbortSignal,
): Promise<RenderedCheck> {
  try {
    return await renderAndJudge(project, environment, tools, signal);
  } catch (error) {
    if (error instanceof MissingTool) return { findings: [], missingTool: error.message };
    const plan = project.renderPlanOf(environment);
    const file = plan.kind === 'none' ? environment.file : rootFileOf(rendererFor(plan), environment);
    if (!file) return { findings: [] };
    const sources = new SourceFiles(project);
    return {
      findings: [
        {
          file,
          range: sources.lineRange(file, 0),
          rule: 'render-failed',
          severity: 'error',
          message: `Rendering ${environment.name} failed: ${error instanceof Error ? error.message : String(error)}`,
          environments: [environment.name],
        },
      ],
    };
  }
}

/** The tool a render needs is not installed: nothing is reported on the repository, the user is told what to install. */
class MissingTool extends Error {}

async function renderAndJudge(
  project: Project,
  environment: Environment,
  tools: RenderTools,
  signal?: AbortSignal,
): Promise<RenderedCheck> {
  const planned = project.renderPlanOf(environment);
  if (planned.kind === 'none') return { findings: [], skipped: planned.why };
  const renderer = rendererFor(planned);
  if (renderer.notJudged) return { findings: [], skipped: renderer.notJudged };
  const tracing = renderer.tracing;
  const sources = new SourceFiles(project);
  const findings: RenderedFinding[] = [];
  const at = (location: SourceLocation | { file: string; start: number; end: number }) => ({
    file: location.file,
    range: sources.range(location.file, location.start, location.end),
  });
  const rootFile = rootFileOf(renderer, environment);
  switch (tracing.by) {
    case 'kustomize':
      return { findings: await judgeKustomizeBuild(tracing.plan) };
    case 'helm':
      return { findings: await judgeHelmRender(tracing.plan) };
    default:
      return noTracing(tracing);
  }

  /** Each object with its origin and patches (kustomize's buildMetadata), its findings traced along them. */
  async function judgeKustomizeBuild(plan: PlanOf<'kustomize' | 'directory'>): Promise<RenderedFinding[]> {
    const rendered = await renderWithOrigins(plan, tools, signal);
    if (!rendered.ok && rendered.missingTool) throw new MissingTool(rendered.error);
    let objects: TrackedObject[];
    if (rendered.ok) objects = rendered.objects;
    else {
      // The tool's message about the wrapping kustomization names it: the plain render words the same failure plainly.
      // Where only the wrapper fails, the plain render is judged, its findings shown on the kustomization.
      const plain = await renderPlanWith(plan, tools, signal);
      if (!plain.ok) return [failure(plain, renderer, project, sources, environment)];
      const tracked = trackedObjects(plain.yaml);
      if (!Array.isArray(tracked)) return [failure(tracked, renderer, project, sources, environment)];
      objects = tracked;
    }
    for (const tracked of objects) {
      // JSON, not YAML: a YAML 1.2 writer leaves strings like `no` unquoted, which the API server's decoder reads as booleans.
      for (const found of judged(project, JSON.stringify(tracked.object))) {
        const finding = {
          path: found.finding.path!,
          target: found.finding.target ?? 'value',
          missing: found.finding.rule === 'schema-required',
        };
        const location = traceKustomizeValue(tracked.object, tracked.origin, tracked.patchedIn, finding, sources);
        const place = location ? at(location) : { file: rootFile, range: sources.lineRange(rootFile, 0) };
        findings.push(renderedFinding(place, found, environment.name, describe(tracked.object)));
      }
    }
    return findings;
  }

  /** Each object with the template that wrote it (helm's `# Source:`), its findings traced through templates and values. */
  async function judgeHelmRender(plan: PlanOf<'helm'>): Promise<RenderedFinding[]> {
    const rendered = await renderPlanWith(plan, tools, signal);
    if (!rendered.ok && rendered.missingTool) throw new MissingTool(rendered.error);
    if (!rendered.ok) return [failure(rendered, renderer, project, sources, environment)];
    const values = valuesSources(plan, environment, sources);
    const helpers = new Map<string, ReturnType<typeof namedTemplates>>();
    for (const object of splitHelmOutput(rendered.yaml)) {
      const value = parseDocuments(object.text)[0]?.content.value;
      if (!isRecord(value)) continue;
      const template = object.source ? templateFile(object.source, plan.chart, join) : undefined;
      const templateText = template ? readTextFile(template) : undefined;
      const templateValues = template ? subchartValues(template, plan.chart, values, sources) : values;
      const templatesFolder = template ? dirname(template) : undefined;
      if (templatesFolder && !helpers.has(templatesFolder))
        helpers.set(templatesFolder, namedTemplates(helperFiles(templatesFolder, plan.chart)));
      for (const found of judged(project, object.text)) {
        const place =
          template && templateText?.ok
            ? at(
                traceHelmValue(
                  template,
                  templateText.text,
                  found.finding.path!,
                  found.finding.target ?? 'value',
                  templateValues,
                  helpers.get(templatesFolder!),
                ),
              )
            : { file: rootFile, range: sources.lineRange(rootFile, 0) };
        findings.push(renderedFinding(place, found, environment.name, describe(value)));
      }
    }
    return findings;
  }
}

/** A tracing the switch above does not know: the compiler refuses one left out. */
export function noTracing(tracing: never): never {
  throw new Error(`no tracing by ${(tracing as Tracing).by}`);
}
