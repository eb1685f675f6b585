// What a GitOps controller's status says about a sync Driftless asked for, read as its own CLIs read it. Argo CD
// (`argocd app sync --core` and `argocd app wait`): the operation is taken up into `status.operationState` (matched by
// the info entry Driftless puts in it), its phase ends Succeeded at the revision asked for, then `status.sync` says
// Synced and `status.health` Healthy. Flux (`flux reconcile … --with-source`): `status.lastHandledReconcileAt` equals
// the token written to `reconcile.fluxcd.io/requestedAt`, the object's generation is observed, Ready is True and the
// last applied revision is the commit asked for. Also: whether auto-sync would undo a change made behind its back.
import { isRecord, type Json } from '../json';

/** The `operation.info` entry that marks a sync as this deploy's. */
export const OPERATION_MARK = 'driftless-deploy';

export type SyncPhase =
  /** Not taken up yet, or still working. */
  | 'pending'
  | 'syncing'
  /** Applied; waiting for health (or for readiness). */
  | 'progressing'
  | 'healthy'
  /** The controller reports the sync failed: no point waiting. */
  | 'failed';

export interface SyncState {
  phase: SyncPhase;
  /** In the controller's words: `Synced, Progressing: Waiting for rollout…`. */
  message: string;
  /** The revision the controller applied, as it says it (`1a2b…`, `main@sha1:1a2b…`). */
  revision?: string;
  sync?: string;
  health?: string;
  ready?: string;
}

const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
const record = (value: unknown): Json => (isRecord(value) ? value : {});

/** Whether a revision the controller reports (`1a2b…`, `main@sha1:1a2b…`, `sha1:…`) is the commit `sha`. */
export function isRevision(reported: string | undefined, sha: string): boolean {
  if (!reported || !sha) return false;
  const hash = /([0-9a-f]{7,64})$/.exec(reported)?.[1];
  return !!hash && (sha.startsWith(hash) || hash.startsWith(sha));
}

/** The commit a controller's revision names (`main@sha1:<40 hex>` → the hex). */
export function commitOfRevision(reported: string | undefined): string | undefined {
  return reported ? /([0-9a-f]{40})$/.exec(reported)?.[1] : undefined;
}

/** An Argo CD Application's state after a sync marked `mark` to `revision` was asked for. */
export function argoSyncState(application: Json, mark: string, revision: string): SyncState {
  const status = record(application.status);
  const operationState = record(status.operationState);
  const operation = record(operationState.operation);
  const info = Array.isArray(operation.info) ? operation.info.filter(isRecord) : [];
  const ours = info.some((entry) => entry.name === OPERATION_MARK && entry.value === mark);
  const sync = record(status.sync);
  const health = record(status.health);
  const syncStatus = text(sync.status);
  const healthStatus = text(health.status);
  const syncResult = record(operationState.syncResult);
  const applied = text(syncResult.revision) ?? (Array.isArray(syncResult.revisions) ? text(syncResult.revisions[0]) : undefined);
  const base = {
    ...(applied ? { revision: applied } : {}),
    ...(syncStatus ? { sync: syncStatus } : {}),
    ...(healthStatus ? { health: healthStatus } : {}),
  };
  if (!ours) return { ...base, phase: 'pending', message: 'waiting for the Argo CD application controller to take the sync up' };
  const phase = text(operationState.phase);
  const said = text(operationState.message);
  if (phase === 'Running' || phase === 'Terminating')
    return { ...base, phase: 'syncing', message: `sync ${phase.toLowerCase()}${said ? `: ${said}` : ''}` };
  if (phase === 'Failed' || phase === 'Error')
    return { ...base, phase: 'failed', message: `sync ${phase.toLowerCase()}${said ? `: ${said}` : ''}` };
  if (phase !== 'Succeeded') return { ...base, phase: 'syncing', message: `sync phase ${phase ?? 'unknown'}` };
  if (!isRevision(applied, revision))
    return { ...base, phase: 'failed', message: `the sync applied ${applied ?? 'no revision'}, not ${revision.slice(0, 12)}` };
  const words = [syncStatus ?? 'sync unknown', healthStatus ?? 'health unknown'].join(', ');
  const healthMessage = text(health.message);
  if (syncStatus === 'Synced' && healthStatus === 'Healthy') return { ...base, phase: 'healthy', message: words };
  // Synced to another revision than the one it follows (an immediate rollback, or the branch moved on since): Argo CD
  // says OutOfSync, as it compares with its targetRevision; what was asked for runs, and is healthy.
  if (syncStatus === 'OutOfSync' && healthStatus === 'Healthy')
    return { ...base, phase: 'healthy', message: `${words} (against the revision it follows; ${revision.slice(0, 12)} runs)` };
  return { ...base, phase: 'progressing', message: `${words}${healthMessage ? `: ${healthMessage}` : ''}` };
}

