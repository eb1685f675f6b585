// An environment: a source of this repository, where it is delivered, and how. Declared in .driftless.yaml or
// discovered from the repository (Argo CD Applications, Flux Kustomizations and HelmReleases, overlays nothing
// includes); a declared one overrides the discovered one of the same name.
import { readPullRequestSettings, type PullRequestSettings } from '../delivery/pull-request-settings';
import { isRecord, trimmedText } from '../json';
import { closestName } from '../text/suggest';

export type EnvironmentSource =
  | { kind: 'kustomization'; path: string }
  | { kind: 'chart'; path: string; valuesFiles: string[] }
  | { kind: 'directory'; path: string }
  | { kind: 'application'; name: string; path?: string }
  | { kind: 'flux'; fluxKind: 'Kustomization' | 'HelmRelease'; name: string; namespace?: string; path?: string };

/**
 * The GitOps controller that delivers an environment, as `.driftless.yaml` names it (`controller:`); when it names
 * none, the environment's own Argo CD Application or Flux object is its controller (engine/deploy/deploy-target.ts).
 */
export type DeclaredController =
  | { kind: 'argocd'; application: string; namespace?: string; server?: string }
  | { kind: 'flux'; fluxKind: 'Kustomization' | 'HelmRelease'; name: string; namespace?: string }
  | { kind: 'none' };

export interface Environment {
  name: string;
  source?: EnvironmentSource;
  /** `server`: the API server its context must point at (declared, or an Argo CD destination's). */
  cluster?: { context?: string; namespace?: string; server?: string };
  controller?: DeclaredController;
  kubernetesVersion?: string;
  delivery?: { mode?: 'pull-request' | 'commit' | 'apply'; branch?: string; pullRequest?: PullRequestSettings };
  baseBranch?: string;
  protection?: 'none' | 'production';
  /** Where it comes from: .driftless.yaml, the repository, or both (a declared one overriding a discovered one). */
  origin: 'declared' | 'discovered' | 'both';
  /** The file that defines it (the Application, the Flux object, the kustomization, or .driftless.yaml). */
  file?: string;
  /** When .driftless.yaml refines a discovered environment: the file of the Application or Flux object (an input too). */
  objectFile?: string;
  /** The Argo CD Application or Flux object it comes from, as written (rendering reads its options). */
  object?: unknown;
}

/** The source of a declared environment; paths resolved by `resolve` (relative to .driftless.yaml). */
function declaredSource(value: unknown, resolve: (path: string) => string): EnvironmentSource | undefined {
  if (!isRecord(value)) return undefined;
  const kustomization = trimmedText(value.kustomization);
  if (kustomization) return { kind: 'kustomization', path: resolve(kustomization) };
  const chart = trimmedText(value.chart);
  if (chart) {
    const valuesFiles = Array.isArray(value.valuesFiles)
      ? value.valuesFiles.flatMap((f) => (trimmedText(f) ? [resolve(trimmedText(f)!)] : []))
      : [];
    return { kind: 'chart', path: resolve(chart), valuesFiles };
  }
  const directory = trimmedText(value.directory);
  if (directory) return { kind: 'directory', path: resolve(directory) };
  const application = trimmedText(value.application);
  if (application) return { kind: 'application', name: application };
  if (isRecord(value.flux) && (value.flux.kind === 'Kustomization' || value.flux.kind === 'HelmRelease') && trimmedText(value.flux.name)) {
    const namespace = trimmedText(value.flux.namespace);
    return { kind: 'flux', fluxKind: value.flux.kind, name: trimmedText(value.flux.name)!, ...(namespace ? { namespace } : {}) };
  }
  return undefined;
}

