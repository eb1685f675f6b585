// A stand-in for Flux's source-controller and kustomize-controller, playing their part against a real API server: a
// GitRepository is reconciled (its branch resolved in a local bare remote, `status.artifact.revision` set to
// `<branch>@sha1:<commit>`) when its `reconcile.fluxcd.io/requestedAt` changes or its interval passes; a Kustomization
// when requested, when its source's revision moves (unless suspended) or its spec changes: its path rendered at the
// source's revision (kubectl kustomize, post-build substitution, target namespace, the
// `kustomize.toolkit.fluxcd.io/name`+`namespace` labels), applied server-side as field manager `kustomize-controller`,
// pruned by its inventory, waited for when `wait: true` (Deployments rolled out, within `timeout`), and its status
// written as kustomize-controller writes it: the Ready (and Reconciling) condition, lastAppliedRevision,
// lastAttemptedRevision, lastHandledReconcileAt, observedGeneration, inventory. With `helm`, it plays helm-controller
// too: HelmReleases whose chart is in a GitRepository (flux-helm-release.ts). Kept out of the product (test/ only).
import { createHash } from 'node:crypto';
import { isRecord, messageOf, type Json } from './cluster-api';
import { HELM_RELEASE, helmReleaseWantsReconcile, reconcileHelmRelease, type ReleaseStorage } from './flux-helm-release';
import { PollingController, sleep, type PollingControllerOptions } from './polling-controller';
import { exportRevision, kustomize, objectsOf, resolveRevision, substitute, toYaml } from './sources';

export interface FluxTestControllerOptions extends PollingControllerOptions {
  /** GitRepository spec.url → bare repository path. */
  repositories: Record<string, string>;
  kubectl: string;
  /** Namespaces whose Flux objects it reconciles. */
  namespaces: string[];
  /** How often a GitRepository is fetched without being asked (Flux: spec.interval; tests: short). */
  sourceIntervalMs?: number;
  /** The helm binary: HelmReleases are reconciled too (helm-controller's part). */
  helm?: string;
}

