// Where workloads keep their pods: the pod spec and the pod template's labels of each kind that runs pods.
import type { JsonPath } from '../yaml/locate';
import { apiGroupOf } from './api-version';

/** Where each workload kind keeps its pod template's spec, by `group/kind`. */
const POD_SPEC_PATHS: Record<string, JsonPath> = {
  '/Pod': ['spec'],
  'apps/Deployment': ['spec', 'template', 'spec'],
  'apps/StatefulSet': ['spec', 'template', 'spec'],
  'apps/DaemonSet': ['spec', 'template', 'spec'],
  'apps/ReplicaSet': ['spec', 'template', 'spec'],
  '/ReplicationController': ['spec', 'template', 'spec'],
  'batch/Job': ['spec', 'template', 'spec'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  '/PodTemplate': ['template', 'spec'],
  'argoproj.io/Rollout': ['spec', 'template', 'spec'],
};

/** The same by kind, then group: asked for every resource, most of which are no workload and stop at the kind. */
const POD_SPEC_PATHS_BY_KIND = new Map<string, Map<string, JsonPath>>();
for (const [groupAndKind, path] of Object.entries(POD_SPEC_PATHS)) {
  const [group, kind] = groupAndKind.split('/') as [string, string];
  const byGroup = POD_SPEC_PATHS_BY_KIND.get(kind) ?? new Map<string, JsonPath>();
  byGroup.set(group, path);
  POD_SPEC_PATHS_BY_KIND.set(kind, byGroup);
}

/** The path of a workload's pod spec; undefined for kinds that run no pods of their own. */
export function podSpecPathOf(apiVersion: unknown, kind: unknown): JsonPath | undefined {
  if (typeof kind !== 'string') return undefined;
  return POD_SPEC_PATHS_BY_KIND.get(kind)?.get(apiGroupOf(apiVersion));
}

/** The path of the labels its pods get: the pod's own, or its template's. */
export function podLabelsPathOf(apiVersion: unknown, kind: unknown): JsonPath | undefined {
  const spec = podSpecPathOf(apiVersion, kind);
  return spec && [...spec.slice(0, -1), 'metadata', 'labels'];
}
