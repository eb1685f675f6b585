// Which Kubernetes object a value is: group, kind, namespace and name. The version is left out, as the API server
// serves one object under each version of its group.
import { apiGroupOf } from '../kubernetes/api-version';
import { isRecord, type Json } from '../json';

export interface ObjectIdentity {
  apiVersion: string;
  group: string;
  kind: string;
  /** Undefined for cluster-scoped objects (and for namespaced ones not yet given the environment's namespace). */
  namespace?: string;
  name: string;
}

export function identityOf(object: unknown): ObjectIdentity | undefined {
  if (!isRecord(object) || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return undefined;
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  if (typeof metadata.name !== 'string' || !metadata.name) return undefined;
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace ? metadata.namespace : undefined;
  return {
    apiVersion: object.apiVersion,
    group: apiGroupOf(object.apiVersion),
    kind: object.kind,
    ...(namespace ? { namespace } : {}),
    name: metadata.name,
  };
}

/** `apps/Deployment/shop/web`; `/ConfigMap/shop/settings` for the core group; `rbac.authorization.k8s.io/ClusterRole//view`. */
export function identityKey(identity: Pick<ObjectIdentity, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${identity.group}/${identity.kind}/${identity.namespace ?? ''}/${identity.name}`;
}

/** `apps/v1 Deployment shop/web`, as people read an object's identity. */
export function describeIdentity(identity: ObjectIdentity): string {
  return `${identity.apiVersion} ${identity.kind} ${identity.namespace ? `${identity.namespace}/` : ''}${identity.name}`;
}

/** The object's metadata (an empty record when it has none). */
export function metadataOf(object: Json): Json {
  return isRecord(object.metadata) ? object.metadata : {};
}

/** The object's labels or annotations, as strings. */
export function stringMap(object: Json, field: 'labels' | 'annotations'): Record<string, string> {
  const map = metadataOf(object)[field];
  if (!isRecord(map)) return {};
  return Object.fromEntries(Object.entries(map).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
