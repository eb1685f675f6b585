// The values repository content puts on a tool's command line — release names, namespaces, chart names and versions,
// value-file names, Kubernetes versions — checked against what the tool itself accepts before any tool runs, wherever
// they come from (a kustomization's helmCharts, a generator file, an Argo CD Application, a Flux HelmRelease,
// .driftless.yaml). A value a tool would read as a flag (`releaseName: --post-renderer=/bin/sh` makes helm pipe its
// output into a shell) never reaches it: every check refuses a leading `-`, and most values are DNS labels anyway.
import { isRecord, type Json } from '../json';

/** A DNS-1123 label (Kubernetes namespaces, Helm release names): lowercase letters, digits and `-`, not at the ends. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A chart's name as kustomize joins it to a folder and helm to a repository: no path separators, no `..`. */
const CHART_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** A chart version or version range (`1.2.3`, `~1.2`, `>=1.0.0 <2.0.0`): nothing that is a path or a flag. */
const CHART_VERSION = /^[A-Za-z0-9.+~^*<>=|, _-]+$/;
/** A Kubernetes version (`1.31`, `v1.31.2`) or API version (`monitoring.coreos.com/v1`, `.../ServiceMonitor`). */
const KUBE_VERSION = /^v?\d+(\.\d+){0,2}([-+][A-Za-z0-9.-]+)?$/;
const API_VERSION = /^[A-Za-z0-9][A-Za-z0-9./-]*$/;

/** What is wrong with a value, in words; undefined when the tool may have it. */
export type ArgumentProblem = string | undefined;

const quoted = (value: unknown) => JSON.stringify(typeof value === 'string' && value.length > 80 ? `${value.slice(0, 77)}...` : value);

function flagLike(value: string): boolean {
  return value.trimStart().startsWith('-');
}

/** Helm's rule for release names: a DNS-1123 label of at most 53 characters (helm install refuses others). */
export function releaseNameProblem(value: unknown): ArgumentProblem {
  if (typeof value !== 'string' || value.length > 53 || !DNS_LABEL.test(value))
    return `${quoted(value)} is not a valid Helm release name (lowercase letters, digits and "-", at most 53).`;
  return undefined;
}

/** A Kubernetes namespace: a DNS-1123 label of at most 63 characters. */
export function namespaceProblem(value: unknown): ArgumentProblem {
  if (typeof value !== 'string' || value.length > 63 || !DNS_LABEL.test(value))
    return `${quoted(value)} is not a valid namespace (lowercase letters, digits and "-", at most 63).`;
  return undefined;
}

export function chartNameProblem(value: unknown): ArgumentProblem {
  if (typeof value !== 'string' || value.length > 250 || !CHART_NAME.test(value) || value.includes('..'))
    return `${quoted(value)} is not a valid chart name (letters, digits, ".", "_" and "-"; no path).`;
  return undefined;
}

export function chartVersionProblem(value: unknown): ArgumentProblem {
  if (typeof value !== 'string' || value.length > 100 || !CHART_VERSION.test(value) || flagLike(value))
    return `${quoted(value)} is not a valid chart version.`;
  return undefined;
}

export function kubeVersionProblem(value: unknown): ArgumentProblem {
  if (typeof value !== 'string' || !KUBE_VERSION.test(value)) return `${quoted(value)} is not a valid Kubernetes version.`;
  return undefined;
}

export function apiVersionProblem(value: unknown): ArgumentProblem {
  if (typeof value !== 'string' || value.length > 250 || !API_VERSION.test(value)) return `${quoted(value)} is not a valid API version.`;
  return undefined;
}

/**
 * A value file's or another file's name as written in the repository: any path (its confinement to the repository
 * is checked where the file system is known), but never one a tool could read as a flag.
 */
export function fileNameProblem(value: unknown): ArgumentProblem {
  if (typeof value !== 'string' || value.trim() === '' || flagLike(value) || value.includes('\0'))
    return `${quoted(value)} is not a valid file name.`;
  return undefined;
}

/** A `--set` name (Argo CD's parameters): a values path, never a flag. */
export function valueNameProblem(value: unknown): ArgumentProblem {
  if (typeof value !== 'string' || value.trim() === '' || flagLike(value) || /[\0\n]/.test(value))
    return `${quoted(value)} is not a valid Helm parameter name.`;
  return undefined;
}

/**
 * A `nameTemplate`: helm evaluates it with template functions that read the environment (`env`), so only a plain
 * name is taken (the same as a releaseName).
 */
export function nameTemplateProblem(value: unknown): ArgumentProblem {
  const problem = releaseNameProblem(value);
  return problem ? `nameTemplate ${quoted(value)} is not taken: only a plain release name is (helm evaluates templates).` : undefined;
}

/**
 * The problems of a kustomize helmCharts entry (or a HelmChartInflationGenerator's fields), in the order kustomize
 * would pass them to helm; [] when helm may have every one. Paths (valuesFile, additionalValuesFiles) are checked
 * for flags here and for confinement by the caller.
 */
export function helmChartEntryProblems(chart: unknown): string[] {
  if (!isRecord(chart)) return ['a helmCharts entry is not a mapping.'];
  const problems: ArgumentProblem[] = [chartNameProblem(chart.name)];
  const optional = (key: string, check: (value: unknown) => ArgumentProblem) => {
    if (chart[key] !== undefined && chart[key] !== '') problems.push(check(chart[key]));
  };
  optional('releaseName', releaseNameProblem);
  optional('namespace', namespaceProblem);
  optional('version', chartVersionProblem);
  optional('nameTemplate', nameTemplateProblem);
  optional('kubeVersion', kubeVersionProblem);
  optional('valuesFile', fileNameProblem);
  for (const file of Array.isArray(chart.additionalValuesFiles) ? chart.additionalValuesFiles : []) problems.push(fileNameProblem(file));
  for (const version of Array.isArray(chart.apiVersions) ? chart.apiVersions : []) problems.push(apiVersionProblem(version));
  return problems.filter((p): p is string => p !== undefined);
}

/** A kustomize `helmChartInflationGenerator` entry (the field's older form) in the terms of a helmCharts entry. */
export function helmChartOfInflationArgs(args: unknown): Json {
  if (!isRecord(args)) return {};
  const chart: Json = {};
  const map: [string, string][] = [
    ['chartName', 'name'],
    ['chartVersion', 'version'],
    ['chartRepoUrl', 'repo'],
    ['values', 'valuesFile'],
    ['releaseName', 'releaseName'],
  ];
  for (const [from, to] of map) if (args[from] !== undefined) chart[to] = args[from];
  return chart;
}
