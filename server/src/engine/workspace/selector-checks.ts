// Services and PodDisruptionBudgets whose selector matches no workload applied with them: a Service that sends
// traffic nowhere, a budget that protects nothing. Judged in the same scopes as references (each kustomize build,
// else the repository), and only where every pod of the namespace can be seen: not where a Helm release, an Argo CD
// Application or a remote base applies what nobody can see offline, nor where a custom resource that may run pods
// (a bundled operator's that does, or one of a kind Driftless does not know) is applied in the same namespace. A
// custom resource elsewhere keeps no selector quiet; why a selector was not judged is told on hover.
import { apiGroupOf } from '../kubernetes/api-version';
import { closestMatch } from '../text/suggest';
import { finding, type Finding } from '../validate/finding';
import type { DocumentContent } from '../yaml/parse-documents';
import { describeSelector, fixedPairOf, labelPairsOf, selects, type Labels, type PodSelector } from './pod-selection';
import { buildsText, type ReferenceCheckHost } from './reference-checks';
import { mayHoldUnseen, type Scope } from './reference-scopes';
import { declaredIn, type Declared, type IndexedResource } from './resource-index';

/** Groups of custom resources known to run no pods (so they hide none a selector may be meant for). */
const POD_FREE_GROUPS = new Set([
  'cert-manager.io',
  'acme.cert-manager.io',
  'external-secrets.io',
  'generators.external-secrets.io',
  'bitnami.com',
  'gateway.networking.k8s.io',
  'source.toolkit.fluxcd.io',
  'kustomize.toolkit.fluxcd.io',
  'helm.toolkit.fluxcd.io',
  'notification.toolkit.fluxcd.io',
  'image.toolkit.fluxcd.io',
  'source.extensions.fluxcd.io',
  'kyverno.io',
  'wgpolicyk8s.io',
  'networking.istio.io',
  'security.istio.io',
  'traefik.io',
  'traefik.containo.us',
  'snapshot.storage.k8s.io',
  'cilium.io',
  'metallb.io',
  'keda.sh',
  'secrets-store.csi.x-k8s.io',
]);

/** Kinds of groups that also run pods (Prometheus, Alertmanager) that run none. */
const POD_FREE_KINDS = new Set([
  'monitoring.coreos.com/ServiceMonitor',
  'monitoring.coreos.com/PodMonitor',
  'monitoring.coreos.com/PrometheusRule',
  'monitoring.coreos.com/Probe',
  'monitoring.coreos.com/ScrapeConfig',
  'monitoring.coreos.com/AlertmanagerConfig',
  'argoproj.io/Application',
  'argoproj.io/ApplicationSet',
  'argoproj.io/AppProject',
  'argoproj.io/AnalysisTemplate',
  'argoproj.io/ClusterAnalysisTemplate',
]);

/** The bundled operators' kinds that run pods whose labels their specs do not show. */
const POD_MAKING_KINDS = new Set([
  'monitoring.coreos.com/Prometheus',
  'monitoring.coreos.com/PrometheusAgent',
  'monitoring.coreos.com/Alertmanager',
  'monitoring.coreos.com/ThanosRuler',
  'argoproj.io/Rollout',
  'argoproj.io/Experiment',
  'argoproj.io/AnalysisRun',
]);

