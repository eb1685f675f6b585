// The live objects of an environment: one paged LIST per kind and namespace its git objects use (limit/continue,
// never a GET per object), plus the kinds objects only in the cluster are looked for among. What cannot be listed
// (forbidden, a kind not served) is told per kind and namespace, so those objects are `unknown` and the rest compared.
import type { LiveObjects, UnreadScope } from '../../engine/drift/drift-report';
import { MAX_SOCKETS, type ClusterClient, type ClusterFailure } from './cluster-client';
import { Discovery, type ServedResource } from './discovery';
import { isRecord, type Json } from '../../engine/json';

export const PAGE_SIZE = 500;

/** A kind and namespace to list, and whether its objects are only looked for as extras (`selector` then narrows it). */
export interface ListScope {
  resource: ServedResource;
  namespace?: string;
  /** Listed only to find objects the environment left behind: a failure is no object's, and a selector may narrow it. */
  extrasOnly?: boolean;
  labelSelector?: string;
}

/** A scope listed, with the resourceVersion of its list: a watch of it goes on from there. */
export interface ListedScope extends ListScope {
  resourceVersion: string;
}

/** Every object of a kind in a namespace (or everywhere), page after page. */
export async function listAll(
  client: ClusterClient,
  scope: ListScope,
  options: { signal?: AbortSignal; pageSize?: number } = {},
): Promise<{ ok: true; objects: Json[]; resourceVersion?: string } | ClusterFailure> {
  const objects: Json[] = [];
  let resourceVersion: string | undefined;
  const apiVersion = scope.resource.group ? `${scope.resource.group}/${scope.resource.version}` : scope.resource.version;
  let next: string | undefined;
  do {
    const response = await client.request('GET', Discovery.pathOf(scope.resource, scope.namespace), {
      query: { limit: options.pageSize ?? PAGE_SIZE, continue: next, labelSelector: scope.labelSelector },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!response.ok) return response;
    const body = isRecord(response.body) ? response.body : {};
    // Items of a list carry no apiVersion and kind of their own (the list's are theirs).
    for (const item of Array.isArray(body.items) ? body.items.filter(isRecord) : [])
      objects.push({ apiVersion, kind: scope.resource.kind, ...item });
    const metadata = isRecord(body.metadata) ? body.metadata : {};
    // Every page is of the first page's snapshot: its resourceVersion is where a watch of the list goes on from.
    if (resourceVersion === undefined && typeof metadata.resourceVersion === 'string') resourceVersion = metadata.resourceVersion;
    next = typeof metadata.continue === 'string' && metadata.continue ? metadata.continue : undefined;
  } while (next);
  return { ok: true, objects, ...(resourceVersion ? { resourceVersion } : {}) };
}

/** A failure of the cluster as a whole (nothing more can be asked of it), not of one request. */
export function isFatal(failure: ClusterFailure): boolean {
  return ['unreachable', 'timeout', 'certificate', 'unauthorized', 'cancelled'].includes(failure.problem);
}

/**
 * Lists every scope, a few at a time; failures become unread scopes (or one note per reason, for scopes listed for
 * extras only). Once the cluster as a whole fails (gone, credentials refused), the scopes left are not asked for.
 */
export async function listScopes(
  client: ClusterClient,
  scopes: readonly ListScope[],
  options: { signal?: AbortSignal; pageSize?: number } = {},
): Promise<LiveObjects & { notes: string[]; failures: ClusterFailure[]; listed: ListedScope[] }> {
  const objects: Json[] = [];
  const listed: ListedScope[] = [];
  const unread: UnreadScope[] = [];
  const failures: ClusterFailure[] = [];
  const notLookedThrough = new Map<string, string[]>();
  let fatal: ClusterFailure | undefined;
  let next = 0;
  const worker = async () => {
    while (next < scopes.length) {
      const scope = scopes[next++]!;
      const result = fatal ?? (await listAll(client, scope, options));
      if (result.ok) {
        objects.push(...result.objects);
        if (result.resourceVersion) listed.push({ ...scope, resourceVersion: result.resourceVersion });
        continue;
      }
      if (isFatal(result)) fatal ??= result;
      failures.push(result);
      if (scope.extrasOnly) {
        const where = `${scope.resource.kind}${scope.namespace ? ` in ${scope.namespace}` : ''}`;
        notLookedThrough.set(result.message, [...(notLookedThrough.get(result.message) ?? []), where]);
      } else
        unread.push({
          group: scope.resource.group,
          kind: scope.resource.kind,
          ...(scope.namespace ? { namespace: scope.namespace } : {}),
          reason: result.message,
        });
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_SOCKETS, scopes.length) }, worker));
  const notes = [...notLookedThrough].map(
    ([message, where]) => `Not looked through for objects only in the cluster: ${where.join(', ')} (${message}).`,
  );
  return { objects, unread, notes, failures, listed };
}
