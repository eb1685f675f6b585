// Paths that GitOps controllers read from this repository: a Flux Kustomization's `path` and a HelmRelease's chart
// and values files when their GitRepository is this repository, an Argo CD Application's `path` and Helm value
// files when its `repoURL` is one of this repository's remotes. A path that does not exist fails the sync.
import { apiGroupOf } from '../kubernetes/api-version';
import { isPlaceholder, finding, type Finding } from '../validate/finding';
import type { JsonPath } from '../yaml/locate';
import type { DocumentContent } from '../yaml/parse-documents';
import { argoGlobMatches } from '../argo/argo-glob';
import { isRepositoryUrl } from './repository-urls';
import { generatorPatternMatches } from '../argo/git-generator-paths';
import { closestExistingPath, kustomizationFileIn, type WorkspaceFiles } from './workspace-files';
import { isRecord, type Json } from '../json';

export interface DeliveredPath {
  /** Where the path is written, in the document's value. */
  at: JsonPath;
  /** As written. */
  path: string;
  /** The folder it is relative to: an Application's path for its value files; undefined for the repository root. */
  base?: string;
  expects: 'folder' | 'file';
  /** Who reads it, for messages: "the Flux Kustomization `apps`". */
  reader: string;
  /** What a missing path does, for messages. */
  consequence: string;
  /** A git generator's pattern (see git-generator-paths.ts) that must match at least one entry, not one path. */
  pattern?: boolean;
  /** An Argo CD source that reads the folder as plain manifests unless it holds a kustomization or a chart. */
  plainDirectory?: PlainDirectory;
}

/** How an Argo CD Application reads a folder of plain manifests (its `directory` options and destination). */
export interface PlainDirectory {
  /** `directory.recurse`: subfolders too. */
  recurse: boolean;
  /** `directory.include` and `exclude`: globs of the paths relative to the folder (see argo-glob.ts). */
  include?: string;
  exclude?: string;
  /** The destination namespace, which objects written without one take. */
  namespace?: string;
}

/**
 * Whether Argo CD reads a file of the folder as one of its manifests, by the file's path relative to the folder
 * (`/`-separated), as its repo-server walks the folder: a manifest extension, in a subfolder only with `recurse`,
 * not excluded, included when `include` is set.
 */
export function plainDirectoryReads(directory: PlainDirectory, relativePath: string): boolean {
  if (relativePath.startsWith('../') || (!directory.recurse && relativePath.includes('/'))) return false;
  if (!/\.(?:yaml|yml|json|jsonnet)$/.test(relativePath)) return false;
  if (directory.exclude !== undefined && argoGlobMatches(directory.exclude, relativePath)) return false;
  return directory.include === undefined || argoGlobMatches(directory.include, relativePath);
}

export interface DeliveredPathHost {
  /** The git repository's top-level folder; undefined when the workspace is no git repository. */
  repositoryRoot: string | undefined;
  /** The workspace folder. */
  workspaceRoot: string;
  files: WorkspaceFiles;
  /** The URLs of the repository's git remotes ([] when unknown). */
  remotes: readonly string[];
  /** The `spec.url` of each GitRepository of this name the repository declares (in this namespace, if known). */
  gitRepositoryUrls(name: string, namespace: string | undefined): string[];
}

/**
 * Whether a Flux GitRepository delivers this repository. `flux bootstrap` names the source of the repository it
 * bootstraps `flux-system`: that one is taken for this repository unless its URL says otherwise. Any other only when
 * its URL is one of this repository's remotes.
 */
function fluxSourceIsThisRepository(sourceRef: unknown, namespace: string | undefined, host: DeliveredPathHost): boolean {
  if (!isRecord(sourceRef) || (sourceRef.kind ?? 'GitRepository') !== 'GitRepository' || typeof sourceRef.name !== 'string') return false;
  const sourceNamespace = typeof sourceRef.namespace === 'string' ? sourceRef.namespace : namespace;
  const urls = host.gitRepositoryUrls(sourceRef.name, sourceNamespace);
  const matches = urls.some((url) => isRepositoryUrl(url, host.remotes));
  if (sourceRef.name === 'flux-system') return urls.length === 0 || host.remotes.length === 0 || matches;
  return host.remotes.length > 0 && matches;
}