/** `controller:` of a declared environment. */
function declaredController(value: unknown): DeclaredController | undefined {
  if (value === 'none') return { kind: 'none' };
  if (!isRecord(value)) return undefined;
  if (isRecord(value.argocd) && trimmedText(value.argocd.application)) {
    const { namespace, server } = { namespace: trimmedText(value.argocd.namespace), server: trimmedText(value.argocd.server) };
    return {
      kind: 'argocd',
      application: trimmedText(value.argocd.application)!,
      ...(namespace ? { namespace } : {}),
      ...(server ? { server: server.replace(/\/+$/, '') } : {}),
    };
  }
  if (isRecord(value.flux) && (value.flux.kind === 'Kustomization' || value.flux.kind === 'HelmRelease') && trimmedText(value.flux.name)) {
    const namespace = trimmedText(value.flux.namespace);
    return { kind: 'flux', fluxKind: value.flux.kind, name: trimmedText(value.flux.name)!, ...(namespace ? { namespace } : {}) };
  }
  return undefined;
}

/** The `environments` of .driftless.yaml, as far as they can be used (the file's schema reports the rest). */
export function readDeclaredEnvironments(value: unknown, resolve: (path: string) => string, file: string): Environment[] {
  if (!Array.isArray(value)) return [];
  const environments: Environment[] = [];
  for (const entry of value) {
    if (!isRecord(entry) || !trimmedText(entry.name)) continue;
    const source = declaredSource(entry.source, resolve);
    const cluster = isRecord(entry.cluster) ? entry.cluster : {};
    const delivery = isRecord(entry.delivery) ? entry.delivery : {};
    const mode = delivery.mode === 'pull-request' || delivery.mode === 'commit' || delivery.mode === 'apply' ? delivery.mode : undefined;
    const pullRequest = readPullRequestSettings(delivery.pullRequest);
    const controller = declaredController(entry.controller);
    environments.push({
      name: trimmedText(entry.name)!,
      ...(source ? { source } : {}),
      ...(trimmedText(cluster.context) || trimmedText(cluster.namespace) || trimmedText(cluster.server)
        ? {
            cluster: {
              ...(trimmedText(cluster.context) ? { context: trimmedText(cluster.context)! } : {}),
              ...(trimmedText(cluster.namespace) ? { namespace: trimmedText(cluster.namespace)! } : {}),
              ...(trimmedText(cluster.server) ? { server: trimmedText(cluster.server)!.replace(/\/+$/, '') } : {}),
            },
          }
        : {}),
      ...(controller ? { controller } : {}),
      ...(trimmedText(entry.kubernetesVersion) ? { kubernetesVersion: trimmedText(entry.kubernetesVersion)! } : {}),
      ...(mode || trimmedText(delivery.branch) || pullRequest
        ? {
            delivery: {
              ...(mode ? { mode } : {}),
              ...(trimmedText(delivery.branch) ? { branch: trimmedText(delivery.branch)! } : {}),
              ...(pullRequest ? { pullRequest } : {}),
            },
          }
        : {}),
      ...(trimmedText(entry.baseBranch) ? { baseBranch: trimmedText(entry.baseBranch)! } : {}),
      ...(entry.protection === 'production' || entry.protection === 'none' ? { protection: entry.protection } : {}),
      origin: 'declared',
      file,
    });
  }
  return environments;
}

/** A declared environment whose source names an Application or Flux object takes that object's source. */
function withObjectSource(environment: Environment, discovered: readonly Environment[]): Environment {
  const source = environment.source;
  if (source?.kind !== 'application' && source?.kind !== 'flux') return environment;
  const match = discovered.find(
    (d) =>
      d.source?.kind === source.kind &&
      d.source.name === source.name &&
      (source.kind !== 'flux' ||
        (d.source.kind === 'flux' &&
          d.source.fluxKind === source.fluxKind &&
          (!source.namespace || d.source.namespace === source.namespace))),
  );
  return match ? { ...environment, source: match.source!, ...(match.object !== undefined ? { object: match.object } : {}) } : environment;
}

