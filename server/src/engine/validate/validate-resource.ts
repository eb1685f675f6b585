// Validates one Kubernetes resource: its identity (apiVersion, kind, deprecations), its schema, and the API server's
// extra rules. Pure: the catalog is the only source of knowledge.
import type { ResourceSchema, SchemaCatalog } from '../schema/catalog';
import { joinApiVersion, splitApiVersion } from '../schema/kubernetes-schemas';
import { closestMatch } from '../text/suggest';
import type { JsonPath } from '../yaml/locate';
import { checkResource } from './apiserver/resource-checks';
import { DEFINITION_CHECKS, PATCH_DEFINITION_CHECKS } from './apiserver/definition-checks';
import { finding, isPlaceholder, type Finding } from './finding';
import { validateAgainstSchema } from './schema-validator';
import { isRecord, type Json } from '../json';

export interface ResourceIdentity {
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
  /** Where the resource sits in its document: [] or ['items', 3] inside a List. */
  path: JsonPath;
}

export interface ResourceResult {
  findings: Finding[];
  resources: ResourceIdentity[];
}

const API_VERSION_SHAPE = /^(?:[a-z0-9.-]+\/)?v\d+(?:(?:alpha|beta)\d+)?$/;

/** Whether a document without apiVersion/kind is a broken resource rather than some other YAML. */
function looksLikeResource(value: Json): boolean {
  return isRecord(value.metadata) && (typeof value.metadata.name === 'string' || isRecord(value.metadata.labels));
}

function prefix(path: JsonPath, findings: Finding[]): Finding[] {
  if (path.length === 0) return findings;
  return findings.map((f) => ({
    ...f,
    ...(f.path ? { path: [...path, ...f.path] } : {}),
    ...(f.fixes
      ? {
          fixes: f.fixes.map((fix) =>
            fix.kind === 'add-field' ? { ...fix, parent: [...path, ...fix.parent] } : { ...fix, path: [...path, ...fix.path] },
          ),
        }
      : {}),
  }));
}

export interface ResourceContext {
  catalog: SchemaCatalog;
  kubernetesVersion: string;
  /** The document is a kustomize patch: partial by design (see schema-validator's patch mode). */
  patch?: boolean;
  /** A kustomization sets this file's namespace (and renames the Namespace objects in it). */
  namespaceSet?: boolean;
}

export function validateResourceDocument(value: unknown, context: ResourceContext): ResourceResult {
  if (!isRecord(value)) return { findings: [], resources: [] };
  return validateResource(value, [], context);
}

function validateResource(value: Json, path: JsonPath, context: ResourceContext): ResourceResult {
  const { catalog, kubernetesVersion } = context;
  const { apiVersion, kind } = value;
  const hasApiVersion = typeof apiVersion === 'string' && apiVersion !== '';
  const hasKind = typeof kind === 'string' && kind !== '';
  if (!hasApiVersion || !hasKind) return { findings: prefix(path, missingIdentity(value, hasApiVersion, hasKind)), resources: [] };
  // `apiVersion: builtin` marks a kustomize plugin's configuration (LabelTransformer, ...), read only by kustomize.
  if (apiVersion === 'builtin') return { findings: [], resources: [] };
  const identity = identityOf(value, path);
  if (kind.endsWith('List') && Array.isArray(value.items)) return validateList(value, path, context, identity);
  if (isPlaceholder(apiVersion) || isPlaceholder(kind)) return { findings: [], resources: [identity] };
  const findings: Finding[] = [];
  const deprecation = catalog.deprecations.statusIn(apiVersion, kind, kubernetesVersion);
  if (deprecation?.entry.component === 'k8s') findings.push(deprecationFinding(deprecation.state, deprecation.entry, kubernetesVersion));
  const lookup = catalog.lookup(apiVersion, kind, kubernetesVersion);
  if (lookup.status === 'found') {
    findings.push(...validateWithSchema(value, lookup.schema, context));
  } else if (deprecation && deprecation.entry.component !== 'k8s') {
    // Other products' removals (cert-manager) only matter when no CRD in reach still serves the version.
    findings.push(deprecationFinding(deprecation.state, deprecation.entry, kubernetesVersion));
  } else if (!deprecation) {
    findings.push(...unknownKind(lookup, apiVersion, kind, kubernetesVersion, catalog));
  }
  return { findings: prefix(path, findings), resources: [identity] };
}

/**
 * A document without apiVersion or kind is someone else's YAML (a workflow, a compose file, `kind: sedan`) unless it
 * shows it means to be a resource: resource metadata, the missing key written but empty, or a Kubernetes-shaped
 * apiVersion.
 */
function missingIdentity(value: Json, hasApiVersion: boolean, hasKind: boolean): Finding[] {
  const meansResource =
    looksLikeResource(value) ||
    (!hasApiVersion && 'apiVersion' in value) ||
    (!hasKind && 'kind' in value) ||
    (hasApiVersion && API_VERSION_SHAPE.test(String(value.apiVersion)));
  if (!meansResource) return [];
  // Point at the empty key when it is written, else at whichever identity key is there.
  const anchor = (preferred: string): string[] => {
    const key = preferred in value ? preferred : ['kind', 'apiVersion', 'metadata'].find((k) => k in value);
    return key ? [key] : [];
  };
  const findings: Finding[] = [];
  const what = hasKind ? `This ${String(value.kind)}` : 'This resource';
  if (!hasApiVersion) findings.push(finding('missing-api-version', `${what} has no \`apiVersion\`.`, anchor('apiVersion'), 'key'));
  if (!hasKind) findings.push(finding('missing-kind', 'This resource has no `kind`.', anchor('kind'), 'key'));
  return findings;
}