function usable(path: unknown): path is string {
  return typeof path === 'string' && path.trim() !== '' && !isPlaceholder(path) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(path);
}

/** Resolves a path written relative to a source's root (`./apps`, `apps`, `/apps` all mean the same). */
function fromRoot(files: WorkspaceFiles, root: string, path: string): string {
  return files.resolve(root, `./${rootRelative(path)}`);
}

function rootRelative(path: string): string {
  return path.trim().replace(/^\.?\/+/, '');
}

/**
 * The folders a repository-relative path in `file` may start from, outermost first: the git top-level, then the
 * workspace folder and each folder between it and the file. The latter because a workspace may hold several
 * repositories, or be no repository of its own (a folder of a larger one, a copy without `.git`): a path that exists
 * from any of them is not called missing.
 */
function repositoryRootsFor(file: string, host: DeliveredPathHost): string[] {
  const below: string[] = [];
  for (let folder = host.files.dirname(file); ; folder = host.files.dirname(folder)) {
    below.unshift(folder);
    if (folder === host.workspaceRoot || host.files.dirname(folder) === folder) break;
  }
  const roots = below[0] === host.workspaceRoot ? below : [host.workspaceRoot];
  return host.repositoryRoot === undefined || roots.includes(host.repositoryRoot) ? roots : [host.repositoryRoot, ...roots];
}

const PATH_READING_KINDS = new Set([
  'kustomize.toolkit.fluxcd.io/Kustomization',
  'helm.toolkit.fluxcd.io/HelmRelease',
  'argoproj.io/Application',
  'argoproj.io/ApplicationSet',
]);

/** Whether resources of this kind read paths from a repository (so their findings follow files appearing and going). */
export function readsDeliveredPaths(apiVersion: unknown, kind: unknown): boolean {
  return PATH_READING_KINDS.has(`${apiGroupOf(apiVersion)}/${String(kind)}`);
}

/** Where a repository-relative path in `file` starts, for completion: the git top-level, else the workspace folder. */
export function repositoryRootFor(file: string, host: DeliveredPathHost): string {
  return repositoryRootsFor(file, host)[0]!;
}

export function deliveredPaths(resource: unknown, host: DeliveredPathHost): DeliveredPath[] {
  if (!isRecord(resource) || typeof resource.kind !== 'string' || !isRecord(resource.spec)) return [];
  const spec = resource.spec;
  const metadata = isRecord(resource.metadata) ? resource.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  const group = apiGroupOf(resource.apiVersion);
  const paths: DeliveredPath[] = [];

  if (group === 'kustomize.toolkit.fluxcd.io' && resource.kind === 'Kustomization') {
    if (usable(spec.path) && fluxSourceIsThisRepository(spec.sourceRef, namespace, host))
      paths.push({
        at: ['spec', 'path'],
        path: spec.path,
        expects: 'folder',
        reader: `the Flux Kustomization \`${name}\``,
        consequence: 'Flux cannot build it',
      });
  }
  if (group === 'helm.toolkit.fluxcd.io' && resource.kind === 'HelmRelease') {
    const chart = isRecord(spec.chart) && isRecord(spec.chart.spec) ? spec.chart.spec : undefined;
    if (chart && fluxSourceIsThisRepository(chart.sourceRef, namespace, host)) {
      const reader = `the HelmRelease \`${name}\``;
      if (usable(chart.chart))
        paths.push({
          at: ['spec', 'chart', 'spec', 'chart'],
          path: chart.chart,
          expects: 'folder',
          reader,
          consequence: 'Flux cannot build its chart',
        });
      if (Array.isArray(chart.valuesFiles))
        chart.valuesFiles.forEach((file, i) => {
          if (usable(file))
            paths.push({
              at: ['spec', 'chart', 'spec', 'valuesFiles', i],
              path: file,
              expects: 'file',
              reader,
              consequence: 'Flux cannot build its chart',
            });
        });
    }
  }
  const repositoryRoot = host.repositoryRoot;
  if (group === 'argoproj.io' && repositoryRoot !== undefined && host.remotes.length > 0) {
    if (resource.kind === 'Application') argoSources(spec, ['spec'], `the Argo CD Application \`${name}\``, repositoryRoot, host, paths);
    if (resource.kind === 'ApplicationSet') {
      const reader = `the ApplicationSet \`${name}\``;
      const template = isRecord(spec.template) && isRecord(spec.template.spec) ? spec.template.spec : undefined;
      if (template) argoSources(template, ['spec', 'template', 'spec'], reader, repositoryRoot, host, paths);
      gitGenerators(spec.generators, ['spec', 'generators'], reader, host, paths);
    }
  }
  return paths;
}

