// A direct apply of an environment's render: server-side apply of each object as field manager `driftless`, in
// dependency order, never forced unless the user chose to take fields other managers own (a 409 names them). It
// stops at the first failure — the cluster gone halfway, a refusal — and says what was applied, what failed and what
// was not tried, so the cluster's state is known. Pruning deletes exactly the objects the plan listed.
import { applyConflictsOf, applyOrder } from '../../engine/deploy/apply-order';
import type { ObjectRef } from '../../engine/deploy/deploy-plan';
import type { AppliedObject } from '../../engine/deploy/deploy-result';

export type { AppliedObject };
import type { FieldConflict } from '../../engine/deploy/guardrails';
import type { Json } from '../../engine/json';
import { identityOf } from '../../engine/drift/object-identity';
import type { ClusterClient, ClusterFailure } from '../cluster/cluster-client';
import { Discovery } from '../cluster/discovery';
import { applyConfiguration } from '../cluster/dry-run';

export const DEPLOY_FIELD_MANAGER = 'driftless';

export interface ApplyOutcome {
  objects: AppliedObject[];
  /** Why it stopped before the end (the first failure, or a cancellation). */
  stopped?: string;
  /** The cluster as a whole failed (unreachable, credentials refused): nothing more can be asked of it. */
  fatal?: boolean;
}

const refOf = (object: Json): ObjectRef => {
  const identity = identityOf(object)!;
  return {
    apiVersion: identity.apiVersion,
    kind: identity.kind,
    ...(identity.namespace ? { namespace: identity.namespace } : {}),
    name: identity.name,
  };
};

const FATAL = new Set(['unreachable', 'timeout', 'certificate', 'unauthorized']);

