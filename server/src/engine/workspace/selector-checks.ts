// Services and PodDisruptionBudgets whose selector matches no workload applied with them: a Service that sends
// traffic nowhere, a budget that protects nothing. Judged in the same scopes as references (each kustomize build,
// else the repository), and only where every pod of the namespace can be seen: not where a Helm release, an Argo CD
// Application or an operator's custom resource may run pods nobody can see offline.
import { apiGroupOf } from '../kubernetes/api-version';
import { finding, type Finding } from '../validate/finding';
import type { DocumentContent } from '../yaml/parse-documents';
import { describeSelector, selects, type Labels, type PodSelector } from './pod-selection';
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

/** Built-in API groups: their kinds that run pods are the workloads, which show their pod labels. */
function isBuiltInGroup(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

/** Whether a resource may run pods whose labels cannot be seen here (an operator's custom resource). */
function mayRunUnseenPods(resource: IndexedResource): boolean {
  const group = apiGroupOf(resource.apiVersion);
  if (resource.podLabels || isBuiltInGroup(group) || POD_FREE_GROUPS.has(group)) return false;
  return !POD_FREE_KINDS.has(`${group}/${resource.kind}`);
}

interface Pods {
  /** Workloads applied in the scope, with the namespace they are applied in. */
  workloads: { resource: IndexedResource; namespace: string | undefined }[];
  /** Services applied in the scope that select pods. */
  services: { selector: PodSelector; namespace: string | undefined }[];
  /** Namespaces where a custom resource may run pods nobody can see (undefined: one without a namespace). */
  opaque: Set<string | undefined>;
}

const podsOfScope = new WeakMap<Scope, Pods>();

/** The pods a scope's workloads run; computed once per scope (scopes are remade when the index changes). */
function podsOf(scope: Scope): Pods {
  let pods = podsOfScope.get(scope);
  if (pods) return pods;
  pods = { workloads: [], services: [], opaque: new Set() };
  for (const definitions of scope.definitions.values())
    for (const { resource, namespace, kind, name } of definitions) {
      // Only the resource itself, not what a controller makes from it (listed under the same resource).
      if (!resource || resource.kind !== kind || resource.name !== name) continue;
      if (resource.podLabels) pods.workloads.push({ resource, namespace });
      else if (resource.podSelector && resource.kind === 'Service') pods.services.push({ selector: resource.podSelector, namespace });
      else if (mayRunUnseenPods(resource)) pods.opaque.add(namespace);
    }
  podsOfScope.set(scope, pods);
  return pods;
}

function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
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
  for (const scope of host.scopes.scopesOf(file)) {
    const applied = scope.build ? (scope.build.files.get(file) ?? ownNamespace) : ownNamespace;
    const unknownKeys = scope.build?.addedLabelKeys ?? new Set<string>();
    const pods = podsOf(scope);
    const candidates = pods.workloads.filter((w) => sameNamespace(w.namespace, applied));
    if (candidates.some((w) => selects(selector, w.resource.podLabels!, unknownKeys))) continue;
    if (mayHoldUnseen(scope, applied) || [...pods.opaque].some((ns) => sameNamespace(ns, applied))) continue;
    failing.push(scope);
    namespace = applied;
    closest ??= closestWorkload(selector, candidates);
  }
  if (!failing.length) return undefined;
  return { builds: failing.flatMap((s) => (s.build ? [s.build.root] : [])), namespace, ...(closest ? { closest } : {}) };
}

/** The workload sharing the most of the selector's labels (at least one), with its labels on the selector's keys. */
function closestWorkload(selector: PodSelector, candidates: Pods['workloads']): Unmatched['closest'] {
  let best: Unmatched['closest'];
  let bestShared = 0;
  const keys = Object.keys(selector.matchLabels);
  for (const { resource } of candidates) {
    const labels = resource.podLabels!;
    const shared = keys.filter((key) => labels[key] === selector.matchLabels[key]).length;
    const sameKeys = keys.filter((key) => key in labels).length;
    const score = shared * 2 + sameKeys;
    if (score > bestShared) {
      bestShared = score;
      best = { resource, labels: Object.fromEntries(keys.filter((key) => key in labels).map((key) => [key, labels[key]!])) };
    }
  }
  return best;
}

/** Whether a Service applied with the workload (in any of its scopes) sends traffic to its pods. */
export function isServedByService(file: string, declared: Declared, host: ReferenceCheckHost): boolean {
  const labels = declared.podLabels;
  if (!labels) return false;
  return host.scopes.scopesOf(file).some((scope) => {
    const applied = scope.build ? (scope.build.files.get(file) ?? declared.namespace) : declared.namespace;
    const unknownKeys = scope.build?.addedLabelKeys ?? new Set<string>();
    return podsOf(scope).services.some((s) => sameNamespace(s.namespace, applied) && selects(s.selector, labels, unknownKeys));
  });
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
