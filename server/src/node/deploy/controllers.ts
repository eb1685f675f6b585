// Syncing an environment's GitOps controller to a revision and following it until it is healthy, it fails, the time
// runs out or the deploy is stopped — as the controllers' own CLIs do:
// - Argo CD through the Kubernetes API, as `argocd app sync --core`: a merge patch of the Application's `operation`
//   (the revision, prune, an info entry marking it as this deploy's), then `status.operationState`, `status.sync` and
//   `status.health` followed;
// - Argo CD through argocd-server's REST API (`POST /api/v1/applications/{name}/sync`, then `GET` of the Application),
//   with a bearer token, when the environment names the server;
// - Flux, as `flux reconcile kustomization --with-source`: `reconcile.fluxcd.io/requestedAt` on the source, followed
//   until it has the revision, then on the Kustomization (or HelmRelease), followed through `lastHandledReconcileAt`,
//   `Ready` and `lastAppliedRevision` — with, between the two, the parent Kustomization that applies the object itself
//   (its kustomize.toolkit.fluxcd.io labels), so that a change of the object's own manifest is applied. Annotations
//   and `spec.suspend` are written as the flux CLI writes them (field manager flux-client-side-apply), so a parent
//   Kustomization does not strip them.
// Auto-sync is suspended and resumed here too: Argo CD's `syncPolicy.automated` is kept in an annotation and removed
// (put back on resume); Flux's `spec.suspend` is set and cleared.
import { randomUUID } from 'node:crypto';
import { argoSyncState, fluxReconcileState, isRevision, OPERATION_MARK, type SyncState } from '../../engine/deploy/controller-sync';
import { describeController, type Controller } from '../../engine/deploy/deploy-target';
import { isRecord, scalarText, type Json } from '../../engine/json';
import type { ClusterClient, ClusterResponse } from '../cluster/cluster-client';
import { Discovery } from '../cluster/discovery';

export interface SyncOutcome {
  outcome: 'healthy' | 'failed' | 'timed-out' | 'stopped';
  state: SyncState;
  /** Why it stopped early. */
  stopped?: string;
  /** What the controller said when it did not finish (conditions, messages). */
  known?: string[];
}

export interface SyncOptions {
  revision: string;
  prune: boolean;
  who: string;
  deadline: number;
  signal?: AbortSignal;
  stop?: () => string | undefined;
  progress?: (message: string) => void;
}

export interface ControllerDriver {
  readonly controller: Controller;
  /** The controller object now; null when it is not there. */
  read(signal?: AbortSignal): Promise<Json | null | ReadFailure>;
  sync(options: SyncOptions): Promise<SyncOutcome | { error: string }>;
  /** Stops it from applying new revisions; returns how to resume it by hand. */
  suspend(): Promise<{ resume: string } | { error: string }>;
  resume(): Promise<{ error: string } | undefined>;
}

/** Where an Argo CD REST call goes, and with which token (from VS Code's secret storage, or ARGOCD_AUTH_TOKEN). */
export interface ArgoCdServerAccess {
  token?: string;
  timeoutMs?: number;
}

/** A read that failed; `needsToken`: argocd-server wants a (new) token (401). */
export interface ReadFailure {
  error: string;
  needsToken?: boolean;
}

/** Whether what `read` gave is a failure (controller objects always carry their kind). */
export function readFailed(value: Json | null | ReadFailure | undefined): value is ReadFailure {
  return !!value && 'error' in value && !('kind' in value);
}

const SUSPENDED_AUTOMATED = 'driftless.dev/suspended-automated';
const POLL_MS = 1_000;
const FLUX_FIELD_MANAGER = 'flux-client-side-apply';

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

const record = (value: unknown): Json => (isRecord(value) ? value : {});

