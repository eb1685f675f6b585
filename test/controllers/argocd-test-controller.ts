// A stand-in for Argo CD's application controller (no Argo CD controller builds from the Go module proxy): it plays
// its part against a real API server. On an Application's `operation.sync` (what `argocd app sync --core` and
// argocd-server write), or — with `syncPolicy.automated` — when the branch it follows moves, it renders the source at
// the revision from a local bare remote (kubectl kustomize, the Application's kustomize options laid over), applies it
// server-side as field manager `argocd-controller` with the tracking annotation, prunes what it tracked and no longer
// renders when asked, and writes the status fields as the real controller does: `operationState` (phase, message,
// syncResult, the operation with its info), `sync`, `health` (from the Deployments' rollouts), `resources`,
// `history`, and clears `operation` when done. Kept out of the product (test/ only).
import { isRecord, messageOf, statusOf, type Json } from './cluster-api';
import { PollingController, type PollingControllerOptions } from './polling-controller';
import { exportRevision, kustomize, resolveRevision } from './sources';

export interface ArgoCdTestControllerOptions extends PollingControllerOptions {
  /** The namespace Applications live in. */
  namespace: string;
  /** repoURL → bare repository path. */
  repositories: Record<string, string>;
  kubectl: string;
}

const MANAGER = 'argocd-controller';
const STATUS_MANAGER = 'argocd-application-controller';
const APPLICATION = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' };

const record = (value: unknown): Json => (isRecord(value) ? value : {});
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const text = (value: unknown, fallback = ''): string =>
  typeof value === 'string' && value ? value : typeof value === 'number' ? String(value) : fallback;

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/** What Argo CD's health assessment says of a Deployment (gitops-engine pkg/health/health_deployment.go). */
function deploymentHealth(object: Json): { status: string; message?: string } {
  const metadata = record(object.metadata);
  const spec = record(object.spec);
  const status = record(object.status);
  const number = (value: unknown) => (typeof value === 'number' ? value : 0);
  if (number(metadata.generation) > number(status.observedGeneration))
    return { status: 'Progressing', message: 'Waiting for rollout to finish: observed deployment generation less than desired generation' };
  const progressing = (Array.isArray(status.conditions) ? status.conditions.filter(isRecord) : []).find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return { status: 'Degraded', message: `Deployment "${String(metadata.name)}" exceeded its progress deadline` };
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  if (number(status.updatedReplicas) < replicas)
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${number(status.updatedReplicas)} out of ${replicas} new replicas have been updated...`,
    };
  if (number(status.replicas) > number(status.updatedReplicas))
    return { status: 'Progressing', message: 'Waiting for rollout to finish: old replicas are pending termination...' };
  if (number(status.availableReplicas) < number(status.updatedReplicas))
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${number(status.availableReplicas)} of ${number(status.updatedReplicas)} updated replicas are available...`,
    };
  return { status: 'Healthy' };
}

export class ArgoCdTestController extends PollingController<ArgoCdTestControllerOptions> {
  /** Per Application: the resources it last applied (for prune) and the revision of its last automated attempt. */
  private readonly attempted = new Map<string, string>();

  constructor(options: ArgoCdTestControllerOptions) {
    super(options, 'argocd test controller');
  }

  protected async tick(): Promise<void> {
    const applications = await this.api.list(APPLICATION.apiVersion, APPLICATION.kind, this.options.namespace);
    for (const application of applications) {
      const name = String(record(application.metadata).name);
      if (this.busy.has(name)) continue;
      const operation = record(application.operation);
      const sync = record(operation.sync);
      if (application.operation && sync) {
        this.busy.add(name);
        void this.sync(application, operation)
          .catch((error: unknown) => this.failed(error))
          .finally(() => this.busy.delete(name));
        continue;
      }
      await this.refresh(application);
    }
  }

  private repositoryOf(application: Json): { bare: string; source: Json } | undefined {
    const source = record(record(application.spec).source);
    const bare = this.options.repositories[String(source.repoURL)];
    return bare ? { bare, source } : undefined;
  }

