// Waiting for rollouts as `kubectl rollout status` does, for every Deployment, StatefulSet and DaemonSet applied:
// polled until each is rolled out, one fails (a progress deadline exceeded), the time runs out or the wait is stopped.
// When it does not finish, what is known is gathered: each waiting workload's conditions and events, and those of its
// pods that are not ready (their conditions, why their containers wait, their events) — what `kubectl describe` shows.
import type { ObjectRef } from '../../engine/deploy/deploy-plan';
import type { WorkloadRollout } from '../../engine/deploy/deploy-result';

export type { WorkloadRollout };
import { describeConditions, ROLLOUT_KINDS, rolloutStatusOf } from '../../engine/deploy/rollout-status';
import { isRecord, scalarText, type Json } from '../../engine/json';
import type { ClusterClient } from '../cluster/cluster-client';
import { Discovery } from '../cluster/discovery';

export interface RolloutWait {
  outcome: 'done' | 'failed' | 'timed-out' | 'stopped';
  workloads: WorkloadRollout[];
  /** Why it stopped early (cancelled, the Lease lost, the cluster gone). */
  stopped?: string;
}

const POLL_MS = 1_000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

export async function waitForRollouts(
  client: ClusterClient,
  discovery: Discovery,
  workloads: readonly ObjectRef[],
  options: { timeoutMs: number; signal?: AbortSignal; stop?: () => string | undefined; progress?: (message: string) => void },
): Promise<RolloutWait> {
  const watched = workloads.filter((w) => ROLLOUT_KINDS.has(w.kind));
  const deadline = Date.now() + options.timeoutMs;
  const state = new Map<ObjectRef, { done: boolean; message: string; failed?: boolean; object?: Json }>();
  for (;;) {
    for (const workload of watched) {
      if (state.get(workload)?.done) continue;
      const resource = discovery.resourceFor(workload.apiVersion, workload.kind);
      if ('why' in resource) {
        state.set(workload, { done: true, message: resource.why });
        continue;
      }
      const response = await client.request(
        'GET',
        Discovery.pathOf(resource, workload.namespace, workload.name),
        options.signal ? { signal: options.signal } : {},
      );
      if (!response.ok) {
        if (response.problem === 'cancelled') break;
        state.set(workload, { done: false, message: `cannot read it: ${response.message}` });
        continue;
      }
      const object = { apiVersion: workload.apiVersion, kind: workload.kind, ...(response.body as Json) };
      const status = rolloutStatusOf(object) ?? { done: true, message: 'no rollout to follow' };
      state.set(workload, { ...status, object });
    }
    const all = watched.map((w) => state.get(w) ?? { done: false, message: 'not read yet' });
    const summary = (extra?: Map<ObjectRef, string[]>) =>
      watched.map((w) => ({
        ...w,
        done: state.get(w)?.done ?? false,
        message: state.get(w)?.message ?? 'not read',
        ...(extra?.get(w)?.length ? { known: extra.get(w)! } : {}),
      }));
    if (all.every((s) => s.done)) return { outcome: 'done', workloads: summary() };
    const failed = watched.filter((w) => state.get(w)?.failed);
    if (failed.length) return { outcome: 'failed', workloads: summary(await knownAbout(client, discovery, failed, state, options.signal)) };
    const stopped = options.signal?.aborted ? 'cancelled' : options.stop?.();
    if (stopped) return { outcome: 'stopped', stopped, workloads: summary() };
    if (Date.now() >= deadline) {
      const waiting = watched.filter((w) => !state.get(w)?.done);
      return { outcome: 'timed-out', workloads: summary(await knownAbout(client, discovery, waiting, state)) };
    }
    options.progress?.(all.find((s) => !s.done)?.message ?? 'waiting for rollouts');
    await sleep(POLL_MS, options.signal);
  }
}

/** What `kubectl describe` would say of workloads that did not roll out: conditions, events, unready pods. */
async function knownAbout(
  client: ClusterClient,
  discovery: Discovery,
  workloads: readonly ObjectRef[],
  state: Map<ObjectRef, { object?: Json }>,
  signal?: AbortSignal,
): Promise<Map<ObjectRef, string[]>> {
  const known = new Map<ObjectRef, string[]>();
  for (const workload of workloads) {
    const lines: string[] = [];
    const object = state.get(workload)?.object;
    if (object) lines.push(...describeConditions(object).map((c) => `condition ${c}`));
    lines.push(...(await eventsOf(client, workload.namespace, workload.kind, workload.name, signal)));
    const spec = object && isRecord(object.spec) ? object.spec : {};
    const selector = isRecord(spec.selector) && isRecord(spec.selector.matchLabels) ? spec.selector.matchLabels : undefined;
    if (selector && workload.namespace) {
      const labelSelector = Object.entries(selector)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(',');
      const pods = await client.request('GET', `/api/v1/namespaces/${encodeURIComponent(workload.namespace)}/pods`, {
        query: { labelSelector, limit: 20 },
        ...(signal ? { signal } : {}),
      });
      const items = pods.ok && isRecord(pods.body) && Array.isArray(pods.body.items) ? pods.body.items.filter(isRecord) : [];
      for (const pod of items) {
        const name = isRecord(pod.metadata) ? scalarText(pod.metadata.name) : '?';
        const status = isRecord(pod.status) ? pod.status : {};
        const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [];
        const ready = conditions.find((c) => c.type === 'Ready');
        if (ready?.status === 'True') continue;
        lines.push(
          `pod ${name}: ${scalarText(status.phase ?? 'Unknown')}${describeConditions(pod).length ? `; ${describeConditions(pod).join('; ')}` : ''}`,
        );
        for (const container of Array.isArray(status.containerStatuses) ? status.containerStatuses.filter(isRecord) : []) {
          const waiting = isRecord(container.state) && isRecord(container.state.waiting) ? container.state.waiting : undefined;
          if (waiting)
            lines.push(
              `pod ${name}: container ${scalarText(container.name)} waiting: ${scalarText(waiting.reason)}${waiting.message ? ` ${scalarText(waiting.message)}` : ''}`,
            );
        }
        lines.push(...(await eventsOf(client, workload.namespace, 'Pod', name, signal)).map((line) => `pod ${name}: ${line}`));
      }
    }
    known.set(workload, lines.slice(0, 40));
  }
  return known;
}

/** The newest events about an object: `Warning FailedScheduling: 0/3 nodes are available…`. */
async function eventsOf(
  client: ClusterClient,
  namespace: string | undefined,
  kind: string,
  name: string,
  signal?: AbortSignal,
): Promise<string[]> {
  if (!namespace) return [];
  const response = await client.request('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, {
    query: { fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`, limit: 50 },
    ...(signal ? { signal } : {}),
  });
  const items = response.ok && isRecord(response.body) && Array.isArray(response.body.items) ? response.body.items.filter(isRecord) : [];
  const time = (event: Json) => scalarText(event.lastTimestamp ?? event.eventTime);
  return items
    .sort((a, b) => time(b).localeCompare(time(a)))
    .slice(0, 5)
    .map(
      (event) =>
        `event ${scalarText(event.type)} ${scalarText(event.reason)}: ${scalarText(event.message).trim()}${typeof event.count === 'number' && event.count > 1 ? ` (x${event.count})` : ''}`,
    );
}
