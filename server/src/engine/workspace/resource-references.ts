// Where a resource names another resource: the ConfigMaps, Secrets, ServiceAccounts and claims a pod uses, the
// Services an Ingress or route sends to, an autoscaler's target, RBAC roles and subjects, Flux sources and
// dependencies. The one list of such fields: the unresolved-reference check, go-to-definition and find-references
// all read it.
import { apiGroupOf } from '../kubernetes/api-version';
import { podSpecPathOf } from '../kubernetes/workloads';
import type { JsonPath } from '../yaml/locate';
import { isRecord, valueAt, type Json } from '../json';

export interface ResourceReference {
  /** The kind referred to; `group` is its API group ('' for the core group). */
  kind: string;
  group: string;
  name: string;
  /** Written on the reference; otherwise the referring object's own namespace applies (for namespaced kinds). */
  namespace?: string;
  /** Where the name is, in the referring resource. */
  at: JsonPath;
  /** `optional: true`: the object may be missing by design. */
  optional?: boolean;
}

const NONE: [Json, number][] = [];

/** The mappings of a list, with their indexes. (A plain loop: this runs for every env var of every resource indexed.) */
function records(value: unknown): [Json, number][] {
  if (!Array.isArray(value) || value.length === 0) return NONE;
  const found: [Json, number][] = [];
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (isRecord(item)) found.push([item, i]);
  }
  return found;
}

class Collector {
  readonly found: ResourceReference[] = [];

  add(kind: string, group: string, name: unknown, at: JsonPath, extra: { namespace?: unknown; optional?: unknown } = {}): void {
    if (typeof name !== 'string' || name === '') return;
    this.found.push({
      kind,
      group,
      name,
      ...(typeof extra.namespace === 'string' && extra.namespace ? { namespace: extra.namespace } : {}),
      at,
      ...(extra.optional === true ? { optional: true } : {}),
    });
  }
}

function podSpecReferences(spec: Json, base: JsonPath, out: Collector): void {
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== 'default')
    out.add('ServiceAccount', '', spec.serviceAccountName, [...base, 'serviceAccountName']);
  for (const [secret, i] of records(spec.imagePullSecrets)) out.add('Secret', '', secret.name, [...base, 'imagePullSecrets', i, 'name']);
  for (const [volume, i] of records(spec.volumes)) {
    const path = [...base, 'volumes', i];
    if (isRecord(volume.configMap))
      out.add('ConfigMap', '', volume.configMap.name, [...path, 'configMap', 'name'], { optional: volume.configMap.optional });
    if (isRecord(volume.secret))
      out.add('Secret', '', volume.secret.secretName, [...path, 'secret', 'secretName'], { optional: volume.secret.optional });
    if (isRecord(volume.persistentVolumeClaim))
      out.add('PersistentVolumeClaim', '', volume.persistentVolumeClaim.claimName, [...path, 'persistentVolumeClaim', 'claimName']);
    if (isRecord(volume.projected))
      for (const [source, j] of records(volume.projected.sources)) {
        const sourcePath = [...path, 'projected', 'sources', j];
        if (isRecord(source.configMap))
          out.add('ConfigMap', '', source.configMap.name, [...sourcePath, 'configMap', 'name'], { optional: source.configMap.optional });
        if (isRecord(source.secret))
          out.add('Secret', '', source.secret.name, [...sourcePath, 'secret', 'name'], { optional: source.secret.optional });
      }
  }
  for (const list of ['initContainers', 'containers', 'ephemeralContainers'])
    for (const [container, i] of records(spec[list])) {
      const path = [...base, list, i];
      for (const [source, j] of records(container.envFrom)) {
        if (isRecord(source.configMapRef))
          out.add('ConfigMap', '', source.configMapRef.name, [...path, 'envFrom', j, 'configMapRef', 'name'], {
            optional: source.configMapRef.optional,
          });
        if (isRecord(source.secretRef))
          out.add('Secret', '', source.secretRef.name, [...path, 'envFrom', j, 'secretRef', 'name'], {
            optional: source.secretRef.optional,
          });
      }
      const env = Array.isArray(container.env) ? (container.env as unknown[]) : NONE;
      for (let j = 0; j < env.length; j++) {
        const variable = env[j];
        const from = isRecord(variable) ? variable.valueFrom : undefined;
        if (!isRecord(from)) continue;
        if (isRecord(from.configMapKeyRef))
          out.add('ConfigMap', '', from.configMapKeyRef.name, [...path, 'env', j, 'valueFrom', 'configMapKeyRef', 'name'], {
            optional: from.configMapKeyRef.optional,
          });
        if (isRecord(from.secretKeyRef))
          out.add('Secret', '', from.secretKeyRef.name, [...path, 'env', j, 'valueFrom', 'secretKeyRef', 'name'], {
            optional: from.secretKeyRef.optional,
          });
      }
    }
}

function ingressBackend(backend: unknown, path: JsonPath, out: Collector): void {
  if (isRecord(backend) && isRecord(backend.service)) out.add('Service', '', backend.service.name, [...path, 'service', 'name']);
}

