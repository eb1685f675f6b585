// Drift of a repository's environments against their clusters: each environment's objects from the working tree (a
// render source), its cluster from its context (.driftless.yaml, else the Argo CD destination's, else kubectl's
// current one; --context beats them), its live objects from a cluster source, the server's dry runs for what differs,
// then the engine (engine/drift) to classify and attribute, and the status its GitOps controller reports. Shared by
// `driftless drift` and the editor's driftless/drift request. Nothing is written to a cluster.
import type { ControllerStatus } from '../../engine/drift/controller-status';
import { controllerStatusOf, isControllerObject } from '../../engine/drift/controller-status';
import { byIdentity, driftOf, type DriftObject, type DriftSummary, type EnvironmentDrift } from '../../engine/drift/drift-report';
import { readIgnoreRules, type IgnoreRule } from '../../engine/drift/ignore-rules';
import { isRecord, type Json } from '../../engine/json';
import { identityKey, identityOf, metadataOf } from '../../engine/drift/object-identity';
import { isOwned, ownershipOf, ownershipSelector } from '../../engine/drift/ownership';
import { noEnvironmentNamed, type Environment } from '../../engine/environments/environment';
import { ClusterClient, type ClusterFailure, type RequestLog } from '../cluster/cluster-client';
import { ClusterConnections } from '../cluster/cluster-connections';
import { clusterSource, EXTRA_API_VERSIONS } from '../cluster/cluster-source';
import { Discovery } from '../cluster/discovery';
import { DRIFT_FIELD_MANAGER, dryRunApply } from '../cluster/dry-run';
import { isFatal, type ListedScope } from '../cluster/live-objects';
import { loadKubeconfig, type Kubeconfig } from '../cluster/kubeconfig';
import { Project } from '../project';
import { projectSource } from '../render/render-source';
import type { RenderTools } from '../render/render-environment';
import { SchemaFiles } from '../schema-files';
import type { EnvironmentListing } from './drift-watches';

export type { EnvironmentDrift };

export interface DriftRun {
  root: string;
  environment?: string;
  /** A kubeconfig context for every environment (`--context`). */
  context?: string;
  /** `--kubeconfig FILE`. */
  kubeconfig?: string;
  /** Where KUBECONFIG and HOME are read. */
  env: Record<string, string | undefined>;
  cwd: string;
  tools: RenderTools;
  /** The working tree's project when the caller keeps one current (the editor). */
  project?: Project;
  connections?: ClusterConnections;
  /** Timeout of each request to an API server. */
  timeoutMs?: number;
  requestLog?: RequestLog;
  signal?: AbortSignal;
  /** Keep both compared sides of each object (the editor's diff view). */
  documents?: boolean;
  pageSize?: number;
  /** Told what was listed of each environment compared (the editor watches from there). */
  onListing?: (environment: string, context: string, listing: EnvironmentListing) => void;
}

const EMPTY: DriftSummary = { inSync: 0, drifted: 0, missing: 0, extra: 0, unknown: 0 };

/** The context of an environment: asked for, declared, the one whose cluster is its Argo CD destination, or current. */
export function contextOf(
  environment: Environment,
  request: Pick<DriftRun, 'context'>,
  kubeconfig: Kubeconfig,
): { context?: string; why: string } {
  if (request.context) return { context: request.context, why: '--context' };
  if (environment.cluster?.context) return { context: environment.cluster.context, why: '.driftless.yaml' };
  const server = environment.cluster?.server;
  if (server) {
    const byServer = kubeconfig.contexts.filter((c) => c.server?.replace(/\/$/, '') === server.replace(/\/$/, ''));
    if (byServer.length === 1) return { context: byServer[0]!.name, why: `the context of ${server}` };
    const byName = kubeconfig.contexts.find((c) => c.name === server);
    if (byName) return { context: byName.name, why: `the context named like the destination ${server}` };
  }
  if (kubeconfig.currentContext) return { context: kubeconfig.currentContext, why: 'the current context' };
  return { why: 'no context: set the environment’s cluster.context in .driftless.yaml, pass --context, or set a current context' };
}

/** Every object unknown for one reason (the cluster could not be reached, say). */
function allUnknown(objects: readonly Json[], reason: string): DriftObject[] {
  return objects
    .flatMap((object) => {
      const identity = identityOf(object);
      return identity
        ? [
            {
              apiVersion: identity.apiVersion,
              kind: identity.kind,
              ...(identity.namespace ? { namespace: identity.namespace } : {}),
              name: identity.name,
              status: 'unknown' as const,
              differences: [],
              error: reason,
            },
          ]
        : [];
    })
    .sort(byIdentity);
}

