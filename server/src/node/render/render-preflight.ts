// What a render would read and pass to its tools, checked before any tool runs: every path it reads resolved with its
// symlinks and kept inside the repository's root (confined-path), every value bound for a command line checked
// (engine/render/tool-arguments), and anything that needs the network — a remote base or component, a URL as a
// generator's file source, a generators file that pulls a chart, a remote chart or values file — refused as such
// ("needs the network: <url>"). kustomize's own load restrictor stays on and confines the files each kustomization
// reads to its folder; this confines the folders themselves, the charts helm reads whole, and what kustomize takes
// from anywhere (absolute chartHome, additional values files given to helm).
import { statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { RenderPlan } from '../../engine/render/render-plan';
import {
  fileNameProblem,
  helmChartEntryProblems,
  helmChartOfInflationArgs,
  namespaceProblem,
  releaseNameProblem,
  valueNameProblem,
} from '../../engine/render/tool-arguments';
import {
  isResourceField,
  kustomizationReferences,
  kustomizeFetches,
  looksLikePath,
  type KustomizationReference,
} from '../../engine/kustomize/kustomization-references';
import { kustomizationFileIn } from '../../engine/workspace/workspace-files';
import { parseDocuments } from '../../engine/yaml/parse-documents';
import { diskFiles } from '../disk-files';
import { isConfined, isUnder, linkOutOf, realPathOf } from '../confined-path';
import { readTextFile } from '../read-text-file';
import { isRecord, type Json } from '../../engine/json';

/** A failed check: what is wrong, where (the file and line that says it), and the address when it needs the network. */
export interface PreflightFailure {
  ok: false;
  error: string;
  needsNetwork?: string;
  place?: { file: string; line?: number };
  /**
   * The value at fault as the environment's definition writes it (an Application's releaseName, a HelmRelease's
   * values file): the failure is shown there, on its line, rather than on the chart.
   */
  inDefinition?: string;
}

/** A kustomization of the build, and the files it reads from outside its own folder (inside the root). */
export interface BuildKustomization {
  folder: string;
  file: string;
  /** What kustomize's load restrictor refuses and kustomize-controller reads (a Flux build lifts them: mirror-edits). */
  escaping: (KustomizationReference & { path: string })[];
  /** Whether it inflates Helm charts (helmCharts, or a HelmChartInflationGenerator): kustomize then needs helm. */
  inflates: boolean;
}

export type Preflight = { ok: true; kustomizations: BuildKustomization[] } | PreflightFailure;

/** A URL kustomize's file loader, helm's `--values` or a getter would download. */
function isUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim());
}

const OK: Preflight = { ok: true, kustomizations: [] };

function network(address: string, place?: PreflightFailure['place']): PreflightFailure {
  return { ok: false, error: `needs the network: ${address}`, needsNetwork: address, ...(place ? { place } : {}) };
}

function refused(error: string, place?: PreflightFailure['place']): PreflightFailure {
  return { ok: false, error, ...(place ? { place } : {}) };
}