/** Follows `read` until `judge` says healthy or failed, the deadline passes, or the deploy is stopped. */
async function follow(
  read: () => Promise<Json | null | { error: string }>,
  judge: (object: Json) => SyncState,
  options: SyncOptions,
  known: (object: Json | undefined) => string[],
): Promise<SyncOutcome | { error: string }> {
  let last: Json | undefined;
  let state: SyncState = { phase: 'pending', message: 'not read yet' };
  for (;;) {
    const object = await read();
    if (readFailed(object)) {
      if (options.signal?.aborted) return { outcome: 'stopped', stopped: 'cancelled', state };
      return { error: object.error };
    }
    if (object === null) return { error: 'the controller object is gone from the cluster' };
    last = object;
    state = judge(last);
    options.progress?.(state.message);
    if (state.phase === 'healthy') return { outcome: 'healthy', state };
    if (state.phase === 'failed') return { outcome: 'failed', state, known: known(last) };
    const stopped = options.signal?.aborted ? 'cancelled' : options.stop?.();
    if (stopped) return { outcome: 'stopped', stopped, state };
    if (Date.now() >= options.deadline) return { outcome: 'timed-out', state, known: known(last) };
    await sleep(POLL_MS, options.signal);
  }
}

function argoKnown(application: Json | undefined): string[] {
  if (!application) return [];
  const status = record(application.status);
  const lines: string[] = [];
  const operationState = record(status.operationState);
  if (typeof operationState.message === 'string') lines.push(`operation ${scalarText(operationState.phase)}: ${operationState.message}`);
  const health = record(status.health);
  if (typeof health.message === 'string') lines.push(`health ${scalarText(health.status)}: ${health.message}`);
  for (const condition of Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : [])
    lines.push(`condition ${scalarText(condition.type)}: ${scalarText(condition.message)}`);
  for (const resource of Array.isArray(status.resources) ? status.resources.filter(isRecord) : []) {
    const resourceHealth = record(resource.health);
    if (resourceHealth.status && resourceHealth.status !== 'Healthy')
      lines.push(
        `${scalarText(resource.kind)} ${resource.namespace ? `${scalarText(resource.namespace)}/` : ''}${scalarText(resource.name)}: ${scalarText(resourceHealth.status)}${resourceHealth.message ? ` (${scalarText(resourceHealth.message)})` : ''}`,
      );
  }
  return lines;
}

function fluxKnown(object: Json | undefined): string[] {
  if (!object) return [];
  const conditions = Array.isArray(record(object.status).conditions)
    ? (record(object.status).conditions as unknown[]).filter(isRecord)
    : [];
  return conditions.map(
    (c) =>
      `condition ${scalarText(c.type)}=${scalarText(c.status)}${c.reason ? ` (${scalarText(c.reason)})` : ''}${c.message ? `: ${scalarText(c.message)}` : ''}`,
  );
}

function failureText(response: ClusterResponse): string {
  return response.ok ? '' : response.message;
}

/** Argo CD through the Kubernetes API (`argocd app sync --core`). */
class ArgoKubernetesDriver implements ControllerDriver {
  constructor(
    readonly controller: Extract<Controller, { kind: 'argocd' }>,
    private readonly client: ClusterClient,
    private readonly discovery: Discovery,
  ) {}

  private path(): string | { error: string } {
    const resource = this.discovery.anyVersionOf('argoproj.io', 'Application');
    if (!resource) return { error: 'the cluster serves no Argo CD Application (its CustomResourceDefinition is not installed)' };
    return Discovery.pathOf(resource, this.controller.namespace, this.controller.application);
  }

