// Where and how an environment is deployed, decided from what the repository says: the delivery mode (asked for, else
// `.driftless.yaml`'s, else pull-request when a controller delivers it and apply when none does), the branch its
// controller follows, the controller itself (declared, else the environment's own Argo CD Application or Flux object),
// whether it is protected, and the API server its cluster must be at.
import type { DeclaredController, Environment } from '../environments/environment';

export type DeliveryMode = 'pull-request' | 'commit' | 'apply';

export const DELIVERY_MODES: readonly DeliveryMode[] = ['pull-request', 'commit', 'apply'];

/** The GitOps controller a deploy syncs, resolved. */
export type Controller =
  | {
      kind: 'argocd';
      application: string;
      namespace: string;
      /** argocd-server's URL: sync through its REST API instead of the Kubernetes API. */
      server?: string;
    }
  | {
      kind: 'flux';
      fluxKind: 'Kustomization' | 'HelmRelease';
      name: string;
      namespace: string;
      /** The source `flux reconcile --with-source` reconciles first (a Kustomization's sourceRef), when known. */
      source?: { kind: string; name: string; namespace: string };
    };

export interface DeployTarget {
  environment: string;
  mode: DeliveryMode;
  /** Why this mode: asked for (`--mode`), `.driftless.yaml`, or the default. */
  modeFrom: 'asked' | 'declared' | 'default';
  /** The branch its controller follows and a change is proposed to (pull-request) or pushed to (commit). */
  branch?: string;
  controller?: Controller;
  protected: boolean;
  /** The API server its cluster is at: declared (`cluster.server`) or an Argo CD destination's, when it names one. */
  expectedServer?: string;
  /** The kubeconfig context `.driftless.yaml` names. */
  context?: string;
  namespace?: string;
}

/** The in-cluster address Argo CD names the cluster it runs in by: it says nothing about which cluster that is. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/**
 * A Flux object's source (kind, name, namespace defaulting to the object's): a Kustomization's `spec.sourceRef`, a
 * HelmRelease's chart source `spec.chart.spec.sourceRef` — what `flux reconcile … --with-source` reconciles first.
 */
function fluxSourceOf(object: unknown, namespace: string): { kind: string; name: string; namespace: string } | undefined {
  const spec = isRecord(object) && isRecord(object.spec) ? object.spec : undefined;
  const chartSpec = spec && isRecord(spec.chart) && isRecord(spec.chart.spec) ? spec.chart.spec : undefined;
  const reference =
    spec && isRecord(spec.sourceRef) ? spec.sourceRef : chartSpec && isRecord(chartSpec.sourceRef) ? chartSpec.sourceRef : undefined;
  if (!reference || !text(reference.kind) || !text(reference.name)) return undefined;
  return { kind: text(reference.kind)!, name: text(reference.name)!, namespace: text(reference.namespace) ?? namespace };
}

/** The controller of an environment: `.driftless.yaml`'s `controller`, else its own Application or Flux object. */
export function controllerOf(environment: Environment): Controller | undefined {
  const declared: DeclaredController | undefined = environment.controller;
  if (declared?.kind === 'none') return undefined;
  if (declared?.kind === 'argocd')
    return {
      kind: 'argocd',
      application: declared.application,
      namespace: declared.namespace ?? 'argocd',
      ...(declared.server ? { server: declared.server } : {}),
    };
  const source = environment.source;
  if (declared?.kind === 'flux') {
    const namespace = declared.namespace ?? 'flux-system';
    const own = source?.kind === 'flux' && source.name === declared.name ? environment.object : undefined;
    const from = fluxSourceOf(own, namespace);
    return { kind: 'flux', fluxKind: declared.fluxKind, name: declared.name, namespace, ...(from ? { source: from } : {}) };
  }
  if (source?.kind === 'application') {
    const metadata = isRecord(environment.object) && isRecord(environment.object.metadata) ? environment.object.metadata : {};
    return { kind: 'argocd', application: source.name, namespace: text(metadata.namespace) ?? 'argocd' };
  }
  if (source?.kind === 'flux') {
    const namespace = source.namespace ?? 'flux-system';
    const from = fluxSourceOf(environment.object, namespace);
    return { kind: 'flux', fluxKind: source.fluxKind, name: source.name, namespace, ...(from ? { source: from } : {}) };
  }
  return undefined;
}

/** The branch an Argo CD Application or Flux source follows, when the environment's object says. */
function followedBranch(environment: Environment): string | undefined {
  const spec = isRecord(environment.object) && isRecord(environment.object.spec) ? environment.object.spec : undefined;
  const source = spec && isRecord(spec.source) ? spec.source : undefined;
  const revision = text(source?.targetRevision);
  // HEAD, a tag or a commit is not a branch a change can be pushed to.
  return revision && revision !== 'HEAD' && !/^[0-9a-f]{40}$/.test(revision) && !/^v?\d+\.\d+/.test(revision) ? revision : undefined;
}

export function deployTargetOf(environment: Environment, asked?: DeliveryMode): DeployTarget {
  const controller = controllerOf(environment);
  const declared = environment.delivery?.mode;
  const mode = asked ?? declared ?? (controller ? 'pull-request' : 'apply');
  const server = environment.cluster?.server?.replace(/\/+$/, '');
  const branch = environment.delivery?.branch ?? followedBranch(environment) ?? environment.baseBranch;
  return {
    environment: environment.name,
    mode,
    modeFrom: asked ? 'asked' : declared ? 'declared' : 'default',
    ...(branch ? { branch } : {}),
    ...(controller ? { controller } : {}),
    protected: environment.protection === 'production',
    ...(server && server !== IN_CLUSTER_SERVER && /^https?:\/\//.test(server) ? { expectedServer: server } : {}),
    ...(environment.cluster?.context ? { context: environment.cluster.context } : {}),
    ...(environment.cluster?.namespace ? { namespace: environment.cluster.namespace } : {}),
  };
}

/** `Argo CD Application argocd/web`, `Flux Kustomization flux-system/apps`. */
export function describeController(controller: Controller): string {
  return controller.kind === 'argocd'
    ? `Argo CD Application ${controller.namespace}/${controller.application}${controller.server ? ` (through ${controller.server})` : ''}`
    : `Flux ${controller.fluxKind} ${controller.namespace}/${controller.name}`;
}