/** The ignore rules of an environment: .driftless.yaml's and the settings', and its Argo CD Application's. */
function ignoreRulesOf(project: Project, environment: Environment): IgnoreRule[] {
  const rules = project.config.driftIgnore.flatMap((list) =>
    readIgnoreRules(list.rules, list.source === 'file' ? '.driftless.yaml' : 'settings (driftless.drift.ignore)'),
  );
  const spec = isRecord(environment.object) && isRecord(environment.object.spec) ? environment.object.spec : undefined;
  if (environment.source?.kind === 'application' && spec)
    rules.push(...readIgnoreRules(spec.ignoreDifferences, `Application ${environment.source.name} (ignoreDifferences)`, { argo: true }));
  return rules;
}

/** The environment's own Argo CD Application or Flux object as the cluster has it (one GET), if it is there. */
async function ownController(
  client: ClusterClient,
  discovery: Discovery,
  environment: Environment,
  signal: AbortSignal | undefined,
): Promise<Json | undefined> {
  const source = environment.source;
  let target: { group: string; kind: string; namespace: string; name: string } | undefined;
  if (source?.kind === 'application') {
    const namespace = isRecord(environment.object) ? metadataOf(environment.object).namespace : undefined;
    target = {
      group: 'argoproj.io',
      kind: 'Application',
      namespace: typeof namespace === 'string' && namespace ? namespace : 'argocd',
      name: source.name,
    };
  } else if (source?.kind === 'flux') {
    const group = source.fluxKind === 'Kustomization' ? 'kustomize.toolkit.fluxcd.io' : 'helm.toolkit.fluxcd.io';
    target = { group, kind: source.fluxKind, namespace: source.namespace ?? 'flux-system', name: source.name };
  }
  const resource = target && discovery.anyVersionOf(target.group, target.kind);
  if (!target || !resource) return undefined;
  const response = await client.request('GET', Discovery.pathOf(resource, target.namespace, target.name), signal ? { signal } : {});
  if (!response.ok || !isRecord(response.body)) return undefined;
  return { apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version, kind: resource.kind, ...response.body };
}

