// What a GitOps controller itself says about what it delivers, shown beside the computed drift: an Argo CD
// Application's sync and health and the revision it synced; a Flux Kustomization's or HelmRelease's Ready condition
// and last applied revision. Read from the objects' status as they are in the cluster.
import { apiGroupOf } from '../kubernetes/api-version';
import { identityOf } from './object-identity';
import { isRecord, type Json } from '../json';

export interface ControllerStatus {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** Argo CD: `Synced`, `OutOfSync`, `Unknown`. */
  sync?: string;
  /** Argo CD: `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing`, `Unknown`. */
  health?: string;
  /** Flux: the Ready condition (`True`, `False`, `Unknown`) and its reason. */
  ready?: { status: string; reason?: string };
  /** The revision last applied (Argo CD: synced; Flux: lastAppliedRevision). */
  revision?: string;
  /** The controller's own words: an operation's message, the Ready condition's. */
  message?: string;
  suspended?: boolean;
}

/** Whether an object is one whose status tells how its delivery goes. */
export function isControllerObject(object: unknown): boolean {
  const identity = identityOf(object);
  if (!identity) return false;
  return (
    (identity.group === 'argoproj.io' && identity.kind === 'Application') ||
    (identity.group === 'kustomize.toolkit.fluxcd.io' && identity.kind === 'Kustomization') ||
    (identity.group === 'helm.toolkit.fluxcd.io' && identity.kind === 'HelmRelease')
  );
}

const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

export function controllerStatusOf(object: Json): ControllerStatus | undefined {
  const identity = identityOf(object);
  if (!identity || !isControllerObject(object)) return undefined;
  const status = isRecord(object.status) ? object.status : {};
  const spec = isRecord(object.spec) ? object.spec : {};
  const base: ControllerStatus = {
    apiVersion: identity.apiVersion,
    kind: identity.kind,
    ...(identity.namespace ? { namespace: identity.namespace } : {}),
    name: identity.name,
  };
  if (apiGroupOf(object.apiVersion) === 'argoproj.io') {
    const sync = isRecord(status.sync) ? status.sync : {};
    const health = isRecord(status.health) ? status.health : {};
    const operation = isRecord(status.operationState) ? status.operationState : {};
    const syncResult = isRecord(operation.syncResult) ? operation.syncResult : {};
    const revision = text(syncResult.revision) ?? text(sync.revision);
    const message = text(operation.message) ?? text(health.message);
    return {
      ...base,
      ...(text(sync.status) ? { sync: text(sync.status)! } : {}),
      ...(text(health.status) ? { health: text(health.status)! } : {}),
      ...(revision ? { revision } : {}),
      ...(message ? { message } : {}),
    };
  }
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
  const ready = conditions.find((condition) => condition.type === 'Ready');
  const history = Array.isArray(status.history) ? status.history.filter(isRecord) : [];
  const revision =
    text(status.lastAppliedRevision) ?? (history[0] ? text(history[0].chartVersion) : undefined) ?? text(status.lastAttemptedRevision);
  return {
    ...base,
    ...(ready && text(ready.status)
      ? { ready: { status: text(ready.status)!, ...(text(ready.reason) ? { reason: text(ready.reason)! } : {}) } }
      : {}),
    ...(revision ? { revision } : {}),
    ...(ready && text(ready.message) ? { message: text(ready.message)! } : {}),
    ...(spec.suspend === true ? { suspended: true } : {}),
  };
}

/** `Synced, Healthy, revision 1a2b3c4` / `Ready (ReconciliationSucceeded), revision main@sha1:1a2b3c4`. */
export function describeControllerStatus(status: ControllerStatus): string {
  const parts = [
    status.sync,
    status.health,
    status.ready &&
      `${status.ready.status === 'True' ? 'Ready' : `not Ready (${status.ready.status})`}${status.ready.reason ? ` (${status.ready.reason})` : ''}`,
    status.suspended ? 'suspended' : undefined,
    status.revision && `revision ${status.revision}`,
  ].filter((part): part is string => !!part);
  return parts.length ? parts.join(', ') : 'no status yet';
}