/** An Application's (or an ApplicationSet template's) sources in this repository: path and Helm value files. */
function argoSources(
  spec: Json,
  at: JsonPath,
  reader: string,
  repositoryRoot: string,
  host: DeliveredPathHost,
  paths: DeliveredPath[],
): void {
  const sources: [Json, JsonPath][] = isRecord(spec.source)
    ? [[spec.source, [...at, 'source']]]
    : Array.isArray(spec.sources)
      ? spec.sources.flatMap((source, i): [Json, JsonPath][] => (isRecord(source) ? [[source, [...at, 'sources', i]]] : []))
      : [];
  const consequence = 'Argo CD cannot generate its manifests';
  for (const [source, sourceAt] of sources) {
    if (!isRepositoryUrl(source.repoURL, host.remotes) || !usable(source.path)) continue;
    const plainDirectory = plainDirectoryOf(source, spec);
    paths.push({
      at: [...sourceAt, 'path'],
      path: source.path,
      expects: 'folder',
      reader,
      consequence,
      ...(plainDirectory ? { plainDirectory } : {}),
    });
    const helm = isRecord(source.helm) ? source.helm : {};
    if (!Array.isArray(helm.valueFiles)) continue;
    const appFolder = fromRoot(host.files, repositoryRoot, source.path);
    helm.valueFiles.forEach((file, i) => {
      // `$ref/...` reads another source of a multi-source Application.
      if (usable(file) && !file.startsWith('$'))
        paths.push({ at: [...sourceAt, 'helm', 'valueFiles', i], path: file, base: appFolder, expects: 'file', reader, consequence });
    });
  }
}

/**
 * How Argo CD reads a source's folder when it holds no kustomization and no Chart.yaml; undefined when the source's
 * options make it a Helm, Kustomize or plugin source.
 */
export function plainDirectoryOf(source: Json, spec: Json): PlainDirectory | undefined {
  if (['helm', 'kustomize', 'plugin', 'chart'].some((key) => source[key] !== undefined && source[key] !== null)) return undefined;
  const directory = isRecord(source.directory) ? source.directory : {};
  const glob = (value: unknown): value is string => typeof value === 'string' && value !== '' && !isPlaceholder(value);
  const destination = isRecord(spec.destination) ? spec.destination : {};
  const namespace = destination.namespace;
  return {
    recurse: directory.recurse === true,
    ...(glob(directory.include) ? { include: directory.include } : {}),
    ...(glob(directory.exclude) ? { exclude: directory.exclude } : {}),
    ...(typeof namespace === 'string' && namespace !== '' && !isPlaceholder(namespace) ? { namespace } : {}),
  };
}

/**
 * The git generators of an ApplicationSet (also inside matrix and merge generators) reading this repository: each
 * `directories` pattern (not `exclude`) must match a folder, each `files` pattern a file, or it generates nothing.
 */