  async read(signal?: AbortSignal): Promise<Json | null | ReadFailure> {
    const path = this.path();
    if (typeof path !== 'string') return path;
    const response = await this.client.request('GET', path, signal ? { signal } : {});
    if (response.ok) return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...record(response.body) };
    return response.problem === 'not-found' ? null : { error: response.message };
  }

  private patch(body: Json): Promise<ClusterResponse> {
    return this.client.request('PATCH', this.path() as string, {
      query: { fieldManager: 'driftless' },
      body: JSON.stringify(body),
      contentType: 'application/merge-patch+json',
    });
  }

  async sync(options: SyncOptions): Promise<SyncOutcome | { error: string }> {
    const mark = randomUUID();
    const named = describeController(this.controller);
    // An operation already running (an auto-sync, someone's sync) finishes first; the patch carries the
    // resourceVersion read, so one that starts in between makes it fail (409) and it is tried again.
    for (;;) {
      const current = await this.read(options.signal);
      if (current === null) return { error: `${named} is not in the cluster` };
      if (readFailed(current)) return { error: current.error };
      const stopped = options.signal?.aborted ? 'cancelled' : options.stop?.();
      if (stopped) return { outcome: 'stopped', stopped, state: { phase: 'pending', message: 'the sync was not asked for' } };
      const running = current.operation || record(record(current.status).operationState).phase === 'Running';
      if (running) {
        if (Date.now() >= options.deadline)
          return { error: `${named} had another operation in progress until the time ran out: the sync was not asked for` };
        options.progress?.('waiting for the operation in progress to finish');
        await sleep(POLL_MS, options.signal);
        continue;
      }
      const spec = record(current.spec);
      const syncOptions = record(spec.syncPolicy).syncOptions;
      const patched = await this.patch({
        metadata: { resourceVersion: record(current.metadata).resourceVersion },
        operation: {
          initiatedBy: { username: options.who },
          info: [{ name: OPERATION_MARK, value: mark }],
          sync: { revision: options.revision, prune: options.prune, ...(Array.isArray(syncOptions) ? { syncOptions } : {}) },
        },
      });
      if (!patched.ok && patched.status === 409) continue;
      if (!patched.ok) return { error: `the sync of ${named} could not be asked for: ${failureText(patched)}` };
      break;
    }
    return follow(
      () => this.read(options.signal),
      (object) => argoSyncState(object, mark, options.revision),
      options,
      argoKnown,
    );
  }

  async suspend(): Promise<{ resume: string } | { error: string }> {
    const current = await this.read();
    if (!current || readFailed(current)) return { error: current ? current.error : 'the Application is not in the cluster' };
    const automated = record(record(current.spec).syncPolicy).automated;
    const patched = await this.patch({
      metadata: { annotations: { [SUSPENDED_AUTOMATED]: JSON.stringify(automated ?? {}) } },
      spec: { syncPolicy: { automated: null } },
    });
    if (!patched.ok)
      return { error: `auto-sync of ${describeController(this.controller)} could not be suspended: ${failureText(patched)}` };
    return {
      resume: `kubectl -n ${this.controller.namespace} patch application ${this.controller.application} --type merge -p '{"spec":{"syncPolicy":{"automated":${JSON.stringify(automated ?? {})}}}}'`,
    };
  }

  async resume(): Promise<{ error: string } | undefined> {
    const current = await this.read();
    if (!current || readFailed(current)) return { error: current ? current.error : 'the Application is not in the cluster' };
    const kept = record(record(current.metadata).annotations)[SUSPENDED_AUTOMATED];
    let automated: unknown = {};
    try {
      automated = typeof kept === 'string' ? JSON.parse(kept) : {};
    } catch {
      // An annotation someone edited: plain auto-sync.
    }
    const patched = await this.patch({
      metadata: { annotations: { [SUSPENDED_AUTOMATED]: null } },
      spec: { syncPolicy: { automated: isRecord(automated) ? automated : {} } },
    });
    return patched.ok ? undefined : { error: `auto-sync could not be resumed: ${failureText(patched)}` };
  }
}

/** Argo CD through argocd-server's REST API. */
class ArgoServerDriver implements ControllerDriver {
  constructor(
    readonly controller: Extract<Controller, { kind: 'argocd' }> & { server: string },
    private readonly access: ArgoCdServerAccess,
  ) {}

