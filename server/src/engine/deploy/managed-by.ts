// Which GitOps controller manages a live object, read from the marks it leaves on what it applies: Argo CD's tracking
// annotation (`argocd.argoproj.io/tracking-id: <app>:<group>/<kind>:<ns>/<name>`) or instance label, Flux's
// `kustomize.toolkit.fluxcd.io/name`+`namespace` or `helm.toolkit.fluxcd.io/name`+`namespace` labels. A direct apply
// to such an object is undone by its controller, so a deploy changes it through git instead.
import type { Json } from '../json';
import { stringMap } from '../drift/object-identity';
import type { Controller } from './deploy-target';

/** `Argo CD Application shop-production`, `Flux Kustomization flux-system/apps`; undefined when no controller marks it. */
export function managedByOf(live: Json, controller?: Controller): string | undefined {
  const labels = stringMap(live, 'labels');
  const annotations = stringMap(live, 'annotations');
  const tracking = annotations['argocd.argoproj.io/tracking-id'];
  if (tracking && tracking.includes(':')) return `Argo CD Application ${tracking.slice(0, tracking.indexOf(':')).replace('_', '/')}`;
  if (labels['argocd.argoproj.io/instance']) return `Argo CD Application ${labels['argocd.argoproj.io/instance']}`;
  // app.kubernetes.io/instance is also Helm's and everyone's label: it counts only for the environment's own Application.
  const instance = labels['app.kubernetes.io/instance'];
  if (instance && controller?.kind === 'argocd' && instance === controller.application) return `Argo CD Application ${instance}`;
  for (const fluxKind of ['Kustomization', 'HelmRelease'] as const) {
    const prefix = fluxKind === 'Kustomization' ? 'kustomize.toolkit.fluxcd.io' : 'helm.toolkit.fluxcd.io';
    const name = labels[`${prefix}/name`];
    if (name) return `Flux ${fluxKind} ${labels[`${prefix}/namespace`] ? `${labels[`${prefix}/namespace`]}/` : ''}${name}`;
  }
  return undefined;
}
