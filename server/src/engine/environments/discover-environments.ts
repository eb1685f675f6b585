// Environments found in the repository: each Argo CD Application, each Flux Kustomization and HelmRelease, and each
// kustomization overlay that nothing else includes and nothing delivers (an environment applied by hand or by CI).
import { apiGroupOf } from '../kubernetes/api-version';
import { deliveredPaths, resolveDelivered, type DeliveredPathHost } from '../workspace/delivered-paths';
import type { Environment, EnvironmentSource } from './environment';
import type { Deliverer } from './including-environments';

export interface DiscoveryHost {
  /** The Flux Kustomizations and HelmReleases and the Argo CD Applications, with their values and files. */
  deliveringResources(): { value: unknown; file: string }[];
  /** Every Flux Kustomization and Argo CD Application with the folder of this repository it applies. */
  deliverers(): readonly Deliverer[];
  /** The root kustomization file of each kustomize build. */
  buildRoots(): string[];
  delivered: DeliveredPathHost;
  dirname: (path: string) => string;
  /** A path as the user reads it, relative to the repository. */
  display: (path: string) => string;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** The folder of this repository the resource applies, when one of its paths is here. */
function appliedFolder(value: unknown, file: string, host: DiscoveryHost): string | undefined {
  const delivered = deliveredPaths(value, host.delivered).find((d) => d.expects === 'folder' && d.base === undefined && !d.pattern);
  return delivered && resolveDelivered(delivered, file, host.delivered);
}

function fromResource(value: unknown, file: string, host: DiscoveryHost): Environment | undefined {
  if (!isRecord(value) || !isRecord(value.spec)) return undefined;
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const name = text(metadata.name);
  if (!name) return undefined;
  const namespace = text(metadata.namespace);
  const spec = value.spec;
  const group = apiGroupOf(value.apiVersion);
  const folder = appliedFolder(value, file, host);
  const path = folder ? { path: folder } : {};
  let source: EnvironmentSource | undefined;
  let cluster: Environment['cluster'] = {};
  if (group === 'kustomize.toolkit.fluxcd.io' && value.kind === 'Kustomization') {
    source = { kind: 'flux', fluxKind: 'Kustomization', name, ...(namespace ? { namespace } : {}), ...path };
    if (text(spec.targetNamespace)) cluster = { namespace: text(spec.targetNamespace)! };
  } else if (group === 'helm.toolkit.fluxcd.io' && value.kind === 'HelmRelease') {
    source = { kind: 'flux', fluxKind: 'HelmRelease', name, ...(namespace ? { namespace } : {}), ...path };
    const target = text(spec.targetNamespace) ?? namespace;
    if (target) cluster = { namespace: target };
  } else if (group === 'argoproj.io' && value.kind === 'Application') {
    source = { kind: 'application', name, ...path };
    const destination = isRecord(spec.destination) ? spec.destination : {};
    const server = text(destination.name) ?? text(destination.server);
    cluster = { ...(text(destination.namespace) ? { namespace: text(destination.namespace)! } : {}), ...(server ? { server } : {}) };
  } else return undefined;
  return { name, source, ...(Object.keys(cluster).length ? { cluster } : {}), origin: 'discovered', file, object: value };
}

function isInside(file: string, folder: string, dirname: (path: string) => string): boolean {
  for (let current = dirname(file); ; current = dirname(current)) {
    if (current === folder) return true;
    if (dirname(current) === current) return false;
  }
}

export function discoverEnvironments(host: DiscoveryHost): Environment[] {
  const found: Environment[] = [];
  for (const { value, file } of host.deliveringResources()) {
    const environment = fromResource(value, file, host);
    if (environment) found.push(environment);
  }
  // Overlays nothing delivers: not a folder a Flux Kustomization or Application applies, nor inside one Flux builds
  // as a whole.
  const deliverers = host.deliverers();
  for (const root of host.buildRoots()) {
    const folder = host.dirname(root);
    const delivered = deliverers.some((d) => d.folder === folder || (d.recursive && isInside(root, d.folder, host.dirname)));
    if (!delivered)
      found.push({ name: host.display(folder) || '.', source: { kind: 'kustomization', path: folder }, origin: 'discovered', file: root });
  }
  // Names are how environments are chosen on the command line: where two share one, the kind (a HelmRelease named
  // like its Flux Kustomization), then the defining file's folder, tells them apart.
  return disambiguate(disambiguate(found, kindOf), (environment) => host.display(host.dirname(environment.file ?? '')) || '.');
}

function kindOf(environment: Environment): string | undefined {
  const source = environment.source;
  return source?.kind === 'flux' && source.fluxKind === 'HelmRelease' ? 'HelmRelease' : undefined;
}

/** Adds ` (label)` to the names two or more environments share, where the label says something. */
function disambiguate(environments: Environment[], label: (environment: Environment) => string | undefined): Environment[] {
  const counts = new Map<string, number>();
  for (const environment of environments) counts.set(environment.name, (counts.get(environment.name) ?? 0) + 1);
  return environments.map((environment) => {
    const extra = (counts.get(environment.name) ?? 0) > 1 ? label(environment) : undefined;
    return extra ? { ...environment, name: `${environment.name} (${extra})` } : environment;
  });
}
