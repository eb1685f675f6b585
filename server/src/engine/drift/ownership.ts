// Which live objects belong to an environment, so that those git no longer declares show as `extra`: the marks its
// delivery leaves on what it applies. Argo CD: the tracking annotation `argocd.argoproj.io/tracking-id`
// (`<app>:<group>/<kind>:<namespace>/<name>`) or the label `app.kubernetes.io/instance`; Flux: the labels
// `kustomize.toolkit.fluxcd.io/name` and `/namespace` (or `helm.toolkit.fluxcd.io/...`); Helm: the annotation
// `meta.helm.sh/release-name` beside the label `app.kubernetes.io/managed-by: Helm`. An environment applied by hand
// or by CI leaves none: the labels every object git declares for it shares stand in (as `kubectl apply --prune -l`).
import type { Environment } from '../environments/environment';
import type { RenderPlan } from '../render/render-plan';
import { identityOf, metadataOf, stringMap } from './object-identity';
import { isRecord, type Json } from '../json';

export type Ownership =
  | { by: 'argocd'; application: string; namespace?: string }
  | { by: 'flux'; controller: 'kustomize' | 'helm'; name: string; namespace: string; release?: string }
  | { by: 'helm'; release: string }
  | { by: 'labels'; labels: Record<string, string> };

const TRACKING_ID = 'argocd.argoproj.io/tracking-id';
const INSTANCE = 'app.kubernetes.io/instance';

/** The marks of the environment's delivery; undefined when nothing tells its objects apart. */
export function ownershipOf(environment: Environment, plan: RenderPlan, desired: readonly Json[]): Ownership | undefined {
  const source = environment.source;
  if (source?.kind === 'application') {
    const object = isRecord(environment.object) ? environment.object : {};
    const namespace = metadataOf(object).namespace;
    return { by: 'argocd', application: source.name, ...(typeof namespace === 'string' && namespace ? { namespace } : {}) };
  }
  if (source?.kind === 'flux') {
    const controller = source.fluxKind === 'Kustomization' ? 'kustomize' : 'helm';
    const release = plan.kind === 'helm' ? plan.release : undefined;
    return { by: 'flux', controller, name: source.name, namespace: source.namespace ?? 'flux-system', ...(release ? { release } : {}) };
  }
  if (plan.kind === 'helm') return { by: 'helm', release: plan.release };
  const labels = commonLabels(desired);
  return Object.keys(labels).length ? { by: 'labels', labels } : undefined;
}

/** The labels (with their values) every object carries. */
function commonLabels(objects: readonly Json[]): Record<string, string> {
  if (!objects.length) return {};
  let common = stringMap(objects[0]!, 'labels');
  for (const object of objects.slice(1)) {
    const labels = stringMap(object, 'labels');
    common = Object.fromEntries(Object.entries(common).filter(([key, value]) => labels[key] === value));
  }
  return common;
}

/** Whether a tracking id (`app:group/Kind:namespace/name`) names this application and this very object. */
function tracksObject(trackingId: string, application: string, namespace: string | undefined, object: Json): boolean {
  const colon = trackingId.indexOf(':');
  const app = trackingId.slice(0, colon);
  if (colon < 0 || (app !== application && app !== `${namespace}_${application}`)) return false;
  // Argo CD ignores an id copied onto another object (a ReplicaSet from its Deployment's template, say).
  const identity = identityOf(object);
  const match = /^([^/]*)\/([^:]+):([^/]*)\/(.+)$/.exec(trackingId.slice(colon + 1));
  return !!identity && !!match && match[2] === identity.kind && match[4] === identity.name;
}

export function isOwned(ownership: Ownership, object: Json): boolean {
  const labels = stringMap(object, 'labels');
  const annotations = stringMap(object, 'annotations');
  switch (ownership.by) {
    case 'argocd': {
      const trackingId = annotations[TRACKING_ID];
      if (trackingId !== undefined) return tracksObject(trackingId, ownership.application, ownership.namespace, object);
      return labels[INSTANCE] === ownership.application;
    }
    case 'flux': {
      const prefix = `${ownership.controller}.toolkit.fluxcd.io`;
      if (labels[`${prefix}/name`] === ownership.name && labels[`${prefix}/namespace`] === ownership.namespace) return true;
      return ownership.release !== undefined && isHelmRelease(ownership.release, labels, annotations);
    }
    case 'helm':
      return isHelmRelease(ownership.release, labels, annotations);
    case 'labels':
      return Object.entries(ownership.labels).every(([key, value]) => labels[key] === value);
  }
}

function isHelmRelease(release: string, labels: Record<string, string>, annotations: Record<string, string>): boolean {
  return annotations['meta.helm.sh/release-name'] === release && labels['app.kubernetes.io/managed-by'] === 'Helm';
}

/** A label selector that every owned object matches, to list kinds git does not declare; undefined when none can. */
export function ownershipSelector(ownership: Ownership): string | undefined {
  switch (ownership.by) {
    case 'flux':
      // A HelmRelease's objects are found by the Helm annotation too, which no selector can ask for.
      return ownership.controller === 'kustomize'
        ? `kustomize.toolkit.fluxcd.io/name=${ownership.name},kustomize.toolkit.fluxcd.io/namespace=${ownership.namespace}`
        : 'app.kubernetes.io/managed-by=Helm';
    case 'helm':
      return 'app.kubernetes.io/managed-by=Helm';
    case 'labels':
      return Object.entries(ownership.labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(',');
    case 'argocd':
      return undefined;
  }
}

/** Objects a controller makes from another (a ReplicaSet's Pods): never the environment's own, even with its labels. */
export function isControlled(object: Json): boolean {
  const references = metadataOf(object).ownerReferences;
  return Array.isArray(references) && references.some((reference) => isRecord(reference) && reference.controller === true);
}

export function describeOwnership(ownership: Ownership): string {
  switch (ownership.by) {
    case 'argocd':
      return `Argo CD Application ${ownership.application} (tracking annotation, or ${INSTANCE} label)`;
    case 'flux':
      return `Flux ${ownership.controller === 'kustomize' ? 'Kustomization' : 'HelmRelease'} ${ownership.namespace}/${ownership.name} (labels)`;
    case 'helm':
      return `Helm release ${ownership.release}`;
    case 'labels':
      return `the labels all its objects carry (${ownershipSelector(ownership)})`;
  }
}
