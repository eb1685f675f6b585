// One deploy per environment at a time: a local lock (a file in the repository's git folder, so the editor and the CLI
// on this machine see each other) and a coordination.k8s.io/v1 Lease in the cluster (so machines do), as client-go's
// leader election holds one: taken when free or expired, renewed every few seconds with its resourceVersion as a
// precondition, released when done. A renewal that fails — someone else holds it now, it was deleted, the cluster is
// gone for longer than the Lease lasts — marks it lost, and the deploy stops at its next safe point.
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { isRecord, scalarText, type Json } from '../../engine/json';
import type { ClusterClient } from '../cluster/cluster-client';

export const LEASE_SECONDS = 30;
const RENEW_MS = 10_000;

/** `driftless-deploy-frontend-production` (a DNS subdomain; long or odd names are cut and given a hash). */
export function leaseNameOf(environment: string): string {
  const slug = environment
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  let hash = 0;
  for (const char of environment) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  const name = `driftless-deploy-${slug}`;
  if (name.length <= 63 && slug === environment) return name;
  return `${name.slice(0, 54).replace(/[-.]+$/, '')}-${hash.toString(16).padStart(8, '0')}`;
}

/** Who holds a deploy: `dana@laptop (pid 1234)`. */
export function holderIdentity(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No user entry (a container): unknown.
  }
  return `${user}@${hostname()} (pid ${process.pid}) ${randomUUID().slice(0, 8)}`;
}

