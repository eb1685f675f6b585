// What the API server would store if git's object were applied: a server-side apply with dryRun=All, as a field
// manager of its own (driftless-drift), forced (git wins every conflict, as a sync would). Nothing is written: the
// server runs defaulting, admission webhooks and validation, and answers with the object it would have stored.
import type { Prediction } from '../../engine/drift/drift-report';
import type { ClusterClient, ClusterFailure } from './cluster-client';
import { Discovery, type ServedResource } from './discovery';
import { isRecord, type Json } from '../../engine/json';

export const DRIFT_FIELD_MANAGER = 'driftless-drift';

/** Git's object as an apply configuration: what the server keeps for itself taken out (a resourceVersion would be a precondition). */
export function applyConfiguration(object: Json): Json {
  const { status: _status, ...rest } = object;
  const metadata = isRecord(rest.metadata) ? { ...rest.metadata } : {};
  for (const field of ['resourceVersion', 'uid', 'managedFields', 'creationTimestamp', 'generation', 'selfLink']) delete metadata[field];
  return { ...rest, metadata };
}

export async function dryRunApply(
  client: ClusterClient,
  resource: ServedResource,
  object: Json,
  options: { fieldManager?: string; signal?: AbortSignal } = {},
): Promise<Prediction & { failure?: ClusterFailure }> {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  const response = await client.request('PATCH', Discovery.pathOf(resource, namespace, String(metadata.name)), {
    query: { dryRun: 'All', fieldManager: options.fieldManager ?? DRIFT_FIELD_MANAGER, force: true, fieldValidation: 'Ignore' },
    body: JSON.stringify(applyConfiguration(object)),
    contentType: 'application/apply-patch+yaml',
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (response.ok)
    return isRecord(response.body)
      ? { ok: true, object: response.body }
      : { ok: false, problem: 'failed', message: 'the API server answered no object' };
  if (response.problem === 'forbidden') return { ok: false, problem: 'forbidden', message: response.message };
  if (response.problem === 'invalid') return { ok: false, problem: 'refused', message: response.message };
  return { ok: false, problem: 'failed', message: response.message, failure: response };
}