const SOURCE = { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'gitrepositories', kind: 'GitRepository' };
const KUSTOMIZATION = { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations', kind: 'Kustomization' };
const MANAGER = 'kustomize-controller';
const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

const record = (value: unknown): Json => (isRecord(value) ? value : {});
const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** `5m`, `30s`, `1h30m` → milliseconds. */
function durationMs(value: unknown, fallback: number): number {
  if (typeof value !== 'string') return fallback;
  let total = 0;
  for (const match of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return total || fallback;
}

function condition(type: string, status: string, reason: string, message: string, generation: unknown): Json {
  return { type, status, reason, message, lastTransitionTime: now(), observedGeneration: typeof generation === 'number' ? generation : 0 };
}

function rolledOut(object: Json): boolean {
  const metadata = record(object.metadata);
  const spec = record(object.spec);
  const status = record(object.status);
  const number = (value: unknown) => (typeof value === 'number' ? value : 0);
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  return (
    number(metadata.generation) <= number(status.observedGeneration) &&
    number(status.updatedReplicas) >= replicas &&
    number(status.replicas) <= number(status.updatedReplicas) &&
    number(status.availableReplicas) >= number(status.updatedReplicas)
  );
}

export class FluxTestController extends PollingController<FluxTestControllerOptions> {
  private readonly fetchedAt = new Map<string, number>();
  private readonly releases: ReleaseStorage = new Map();

  constructor(options: FluxTestControllerOptions) {
    super(options, 'flux test controller');
  }

  protected async tick(): Promise<void> {
    for (const namespace of this.options.namespaces) {
      for (const source of await this.api.list(`${SOURCE.group}/${SOURCE.version}`, SOURCE.kind, namespace))
        await this.reconcileSource(source);
      for (const kustomization of await this.api.list(`${KUSTOMIZATION.group}/${KUSTOMIZATION.version}`, KUSTOMIZATION.kind, namespace)) {
        const key = `${namespace}/${text(record(kustomization.metadata).name)}`;
        if (this.busy.has(key) || !(await this.wantsReconcile(kustomization))) continue;
        this.busy.add(key);
        void this.reconcileKustomization(kustomization)
          .catch((error: unknown) => this.failed(error))
          .finally(() => this.busy.delete(key));
      }
      if (!this.options.helm) continue;
      for (const release of await this.api.list(`${HELM_RELEASE.group}/${HELM_RELEASE.version}`, HELM_RELEASE.kind, namespace)) {
        const key = `helmrelease ${namespace}/${text(record(release.metadata).name)}`;
        if (this.busy.has(key)) continue;
        const source = await this.sourceOf(release, record(record(record(release.spec).chart).spec).sourceRef);
        if (!helmReleaseWantsReconcile(release, source.revision, this.releases)) continue;
        this.busy.add(key);
        const found =
          source.revision && source.commit && source.bare
            ? { revision: source.revision, commit: source.commit, bare: source.bare }
            : undefined;
        void reconcileHelmRelease(this.api, this.options.helm, release, found, this.releases, (message) => this.log(message))
          .catch((error: unknown) => this.failed(error))
          .finally(() => this.busy.delete(key));
      }
    }
  }

  private async reconcileSource(source: Json): Promise<void> {
    const metadata = record(source.metadata);
    const status = record(source.status);
    const key = `${text(metadata.namespace)}/${text(metadata.name)}`;
    const requested = text(record(metadata.annotations)[REQUESTED_AT]);
    const handled = text(status.lastHandledReconcileAt);
    const due = Date.now() - (this.fetchedAt.get(key) ?? 0) >= (this.options.sourceIntervalMs ?? 1000);
    if (
      record(source.spec).suspend === true ||
      (!(requested && requested !== handled) && !due && status.observedGeneration === metadata.generation)
    )
      return;
    this.fetchedAt.set(key, Date.now());
    const spec = record(source.spec);
    const bare = this.options.repositories[text(spec.url)];
    const branch = text(record(spec.ref).branch) || 'main';
    const commit = bare ? await resolveRevision(bare, text(record(spec.ref).commit) || branch) : undefined;
    const ready = commit
      ? condition('Ready', 'True', 'Succeeded', `stored artifact for revision '${branch}@sha1:${commit}'`, metadata.generation)
      : condition(
          'Ready',
          'False',
          'GitOperationFailed',
          `failed to checkout and determine revision: ${bare ? `no branch ${branch}` : `unknown repository ${text(spec.url)}`}`,
          metadata.generation,
        );
    const revision = commit ? `${branch}@sha1:${commit}` : undefined;
    if (
      text(record(status.artifact).revision) === revision &&
      handled === (requested || handled) &&
      status.observedGeneration === metadata.generation
    )
      return;
    await this.api.mergeStatus(SOURCE.group, SOURCE.version, SOURCE.plural, text(metadata.namespace), text(metadata.name), {
      observedGeneration: metadata.generation,
      conditions: [ready],
      ...(revision
        ? {
            artifact: {
              revision,
              // The CRD requires it: source-controller's sha256 of the tarball (here of the commit: no tarball is made).
              digest: `sha256:${createHash('sha256').update(commit!).digest('hex')}`,
              path: `gitrepository/${key}/${commit}.tar.gz`,
              url: `http://source-controller.invalid/${key}.tar.gz`,
              lastUpdateTime: now(),
            },
          }
        : {}),
      ...(requested ? { lastHandledReconcileAt: requested } : {}),
    });
  }

  /** The GitRepository an object's sourceRef (default: a Kustomization's spec.sourceRef) names, and its artifact. */
  private async sourceOf(
    kustomization: Json,
    sourceRef: unknown = record(kustomization.spec).sourceRef,
  ): Promise<{ object?: Json; revision?: string; commit?: string; bare?: string; branch?: string }> {
    const metadata = record(kustomization.metadata);
    const reference = record(sourceRef);
    if (reference.kind !== undefined && reference.kind !== SOURCE.kind) return {};
    const source = await this.api.get(
      `${SOURCE.group}/${SOURCE.version}`,
      SOURCE.kind,
      text(reference.namespace) || text(metadata.namespace),
      text(reference.name),
    );
    if (!source) return {};
    const revision = text(record(record(source.status).artifact).revision) || undefined;
    const spec = record(source.spec);
    return {
      object: source,
      ...(revision ? { revision, commit: revision.replace(/^.*sha1:/, '') } : {}),
      ...(this.options.repositories[text(spec.url)] ? { bare: this.options.repositories[text(spec.url)]! } : {}),
      branch: text(record(spec.ref).branch) || 'main',
    };
  }

  private async wantsReconcile(kustomization: Json): Promise<boolean> {
    const metadata = record(kustomization.metadata);
    const status = record(kustomization.status);
    const requested = text(record(metadata.annotations)[REQUESTED_AT]);
    if (requested && requested !== text(status.lastHandledReconcileAt)) return true;
    if (record(kustomization.spec).suspend === true) return false;
    if (status.observedGeneration !== metadata.generation) return true;
    const source = await this.sourceOf(kustomization);
    return !!source.revision && source.revision !== text(status.lastAttemptedRevision);
  }

  private async reconcileKustomization(kustomization: Json): Promise<void> {
    const metadata = record(kustomization.metadata);
    const spec = record(kustomization.spec);
    const namespace = text(metadata.namespace);
    const name = text(metadata.name);
    const requested = text(record(metadata.annotations)[REQUESTED_AT]);
    const generation = metadata.generation;
    const previous = record(kustomization.status);
    const write = (status: Json) =>
      this.api.mergeStatus(KUSTOMIZATION.group, KUSTOMIZATION.version, KUSTOMIZATION.plural, namespace, name, {
        observedGeneration: generation,
        ...(requested ? { lastHandledReconcileAt: requested } : {}),
        ...status,
      });
    // Suspended: a request is handled (nothing applied), as kustomize-controller skips suspended objects.
    if (spec.suspend === true) return void (await write({}));
    for (const dependency of Array.isArray(spec.dependsOn) ? spec.dependsOn.filter(isRecord) : []) {
      const other = await this.api.get(
        `${KUSTOMIZATION.group}/${KUSTOMIZATION.version}`,
        KUSTOMIZATION.kind,
        text(dependency.namespace) || namespace,
        text(dependency.name),
      );
      const ready = (
        Array.isArray(record(other?.status).conditions) ? (record(other?.status).conditions as unknown[]).filter(isRecord) : []
      ).find((c) => c.type === 'Ready');
      if (ready?.status !== 'True')
        return void (await write({
          conditions: [
            condition(
              'Ready',
              'False',
              'DependencyNotReady',
              `dependency '${text(dependency.namespace) || namespace}/${text(dependency.name)}' is not ready`,
              generation,
            ),
          ],
        }));
    }
    const source = await this.sourceOf(kustomization);
    if (!source.revision || !source.bare || !source.commit)
      return void (await write({
        conditions: [condition('Ready', 'False', 'ArtifactFailed', 'Source artifact not found, retrying in 30s', generation)],
      }));
    await write({
      conditions: [
        condition('Reconciling', 'True', 'Progressing', `Building manifests for revision ${source.revision}`, generation),
        condition('Ready', 'Unknown', 'Progressing', `Reconciliation in progress`, generation),
      ],
    });
    const tree = await exportRevision(source.bare, source.commit);
    let objects: Json[];
    try {
      const built = await kustomize(this.options.kubectl, tree.folder, text(spec.path) || '.');
      const variables = Object.fromEntries(Object.entries(record(record(spec.postBuild).substitute)).map(([k, v]) => [k, text(v)]));
      objects = objectsOf(substitute(toYaml(built), variables));
    } catch (error) {
      return void (await write({
        lastAttemptedRevision: source.revision,
        conditions: [condition('Ready', 'False', 'BuildFailed', `kustomize build failed: ${messageOf(error)}`, generation)],
      }));
    } finally {
      tree.done();
    }
    const targetNamespace = text(spec.targetNamespace);
    const inventory: string[] = [];
    try {
      for (const object of objects) {
        const objectMetadata = record(object.metadata);
        const cluster = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition'].includes(text(object.kind));
        if (!cluster && targetNamespace) objectMetadata.namespace = targetNamespace;
        objectMetadata.labels = {
          ...record(objectMetadata.labels),
          'kustomize.toolkit.fluxcd.io/name': name,
          'kustomize.toolkit.fluxcd.io/namespace': namespace,
        };
        object.metadata = objectMetadata;
        await this.api.apply(object, MANAGER);
        const group = text(object.apiVersion).includes('/') ? text(object.apiVersion).split('/')[0] : '';
        inventory.push(
          `${cluster ? '' : text(objectMetadata.namespace)}_${text(objectMetadata.name)}_${group}_${text(object.kind)}|${text(object.apiVersion)}`,
        );
      }
    } catch (error) {
      return void (await write({
        lastAttemptedRevision: source.revision,
        conditions: [condition('Ready', 'False', 'ReconciliationFailed', `apply failed: ${messageOf(error)}`, generation)],
      }));
    }
    if (spec.prune === true) {
      const before = (
        Array.isArray(record(previous.inventory).entries) ? (record(previous.inventory).entries as unknown[]).filter(isRecord) : []
      ).map((entry) => `${text(entry.id)}|${text(entry.v)}`);
      for (const old of before) {
        if (inventory.some((entry) => entry.split('|')[0] === old.split('|')[0])) continue;
        const [id, version] = old.split('|') as [string, string];
        const [objectNamespace, objectName, group, kind] = id.split('_') as [string, string, string, string];
        await this.api.remove(group ? `${group}/${version}` : version, kind, objectNamespace || undefined, objectName);
        this.log(`${namespace}/${name}: pruned ${kind} ${objectName}`);
      }
    }
    const entries = inventory.map((entry) => ({ id: entry.split('|')[0], v: entry.split('|')[1]!.split('/').pop() }));
    if (spec.wait === true) {
      const deadline = Date.now() + durationMs(spec.timeout, 5 * 60_000);
      const deployments = objects.filter((o) => o.kind === 'Deployment');
      for (;;) {
        const states = await Promise.all(
          deployments.map((d) =>
            this.api.get(text(d.apiVersion), 'Deployment', text(record(d.metadata).namespace), text(record(d.metadata).name)),
          ),
        );
        if (states.every((state) => state && rolledOut(state))) break;
        if (Date.now() > deadline || this.stopped)
          return void (await write({
            lastAttemptedRevision: source.revision,
            inventory: { entries },
            conditions: [
              condition(
                'Ready',
                'False',
                'HealthCheckFailed',
                `Health check failed after ${text(spec.timeout) || '5m'}: timeout waiting for: [Deployment status: 'InProgress']`,
                generation,
              ),
            ],
          }));
        await sleep(500);
      }
    }
    await write({
      lastAppliedRevision: source.revision,
      lastAttemptedRevision: source.revision,
      inventory: { entries },
      conditions: [condition('Ready', 'True', 'ReconciliationSucceeded', `Applied revision: ${source.revision}`, generation)],
    });
    this.log(`${namespace}/${name}: applied ${source.revision}`);
  }
}
