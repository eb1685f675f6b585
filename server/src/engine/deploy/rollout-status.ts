// Whether a workload's rollout is done, read from its status as `kubectl rollout status` reads it
// (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go): the controller must have seen the latest spec
// (observedGeneration), then every replica must be updated, old ones gone, and the updated ones available (Deployments)
// or ready (StatefulSets, DaemonSets).
import { isRecord, type Json } from '../json';

export interface RolloutStatus {
  /** Done: rolled out (or a kind/strategy whose rollout cannot be followed, said in `message`). */
  done: boolean;
  message: string;
  /** The rollout cannot succeed as it is (a Deployment past its progress deadline). */
  failed?: boolean;
}

export const ROLLOUT_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

const numberOf = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

function parts(object: Json): { name: string; generation: number; spec: Json; status: Json } {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  return {
    name: typeof metadata.name === 'string' ? metadata.name : '?',
    generation: numberOf(metadata.generation),
    spec: isRecord(object.spec) ? object.spec : {},
    status: isRecord(object.status) ? object.status : {},
  };
}

function deploymentStatus(object: Json): RolloutStatus {
  const { name, generation, spec, status } = parts(object);
  if (generation > numberOf(status.observedGeneration))
    return { done: false, message: `Waiting for deployment "${name}" spec update to be observed...` };
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
  const progressing = conditions.find((condition) => condition.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return { done: false, failed: true, message: `deployment "${name}" exceeded its progress deadline` };
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : undefined;
  const updated = numberOf(status.updatedReplicas);
  if (replicas !== undefined && updated < replicas)
    return {
      done: false,
      message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`,
    };
  if (numberOf(status.replicas) > updated)
    return {
      done: false,
      message: `Waiting for deployment "${name}" rollout to finish: ${numberOf(status.replicas) - updated} old replicas are pending termination...`,
    };
  if (numberOf(status.availableReplicas) < updated)
    return {
      done: false,
      message: `Waiting for deployment "${name}" rollout to finish: ${numberOf(status.availableReplicas)} of ${updated} updated replicas are available...`,
    };
  return { done: true, message: `deployment "${name}" successfully rolled out` };
}

function daemonSetStatus(object: Json): RolloutStatus {
  const { name, generation, spec, status } = parts(object);
  const strategy = isRecord(spec.updateStrategy) ? spec.updateStrategy : {};
  if (strategy.type !== undefined && strategy.type !== 'RollingUpdate')
    return { done: true, message: `daemon set "${name}" updates ${JSON.stringify(strategy.type)}: its rollout cannot be followed` };
  if (generation > numberOf(status.observedGeneration))
    return { done: false, message: `Waiting for daemon set "${name}" spec update to be observed...` };
  const desired = numberOf(status.desiredNumberScheduled);
  if (numberOf(status.updatedNumberScheduled) < desired)
    return {
      done: false,
      message: `Waiting for daemon set "${name}" rollout to finish: ${numberOf(status.updatedNumberScheduled)} out of ${desired} new pods have been updated...`,
    };
  if (numberOf(status.numberAvailable) < desired)
    return {
      done: false,
      message: `Waiting for daemon set "${name}" rollout to finish: ${numberOf(status.numberAvailable)} of ${desired} updated pods are available...`,
    };
  return { done: true, message: `daemon set "${name}" successfully rolled out` };
}

function statefulSetStatus(object: Json): RolloutStatus {
  const { name, generation, spec, status } = parts(object);
  const strategy = isRecord(spec.updateStrategy) ? spec.updateStrategy : {};
  if (strategy.type !== undefined && strategy.type !== 'RollingUpdate')
    return { done: true, message: `statefulset "${name}" updates ${JSON.stringify(strategy.type)}: its rollout cannot be followed` };
  if (numberOf(status.observedGeneration) === 0 || generation > numberOf(status.observedGeneration))
    return { done: false, message: `Waiting for statefulset "${name}" spec update to be observed...` };
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : undefined;
  if (replicas !== undefined && numberOf(status.readyReplicas) < replicas)
    return {
      done: false,
      message: `Waiting for ${replicas - numberOf(status.readyReplicas)} pods of statefulset "${name}" to be ready...`,
    };
  const rolling = isRecord(strategy.rollingUpdate) ? strategy.rollingUpdate : undefined;
  if (rolling && replicas !== undefined && typeof rolling.partition === 'number') {
    if (numberOf(status.updatedReplicas) < replicas - rolling.partition)
      return {
        done: false,
        message: `Waiting for partitioned roll out of statefulset "${name}" to finish: ${numberOf(status.updatedReplicas)} out of ${replicas - rolling.partition} new pods have been updated...`,
      };
    return {
      done: true,
      message: `partitioned roll out of statefulset "${name}" complete: ${numberOf(status.updatedReplicas)} new pods have been updated`,
    };
  }
  if (status.updateRevision !== status.currentRevision)
    return {
      done: false,
      message: `waiting for statefulset "${name}" rolling update to complete ${numberOf(status.updatedReplicas)} pods at revision ${String(status.updateRevision)}...`,
    };
  return {
    done: true,
    message: `statefulset "${name}" rolling update complete ${numberOf(status.currentReplicas)} pods at revision ${String(status.currentRevision)}`,
  };
}

/** The rollout status of a Deployment, StatefulSet or DaemonSet (apps/v1) as the cluster has it now. */
export function rolloutStatusOf(object: Json): RolloutStatus | undefined {
  switch (object.kind) {
    case 'Deployment':
      return deploymentStatus(object);
    case 'DaemonSet':
      return daemonSetStatus(object);
    case 'StatefulSet':
      return statefulSetStatus(object);
    default:
      return undefined;
  }
}

/** The conditions of an object, as `Type=Status (Reason): message` lines (what is known when a rollout times out). */
export function describeConditions(object: Json): string[] {
  const status = isRecord(object.status) ? object.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
  return conditions.map(
    (condition) =>
      `${String(condition.type)}=${String(condition.status)}${typeof condition.reason === 'string' ? ` (${condition.reason})` : ''}${typeof condition.message === 'string' && condition.message ? `: ${condition.message}` : ''}`,
  );
}