  /** Health and sync status now; an automated sync when the branch moved. */
  private async refresh(application: Json): Promise<void> {
    const name = String(record(application.metadata).name);
    const found = this.repositoryOf(application);
    if (!found) return;
    const tip = await resolveRevision(found.bare, text(found.source.targetRevision, 'HEAD'));
    const status = record(application.status);
    const synced = text(record(status.sync).revision);
    const automated = record(record(record(application.spec).syncPolicy).automated);
    const isAutomated = isRecord(record(record(application.spec).syncPolicy).automated) && automated.enabled !== false;
    if (tip && isAutomated && tip !== synced && this.attempted.get(name) !== tip) {
      // As the real controller: an automated sync is an operation like any other, initiated by "automated".
      this.attempted.set(name, tip);
      this.log(`${name}: auto-sync to ${tip.slice(0, 8)}`);
      try {
        await this.api.merge(
          APPLICATION.apiVersion,
          APPLICATION.kind,
          this.options.namespace,
          name,
          {
            metadata: { resourceVersion: record(application.metadata).resourceVersion },
            operation: { sync: { revision: tip, prune: automated.prune === true }, initiatedBy: { automated: true } },
          },
          STATUS_MANAGER,
        );
      } catch (error) {
        // Someone asked for an operation meanwhile (409): theirs goes first; the next look decides again.
        if (statusOf(error) !== 409) throw error;
        this.attempted.delete(name);
      }
      return;
    }
    const health = await this.healthOf(application);
    const syncStatus = tip && synced === tip ? 'Synced' : 'OutOfSync';
    if (
      record(status.health).status !== health.status ||
      record(status.sync).status !== syncStatus ||
      record(status.health).message !== health.message
    )
      await this.writeStatus(name, {
        health: { status: health.status, ...(health.message ? { message: health.message } : {}) },
        sync: { ...record(status.sync), status: syncStatus },
        reconciledAt: now(),
      });
  }

  private async healthOf(application: Json): Promise<{ status: string; message?: string }> {
    const resources = Array.isArray(record(application.status).resources)
      ? (record(application.status).resources as unknown[]).filter(isRecord)
      : [];
    let worst: { status: string; message?: string } = { status: 'Healthy' };
    const rank: Record<string, number> = { Healthy: 0, Progressing: 1, Missing: 2, Degraded: 3 };
    for (const resource of resources) {
      if (resource.kind !== 'Deployment') continue;
      const live = await this.api.get(
        `${String(resource.group)}/${String(resource.version)}`,
        'Deployment',
        String(resource.namespace),
        String(resource.name),
      );
      const health = live ? deploymentHealth(live) : { status: 'Missing', message: 'the resource is missing' };
      if ((rank[health.status] ?? 0) > (rank[worst.status] ?? 0)) worst = health;
    }
    return worst;
  }

  private writeStatus(name: string, status: Json, extra: Json = {}): Promise<Json> {
    return this.api.merge(APPLICATION.apiVersion, APPLICATION.kind, this.options.namespace, name, { status, ...extra }, STATUS_MANAGER);
  }