function identityOf(value: Json, path: JsonPath): ResourceIdentity {
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  return {
    apiVersion: String(value.apiVersion),
    kind: String(value.kind),
    ...(typeof metadata.name === 'string' ? { name: metadata.name } : {}),
    ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
    path,
  };
}

function validateList(value: Json, path: JsonPath, context: ResourceContext, identity: ResourceIdentity): ResourceResult {
  const findings: Finding[] = [];
  const resources: ResourceIdentity[] = [];
  (value.items as unknown[]).forEach((item, index) => {
    if (!isRecord(item)) return;
    const result = validateResource(item, [...path, 'items', index], context);
    findings.push(...result.findings);
    resources.push(...result.resources);
  });
  return { findings, resources: resources.length ? resources : [identity] };
}

export function validateWithSchema(
  value: Json,
  schema: ResourceSchema,
  shaping: { patch?: boolean; namespaceSet?: boolean } = {},
): Finding[] {
  const builtin = schema.origin.kind === 'builtin';
  const { group } = splitApiVersion(schema.apiVersion);
  const patch = shaping.patch === true;
  const checks = patch ? PATCH_DEFINITION_CHECKS : DEFINITION_CHECKS;
  const findings = validateAgainstSchema(value, schema.root, schema.resolver, checks, [], { patch });
  findings.push(...checkResource({ group, kind: schema.kind, value, builtin, patch, namespaceSet: shaping.namespaceSet === true }));
  if (schema.crdDeprecation) {
    const warning = schema.crdDeprecation.warning ?? `${schema.apiVersion} ${schema.kind} is deprecated by its CRD.`;
    findings.push(finding('deprecated-api-version', warning, ['apiVersion']));
  }
  return findings;
}

function deprecationFinding(
  state: 'removed' | 'deprecated',
  entry: { apiVersion: string; kind: string; component: string; deprecatedIn?: string; removedIn?: string; replacement?: string },
  version: string,
): Finding {
  const product = entry.component === 'k8s' ? 'Kubernetes' : entry.component;
  const replacement = entry.replacement ? ` Use ${entry.replacement} instead.` : '';
  const fixes = entry.replacement
    ? [
        {
          kind: 'replace-value' as const,
          path: ['apiVersion'],
          value: entry.replacement,
          title: `Change apiVersion to ${entry.replacement}`,
        },
      ]
    : undefined;
  if (state === 'removed') {
    const when = entry.removedIn ? ` in ${product} ${entry.removedIn}` : '';
    const target = entry.component === 'k8s' ? `; the target is Kubernetes ${version}` : '';
    return finding(
      'removed-api-version',
      `${entry.apiVersion} ${entry.kind} was removed${when}${target}.${replacement}`,
      ['apiVersion'],
      'value',
      fixes,
    );
  }
  const removal = entry.removedIn ? ` and will be removed in ${entry.removedIn}` : '';
  return finding(
    'deprecated-api-version',
    `${entry.apiVersion} ${entry.kind} is deprecated since ${product} ${entry.deprecatedIn}${removal}.${replacement}`,
    ['apiVersion'],
    'value',
    fixes,
  );
}

function unknownKind(
  lookup: Exclude<ReturnType<SchemaCatalog['lookup']>, { status: 'found' }>,
  apiVersion: string,
  kind: string,
  version: string,
  catalog: SchemaCatalog,
): Finding[] {
  if (lookup.status === 'unknown-builtin') {
    if (lookup.kindsInVersion.length === 0) {
      const served = lookup.versionsOfGroup.map((v) => joinApiVersion(lookup.group, v)).join(', ');
      return [finding('unknown-kind', `Kubernetes ${version} does not serve ${apiVersion}; it serves ${served}.`, ['apiVersion'])];
    }
    const suggestion = closestMatch(kind, lookup.kindsInVersion);
    const homes = (catalog.kubernetes.forVersion(version)?.resources() ?? []).filter((r) => r.kind === kind);
    const elsewhere = homes[0];
    const hint = suggestion
      ? ` Did you mean \`${suggestion}\`?`
      : homes.length
        ? ` ${kind} is served as ${homes.map((r) => joinApiVersion(r.group, r.version)).join(', ')}.`
        : '';
    const fixes = suggestion
      ? [{ kind: 'replace-value' as const, path: ['kind'], value: suggestion, title: `Change kind to ${suggestion}` }]
      : elsewhere
        ? [
            {
              kind: 'replace-value' as const,
              path: ['apiVersion'],
              value: joinApiVersion(elsewhere.group, elsewhere.version),
              title: `Change apiVersion to ${joinApiVersion(elsewhere.group, elsewhere.version)}`,
            },
          ]
        : undefined;
    return [finding('unknown-kind', `${apiVersion} has no kind \`${kind}\` in Kubernetes ${version}.${hint}`, ['kind'], 'value', fixes)];
  }
  const { workspace, bundled } = lookup.knownVersions;
  if (workspace.length > 0) {
    return [
      finding('unknown-kind', `The ${kind} CRD in this workspace serves ${workspace.join(', ')}, not ${lookup.version}.`, ['apiVersion']),
    ];
  }
  if (bundled.length > 0) {
    // The cluster may run an older release of the CRD than the one bundled: a warning, not an error.
    const message = `The bundled ${kind} CRD (${lookup.group}) serves ${bundled.join(', ')}, not ${lookup.version}; newer releases stopped serving it. If your cluster runs an older release, add its CRDs to the workspace.`;
    return [{ ...finding('unknown-kind', message, ['apiVersion']), severity: 'warning' }];
  }
  return [
    finding(
      'unknown-custom-resource',
      `No schema for ${apiVersion} ${kind}: add its CustomResourceDefinition to the workspace or list it under \`crds\` in .driftless.yaml to validate it.`,
      ['kind'],
    ),
  ];
}