/** ClusterRoles every cluster has: bindings to them need no definition in the repository. */
function isBuiltInClusterRole(name: string): boolean {
  return ['cluster-admin', 'admin', 'edit', 'view'].includes(name) || name.startsWith('system:');
}

const FLUX_SOURCE_GROUP = 'source.toolkit.fluxcd.io';

export function referencesOf(resource: unknown): ResourceReference[] {
  if (!isRecord(resource) || typeof resource.kind !== 'string') return [];
  const out = new Collector();
  const kind = resource.kind;
  const group = apiGroupOf(resource.apiVersion);
  const podSpecPath = podSpecPathOf(resource.apiVersion, kind);
  if (podSpecPath) {
    const podSpec = valueAt(resource, podSpecPath);
    if (isRecord(podSpec)) podSpecReferences(podSpec, podSpecPath, out);
  }
  if (group === 'rbac.authorization.k8s.io' && (kind === 'RoleBinding' || kind === 'ClusterRoleBinding')) rbacReferences(resource, out);
  const spec = isRecord(resource.spec) ? resource.spec : undefined;
  if (!spec) return out.found;
  if (group === 'networking.k8s.io' && kind === 'Ingress') {
    ingressBackend(spec.defaultBackend, ['spec', 'defaultBackend'], out);
    for (const [rule, i] of records(spec.rules))
      if (isRecord(rule.http))
        for (const [path, j] of records(rule.http.paths))
          ingressBackend(path.backend, ['spec', 'rules', i, 'http', 'paths', j, 'backend'], out);
  }
  if (group === 'gateway.networking.k8s.io' && kind.endsWith('Route'))
    for (const [rule, i] of records(spec.rules))
      for (const [backend, j] of records(rule.backendRefs))
        if ((backend.kind ?? 'Service') === 'Service' && (backend.group ?? '') === '')
          out.add('Service', '', backend.name, ['spec', 'rules', i, 'backendRefs', j, 'name'], { namespace: backend.namespace });
  if (group === 'autoscaling' && kind === 'HorizontalPodAutoscaler' && isRecord(spec.scaleTargetRef)) {
    const target = spec.scaleTargetRef;
    if (typeof target.kind === 'string')
      out.add(target.kind, apiGroupOf(target.apiVersion), target.name, ['spec', 'scaleTargetRef', 'name']);
  }
  if (group === 'kustomize.toolkit.fluxcd.io' && kind === 'Kustomization') fluxKustomizationReferences(spec, out);
  if (group === 'helm.toolkit.fluxcd.io' && kind === 'HelmRelease') helmReleaseReferences(spec, out);
  return out.found;
}

function rbacReferences(binding: Json, out: Collector): void {
  const roleRef = binding.roleRef;
  if (isRecord(roleRef) && typeof roleRef.name === 'string') {
    if (roleRef.kind === 'Role' || (roleRef.kind === 'ClusterRole' && !isBuiltInClusterRole(roleRef.name)))
      out.add(roleRef.kind, 'rbac.authorization.k8s.io', roleRef.name, ['roleRef', 'name']);
  }
  for (const [subject, i] of records(binding.subjects))
    if (subject.kind === 'ServiceAccount' && subject.name !== 'default')
      out.add('ServiceAccount', '', subject.name, ['subjects', i, 'name'], { namespace: subject.namespace });
}

/** A Flux `sourceRef` or `chartRef` ({kind, name, namespace?}) at `at`. */
function fluxSource(ref: unknown, at: JsonPath, out: Collector): void {
  if (isRecord(ref) && typeof ref.kind === 'string')
    out.add(ref.kind, FLUX_SOURCE_GROUP, ref.name, [...at, 'name'], { namespace: ref.namespace });
}

function fluxKustomizationReferences(spec: Json, out: Collector): void {
  fluxSource(spec.sourceRef, ['spec', 'sourceRef'], out);
  for (const [dependency, i] of records(spec.dependsOn))
    out.add('Kustomization', 'kustomize.toolkit.fluxcd.io', dependency.name, ['spec', 'dependsOn', i, 'name'], {
      namespace: dependency.namespace,
    });
}

function helmReleaseReferences(spec: Json, out: Collector): void {
  const chartSpec = isRecord(spec.chart) && isRecord(spec.chart.spec) ? spec.chart.spec : undefined;
  fluxSource(chartSpec?.sourceRef, ['spec', 'chart', 'spec', 'sourceRef'], out);
  fluxSource(spec.chartRef, ['spec', 'chartRef'], out);
  for (const [dependency, i] of records(spec.dependsOn))
    out.add('HelmRelease', 'helm.toolkit.fluxcd.io', dependency.name, ['spec', 'dependsOn', i, 'name'], {
      namespace: dependency.namespace,
    });
  for (const [source, i] of records(spec.valuesFrom))
    if (source.kind === 'ConfigMap' || source.kind === 'Secret')
      out.add(source.kind, '', source.name, ['spec', 'valuesFrom', i, 'name'], { optional: source.optional });
}