function exists(path: string): 'file' | 'folder' | undefined {
  try {
    const stats = statSync(path);
    return stats.isDirectory() ? 'folder' : stats.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/** The line of a file's text that names `needle` (0-based), for a finding on it. */
function lineOf(text: string, needle: string): number | undefined {
  const index = text.split('\n').findIndex((line) => !line.trimStart().startsWith('#') && line.includes(needle));
  return index === -1 ? undefined : index;
}

/** The checks of one plan, before it is rendered. */
export function preflight(plan: RenderPlan): Preflight {
  switch (plan.kind) {
    case 'none':
      return OK;
    case 'helm':
      return preflightHelm(plan);
    case 'directory':
      if (!plan.flux) return confinedFolder(plan.folder, plan.root, undefined, true) ?? OK;
      return preflightKustomize(plan, plan.root, { helm: false });
    case 'kustomize':
      return preflightKustomize(plan, plan.root, { helm: !plan.flux });
  }
}

/** A folder whose every file is read (a chart, the manifests of a folder): inside the root, and no link out of it. */
function confinedFolder(
  folder: string,
  root: string,
  place?: PreflightFailure['place'],
  /** A folder of manifests: its hidden entries are read by neither Argo CD nor kustomize-controller. */
  manifests = false,
): PreflightFailure | undefined {
  if (!isConfined(folder, root))
    return refused(`${folder} is outside the repository (${root}): Driftless reads nothing outside it.`, place);
  const link = linkOutOf(root, folder, manifests ? { skip: (name) => name.startsWith('.') } : {});
  if (link && 'exhausted' in link) return refused(`${folder} holds too many files to check for links out of the repository.`, place);
  if (link)
    return refused(
      `${link.link} is a link to ${link.target}, outside the repository: Driftless does not follow links out of it (nor does Argo CD).`,
      { file: link.link },
    );
  return undefined;
}

/** The values of a helm plan come from the environment's definition: its failures are shown there. */
function definedBy(failure: PreflightFailure, value: string): PreflightFailure {
  return { ...failure, inDefinition: value };
}

function preflightHelm(plan: RenderPlan & { kind: 'helm' }): Preflight {
  if (plan.remoteValues) return definedBy(network(plan.remoteValues), plan.remoteValues);
  const checks: [string, string | undefined][] = [
    [plan.release, releaseNameProblem(plan.release)],
    ...(plan.namespace !== undefined ? [[plan.namespace, namespaceProblem(plan.namespace)] as [string, string | undefined]] : []),
    ...(plan.set ?? []).map((set): [string, string | undefined] => [set.name, valueNameProblem(set.name)]),
  ];
  const [value, problem] = checks.find(([, found]) => found !== undefined) ?? [];
  if (value !== undefined && problem) return definedBy(refused(problem), value);
  const chart = confinedFolder(plan.chart, plan.root);
  if (chart) return chart;
  for (const file of [...plan.valuesFiles, ...(plan.set ?? []).filter((s) => s.as === 'file').map((s) => s.value)])
    if (!isConfined(file, plan.root))
      return definedBy(
        refused(`reads ${file}, outside the repository (${plan.root}): Driftless reads nothing outside it.`),
        basename(file),
      );
  return OK;
}

/**
 * Walks the kustomizations a build reads, from its folder (and Argo CD's components and patch files), checking each
 * path and value. `helm`: whether helmCharts are inflated (kustomize-controller never does).
 */
function preflightKustomize(plan: RenderPlan & { kind: 'kustomize' | 'directory' }, root: string, options: { helm: boolean }): Preflight {
  const overlay = plan.kind === 'kustomize' ? (plan.overlay ?? {}) : {};
  const components = Array.isArray(overlay.components) ? overlay.components.filter((c): c is string => typeof c === 'string') : [];
  const patchFiles = (Array.isArray(overlay.patches) ? overlay.patches : []).flatMap((p) =>
    isRecord(p) && typeof p.path === 'string' ? [p.path] : [],
  );
  for (const path of [plan.folder, ...components, ...patchFiles])
    if (!isConfined(path, root)) return refused(`${path} is outside the repository (${root}): Driftless reads nothing outside it.`);
  const seeds = [plan.folder, ...components];
  if (plan.kind === 'directory') {
    // kustomize-controller's generated kustomization lists what it finds under the path: no link may lead out of it.
    const linked = confinedFolder(plan.folder, root, undefined, true);
    if (linked) return linked;
    seeds.push(...kustomizationFoldersBelow(plan.folder));
  }
  const kustomizations: BuildKustomization[] = [];
  const seen = new Set<string>();
  const pending = [...seeds];
  while (pending.length) {
    const folder = pending.pop()!;
    const real = realPathOf(folder);
    if (seen.has(real)) continue;
    seen.add(real);
    const checked = checkKustomization(folder, root, options);
    if (!checked.ok) return checked;
    if (!checked.kustomization) continue;
    kustomizations.push(checked.kustomization);
    pending.push(...checked.folders);
  }
  return { ok: true, kustomizations };
}

/** The folders with a kustomization below `folder` (kustomize-controller lists them rather than their files). */
function kustomizationFoldersBelow(folder: string): string[] {
  const found: string[] = [];
  let budget = 20_000;
  const walk = (current: string) => {
    for (const name of diskFiles.list(current)) {
      if (--budget < 0 || name.startsWith('.')) continue;
      const path = join(current, name);
      if (diskFiles.kindOf(path) !== 'folder') continue;
      if (kustomizationFileIn(path, diskFiles)) found.push(path);
      else walk(path);
    }
  };
  walk(folder);
  return found;
}

type KustomizationCheck = { ok: true; kustomization?: BuildKustomization; folders: string[] } | PreflightFailure;

/** One kustomization: its references, its charts, its generator and transformer configurations. */
function checkKustomization(folder: string, root: string, options: { helm: boolean }): KustomizationCheck {
  const file = kustomizationFileIn(folder, diskFiles);
  if (!file) return { ok: true, folders: [] };
  if (!isConfined(file, root))
    return refused(`${file} is a link out of the repository: Driftless does not follow links out of it.`, { file: folder });
  const text = readTextFile(file);
  // What cannot be read is kustomize's to report, with its own words.
  if (!text.ok) return { ok: true, folders: [] };
  const value = parseDocuments(text.text)[0]?.content.value;
  if (!isRecord(value)) return { ok: true, folders: [] };
  const at = (needle: string) => {
    const line = lineOf(text.text, needle);
    return { file, ...(line !== undefined ? { line } : {}) };
  };
  const realFolder = realPathOf(folder);
  const folders: string[] = [];
  const found = { inflates: nonEmpty(value.helmCharts) || nonEmpty(value.helmChartInflationGenerator) };
  const escaping: BuildKustomization['escaping'] = [];
  const references = kustomizationReferences(value);
  for (const reference of references) {
    const { entry } = reference;
    const path = resolve(folder, entry);
    if (isResourceField(reference.field) || reference.field === 'components') {
      const kind = exists(path);
      if (!kind) {
        if (kustomizeFetches(entry)) return network(entry, at(entry));
        continue; // Missing: kustomize says so.
      }
      if (!isConfined(path, root)) return refused(outside(file, entry, root), at(entry));
      if (kind === 'folder') folders.push(path);
      else if (!isUnder(realPathOf(path), realFolder)) escaping.push({ ...reference, path });
      continue;
    }
    if (isUrl(entry)) return network(entry, at(entry));
    if (fileNameProblem(entry)) return refused(`${file}: ${fileNameProblem(entry)!}`, at(entry));
    if (!isConfined(path, root)) return refused(outside(file, entry, root), at(entry));
    if (reference.field === 'plugins') {
      if (exists(path) === 'folder')
        return refused(
          `${file} takes generator or transformer configurations built from the folder ${entry}: Driftless cannot check what such a build passes to its tools, and does not render it.`,
          at(entry),
        );
      const configs = readTextFile(path);
      if (configs.ok) {
        const problem = checkPluginConfigs(configs.text, folder, root, options, at(entry), found);
        if (problem) return problem;
      }
    }
    if (!isUnder(realPathOf(path), realFolder)) escaping.push({ ...reference, path });
  }
  // Plugin configurations written inline in the kustomization.
  for (const key of ['generators', 'transformers', 'validators']) {
    const list = value[key];
    for (const entry of Array.isArray(list) ? list : [])
      if (typeof entry === 'string' && !looksLikePath(entry)) {
        const problem = checkPluginConfigs(entry, folder, root, options, { file }, found);
        if (problem) return problem;
      }
  }
  const charts = checkHelmCharts(value, folder, root, options, at);
  if (charts) return charts;
  return { ok: true, kustomization: { folder, file, escaping, inflates: found.inflates }, folders };
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function nonEmpty(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function outside(file: string, entry: string, root: string): string {
  return `${file} reads ${entry}, which leads outside the repository (${root}): Driftless reads nothing outside it.`;
}

/** A kustomization's helmCharts (and the older helmChartInflationGenerator): values, chart folders, values files. */
function checkHelmCharts(
  value: Json,
  folder: string,
  root: string,
  options: { helm: boolean },
  at: (needle: string) => PreflightFailure['place'],
): PreflightFailure | undefined {
  const globals = isRecord(value.helmGlobals) ? value.helmGlobals : {};
  const charts = list(value.helmCharts).map((chart) => ({ chart, globals }));
  for (const args of list(value.helmChartInflationGenerator))
    charts.push({
      chart: helmChartOfInflationArgs(args),
      globals: isRecord(args)
        ? { chartHome: args.chartHome ?? globals.chartHome, configHome: args.helmHome ?? globals.configHome }
        : globals,
    });
  for (const { chart, globals: chartGlobals } of charts) {
    const problem = checkHelmChart(chart, chartGlobals, folder, root, options, at);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * One chart kustomize inflates (a helmCharts entry, or a HelmChartInflationGenerator's fields): the values it gives
 * helm, its chart folder (helm reads it whole: no link out of the root), its values files; a chart not in the
 * repository is pulled by kustomize (the network, and a download into the checkout): refused.
 */
function checkHelmChart(
  chart: unknown,
  globals: Json,
  folder: string,
  root: string,
  options: { helm: boolean },
  at: (needle: string) => PreflightFailure['place'],
): PreflightFailure | undefined {
  if (!options.helm) return undefined;
  const problems = helmChartEntryProblems(chart);
  const name = isRecord(chart) && typeof chart.name === 'string' ? chart.name : '';
  if (problems.length) return refused(`helmCharts: ${problems[0]!}`, at(name || 'helmCharts'));
  const entry = chart as Json;
  for (const key of ['chartHome', 'configHome']) {
    const home = globals[key];
    if (home === undefined) continue;
    if (typeof home !== 'string' || fileNameProblem(home) || !isConfined(resolve(folder, home), root))
      return refused(`helmGlobals.${key} ${JSON.stringify(home)} leads outside the repository (${root}).`, at(key));
  }
  const chartHome = resolve(folder, typeof globals.chartHome === 'string' ? globals.chartHome : 'charts');
  const candidates = [join(chartHome, name)];
  if (typeof entry.version === 'string' && typeof entry.repo === 'string')
    candidates.unshift(join(chartHome, `${name}-${entry.version}`, name));
  const local = candidates.find((candidate) => exists(candidate) === 'folder');
  if (!local) {
    if (typeof entry.repo === 'string' && entry.repo.trim()) return network(entry.repo, at(entry.repo));
    return undefined; // kustomize says the chart is missing.
  }
  const confined = confinedFolder(local, root, at(name));
  if (confined) return confined;
  const files = [entry.valuesFile, ...list(entry.additionalValuesFiles)];
  for (const file of files) {
    if (typeof file !== 'string' || !file.trim()) continue;
    if (isUrl(file)) return network(file, at(file));
    if (!isConfined(resolve(folder, file), root))
      return refused(`helmCharts reads ${file}, which leads outside the repository (${root}).`, at(file));
  }
  return undefined;
}

/**
 * The configurations of a `generators:`, `transformers:` or `validators:` entry (a file's documents, or inline YAML):
 * a HelmChartInflationGenerator is checked as a helmCharts entry; the file sources and patch paths of the builtin
 * generators and transformers must not be URLs nor lead out of the root.
 */
function checkPluginConfigs(
  text: string,
  folder: string,
  root: string,
  options: { helm: boolean },
  place: PreflightFailure['place'],
  found: { inflates: boolean },
): PreflightFailure | undefined {
  for (const document of parseDocuments(text)) {
    const config = document.content.value;
    if (!isRecord(config)) continue;
    if (config.kind === 'HelmChartInflationGenerator') {
      found.inflates = true;
      const problem = checkHelmChart(config, config, folder, root, options, () => place);
      if (problem) return problem;
      continue;
    }
    const paths: unknown[] = [];
    // A file source may be `key=path` (a URL with its own `=` is an error to kustomize): both are judged.
    for (const key of ['files', 'envs'])
      for (const source of Array.isArray(config[key]) ? config[key] : [])
        paths.push(source, typeof source === 'string' ? source.replace(/^[^=]*=/, '') : undefined);
    paths.push(config.env, config.path);
    for (const key of ['paths', 'replacements'])
      for (const item of Array.isArray(config[key]) ? config[key] : []) paths.push(isRecord(item) ? item.path : item);
    for (const path of paths) {
      if (typeof path !== 'string' || !path.trim()) continue;
      if (isUrl(path)) return network(path.trim(), place);
      if (!isConfined(resolve(folder, path), root))
        return refused(`a ${String(config.kind)} configuration reads ${path}, which leads outside the repository (${root}).`, place);
    }
  }
  return undefined;
}