  private async call(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<{ ok: true; body: Json } | { ok: false; status: number; error: string }> {
    const url = `${this.controller.server}/api/v1/applications/${encodeURIComponent(this.controller.application)}${path}`;
    const query = method === 'GET' ? `?appNamespace=${encodeURIComponent(this.controller.namespace)}` : '';
    const signals = [AbortSignal.timeout(this.access.timeoutMs ?? 30_000), ...(signal ? [signal] : [])];
    let response: Response;
    try {
      response = await fetch(url + query, {
        method,
        headers: {
          accept: 'application/json',
          ...(this.access.token ? { authorization: `Bearer ${this.access.token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      return { ok: false, status: 0, error: `argocd-server at ${this.controller.server} cannot be reached (${cause})` };
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = text;
    }
    if (response.ok) return { ok: true, body: record(parsed) };
    const said =
      isRecord(parsed) && typeof parsed.message === 'string' ? parsed.message : typeof parsed === 'string' ? parsed.slice(0, 200) : '';
    const token = this.access.token;
    const clean = token && token.length >= 4 ? said.split(token).join('***') : said;
    const error =
      response.status === 401
        ? token
          ? `argocd-server at ${this.controller.server} refused the token (401${clean ? `: ${clean}` : ''}): it is expired or revoked — make a new one with argocd account generate-token`
          : `argocd-server at ${this.controller.server} needs a token (401${clean ? `: ${clean}` : ''}): set ARGOCD_AUTH_TOKEN (argocd account generate-token), or in VS Code run "Driftless: Set Argo CD Token…"`
        : response.status === 403
          ? `argocd-server does not let this token sync ${this.controller.application} (403${clean ? `: ${clean}` : ''})`
          : `argocd-server answered ${response.status}${clean ? `: ${clean}` : ''}`;
    return { ok: false, status: response.status, error };
  }

  async read(signal?: AbortSignal): Promise<Json | null | ReadFailure> {
    const got = await this.call('GET', '', undefined, signal);
    if (got.ok) return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...got.body };
    return got.status === 404 ? null : { error: got.error, ...(got.status === 401 ? { needsToken: true } : {}) };
  }

  async sync(options: SyncOptions): Promise<SyncOutcome | { error: string }> {
    const mark = randomUUID();
    const named = describeController(this.controller);
    // As through the Kubernetes API: an operation in progress (an auto-sync of the same push) finishes first;
    // argocd-server refuses a sync meanwhile ("another operation is already in progress"), and it is asked again.
    for (;;) {
      const current = await this.read(options.signal);
      if (current === null) return { error: `${named} is not known to argocd-server` };
      if (readFailed(current)) return { error: current.error };
      const stopped = options.signal?.aborted ? 'cancelled' : options.stop?.();
      if (stopped) return { outcome: 'stopped', stopped, state: { phase: 'pending', message: 'the sync was not asked for' } };
      const running = current.operation || record(record(current.status).operationState).phase === 'Running';
      if (!running) {
        const asked = await this.call('POST', '/sync', {
          revision: options.revision,
          prune: options.prune,
          appNamespace: this.controller.namespace,
          infos: [{ name: OPERATION_MARK, value: mark }],
        });
        if (asked.ok) break;
        if (!(asked.status === 400 && /another operation is already in progress/.test(asked.error)))
          return { error: `the sync of ${named} was refused: ${asked.error}` };
      }
      if (Date.now() >= options.deadline)
        return { error: `${named} had another operation in progress until the time ran out: the sync was not asked for` };
      options.progress?.('waiting for the operation in progress to finish');
      await sleep(POLL_MS, options.signal);
    }
    return follow(
      () => this.read(options.signal),
      (object) => argoSyncState(object, mark, options.revision),
      options,
      argoKnown,
    );
  }

  private async patchSpec(patch: Json): Promise<{ error: string } | undefined> {
    const done = await this.call('PATCH', '', {
      name: this.controller.application,
      appNamespace: this.controller.namespace,
      patch: JSON.stringify(patch),
      patchType: 'merge',
    });
    return done.ok ? undefined : { error: done.error };
  }

  async suspend(): Promise<{ resume: string } | { error: string }> {
    const current = await this.read();
    if (!current || readFailed(current)) return { error: current ? current.error : 'the Application is not known to argocd-server' };
    const automated = record(record(current.spec).syncPolicy).automated;
    const failed = await this.patchSpec({
      metadata: { annotations: { [SUSPENDED_AUTOMATED]: JSON.stringify(automated ?? {}) } },
      spec: { syncPolicy: { automated: null } },
    });
    return failed ?? { resume: `argocd app set ${this.controller.application} --sync-policy automated` };
  }

  async resume(): Promise<{ error: string } | undefined> {
    const current = await this.read();
    if (!current || readFailed(current)) return { error: current ? current.error : 'the Application is not known to argocd-server' };
    let automated: unknown = {};
    try {
      automated = JSON.parse(scalarText(record(record(current.metadata).annotations)[SUSPENDED_AUTOMATED]) || '{}');
    } catch {
      // Edited by someone: plain auto-sync.
    }
    return this.patchSpec({
      metadata: { annotations: { [SUSPENDED_AUTOMATED]: null } },
      spec: { syncPolicy: { automated: isRecord(automated) ? automated : {} } },
    });
  }
}

const FLUX_GROUPS: Record<string, string> = {
  Kustomization: 'kustomize.toolkit.fluxcd.io',
  HelmRelease: 'helm.toolkit.fluxcd.io',
  GitRepository: 'source.toolkit.fluxcd.io',
  OCIRepository: 'source.toolkit.fluxcd.io',
  Bucket: 'source.toolkit.fluxcd.io',
  HelmRepository: 'source.toolkit.fluxcd.io',
  HelmChart: 'source.toolkit.fluxcd.io',
};

/** Flux (`flux reconcile … --with-source`). */
class FluxDriver implements ControllerDriver {
  constructor(
    readonly controller: Extract<Controller, { kind: 'flux' }>,
    private readonly client: ClusterClient,
    private readonly discovery: Discovery,
  ) {}

  private pathOf(kind: string, namespace: string, name: string): string | { error: string } {
    const group = FLUX_GROUPS[kind];
    const resource = group ? this.discovery.anyVersionOf(group, kind) : undefined;
    if (!resource) return { error: `the cluster serves no Flux ${kind} (its CustomResourceDefinition is not installed)` };
    return Discovery.pathOf(resource, namespace, name);
  }

  private async readObject(kind: string, namespace: string, name: string, signal?: AbortSignal): Promise<Json | null | { error: string }> {
    const path = this.pathOf(kind, namespace, name);
    if (typeof path !== 'string') return path;
    const response = await this.client.request('GET', path, signal ? { signal } : {});
    if (response.ok) return { kind, ...record(response.body) };
    return response.problem === 'not-found' ? null : { error: response.message };
  }

  read(signal?: AbortSignal): Promise<Json | null | { error: string }> {
    return this.readObject(this.controller.fluxKind, this.controller.namespace, this.controller.name, signal);
  }

  private async merge(kind: string, namespace: string, name: string, patch: Json): Promise<string | undefined> {
    const path = this.pathOf(kind, namespace, name);
    if (typeof path !== 'string') return path.error;
    const response = await this.client.request('PATCH', path, {
      query: { fieldManager: FLUX_FIELD_MANAGER },
      body: JSON.stringify(patch),
      contentType: 'application/merge-patch+json',
    });
    return response.ok ? undefined : response.message;
  }

  async sync(options: SyncOptions): Promise<SyncOutcome | { error: string }> {
    const object = await this.read(options.signal);
    if (object === null) return { error: `${describeController(this.controller)} is not in the cluster` };
    if (readFailed(object)) return { error: object.error };
    const token = new Date().toISOString().replace(/\.\d+Z$/, `.${String(process.hrtime.bigint() % 1_000_000_000n).padStart(9, '0')}Z`);
    const source = this.controller.source;
    if (source && FLUX_GROUPS[source.kind]) {
      options.progress?.(`reconciling ${source.kind} ${source.namespace}/${source.name}`);
      const failed = await this.merge(source.kind, source.namespace, source.name, {
        metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } },
      });
      if (failed) return { error: `${source.kind} ${source.namespace}/${source.name} could not be asked to reconcile: ${failed}` };
      // The source must have fetched the revision before the Kustomization can apply it.
      const fetched = await follow(
        () => this.readObject(source.kind, source.namespace, source.name, options.signal),
        (sourceObject) => {
          const state = fluxReconcileState(sourceObject, token);
          const artifact = record(record(sourceObject.status).artifact).revision;
          if (
            state.phase === 'healthy' &&
            source.kind === 'GitRepository' &&
            !isRevision(typeof artifact === 'string' ? artifact : undefined, options.revision)
          )
            return {
              ...state,
              phase: 'failed',
              message: `${source.kind} ${source.name} fetched ${scalarText(artifact)}, not ${options.revision.slice(0, 12)}: is the commit on the branch it follows?`,
            };
          return state;
        },
        options,
        fluxKnown,
      );
      if ('error' in fetched || fetched.outcome !== 'healthy') return fetched;
    }
    // The object itself comes from git through a parent Kustomization (its kustomize.toolkit.fluxcd.io labels): the
    // parent applies the revision first, so that a change of the object's own manifest (a HelmRelease's values)
    // reaches the cluster before the object is asked to reconcile.
    const labels = record(record(record(object).metadata).labels);
    const parent = {
      name: scalarText(labels['kustomize.toolkit.fluxcd.io/name']),
      namespace: scalarText(labels['kustomize.toolkit.fluxcd.io/namespace']),
    };
    if (
      parent.name &&
      parent.namespace &&
      !(
        this.controller.fluxKind === 'Kustomization' &&
        parent.name === this.controller.name &&
        parent.namespace === this.controller.namespace
      )
    ) {
      options.progress?.(
        `reconciling Kustomization ${parent.namespace}/${parent.name}, which applies ${describeController(this.controller)}`,
      );
      const asked = await this.merge('Kustomization', parent.namespace, parent.name, {
        metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } },
      });
      if (asked) return { error: `Kustomization ${parent.namespace}/${parent.name} could not be asked to reconcile: ${asked}` };
      const applied = await follow(
        () => this.readObject('Kustomization', parent.namespace, parent.name, options.signal),
        (parentObject) => fluxReconcileState(parentObject, token, options.revision),
        options,
        fluxKnown,
      );
      if ('error' in applied || applied.outcome !== 'healthy') return applied;
    }
    const failed = await this.merge(this.controller.fluxKind, this.controller.namespace, this.controller.name, {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } },
    });
    if (failed) return { error: `${describeController(this.controller)} could not be asked to reconcile: ${failed}` };
    const revision = this.controller.fluxKind === 'Kustomization' ? options.revision : undefined;
    return follow(
      () => this.read(options.signal),
      (current) => fluxReconcileState(current, token, revision),
      options,
      fluxKnown,
    );
  }

  async suspend(): Promise<{ resume: string } | { error: string }> {
    const failed = await this.merge(this.controller.fluxKind, this.controller.namespace, this.controller.name, { spec: { suspend: true } });
    if (failed) return { error: `${describeController(this.controller)} could not be suspended: ${failed}` };
    return {
      resume: `flux resume ${this.controller.fluxKind === 'Kustomization' ? 'kustomization' : 'helmrelease'} ${this.controller.name} -n ${this.controller.namespace}`,
    };
  }

  async resume(): Promise<{ error: string } | undefined> {
    const failed = await this.merge(this.controller.fluxKind, this.controller.namespace, this.controller.name, {
      spec: { suspend: false },
    });
    return failed ? { error: `${describeController(this.controller)} could not be resumed: ${failed}` } : undefined;
  }
}

export function controllerDriver(
  controller: Controller,
  client: ClusterClient,
  discovery: Discovery,
  argocd: ArgoCdServerAccess = {},
): ControllerDriver {
  if (controller.kind === 'flux') return new FluxDriver(controller, client, discovery);
  if (controller.server) return new ArgoServerDriver({ ...controller, server: controller.server }, argocd);
  return new ArgoKubernetesDriver(controller, client, discovery);
}