/** Discovered environments, with the declared ones laid over them by name (declared fields win). */
export function mergeEnvironments(discovered: readonly Environment[], declared: readonly Environment[]): Environment[] {
  const byName = new Map(discovered.map((environment) => [environment.name, environment]));
  const merged: Environment[] = [];
  for (const declaredEnvironment of declared) {
    const environment = withObjectSource(declaredEnvironment, discovered);
    const found = byName.get(environment.name);
    byName.delete(environment.name);
    merged.push(
      found
        ? {
            ...found,
            ...environment,
            cluster: { ...found.cluster, ...environment.cluster },
            origin: 'both',
            file: environment.file ?? found.file,
            ...(found.object !== undefined && found.file ? { objectFile: found.file } : {}),
          }
        : environment,
    );
  }
  return [...merged, ...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** An environment as tools show it: plain JSON, paths relative to the repository. */
export interface EnvironmentView {
  name: string;
  /** "kustomization apps/overlays/production", "Argo CD Application web (apps/web)", ... */
  source: string;
  /** For scripts: the source's kind, and the folder of this repository it renders (relative), if known. */
  sourceKind?: EnvironmentSource['kind'];
  sourcePath?: string;
  /** "context prod-eu, namespace shop", "https://kubernetes.default.svc, namespace shop", or "" when unknown. */
  cluster: string;
  /** The kubeconfig context .driftless.yaml gives it (drift compares with that cluster). */
  context?: string;
  kubernetesVersion?: string;
  delivery?: Environment['delivery'];
  baseBranch?: string;
  protection?: Environment['protection'];
  origin: Environment['origin'];
  /** Where it is defined, relative to the repository. */
  file?: string;
}

/**
 * What the background render of an environment found (driftless.validateRenderedOutput): it renders (with so many
 * errors and warnings), it fails (why, in a line, and where), it needs the network, or it is not rendered here (why).
 * Absent while not rendered yet, in an untrusted workspace, or with rendering off.
 */
export interface EnvironmentStatus {
  state: 'renders' | 'fails' | 'needs-network' | 'not-rendered';
  /** fails: the cause in a line; needs-network: the address it reads; not-rendered: why. */
  detail?: string;
  /** fails: the file to fix (relative to the project's root, as `file`) and its 0-based line. */
  file?: string;
  line?: number;
  /** renders: the errors and warnings of its rendered objects. */
  errors?: number;
  warnings?: number;
}

export function environmentView(environment: Environment, display: (path: string) => string): EnvironmentView {
  const source = environment.source;
  const at = (path: string | undefined) => (path ? ` (${display(path) || '.'})` : '');
  const described = !source
    ? 'no source'
    : source.kind === 'kustomization'
      ? `kustomization ${display(source.path) || '.'}`
      : source.kind === 'directory'
        ? `directory ${display(source.path) || '.'}`
        : source.kind === 'chart'
          ? `chart ${display(source.path) || '.'}${source.valuesFiles.length ? ` with ${source.valuesFiles.map(display).join(', ')}` : ''}`
          : source.kind === 'application'
            ? `Argo CD Application ${source.name}${at(source.path)}`
            : `Flux ${source.fluxKind} ${source.namespace ? `${source.namespace}/` : ''}${source.name}${at(source.path)}`;
  const cluster = environment.cluster ?? {};
  const where = [cluster.context && `context ${cluster.context}`, cluster.server, cluster.namespace && `namespace ${cluster.namespace}`]
    .filter(Boolean)
    .join(', ');
  const sourcePath = source && 'path' in source && source.path ? display(source.path) || '.' : undefined;
  return {
    name: environment.name,
    source: described,
    ...(source ? { sourceKind: source.kind } : {}),
    ...(sourcePath ? { sourcePath } : {}),
    cluster: where,
    ...(cluster.context ? { context: cluster.context } : {}),
    ...(environment.kubernetesVersion ? { kubernetesVersion: environment.kubernetesVersion } : {}),
    ...(environment.delivery ? { delivery: environment.delivery } : {}),
    ...(environment.baseBranch ? { baseBranch: environment.baseBranch } : {}),
    ...(environment.protection ? { protection: environment.protection } : {}),
    origin: environment.origin,
    ...(environment.file ? { file: display(environment.file) } : {}),
  };
}

/** What to say of an environment name no environment has: the one it likely meant, and the names there are. */
export function noEnvironmentNamed(name: string, names: readonly string[]): string {
  const close = closestName(name, names);
  return `no environment named "${name}"${close ? `; did you mean ${close}?` : '.'}${names.length ? ` Environments: ${names.join(', ')}.` : ''}`;
}
