// The built-in Kubernetes API, one minor version at a time, from the bundled content-addressed definitions.
import { CachingResolver, type SchemaNode } from './schema-node';
import type { RecordFile, SchemaData } from './schema-data';

interface VersionFile {
  version: string;
  definitions: Record<string, string>;
  resources: { group: string; version: string; kind: string; definition: string; namespaced: boolean; plural?: string }[];
}

export interface BuiltinResource {
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
  definition: string;
  schema: SchemaNode;
}

class DefinitionResolver extends CachingResolver {
  constructor(private readonly version: KubernetesVersionSchemas) {
    super();
  }
  protected target(node: SchemaNode): { schema: SchemaNode; definition: string } | undefined {
    if (node.$ref === undefined) return undefined;
    const schema = this.version.definition(node.$ref);
    return schema ? { schema, definition: node.$ref } : undefined;
  }
}

export class KubernetesVersionSchemas {
  readonly resolver = new DefinitionResolver(this);
  private readonly byGroupVersionKind = new Map<string, BuiltinResource>();
  private readonly kindsByGroup = new Map<string, Map<string, string[]>>();

  constructor(
    readonly version: string,
    private readonly file: VersionFile,
    /** Definitions by content hash, as JSON text; each is parsed on first use (and shared by every version). */
    private readonly pool: DefinitionPool,
  ) {
    for (const entry of file.resources) {
      const schema = this.definition(entry.definition);
      if (!schema) continue;
      this.byGroupVersionKind.set(`${entry.group}/${entry.version}/${entry.kind}`, { ...entry, schema });
      const versions = this.kindsByGroup.get(entry.group) ?? new Map<string, string[]>();
      versions.set(entry.version, [...(versions.get(entry.version) ?? []), entry.kind]);
      this.kindsByGroup.set(entry.group, versions);
    }
  }

  definition(name: string): SchemaNode | undefined {
    const id = this.file.definitions[name];
    return id ? this.pool.get(id) : undefined;
  }

  resource(group: string, version: string, kind: string): BuiltinResource | undefined {
    return this.byGroupVersionKind.get(`${group}/${version}/${kind}`);
  }

  /** True for groups the API server serves itself ("" is core); no CRD can add kinds to them. */
  isBuiltinGroup(group: string): boolean {
    return this.kindsByGroup.has(group);
  }

  /** The versions served for a group, newest listed first by the API's convention (v1 before v1beta1). */
  versionsOf(group: string): string[] {
    return [...(this.kindsByGroup.get(group)?.keys() ?? [])];
  }

  kindsOf(group: string, version: string): string[] {
    return this.kindsByGroup.get(group)?.get(version) ?? [];
  }

  resources(): BuiltinResource[] {
    return [...this.byGroupVersionKind.values()];
  }
}

/** The content-addressed definitions of every bundled version, parsed one by one as they are needed. */
class DefinitionPool {
  private readonly parsed = new Map<string, SchemaNode>();

  constructor(private readonly texts: RecordFile) {}

  get(id: string): SchemaNode | undefined {
    let node = this.parsed.get(id);
    if (!node) {
      const text = this.texts.get(id);
      if (text === undefined) return undefined;
      node = JSON.parse(text) as SchemaNode;
      this.parsed.set(id, node);
    }
    return node;
  }
}

/** All bundled minor versions; each is loaded on first use and shares one pool of definitions. */
export class KubernetesSchemas {
  private readonly versions = new Map<string, KubernetesVersionSchemas>();
  private pool: DefinitionPool | undefined;

  constructor(private readonly data: SchemaData) {}

  forVersion(version: string): KubernetesVersionSchemas | undefined {
    let schemas = this.versions.get(version);
    if (!schemas) {
      let file: VersionFile;
      try {
        file = this.data.readJson(`kubernetes/v${version}.json`) as VersionFile;
      } catch {
        return undefined;
      }
      this.pool ??= new DefinitionPool(this.data.readRecords('kubernetes/definitions.jsonl'));
      schemas = new KubernetesVersionSchemas(version, file, this.pool);
      this.versions.set(version, schemas);
    }
    return schemas;
  }
}

/** "apps/v1" → {group: "apps", version: "v1"}; "v1" → core. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function joinApiVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