/** Built-in API groups: their kinds that run pods are the workloads, which show their pod labels. */
function isBuiltInGroup(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

/**
 * Whether a resource may run pods whose labels cannot be seen here: `known` for a bundled operator's kind that does,
 * `unknown` for a custom resource Driftless knows nothing of; undefined when it runs none (or shows their labels).
 */
function unseenPodsOf(resource: IndexedResource): 'known' | 'unknown' | undefined {
  const group = apiGroupOf(resource.apiVersion);
  if (resource.podLabels || isBuiltInGroup(group) || POD_FREE_GROUPS.has(group)) return undefined;
  const kind = `${group}/${resource.kind}`;
  if (POD_MAKING_KINDS.has(kind)) return 'known';
  return POD_FREE_KINDS.has(kind) ? undefined : 'unknown';
}

/** A custom resource that may run pods nobody can see, and where it is applied. */
interface PodMaker {
  resource: IndexedResource;
  namespace: string | undefined;
  known: boolean;
}

interface Workload {
  resource: IndexedResource;
  namespace: string | undefined;
}

interface Service {
  selector: PodSelector;
  namespace: string | undefined;
}

/**
 * A scope's workloads and Services, keyed by label pairs: a selector is tried only on the workloads that have its
 * first fixed pair, a workload only against the Services keyed by one of its pairs. Without the keys every check
 * would try every workload of the repository.
 */
interface Pods {
  workloads: Workload[];
  /** Workloads by each of their label pairs; those with a placeholder label (which may match any value) apart. */
  workloadsByPair: Map<string, Workload[]>;
  workloadsWithAnyLabels: Workload[];
  /** Services by their first fixed pair; those without one apart. */
  servicesByPair: Map<string, Service[]>;
  unkeyedServices: Service[];
  /** Custom resources that may run pods nobody can see. */
  podMakers: PodMaker[];
}

const podsOfScope = new WeakMap<Scope, Pods>();

function push<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

/** The label keys a scope's kustomizations add, whose values are not known here. */
function unknownKeysOf(scope: Scope): ReadonlySet<string> {
  return scope.build?.addedLabelKeys ?? NO_KEYS;
}

const NO_KEYS: ReadonlySet<string> = new Set();

/** The pods a scope's workloads run; computed once per scope (scopes are remade when the index changes). */
function podsOf(scope: Scope): Pods {
  let pods = podsOfScope.get(scope);
  if (pods) return pods;
  pods = {
    workloads: [],
    workloadsByPair: new Map(),
    workloadsWithAnyLabels: [],
    servicesByPair: new Map(),
    unkeyedServices: [],
    podMakers: [],
  };
  for (const definitions of scope.definitions.values())
    for (const { resource, namespace, kind, name } of definitions) {
      // Only the resource itself, not what a controller makes from it (listed under the same resource).
      if (!resource || resource.kind !== kind || resource.name !== name) continue;
      if (resource.podLabels) {
        const workload = { resource, namespace };
        pods.workloads.push(workload);
        const pairs = labelPairsOf(resource.podLabels);
        if (pairs) for (const pair of pairs) push(pods.workloadsByPair, pair, workload);
        else pods.workloadsWithAnyLabels.push(workload);
      } else if (resource.podSelector && resource.kind === 'Service') {
        const service = { selector: resource.podSelector, namespace };
        const pair = fixedPairOf(resource.podSelector, unknownKeysOf(scope));
        if (pair) push(pods.servicesByPair, pair, service);
        else pods.unkeyedServices.push(service);
      } else {
        const unseen = unseenPodsOf(resource);
        if (unseen) pods.podMakers.push({ resource, namespace, known: unseen === 'known' });
      }
    }
  podsOfScope.set(scope, pods);
  return pods;
}

/** The workloads a selector may take: those with its first fixed pair (or with placeholder labels), else all. */
function candidatesFor(pods: Pods, selector: PodSelector, unknownKeys: ReadonlySet<string>): readonly Workload[] {
  const pair = fixedPairOf(selector, unknownKeys);
  if (!pair) return pods.workloads;
  const keyed = pods.workloadsByPair.get(pair) ?? [];
  return pods.workloadsWithAnyLabels.length ? [...keyed, ...pods.workloadsWithAnyLabels] : keyed;
}

function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

/**
 * The custom resource that may run a selector's pods in `namespace`: one of a kind known to run pods in that
 * namespace (or one whose namespace is not known), or any other custom resource applied in exactly that namespace
 * (in the same build when neither names one). A custom resource elsewhere in the repository proves nothing.
 */
function podMakerFor(pods: Pods, namespace: string | undefined, scope: Scope): PodMaker | undefined {
  return pods.podMakers.find((maker) =>
    maker.known
      ? sameNamespace(maker.namespace, namespace)
      : maker.namespace === namespace && (namespace !== undefined || scope.build !== undefined),
  );
}

/** Why a selector was not judged in a scope: what may run pods nobody can see there. */
function whyUnjudged(pods: Pods, namespace: string | undefined, scope: Scope, host: ReferenceCheckHost): string | undefined {
  const inNamespace = namespace ? `namespace \`${namespace}\`` : 'its namespace';
  if (mayHoldUnseen(scope, namespace)) {
    const where = scope.build ? buildsText([scope.build.root], host) : 'this repository';
    return `${where} applies objects nobody can see offline (a Helm chart, a remote base, an Argo CD Application or Flux HelmRelease) in ${inNamespace}: their pods may be the ones selected.`;
  }
  const maker = podMakerFor(pods, namespace, scope);
  if (!maker) return undefined;
  const what = maker.known ? 'which runs pods' : 'a custom resource that may run pods';
  return `${maker.resource.kind} \`${maker.resource.name}\` (${host.display(maker.resource.file)}), ${what} whose labels are not written here, is applied in ${inNamespace}.`;
}

interface Unmatched {
  builds: string[];
  namespace: string | undefined;
  /** A workload of the namespace whose labels come closest, for the message. */
  closest?: { resource: IndexedResource; labels: Labels };
}

function unmatchedIn(
  file: string,
  selector: PodSelector,
  ownNamespace: string | undefined,
  host: ReferenceCheckHost,
): Unmatched | undefined {
  const failing: Scope[] = [];
  let namespace = ownNamespace;
  let closest: Unmatched['closest'];
  let closestScore = 0;
  for (const scope of host.scopes.scopesOf(file)) {
    const applied = scope.build ? (scope.build.files.get(file) ?? ownNamespace) : ownNamespace;
    const unknownKeys = unknownKeysOf(scope);
    const pods = podsOf(scope);
    const selected = (w: Workload) => sameNamespace(w.namespace, applied) && selects(selector, w.resource.podLabels!, unknownKeys);
    if (candidatesFor(pods, selector, unknownKeys).some(selected)) continue;
    if (mayHoldUnseen(scope, applied) || podMakerFor(pods, applied, scope)) continue;
    failing.push(scope);
    namespace = applied;
    // The closest workload of every scope that fails: a build's own workload beats one elsewhere in the repository.
    const near = closestWorkload(
      selector,
      pods.workloads.filter((w) => sameNamespace(w.namespace, applied)),
    );
    if (near.score > closestScore) {
      closest = near.closest;
      closestScore = near.score;
    }
  }
  if (!failing.length) return undefined;
  return { builds: failing.flatMap((s) => (s.build ? [s.build.root] : [])), namespace, ...(closest ? { closest } : {}) };
}

/**
 * The workload sharing the most of the selector's labels (at least one key), a value one typo away counting for more
 * than one that differs, with its labels on the selector's keys and how close it came.
 */
function closestWorkload(selector: PodSelector, candidates: readonly Workload[]): { closest: Unmatched['closest']; score: number } {
  let best: Unmatched['closest'];
  let bestScore = 0;
  const keys = Object.keys(selector.matchLabels);
  for (const { resource } of candidates) {
    const labels = resource.podLabels!;
    let score = 0;
    for (const key of keys) {
      const value = labels[key];
      if (value === undefined) continue;
      const wanted = selector.matchLabels[key]!;
      score += value === wanted ? 4 : closestMatch(wanted, [value]) !== undefined ? 2 : 1;
    }
    if (score > bestScore) {
      bestScore = score;
      best = { resource, labels: Object.fromEntries(keys.filter((key) => key in labels).map((key) => [key, labels[key]!])) };
    }
  }
  return { closest: best, score: bestScore };
}

/** Whether a Service applied with the workload (in any of its scopes) sends traffic to its pods. */
export function isServedByService(file: string, declared: Declared, host: ReferenceCheckHost): boolean {
  const labels = declared.podLabels;
  if (!labels) return false;
  const pairs = labelPairsOf(labels);
  for (const scope of host.scopes.scopesOf(file)) {
    const applied = scope.build ? (scope.build.files.get(file) ?? declared.namespace) : declared.namespace;
    const pods = podsOf(scope);
    const unknownKeys = unknownKeysOf(scope);
    const serves = (service: Service) => sameNamespace(service.namespace, applied) && selects(service.selector, labels, unknownKeys);
    if (pods.unkeyedServices.some(serves)) return true;
    // With a placeholder label any Service may take the pods; else only those keyed by one of their pairs.
    if (pairs) {
      for (const pair of pairs) if (pods.servicesByPair.get(pair)?.some(serves)) return true;
    } else {
      for (const services of pods.servicesByPair.values()) if (services.some(serves)) return true;
    }
  }
  return false;
}

/**
 * Why the selectors of a document's Services and PodDisruptionBudgets were not judged (nothing to say when they were):
 * in each scope where no workload they can see matches, what may run the pods they select.
 */
export function selectorNotJudged(file: string, content: DocumentContent, host: ReferenceCheckHost): string[] {
  const reasons: string[] = [];
  for (const declared of declaredIn(content)) {
    const selector = declared.podSelector;
    if (!selector) continue;
    for (const scope of host.scopes.scopesOf(file)) {
      const applied = scope.build ? (scope.build.files.get(file) ?? declared.namespace) : declared.namespace;
      const unknownKeys = unknownKeysOf(scope);
      const pods = podsOf(scope);
      const selected = (w: Workload) => sameNamespace(w.namespace, applied) && selects(selector, w.resource.podLabels!, unknownKeys);
      if (candidatesFor(pods, selector, unknownKeys).some(selected)) continue;
      const why = whyUnjudged(pods, applied, scope, host);
      if (why && !reasons.includes(why)) reasons.push(why);
    }
  }
  return reasons;
}

export function checkSelectors(file: string, content: DocumentContent, host: ReferenceCheckHost): Finding[] {
  const findings: Finding[] = [];
  for (const declared of declaredIn(content)) {
    const selector = declared.podSelector;
    if (!selector) continue;
    const unmatched = unmatchedIn(file, selector, declared.namespace, host);
    if (!unmatched) continue;
    const what = declared.kind === 'Service' ? 'sends traffic to no pod' : 'protects no pod';
    const inNamespace = unmatched.namespace ? ` in namespace \`${unmatched.namespace}\`` : '';
    const where = unmatched.builds.length ? `in ${buildsText(unmatched.builds, host)}` : 'in this repository';
    const closest = unmatched.closest;
    const hint = closest
      ? ` ${closest.resource.kind} \`${closest.resource.name}\` has ${
          Object.keys(closest.labels).length
            ? `\`${Object.entries(closest.labels)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', ')}\``
            : 'none of these labels'
        }.`
      : '';
    findings.push(
      finding(
        'unmatched-selector',
        `This ${declared.kind} ${what}: no workload${inNamespace} ${where} has pods labelled \`${describeSelector(selector)}\`.${hint}`,
        [...declared.path, ...selector.at],
        'key',
      ),
    );
  }
  return findings;
}