/** The local lock: `.git/driftless/deploy-<lease name>.lock` holding the pid; a lock of a dead process is taken over. */
export function takeLocalLock(gitDir: string, environment: string): { release(): void } | { heldBy: string } {
  const folder = join(gitDir, 'driftless');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${leaseNameOf(environment)}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n${holderIdentity()}\n`);
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch {
      const [pid, holder] = readFileSync(file, 'utf8').split('\n');
      if (pid && isAlive(Number(pid))) return { heldBy: `${holder || `pid ${pid}`} on this machine` };
      rmSync(file, { force: true });
    }
  }
  return { heldBy: 'another deploy on this machine' };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** MicroTime as the API server writes it: RFC 3339 with microseconds. */
function microTime(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

const leasePath = (namespace: string, name?: string) =>
  `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases${name ? `/${encodeURIComponent(name)}` : ''}`;

/** Who holds the Lease now, if anyone does and it has not expired (the plan's check; taking it is `DeployLease.take`). */
export async function leaseHolder(
  client: ClusterClient,
  namespace: string,
  environment: string,
  signal?: AbortSignal,
): Promise<{ holder: string; since?: string } | undefined> {
  const response = await client.request('GET', leasePath(namespace, leaseNameOf(environment)), signal ? { signal } : {});
  if (!response.ok || !isRecord(response.body)) return undefined;
  return activeHolder(response.body);
}

function activeHolder(lease: Json): { holder: string; since?: string } | undefined {
  const spec = isRecord(lease.spec) ? lease.spec : {};
  const holder = typeof spec.holderIdentity === 'string' ? spec.holderIdentity : '';
  if (!holder) return undefined;
  const renewed = Date.parse(scalarText(spec.renewTime ?? spec.acquireTime));
  const seconds = typeof spec.leaseDurationSeconds === 'number' ? spec.leaseDurationSeconds : LEASE_SECONDS;
  if (!Number.isFinite(renewed) || renewed + seconds * 1000 < Date.now()) return undefined;
  return { holder, ...(typeof spec.acquireTime === 'string' ? { since: spec.acquireTime } : {}) };
}

export class DeployLease {
  private resourceVersion = '';
  private renewedAt = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private lostBecause: string | undefined;
  private renewing: Promise<void> | undefined;

  private constructor(
    private readonly client: ClusterClient,
    readonly namespace: string,
    readonly name: string,
    readonly holder: string,
  ) {}

  /** Takes the Lease (made, or taken over when expired); `heldBy` when another deploy holds it. */
  static async take(
    client: ClusterClient,
    namespace: string,
    environment: string,
    options: { onLost?: (why: string) => void } = {},
  ): Promise<DeployLease | { heldBy: string; since?: string } | { error: string }> {
    const lease = new DeployLease(client, namespace, leaseNameOf(environment), holderIdentity());
    const now = microTime();
    const spec = { holderIdentity: lease.holder, leaseDurationSeconds: LEASE_SECONDS, acquireTime: now, renewTime: now };
    const existing = await client.request('GET', leasePath(namespace, lease.name));
    let taken;
    if (!existing.ok && existing.problem === 'not-found') {
      taken = await client.request('POST', leasePath(namespace), {
        body: JSON.stringify({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: lease.name, namespace }, spec }),
      });
    } else if (!existing.ok) {
      return { error: `the deploy Lease ${namespace}/${lease.name} cannot be read: ${existing.message}` };
    } else {
      const body = isRecord(existing.body) ? existing.body : {};
      const active = activeHolder(body);
      if (active) return { heldBy: active.holder, ...(active.since ? { since: active.since } : {}) };
      const metadata = isRecord(body.metadata) ? body.metadata : {};
      // Expired or released: taken over, with its resourceVersion as a precondition (two takers: one gets a 409).
      taken = await client.request('PUT', leasePath(namespace, lease.name), {
        body: JSON.stringify({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: lease.name, namespace, resourceVersion: metadata.resourceVersion },
          spec: {
            ...spec,
            leaseTransitions: (isRecord(body.spec) && typeof body.spec.leaseTransitions === 'number' ? body.spec.leaseTransitions : 0) + 1,
          },
        }),
      });
    }
    if (!taken.ok) {
      if (taken.status === 409) {
        const now = await leaseHolder(client, namespace, environment);
        return { heldBy: now?.holder ?? 'another deploy (it took the Lease a moment ago)' };
      }
      return { error: `the deploy Lease ${namespace}/${lease.name} cannot be taken: ${taken.message}` };
    }
    lease.resourceVersion = scalarText(isRecord(taken.body) && isRecord(taken.body.metadata) ? taken.body.metadata.resourceVersion : '');
    lease.timer = setInterval(() => {
      lease.renewing ??= lease.renew(options.onLost).finally(() => (lease.renewing = undefined));
    }, RENEW_MS);
    lease.timer.unref();
    return lease;
  }

  /** Why it was lost, if it was. */
  get lost(): string | undefined {
    return this.lostBecause;
  }

  private lose(why: string, onLost?: (why: string) => void): void {
    if (this.lostBecause) return;
    this.lostBecause = why;
    clearInterval(this.timer);
    onLost?.(why);
  }

  /** Renews it now; marks it lost when someone else holds it, it is gone, or the cluster stayed away past its term. */
  async renew(onLost?: (why: string) => void): Promise<void> {
    if (this.lostBecause) return;
    const current = await this.client.request('GET', leasePath(this.namespace, this.name));
    if (!current.ok) {
      if (current.problem === 'not-found') return this.lose(`the deploy Lease ${this.namespace}/${this.name} was deleted`, onLost);
      // The cluster away for a moment: the Lease holds until its term ends; past it, another deploy may have taken it.
      if (Date.now() - this.renewedAt > LEASE_SECONDS * 1000)
        return this.lose(
          `the deploy Lease ${this.namespace}/${this.name} could not be renewed for ${LEASE_SECONDS} s (${current.message})`,
          onLost,
        );
      return;
    }
    const body = isRecord(current.body) ? current.body : {};
    const spec = isRecord(body.spec) ? body.spec : {};
    const metadata = isRecord(body.metadata) ? body.metadata : {};
    if (spec.holderIdentity !== this.holder)
      return this.lose(
        `the deploy Lease ${this.namespace}/${this.name} is held by ${scalarText(spec.holderIdentity || 'nobody')} now`,
        onLost,
      );
    const renewed = await this.client.request('PUT', leasePath(this.namespace, this.name), {
      body: JSON.stringify({ ...body, metadata: { ...metadata }, spec: { ...spec, renewTime: microTime() } }),
    });
    if (renewed.ok) {
      this.resourceVersion = scalarText(
        isRecord(renewed.body) && isRecord(renewed.body.metadata) ? renewed.body.metadata.resourceVersion : '',
      );
      this.renewedAt = Date.now();
    } else if (renewed.status === 409)
      return this.lose(`the deploy Lease ${this.namespace}/${this.name} was changed by someone else`, onLost);
  }

  /** Gives it back (deleted, if it is still ours). */
  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing?.catch(() => undefined);
    if (this.lostBecause) return;
    await this.client.request('DELETE', leasePath(this.namespace, this.name), {
      body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: this.resourceVersion } }),
    });
  }
}
