// Which kinds the API server serves, under which resource name, and whether namespaced: aggregated discovery (GET /api
// and /apis, two requests for everything, Kubernetes 1.30+), else the group-versions asked for one by one.
import type { ClusterClient, ClusterFailure } from './cluster-client';
import { isRecord } from '../../engine/json';

export interface ServedResource {
  group: string;
  version: string;
  kind: string;
  /** The resource name in URLs: `deployments`. */
  resource: string;
  namespaced: boolean;
  verbs: string[];
}

const AGGREGATED =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

export function groupVersionOf(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export class Discovery {
  /** By `group/version`: the kinds served there (top-level resources only, no subresources). */
  private readonly served = new Map<string, ServedResource[]>();
  /** Groups served, with their versions. */
  private readonly groups = new Map<string, string[]>();
  private aggregated = false;

  private constructor(private readonly client: ClusterClient) {}

  static async load(client: ClusterClient, signal?: AbortSignal): Promise<Discovery | ClusterFailure> {
    const discovery = new Discovery(client);
    for (const path of ['/api', '/apis']) {
      const response = await client.request('GET', path, { accept: AGGREGATED, ...(signal ? { signal } : {}) });
      if (!response.ok) return response;
      discovery.read(path, response.body);
    }
    return discovery;
  }

  private read(path: string, body: unknown): void {
    if (!isRecord(body)) return;
    if (body.kind === 'APIGroupDiscoveryList' && Array.isArray(body.items)) {
      this.aggregated = true;
      for (const item of body.items.filter(isRecord)) {
        const group = isRecord(item.metadata) && typeof item.metadata.name === 'string' ? item.metadata.name : '';
        const versions = Array.isArray(item.versions) ? item.versions.filter(isRecord) : [];
        this.groups.set(
          group,
          versions.map((v) => String(v.version)),
        );
        for (const version of versions) {
          const resources = (Array.isArray(version.resources) ? version.resources.filter(isRecord) : []).flatMap(
            (resource): ServedResource[] => {
              const kind = isRecord(resource.responseKind) ? resource.responseKind.kind : undefined;
              if (typeof resource.resource !== 'string' || typeof kind !== 'string') return [];
              return [
                {
                  group,
                  version: String(version.version),
                  kind,
                  resource: resource.resource,
                  namespaced: resource.scope === 'Namespaced',
                  verbs: Array.isArray(resource.verbs) ? resource.verbs.map(String) : [],
                },
              ];
            },
          );
          this.served.set(`${group}/${String(version.version)}`, resources);
        }
      }
      return;
    }
    // Not aggregated: the group list only; each group-version's kinds are read when asked for.
    if (path === '/api' && Array.isArray(body.versions)) this.groups.set('', body.versions.map(String));
    if (Array.isArray(body.groups))
      for (const group of body.groups.filter(isRecord))
        if (typeof group.name === 'string' && Array.isArray(group.versions))
          this.groups.set(
            group.name,
            group.versions.filter(isRecord).map((v) => String(v.version)),
          );
  }

  /** Reads the kinds of the group-versions not known yet (an API server without aggregated discovery). */
  async ensure(apiVersions: Iterable<string>, signal?: AbortSignal): Promise<ClusterFailure | undefined> {
    if (this.aggregated) return undefined;
    for (const apiVersion of new Set(apiVersions)) {
      const { group, version } = groupVersionOf(apiVersion);
      const key = `${group}/${version}`;
      if (this.served.has(key) || !this.groups.get(group)?.includes(version)) continue;
      const response = await this.client.request('GET', group ? `/apis/${group}/${version}` : `/api/${version}`, signal ? { signal } : {});
      if (!response.ok) {
        if (response.problem === 'not-found') continue;
        return response;
      }
      const list = isRecord(response.body) && Array.isArray(response.body.resources) ? response.body.resources.filter(isRecord) : [];
      this.served.set(
        key,
        list.flatMap((resource): ServedResource[] =>
          typeof resource.name === 'string' && !resource.name.includes('/') && typeof resource.kind === 'string'
            ? [
                {
                  group,
                  version,
                  kind: resource.kind,
                  resource: resource.name,
                  namespaced: resource.namespaced === true,
                  verbs: Array.isArray(resource.verbs) ? resource.verbs.map(String) : [],
                },
              ]
            : [],
        ),
      );
    }
    return undefined;
  }

  /** The resource serving `kind` at `apiVersion`, or why there is none (a CRD not installed, a version not served). */
  resourceFor(apiVersion: string, kind: string): ServedResource | { why: string } {
    const { group, version } = groupVersionOf(apiVersion);
    const found = this.served.get(`${group}/${version}`)?.find((resource) => resource.kind === kind);
    if (found) return found;
    const versions = this.groups.get(group);
    if (!versions)
      return { why: `the cluster serves no ${group || 'core'} API group: ${kind}'s CustomResourceDefinition is not installed` };
    if (!versions.includes(version))
      return { why: `the cluster serves ${group || 'the core group'} in ${versions.join(', ')}, not ${version}` };
    return { why: `the cluster serves no ${kind} in ${apiVersion}: its CustomResourceDefinition is not installed` };
  }

  /** The served resource of a kind in its group, at any version (for kinds only looked for, not declared). */
  anyVersionOf(group: string, kind: string): ServedResource | undefined {
    for (const version of this.groups.get(group) ?? []) {
      const found = this.served.get(`${group}/${version}`)?.find((resource) => resource.kind === kind);
      if (found) return found;
    }
    return undefined;
  }

  /** The URL path of a resource's collection (in `namespace`), or of one object. */
  static pathOf(resource: ServedResource, namespace: string | undefined, name?: string): string {
    const root = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
    const scoped = resource.namespaced && namespace ? `${root}/namespaces/${encodeURIComponent(namespace)}` : root;
    return `${scoped}/${resource.resource}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
  }
}