function readyCondition(object: Json): Json | undefined {
  const conditions = Array.isArray(record(object.status).conditions)
    ? (record(object.status).conditions as unknown[]).filter(isRecord)
    : [];
  return conditions.find((condition) => condition.type === 'Ready');
}

/** A Flux object's state after `reconcile.fluxcd.io/requestedAt: token` (and, when given, the commit it must apply). */
export function fluxReconcileState(object: Json, token: string, revision?: string): SyncState {
  const status = record(object.status);
  const metadata = record(object.metadata);
  const ready = readyCondition(object);
  const readyStatus = text(ready?.status);
  const reason = text(ready?.reason);
  const said = text(ready?.message);
  const applied = text(status.lastAppliedRevision) ?? text(record(status.artifact).revision);
  const base = { ...(applied ? { revision: applied } : {}), ...(readyStatus ? { ready: readyStatus } : {}) };
  if (status.lastHandledReconcileAt !== token)
    return { ...base, phase: 'pending', message: 'waiting for the Flux controller to handle the reconcile request' };
  if (typeof metadata.generation === 'number' && status.observedGeneration !== metadata.generation)
    return { ...base, phase: 'syncing', message: 'waiting for the Flux controller to observe the latest generation' };
  const words = `Ready ${readyStatus ?? 'Unknown'}${reason ? ` (${reason})` : ''}${said ? `: ${said}` : ''}`;
  if (readyStatus === 'True') {
    if (revision && !isRevision(applied, revision))
      return { ...base, phase: 'failed', message: `it applied ${applied ?? 'no revision'}, not ${revision.slice(0, 12)}: ${words}` };
    return { ...base, phase: 'healthy', message: words };
  }
  if (readyStatus === 'False') return { ...base, phase: 'failed', message: words };
  return { ...base, phase: 'syncing', message: words };
}

/** Whether an Argo CD Application syncs automatically (`spec.syncPolicy.automated`, unless `enabled: false`). */
export function argoAutoSync(application: Json): boolean {
  const automated = record(record(record(application.spec).syncPolicy)).automated;
  return isRecord(automated) && automated.enabled !== false;
}

/** Whether a Flux object is suspended (`spec.suspend: true`): it then applies nothing new. */
export function fluxSuspended(object: Json): boolean {
  return record(object.spec).suspend === true;
}

/** One line of a controller object's status, for plans and results. */
export function describeControllerObject(object: Json): string {
  const status = record(object.status);
  if (object.kind === 'Application') {
    const sync = text(record(status.sync).status) ?? 'sync unknown';
    const health = text(record(status.health).status) ?? 'health unknown';
    const revision = text(record(status.sync).revision);
    return `${sync}, ${health}${revision ? `, at ${revision.slice(0, 12)}` : ''}${argoAutoSync(object) ? ', auto-sync on' : ''}`;
  }
  const ready = readyCondition(object);
  const applied = text(status.lastAppliedRevision) ?? text(record(status.artifact).revision);
  return `Ready ${text(ready?.status) ?? 'Unknown'}${applied ? `, at ${applied}` : ''}${fluxSuspended(object) ? ', suspended' : ''}`;
}
