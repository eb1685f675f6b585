// A live cluster as a render source: the objects of the kinds and namespaces an environment's git objects use, one
// paged LIST each, plus — in those namespaces — the common kinds objects left behind are looked for among (narrowed
// by the environment's ownership labels when it has some). Kinds the cluster does not serve are unread, with why.
import type { UnreadScope } from '../../engine/drift/drift-report';
import { identityOf } from '../../engine/drift/object-identity';
import { liveObjects, type RenderSource } from '../render/render-source';
import type { ClusterClient } from './cluster-client';
import type { Discovery } from './discovery';
import { listScopes, type ListedScope, type ListScope } from './live-objects';

/** Kinds looked through for objects only in the cluster, besides those git declares (in git's namespaces). */
export const EXTRA_KINDS: readonly { group: string; kind: string }[] = [
  { group: '', kind: 'ConfigMap' },
  { group: '', kind: 'Secret' },
  { group: '', kind: 'Service' },
  { group: '', kind: 'ServiceAccount' },
  { group: '', kind: 'PersistentVolumeClaim' },
  { group: 'apps', kind: 'Deployment' },
  { group: 'apps', kind: 'StatefulSet' },
  { group: 'apps', kind: 'DaemonSet' },
  { group: 'batch', kind: 'Job' },
  { group: 'batch', kind: 'CronJob' },
  { group: 'networking.k8s.io', kind: 'Ingress' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
  { group: 'policy', kind: 'PodDisruptionBudget' },
  { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
];

/** The version of each extra kind to ask discovery about when it is not aggregated. */
export const EXTRA_API_VERSIONS = [
  'v1',
  'apps/v1',
  'batch/v1',
  'networking.k8s.io/v1',
  'autoscaling/v2',
  'policy/v1',
  'rbac.authorization.k8s.io/v1',
];

export interface ClusterSourceOptions {
  context: string;
  /** Look for objects only in the cluster; `selector` narrows the kinds git does not declare (undefined: all). */
  extras?: { selector?: string };
  pageSize?: number;
  /** Told each scope listed and its list's resourceVersion (the Drift view watches from there). */
  onListed?: (scopes: ListedScope[]) => void;
}

export function clusterSource(client: ClusterClient, discovery: Discovery, options: ClusterSourceOptions): RenderSource {
  return {
    label: `cluster ${options.context}`,
    async render(_environment, scope) {
      const unread: UnreadScope[] = [];
      const scopes = new Map<string, ListScope>();
      const namespaces = new Set<string>();
      for (const object of scope?.like ?? []) {
        const identity = identityOf(object);
        if (!identity) continue;
        const resource = discovery.resourceFor(identity.apiVersion, identity.kind);
        if ('why' in resource) {
          if (!unread.some((u) => u.group === identity.group && u.kind === identity.kind))
            unread.push({ group: identity.group, kind: identity.kind, reason: resource.why });
          continue;
        }
        const namespace = resource.namespaced ? identity.namespace : undefined;
        if (namespace) namespaces.add(namespace);
        const key = `${resource.group}/${resource.kind}/${namespace ?? ''}`;
        if (!scopes.has(key)) scopes.set(key, { resource, ...(namespace ? { namespace } : {}) });
      }
      if (options.extras)
        for (const { group, kind } of EXTRA_KINDS) {
          const resource = discovery.anyVersionOf(group, kind);
          if (!resource) continue;
          for (const namespace of namespaces) {
            const key = `${group}/${kind}/${namespace}`;
            if (!scopes.has(key))
              scopes.set(key, {
                resource,
                namespace,
                extrasOnly: true,
                ...(options.extras.selector ? { labelSelector: options.extras.selector } : {}),
              });
          }
        }
      const listed = await listScopes(client, [...scopes.values()], {
        ...(scope?.signal ? { signal: scope.signal } : {}),
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      });
      options.onListed?.(listed.listed);
      return liveObjects({ objects: listed.objects, unread: [...unread, ...listed.unread], notes: listed.notes });
    },
  };
}