function gitGenerators(generators: unknown, at: JsonPath, reader: string, host: DeliveredPathHost, paths: DeliveredPath[]): void {
  if (!Array.isArray(generators)) return;
  generators.forEach((generator, i) => {
    if (!isRecord(generator)) return;
    for (const nested of ['matrix', 'merge'] as const) {
      const inner = generator[nested];
      if (isRecord(inner)) gitGenerators(inner.generators, [...at, i, nested, 'generators'], reader, host, paths);
    }
    const git = generator.git;
    if (!isRecord(git) || !isRepositoryUrl(git.repoURL, host.remotes)) return;
    const consequence = 'the generator makes no Application from it';
    for (const [field, expects] of [
      ['directories', 'folder'],
      ['files', 'file'],
    ] as const) {
      const list = git[field];
      if (!Array.isArray(list)) continue;
      list.forEach((entry, j) => {
        if (isRecord(entry) && entry.exclude !== true && usable(entry.path))
          paths.push({ at: [...at, i, 'git', field, j, 'path'], path: entry.path, expects, reader, consequence, pattern: true });
      });
    }
  });
}

/** Where a delivered path points on disk: the first place it exists as expected, else the outermost candidate. */
export function resolveDelivered(delivered: DeliveredPath, file: string, host: DeliveredPathHost): string {
  if (delivered.base !== undefined) return host.files.resolve(delivered.base, delivered.path);
  const candidates = repositoryRootsFor(file, host).map((root) => fromRoot(host.files, root, delivered.path));
  return candidates.find((target) => host.files.kindOf(target) === delivered.expects) ?? candidates[0]!;
}

/** The file a link on a delivered path opens: the file, or the kustomization (or Chart.yaml) of the folder. */
export function deliveredLinkTarget(delivered: DeliveredPath, file: string, host: DeliveredPathHost): string | undefined {
  if (delivered.pattern) return undefined;
  const target = resolveDelivered(delivered, file, host);
  const kind = host.files.kindOf(target);
  if (kind === 'file') return target;
  if (kind !== 'folder') return undefined;
  const chart = host.files.resolve(target, 'Chart.yaml');
  return kustomizationFileIn(target, host.files) ?? (host.files.kindOf(chart) === 'file' ? chart : undefined);
}

/** A path that exists near the one written, as it should be written; tried from each candidate root. */
function suggestionFor(delivered: DeliveredPath, file: string, host: DeliveredPathHost): string | undefined {
  if (delivered.base !== undefined) return closestExistingPath(delivered.base, delivered.path, host.files);
  for (const root of repositoryRootsFor(file, host)) {
    const closest = closestExistingPath(root, rootRelative(delivered.path), host.files);
    if (closest) return delivered.path.trim().startsWith('./') ? `./${closest}` : closest;
  }
  return undefined;
}

export function checkDeliveredPaths(file: string, content: DocumentContent, host: DeliveredPathHost): Finding[] {
  const findings: Finding[] = [];
  for (const delivered of deliveredPaths(content.value, host)) {
    if (delivered.pattern) {
      const roots = repositoryRootsFor(file, host);
      if (!roots.some((root) => generatorPatternMatches(root, delivered.path, delivered.expects, host.files)))
        findings.push(
          finding(
            'missing-path',
            `\`${delivered.path}\` matches no ${delivered.expects} in this repository, which ${delivered.reader} reads: ${delivered.consequence}.`,
            delivered.at,
          ),
        );
      continue;
    }
    const kind = host.files.kindOf(resolveDelivered(delivered, file, host));
    if (kind === delivered.expects) continue;
    const where = delivered.base === undefined ? 'in this repository' : 'in the Application’s path';
    if (kind === undefined) {
      const replacement = suggestionFor(delivered, file, host);
      findings.push(
        finding(
          'missing-path',
          `\`${delivered.path}\` does not exist ${where}, which ${delivered.reader} reads: ${delivered.consequence}.` +
            (replacement ? ` Did you mean \`${replacement}\`?` : ''),
          delivered.at,
          'value',
          replacement
            ? [{ kind: 'replace-value', path: delivered.at, value: replacement, title: `Change to \`${replacement}\`` }]
            : undefined,
        ),
      );
    } else {
      findings.push(
        finding(
          'missing-path',
          `\`${delivered.path}\` is a ${kind} ${where}, but ${delivered.reader} needs a ${delivered.expects} there: ${delivered.consequence}.`,
          delivered.at,
        ),
      );
    }
  }
  return findings;
}
