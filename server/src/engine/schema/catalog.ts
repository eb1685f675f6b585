// Picks the schema for a resource: built-in Kubernetes kinds for the target version, then CRDs from the workspace,
// then the bundled CRDs. One schema per kind — never a union of all kinds.
import { BundledCrds, CrdRegistry, type CrdLookup, type FoundCrd } from './crds';
import { ApiDeprecations } from './deprecations';
import { KubernetesSchemas, splitApiVersion, type KubernetesVersionSchemas } from './kubernetes-schemas';
import { CachedSchemaData, type SchemaData, type SchemaIndex } from './schema-data';
import { CachingResolver, OBJECT_META_DEFINITION, type SchemaNode, type SchemaResolver } from './schema-node';

export type SchemaOrigin =
  { kind: 'builtin'; kubernetesVersion: string } | { kind: 'bundled-crd'; project: string } | { kind: 'workspace-crd'; source: string };

export interface ResourceSchema {
  apiVersion: string;
  kind: string;
  root: SchemaNode;
  resolver: SchemaResolver;
  origin: SchemaOrigin;
  namespaced: boolean;
  /** CRD versions can be deprecated by their authors. */
  crdDeprecation?: { warning?: string };
}

export type SchemaLookup =
  | { status: 'found'; schema: ResourceSchema }
  /** The group is built into Kubernetes, but it has no such kind (or not in this version). */
  | { status: 'unknown-builtin'; group: string; version: string; kindsInVersion: string[]; versionsOfGroup: string[] }
  /** A custom resource no CRD describes (`knownVersions`: what CRDs of that kind do serve, by where they came from). */
  | { status: 'unknown-custom'; group: string; version: string; knownVersions: { workspace: string[]; bundled: string[] } };

/** Resolves CRD pool references and, for `metadata`, the built-in ObjectMeta definitions. */
class CrdResolver extends CachingResolver {
  constructor(
    private readonly shared: readonly SchemaNode[],
    private readonly builtin: KubernetesVersionSchemas | undefined,
  ) {
    super();
  }
  protected target(node: SchemaNode): { schema: SchemaNode; definition?: string } | undefined {
    if (node.$shared !== undefined) {
      const schema = this.shared[node.$shared];
      return schema ? { schema } : undefined;
    }
    if (node.$ref !== undefined && this.builtin) {
      const schema = this.builtin.definition(node.$ref);
      return schema ? { schema, definition: node.$ref } : undefined;
    }
    return undefined;
  }
}

/**
 * The API server validates a custom resource's apiVersion, kind and metadata itself; CRD schemas usually say only
 * `metadata: {type: object}`. Give them the built-in meaning so metadata is checked, completed and hovered alike.
 */
function customResourceRoot(schema: SchemaNode): SchemaNode {
  const properties = { ...(schema.properties ?? {}) };
  properties.apiVersion ??= { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' };
  properties.kind ??= { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' };
  properties.metadata = { $ref: OBJECT_META_DEFINITION, description: properties.metadata?.description ?? "Standard object's metadata." };
  return { ...schema, type: schema.type ?? 'object', properties };
}

export class SchemaCatalog {
  readonly data: CachedSchemaData;
  readonly kubernetes: KubernetesSchemas;
  readonly bundledCrds: BundledCrds;
  readonly deprecations: ApiDeprecations;
  private readonly crdRoots = new WeakMap<SchemaNode, SchemaNode>();
  private readonly crdResolvers = new WeakMap<readonly SchemaNode[], Map<string, CrdResolver>>();

  constructor(
    source: SchemaData,
    readonly workspaceCrds: CrdRegistry = new CrdRegistry(),
  ) {
    this.data = new CachedSchemaData(source);
    this.kubernetes = new KubernetesSchemas(this.data);
    this.bundledCrds = new BundledCrds(this.data);
    this.deprecations = new ApiDeprecations(this.data);
  }

  index(): SchemaIndex {
    return this.data.index();
  }

  lookup(apiVersion: string, kind: string, kubernetesVersion: string): SchemaLookup {
    const { group, version } = splitApiVersion(apiVersion);
    const builtin = this.kubernetes.forVersion(kubernetesVersion);
    if (builtin) {
      const resource = builtin.resource(group, version, kind);
      if (resource) {
        return {
          status: 'found',
          schema: {
            apiVersion,
            kind,
            root: resource.schema,
            resolver: builtin.resolver,
            origin: { kind: 'builtin', kubernetesVersion },
            namespaced: resource.namespaced,
          },
        };
      }
      if (builtin.isBuiltinGroup(group)) {
        return {
          status: 'unknown-builtin',
          group,
          version,
          kindsInVersion: builtin.kindsOf(group, version),
          versionsOfGroup: builtin.versionsOf(group),
        };
      }
    }
    const found = this.workspaceCrds.find(group, version, kind) ?? this.bundledCrds.find(group, version, kind);
    if (found) return { status: 'found', schema: this.customResourceSchema(apiVersion, kind, found, builtin) };
    return {
      status: 'unknown-custom',
      group,
      version,
      knownVersions: {
        workspace: this.servedVersions(this.workspaceCrds, group, kind),
        bundled: this.servedVersions(this.bundledCrds, group, kind),
      },
    };
  }

  private customResourceSchema(
    apiVersion: string,
    kind: string,
    found: FoundCrd,
    builtin: KubernetesVersionSchemas | undefined,
  ): ResourceSchema {
    const resolver = this.crdResolver(found.shared, builtin);
    let root = this.crdRoots.get(found.version.schema);
    if (!root) {
      root = customResourceRoot(resolver.resolve(found.version.schema));
      this.crdRoots.set(found.version.schema, root);
    }
    return {
      apiVersion,
      kind,
      root,
      resolver,
      origin:
        found.source.kind === 'workspace'
          ? { kind: 'workspace-crd', source: found.source.id }
          : { kind: 'bundled-crd', project: found.source.id },
      namespaced: found.crd.scope !== 'Cluster',
      ...(found.version.deprecated
        ? { crdDeprecation: found.version.deprecationWarning ? { warning: found.version.deprecationWarning } : {} }
        : {}),
    };
  }

  /** One resolver per pool and Kubernetes version, so its cache of resolved nodes lives as long as the pool. */
  private crdResolver(shared: readonly SchemaNode[], builtin: KubernetesVersionSchemas | undefined): CrdResolver {
    let byVersion = this.crdResolvers.get(shared);
    if (!byVersion) {
      byVersion = new Map();
      this.crdResolvers.set(shared, byVersion);
    }
    const key = builtin?.version ?? '';
    let resolver = byVersion.get(key);
    if (!resolver) {
      resolver = new CrdResolver(shared, builtin);
      byVersion.set(key, resolver);
    }
    return resolver;
  }

  private servedVersions(lookup: CrdLookup, group: string, kind: string): string[] {
    const versions = new Set<string>();
    for (const { crd } of lookup.all()) {
      if (crd.group === group && crd.kind === kind) for (const v of crd.versions) if (v.served) versions.add(v.name);
    }
    return [...versions];
  }
}