  /** One sync operation, from Running to Succeeded or Failed. */
  private async sync(application: Json, operation: Json): Promise<void> {
    const name = String(record(application.metadata).name);
    const spec = record(application.spec);
    const sync = record(operation.sync);
    const started = now();
    const found = this.repositoryOf(application);
    const revision = found
      ? await resolveRevision(found.bare, text(sync.revision) || text(found.source.targetRevision, 'HEAD'))
      : undefined;
    const operationState = (phase: string, message: string, extra: Json = {}) => ({
      operation,
      phase,
      message,
      startedAt: started,
      ...extra,
    });
    await this.writeStatus(name, {
      operationState: operationState('Running', 'one or more tasks are running', { finishedAt: null, syncResult: null }),
    });
    const fail = async (message: string) => {
      this.log(`${name}: sync failed: ${message}`);
      await this.writeStatus(name, { operationState: operationState('Failed', message, { finishedAt: now() }) }, { operation: null });
    };
    if (!found) return fail(`repository ${String(record(spec.source).repoURL)} is not known to the test controller`);
    if (!revision) return fail(`revision ${String(sync.revision)} cannot be resolved`);
    const source = found.source;
    // Said plainly, rather than as kustomize's error on Chart.yaml (the demo's backend Application auto-syncs on a push).
    if (isRecord(source.helm) || typeof source.chart === 'string')
      return fail('the Argo CD test controller does not render Helm sources (test/controllers/argocd-test-controller.ts)');
    const destination = record(spec.destination);
    const namespace = text(destination.namespace, 'default');
    const tree = await exportRevision(found.bare, revision);
    let objects: Json[];
    try {
      const kustomizeOptions = record(source.kustomize);
      const overlay: Json = {};
      if (isRecord(kustomizeOptions.commonAnnotations)) overlay.commonAnnotations = kustomizeOptions.commonAnnotations;
      if (isRecord(kustomizeOptions.commonLabels)) overlay.commonLabels = kustomizeOptions.commonLabels;
      if (typeof kustomizeOptions.namePrefix === 'string') overlay.namePrefix = kustomizeOptions.namePrefix;
      if (typeof kustomizeOptions.namespace === 'string') overlay.namespace = kustomizeOptions.namespace;
      objects = await kustomize(this.options.kubectl, tree.folder, text(source.path, '.'), overlay);
    } catch (error) {
      return fail(`ComparisonError: ${messageOf(error)}`);
    } finally {
      tree.done();
    }
    const syncOptions: unknown[] = [
      ...(Array.isArray(sync.syncOptions) ? (sync.syncOptions as unknown[]) : []),
      ...(Array.isArray(record(spec.syncPolicy).syncOptions) ? (record(spec.syncPolicy).syncOptions as unknown[]) : []),
    ];
    try {
      if (syncOptions.includes('CreateNamespace=true') && !(await this.api.get('v1', 'Namespace', undefined, namespace)))
        await this.api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, MANAGER);
      const resources: Json[] = [];
      for (const object of objects) {
        const metadata = record(object.metadata);
        const kind = String(object.kind);
        const cluster = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition'].includes(kind);
        if (!cluster && !metadata.namespace) metadata.namespace = namespace;
        const group = groupOf(String(object.apiVersion));
        metadata.annotations = {
          ...record(metadata.annotations),
          'argocd.argoproj.io/tracking-id': `${name}:${group}/${kind}:${cluster ? '' : String(metadata.namespace)}/${String(metadata.name)}`,
        };
        object.metadata = metadata;
        await this.api.apply(object, MANAGER);
        resources.push({
          group,
          version: String(object.apiVersion).split('/').pop(),
          kind,
          ...(cluster ? {} : { namespace: metadata.namespace }),
          name: metadata.name,
          status: 'Synced',
          message: `${kind.toLowerCase()}/${String(metadata.name)} serverside-applied`,
          syncPhase: 'Sync',
          hookPhase: 'Running',
        });
      }
      if (sync.prune) {
        const before = Array.isArray(record(application.status).resources)
          ? (record(application.status).resources as unknown[]).filter(isRecord)
          : [];
        for (const old of before)
          if (!resources.some((r) => r.kind === old.kind && r.name === old.name && r.namespace === old.namespace)) {
            await this.api.remove(
              `${text(old.group) ? `${text(old.group)}/` : ''}${text(old.version)}`,
              String(old.kind),
              old.namespace as string | undefined,
              String(old.name),
            );
            this.log(`${name}: pruned ${String(old.kind)} ${String(old.name)}`);
          }
      }
      const history = Array.isArray(record(application.status).history)
        ? (record(application.status).history as unknown[]).filter(isRecord)
        : [];
      const id = history.reduce((max, entry) => Math.max(max, typeof entry.id === 'number' ? entry.id : 0), -1) + 1;
      const entry = {
        id,
        revision,
        source,
        deployedAt: now(),
        deployStartedAt: started,
        initiatedBy: record(operation.initiatedBy),
      };
      const limit = typeof spec.revisionHistoryLimit === 'number' ? spec.revisionHistoryLimit : 10;
      const resourcesStatus = resources.map(({ message: _m, syncPhase: _s, hookPhase: _h, ...rest }) => rest);
      const tip = await resolveRevision(found.bare, text(source.targetRevision, 'HEAD'));
      const applicationNow = { ...application, status: { ...record(application.status), resources: resourcesStatus } };
      const health = await this.healthOf(applicationNow);
      await this.writeStatus(
        name,
        {
          operationState: operationState('Succeeded', 'successfully synced (all tasks run)', {
            finishedAt: now(),
            syncResult: { revision, source, resources },
          }),
          sync: { status: tip === revision ? 'Synced' : 'OutOfSync', revision, comparedTo: { source, destination } },
          health: { status: health.status, ...(health.message ? { message: health.message } : {}) },
          resources: resourcesStatus,
          history: [...history, entry].slice(-limit),
          reconciledAt: now(),
        },
        { operation: null },
      );
      this.log(`${name}: synced ${revision.slice(0, 8)} (${resources.length} resources)`);
    } catch (error) {
      await fail(`one or more objects failed to apply: ${messageOf(error)}`);
    }
  }
}