async function driftOfEnvironment(
  project: Project,
  environment: Environment,
  request: DriftRun,
  kubeconfig: Kubeconfig | { error: string },
  connections: ClusterConnections,
): Promise<EnvironmentDrift> {
  const result = (fields: Partial<EnvironmentDrift> & { context: string | null }): EnvironmentDrift => ({
    environment: environment.name,
    objects: [],
    summary: EMPTY,
    controllers: [],
    notes: [],
    requests: 0,
    ...fields,
  });
  const plan = project.renderPlanOf(environment);
  if (plan.kind === 'none') return result({ context: null, skipped: plan.why });
  const rendered = await projectSource(project, request.tools).render(environment, request.signal ? { signal: request.signal } : {});
  if (!rendered.ok) return result({ context: null, error: `it cannot be rendered: ${rendered.error}` });
  const read = rendered.objects();
  if (!read.ok) return result({ context: null, error: `its render cannot be read: ${read.error}` });
  const desired = read.objects.filter((object) => identityOf(object));
  if ('error' in kubeconfig) return result({ context: null, objects: allUnknown(desired, kubeconfig.error), error: kubeconfig.error });
  const chosen = contextOf(environment, request, kubeconfig);
  if (!chosen.context) return result({ context: null, objects: allUnknown(desired, chosen.why), error: chosen.why });
  const context = chosen.context;
  const failed = (failure: ClusterFailure, requests = 0) => {
    const objects = allUnknown(desired, failure.message);
    return result({ context, objects, summary: { ...EMPTY, unknown: objects.length }, error: failure.message, requests });
  };
  const client = await connections.connect(kubeconfig, context);
  if (!(client instanceof ClusterClient)) return failed(client);
  const before = client.requests;
  const signal = request.signal;
  const discovery = await Discovery.load(client, signal);
  if (!(discovery instanceof Discovery)) return failed(discovery, client.requests - before);
  const ensured = await discovery.ensure([...desired.map((object) => String(object.apiVersion)), ...EXTRA_API_VERSIONS], signal);
  if (ensured) return failed(ensured, client.requests - before);

  // Git's objects as they are applied: namespaced ones without a namespace go to the environment's (else the
  // context's, else default), as kubectl apply and the controllers place them.
  const defaultNamespace = environment.cluster?.namespace ?? kubeconfig.contexts.find((c) => c.name === context)?.namespace ?? 'default';
  for (const object of desired) {
    const resource = discovery.resourceFor(String(object.apiVersion), String(object.kind));
    if ('why' in resource) continue;
    const metadata = isRecord(object.metadata) ? object.metadata : (object.metadata = {});
    if (!resource.namespaced) delete metadata.namespace;
    else if (typeof metadata.namespace !== 'string' || !metadata.namespace) metadata.namespace = defaultNamespace;
  }

  const ownership = ownershipOf(environment, plan, desired);
  let listed: ListedScope[] = [];
  const live = await clusterSource(client, discovery, {
    context,
    ...(ownership ? { extras: { ...(ownershipSelector(ownership) ? { selector: ownershipSelector(ownership)! } : {}) } } : {}),
    ...(request.pageSize ? { pageSize: request.pageSize } : {}),
    onListed: (scopes) => (listed = scopes),
  }).render(environment, { like: desired, ...(signal ? { signal } : {}) });
  if (!live.ok) return failed({ ok: false, problem: 'server', message: live.error }, client.requests - before);
  const liveRead = live.objects();
  const liveObjects = liveRead.ok ? liveRead.objects : [];
  if (request.onListing) {
    const declared = new Set(desired.flatMap((object) => (identityOf(object) ? [identityKey(identityOf(object)!)] : [])));
    request.onListing(environment.name, context, {
      client,
      scopes: listed,
      objects: liveObjects,
      relevant: (object) => {
        const identity = identityOf(object);
        return !!identity && (declared.has(identityKey(identity)) || (!!ownership && isOwned(ownership, object)));
      },
    });
  }

  let fatal: ClusterFailure | undefined;
  const report = await driftOf({
    environment: environment.name,
    desired,
    live: { objects: liveObjects, unread: live.unread },
    ...(ownership ? { ownership } : {}),
    rules: ignoreRulesOf(project, environment),
    fieldManager: DRIFT_FIELD_MANAGER,
    predict: async (object) => {
      if (fatal) return { ok: false, problem: 'failed', message: fatal.message };
      const resource = discovery.resourceFor(String(object.apiVersion), String(object.kind));
      if ('why' in resource) return { ok: false, problem: 'failed', message: resource.why };
      const prediction = await dryRunApply(client, resource, object, { ...(signal ? { signal } : {}) });
      // The server gone (stopped, credentials expired): the dry runs left are not sent.
      if (!prediction.ok && prediction.failure && isFatal(prediction.failure)) fatal = prediction.failure;
      return prediction;
    },
    cancelled: () => signal?.aborted === true,
    ...(request.documents ? { documents: true } : {}),
  });

  const controllers: ControllerStatus[] = [];
  const own = await ownController(client, discovery, environment, signal);
  for (const object of [...(own ? [own] : []), ...liveObjects.filter(isControllerObject)]) {
    const status = controllerStatusOf(object);
    if (status && !controllers.some((c) => c.kind === status.kind && c.namespace === status.namespace && c.name === status.name))
      controllers.push(status);
  }
  const unknown = report.objects.filter((object) => object.status === 'unknown' || object.error);
  const problems = [...new Set(unknown.map((object) => object.error!))];
  return result({
    context,
    objects: report.objects,
    summary: report.summary,
    controllers,
    notes: [
      ...(chosen.why === '--context' || chosen.why === '.driftless.yaml' ? [] : [`Context: ${chosen.why}.`]),
      ...live.notes,
      ...report.notes,
    ],
    ...(problems.length
      ? { error: problems.length === 1 ? problems[0]! : `${problems[0]!} (and ${problems.length - 1} more problems)` }
      : {}),
    requests: client.requests - before,
  });
}

/** The drift of the project at `root` (all its environments, or the one named). */
export async function driftEnvironments(request: DriftRun): Promise<{ environments: EnvironmentDrift[] } | { error: string }> {
  const project = request.project ?? loadProject(request.root);
  const environments = project.environments().filter((e) => !request.environment || e.name === request.environment);
  if (request.environment && !environments.length)
    return {
      error: noEnvironmentNamed(
        request.environment,
        project.environments().map((e) => e.name),
      ),
    };
  const kubeconfig = loadKubeconfig({
    ...(request.kubeconfig ? { kubeconfig: request.kubeconfig } : {}),
    env: request.env,
    cwd: request.cwd,
  });
  const connections =
    request.connections ??
    new ClusterConnections({
      ...(request.timeoutMs ? { timeoutMs: request.timeoutMs } : {}),
      ...(request.requestLog ? { log: request.requestLog } : {}),
    });
  try {
    const results: EnvironmentDrift[] = [];
    // One environment after another: each already sends its requests several at a time.
    for (const environment of environments) results.push(await driftOfEnvironment(project, environment, request, kubeconfig, connections));
    return { environments: results };
  } finally {
    if (!request.connections) connections.closeAll();
  }
}

function loadProject(root: string): Project {
  const project = new Project(root, new SchemaFiles());
  project.scan();
  return project;
}
