// How a direct apply orders and reads its objects: kinds others depend on first (namespaces, then CRDs, accounts,
// configuration, services, then workloads), as Helm's install order and Argo CD's sync order have it; and the field
// conflicts of a refused server-side apply, read from the API server's Status (details.causes of type
// FieldManagerConflict: `conflict with "kubectl-edit" using apps/v1`, field `.spec.replicas`).
import { isRecord } from '../json';
import type { FieldConflict } from './guardrails';

const KIND_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];

/** Objects in the order they are applied (kinds not listed last, by name), stable otherwise. */
export function applyOrder<T extends { kind?: unknown }>(objects: readonly T[]): T[] {
  const rank = (object: T) => {
    const index = KIND_ORDER.indexOf(String(object.kind));
    return index < 0 ? KIND_ORDER.length : index;
  };
  return objects
    .map((object, index) => ({ object, index }))
    .sort((a, b) => rank(a.object) - rank(b.object) || a.index - b.index)
    .map(({ object }) => object);
}

/** The conflicts a 409 from a server-side apply names; empty when the answer is no apply conflict. */
export function applyConflictsOf(status: unknown): FieldConflict[] {
  if (!isRecord(status) || !isRecord(status.details) || !Array.isArray(status.details.causes)) return [];
  return status.details.causes.flatMap((cause) => {
    // metav1.StatusCause's Type is `reason` in JSON.
    if (!isRecord(cause) || (cause.reason ?? cause.type) !== 'FieldManagerConflict') return [];
    const message = typeof cause.message === 'string' ? cause.message : '';
    const manager = /conflict with "((?:[^"\\]|\\.)*)"/.exec(message)?.[1] ?? (message.replace(/^conflict with /, '') || 'another manager');
    return [{ field: typeof cause.field === 'string' ? cause.field : '?', manager }];
  });
}
