// A chart's local dependencies: `repository: file://../common` in Chart.yaml names a folder that must hold a chart,
// or `helm dependency build` (and Argo CD, and Flux) fail.
import { finding, isPlaceholder, type Finding } from '../validate/finding';
import type { JsonPath } from '../yaml/locate';
import { closestExistingPath, type WorkspaceFiles } from '../workspace/workspace-files';

export interface LocalDependency {
  /** Where the `repository` value is in Chart.yaml. */
  at: JsonPath;
  /** The path after `file://`, as written. */
  path: string;
  /** How many characters `file://` takes before it. */
  prefix: number;
}

const FILE_SCHEME = 'file://';

export function localDependencies(chart: unknown): LocalDependency[] {
  const dependencies = (chart as { dependencies?: unknown } | undefined)?.dependencies;
  if (!Array.isArray(dependencies)) return [];
  return dependencies.flatMap((dependency: unknown, i) => {
    const repository = (dependency as { repository?: unknown } | undefined)?.repository;
    if (typeof repository !== 'string' || !repository.startsWith(FILE_SCHEME) || isPlaceholder(repository)) return [];
    return [{ at: ['dependencies', i, 'repository'], path: repository.slice(FILE_SCHEME.length), prefix: FILE_SCHEME.length }];
  });
}

/** The chart folder a local dependency names, when it holds a Chart.yaml. */
export function dependencyChart(chartFile: string, dependency: LocalDependency, files: WorkspaceFiles): string | undefined {
  const chart = files.resolve(files.resolve(files.dirname(chartFile), dependency.path), 'Chart.yaml');
  return files.kindOf(chart) === 'file' ? chart : undefined;
}

export function checkChartDependencies(chartFile: string, chart: unknown, files: WorkspaceFiles): Finding[] {
  const findings: Finding[] = [];
  for (const dependency of localDependencies(chart)) {
    if (dependencyChart(chartFile, dependency, files)) continue;
    const folder = files.dirname(chartFile);
    const exists = files.kindOf(files.resolve(folder, dependency.path)) === 'folder';
    const closest = exists ? undefined : closestExistingPath(folder, dependency.path, files);
    const replacement = closest && `${FILE_SCHEME}${closest}`;
    findings.push(
      finding(
        'missing-path',
        exists
          ? `\`${dependency.path}\` holds no Chart.yaml, so \`helm dependency build\` cannot package it.`
          : `\`${dependency.path}\` does not exist, so \`helm dependency build\` fails here.${replacement ? ` Did you mean \`${replacement}\`?` : ''}`,
        dependency.at,
        'value',
        replacement
          ? [{ kind: 'replace-value', path: dependency.at, value: replacement, title: `Change to \`${replacement}\`` }]
          : undefined,
      ),
    );
  }
  return findings;
}
