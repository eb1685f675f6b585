// Objects that exist in a cluster without being written in the repository: those a controller makes from a resource
// that is written (external-secrets, sealed-secrets, cert-manager, Flux), those every cluster has, and resources whose
// output cannot be known offline (a Helm release, an Argo CD Application). References to such objects are not
// reported as unresolved.
import { apiGroupOf } from '../kubernetes/api-version';
import { isRecord, type Json } from '../json';

export interface ProducedResource {
  kind: string;
  name: string;
  /** Undefined: the producer's own namespace (for namespaced kinds). */
  namespace?: string;
  /** Made in every namespace (ClusterExternalSecret): matches a reference from anywhere. */
  anyNamespace?: boolean;
}

function named(kind: string, name: unknown, extra: Omit<ProducedResource, 'kind' | 'name'> = {}): ProducedResource[] {
  return typeof name === 'string' && name ? [{ kind, name, ...extra }] : [];
}

/** What a controller makes from this resource, by kind (`group/Kind`). */
const PRODUCERS: Record<string, (resource: Json, spec: Json, name: unknown) => ProducedResource[]> = {
  'external-secrets.io/ExternalSecret': (_, spec, name) => {
    const target = isRecord(spec.target) ? spec.target : {};
    return named('Secret', target.name ?? name);
  },
  'external-secrets.io/ClusterExternalSecret': (_, spec, name) => {
    const template = isRecord(spec.externalSecretSpec) && isRecord(spec.externalSecretSpec.target) ? spec.externalSecretSpec.target : {};
    return named('Secret', template.name ?? spec.externalSecretName ?? name, { anyNamespace: true });
  },
  'bitnami.com/SealedSecret': (_, spec, name) => {
    const template = isRecord(spec.template) && isRecord(spec.template.metadata) ? spec.template.metadata : {};
    return named('Secret', template.name ?? name);
  },
  'cert-manager.io/Certificate': (_, spec) => named('Secret', spec.secretName),
  'isindir.github.com/SopsSecret': (_, spec) =>
    Array.isArray(spec.secretTemplates) ? spec.secretTemplates.flatMap((t) => (isRecord(t) ? named('Secret', t.name) : [])) : [],
  'onepassword.com/OnePasswordItem': (_, __, name) => named('Secret', name),
  'secrets.hashicorp.com/VaultStaticSecret': (_, spec) => named('Secret', isRecord(spec.destination) ? spec.destination.name : undefined),
  'secrets.hashicorp.com/VaultDynamicSecret': (_, spec) => named('Secret', isRecord(spec.destination) ? spec.destination.name : undefined),
  // Flux's source-watcher: one ExternalArtifact per generated artifact.
  'source.extensions.fluxcd.io/ArtifactGenerator': (_, spec) =>
    Array.isArray(spec.artifacts) ? spec.artifacts.flatMap((a) => (isRecord(a) ? named('ExternalArtifact', a.name) : [])) : [],
  // The Flux Operator installs Flux and syncs the cluster from a source it names after the instance.
  'fluxcd.controlplane.io/FluxInstance': (_, spec, name) =>
    isRecord(spec.sync)
      ? [
          ...named(typeof spec.sync.kind === 'string' ? spec.sync.kind : 'GitRepository', spec.sync.name ?? name),
          ...named('Kustomization', spec.sync.name ?? name),
        ]
      : [],
};

/** What the controller that acts on this resource makes from it. */
export function producedBy(resource: unknown): ProducedResource[] {
  if (!isRecord(resource) || typeof resource.kind !== 'string') return [];
  const producer = PRODUCERS[`${apiGroupOf(resource.apiVersion)}/${resource.kind}`];
  if (!producer) return [];
  const metadata = isRecord(resource.metadata) ? resource.metadata : {};
  return producer(resource, isRecord(resource.spec) ? resource.spec : {}, metadata.name);
}

/**
 * Resources that apply objects nobody can see offline: Helm releases and Argo CD applications render charts and other
 * sources; the Flux Operator installs Flux and generates from templates. Where one of them applies, a missing name
 * may be theirs. Says where they apply: `namespace` when the resource names one (a HelmRelease's targetNamespace, an
 * Application's destination); without it, the resource's own namespace.
 */
export function unseenObjectsOf(resource: unknown): { namespace?: string } | undefined {
  if (!isRecord(resource) || typeof resource.kind !== 'string') return undefined;
  const spec = isRecord(resource.spec) ? resource.spec : {};
  const namespace = (value: unknown) => (typeof value === 'string' && value ? { namespace: value } : {});
  switch (`${apiGroupOf(resource.apiVersion)}/${resource.kind}`) {
    case 'helm.toolkit.fluxcd.io/HelmRelease':
      return namespace(spec.targetNamespace);
    case 'argoproj.io/Application':
      return namespace(isRecord(spec.destination) ? spec.destination.namespace : undefined);
    case 'argoproj.io/ApplicationSet': {
      // The template's destination, when it is not filled in per generated Application.
      const template = isRecord(spec.template) && isRecord(spec.template.spec) ? spec.template.spec : {};
      const destination = isRecord(template.destination) ? template.destination.namespace : undefined;
      return typeof destination === 'string' && !destination.includes('{{') ? namespace(destination) : {};
    }
    case 'fluxcd.controlplane.io/ResourceSet':
    case 'fluxcd.controlplane.io/FluxInstance':
      return {};
    default:
      return undefined;
  }
}

/** Objects every cluster has, or that Flux's bootstrap makes (`flux bootstrap` names its source and sync flux-system). */
export function isImplicitObject(kind: string, name: string): boolean {
  if (kind === 'ServiceAccount') return name === 'default';
  if (kind === 'ConfigMap') return name === 'kube-root-ca.crt';
  if (kind === 'Service') return name === 'kubernetes';
  if (['GitRepository', 'OCIRepository', 'Bucket', 'Kustomization'].includes(kind)) return name === 'flux-system';
  return false;
}