/** One server-side apply (or its dry run); a 409 comes back with the conflicting fields. */
export async function serverSideApply(
  client: ClusterClient,
  discovery: Discovery,
  object: Json,
  options: { force: boolean; dryRun?: boolean; signal?: AbortSignal },
): Promise<{ ok: true; object: Json; created: boolean } | (ClusterFailure & { conflicts?: FieldConflict[] })> {
  const identity = identityOf(object);
  if (!identity) return { ok: false, problem: 'invalid', message: 'the object has no apiVersion, kind and name' };
  const resource = discovery.resourceFor(identity.apiVersion, identity.kind);
  if ('why' in resource) return { ok: false, problem: 'not-found', message: resource.why };
  const response = await client.request('PATCH', Discovery.pathOf(resource, identity.namespace, identity.name), {
    query: {
      fieldManager: DEPLOY_FIELD_MANAGER,
      force: options.force,
      fieldValidation: 'Strict',
      ...(options.dryRun ? { dryRun: 'All' } : {}),
    },
    body: JSON.stringify(applyConfiguration(object)),
    contentType: 'application/apply-patch+yaml',
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (response.ok) {
    const body = typeof response.body === 'object' && response.body !== null ? (response.body as Json) : {};
    return { ok: true, object: body, created: response.status === 201 };
  }
  if (response.status === 409) {
    const conflicts = applyConflictsOf(response.body);
    if (conflicts.length) return { ...response, conflicts };
  }
  return response;
}

/** Applies `objects` one after another, in dependency order; `stop()` is asked between objects (cancel, a lost Lease). */
export async function applyObjects(
  client: ClusterClient,
  discovery: Discovery,
  objects: readonly Json[],
  options: { force: boolean; signal?: AbortSignal; stop?: () => string | undefined; progress?: (message: string) => void },
): Promise<ApplyOutcome> {
  const ordered = applyOrder(objects.filter((object) => identityOf(object)));
  const results: AppliedObject[] = [];
  let stopped: string | undefined;
  let fatal = false;
  for (const [index, object] of ordered.entries()) {
    const reference = refOf(object);
    const why = stopped ?? options.stop?.();
    if (why) {
      stopped = why;
      results.push({ ...reference, action: 'not-tried' });
      continue;
    }
    options.progress?.(
      `applying ${index + 1}/${ordered.length}: ${reference.kind} ${reference.namespace ? `${reference.namespace}/` : ''}${reference.name}`,
    );
    const before = await readGeneration(client, discovery, object, options.signal);
    const applied = await serverSideApply(client, discovery, object, {
      force: options.force,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (applied.ok) {
      const after = applied.object.metadata as Json | undefined;
      const unchanged = !applied.created && before !== undefined && before === after?.resourceVersion;
      results.push({ ...reference, action: applied.created ? 'created' : unchanged ? 'unchanged' : 'configured' });
      continue;
    }
    results.push({
      ...reference,
      action: 'failed',
      error: applied.message,
      ...('conflicts' in applied && applied.conflicts ? { conflicts: applied.conflicts } : {}),
    });
    fatal = FATAL.has(applied.problem);
    stopped =
      applied.problem === 'cancelled'
        ? 'cancelled'
        : `${reference.kind} ${reference.namespace ? `${reference.namespace}/` : ''}${reference.name} failed: ${applied.message}`;
  }
  return { objects: results, ...(stopped ? { stopped } : {}), ...(fatal ? { fatal } : {}) };
}

/** The object's resourceVersion now (undefined when it does not exist yet or cannot be read): tells "unchanged". */
async function readGeneration(
  client: ClusterClient,
  discovery: Discovery,
  object: Json,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const identity = identityOf(object)!;
  const resource = discovery.resourceFor(identity.apiVersion, identity.kind);
  if ('why' in resource) return undefined;
  const response = await client.request('GET', Discovery.pathOf(resource, identity.namespace, identity.name), signal ? { signal } : {});
  if (!response.ok || typeof response.body !== 'object' || response.body === null) return undefined;
  const metadata = (response.body as Json).metadata as Json | undefined;
  return typeof metadata?.resourceVersion === 'string' ? metadata.resourceVersion : undefined;
}

/** Deletes the objects the plan listed for pruning (background propagation, as kubectl and the controllers do). */
export async function pruneObjects(
  client: ClusterClient,
  discovery: Discovery,
  objects: readonly ObjectRef[],
  signal?: AbortSignal,
): Promise<AppliedObject[]> {
  const results: AppliedObject[] = [];
  for (const object of objects) {
    const resource = discovery.resourceFor(object.apiVersion, object.kind);
    if ('why' in resource) {
      results.push({ ...object, action: 'failed', error: resource.why });
      continue;
    }
    const response = await client.request('DELETE', Discovery.pathOf(resource, object.namespace, object.name), {
      body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }),
      ...(signal ? { signal } : {}),
    });
    results.push(
      response.ok || response.problem === 'not-found'
        ? { ...object, action: 'pruned' }
        : { ...object, action: 'failed', error: response.message },
    );
  }
  return results;
}

/** Creates the namespaces the objects go to that the cluster lacks (as Argo CD's CreateNamespace=true); returns them. */
export async function ensureNamespaces(
  client: ClusterClient,
  namespaces: readonly string[],
  signal?: AbortSignal,
): Promise<{ created: string[]; failure?: ClusterFailure }> {
  const created: string[] = [];
  for (const namespace of namespaces) {
    const found = await client.request('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}`, signal ? { signal } : {});
    if (found.ok) continue;
    if (found.problem !== 'not-found') return { created, failure: found };
    const made = await client.request('PATCH', `/api/v1/namespaces/${encodeURIComponent(namespace)}`, {
      query: { fieldManager: DEPLOY_FIELD_MANAGER },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }),
      contentType: 'application/apply-patch+yaml',
      ...(signal ? { signal } : {}),
    });
    if (!made.ok) return { created, failure: made };
    created.push(namespace);
  }
  return { created };
}

/** The namespaces namespaced objects go to, that no Namespace object among them makes. */
export function namespacesNeeded(objects: readonly Json[]): string[] {
  const made = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => identityOf(o)?.name));
  const needed = new Set<string>();
  for (const object of objects) {
    const namespace = identityOf(object)?.namespace;
    if (namespace && !made.has(namespace)) needed.add(namespace);
  }
  return [...needed].sort();
}
