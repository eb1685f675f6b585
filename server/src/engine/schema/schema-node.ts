// The schema shapes Driftless reads: Kubernetes OpenAPI v3 / CRD structural schemas, and plain JSON Schema.

export interface SchemaNode {
  type?: string | string[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  patternProperties?: Record<string, SchemaNode>;
  items?: SchemaNode | SchemaNode[];
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  default?: unknown;
  nullable?: boolean;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  exclusiveMaximum?: boolean | number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  not?: SchemaNode;
  deprecated?: boolean;
  /** A Kubernetes definition name, or a JSON pointer in plain JSON Schema. */
  $ref?: string;
  /** Index into a bundle's pool of shared subtrees (see scripts/build-schemas.ts). */
  $shared?: number;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  /** Where an enumeration came from when the published schema lacked it. */
  'x-driftless-enum-source'?: string;
  /** Set by resolvers: the Kubernetes definition a node resolved from (e.g. resource.Quantity). */
  'x-driftless-definition'?: string;
}

export const QUANTITY_DEFINITION = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const INT_OR_STRING_DEFINITION = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const OBJECT_META_DEFINITION = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** Follows references so callers see one node with every keyword that applies. */
export interface SchemaResolver {
  resolve(node: SchemaNode): SchemaNode;
}

/**
 * Merges a referring node with its target: the target's keywords, overridden by the referring node's own (a property's
 * description is more specific than its type's). Cached per node object.
 */
export abstract class CachingResolver implements SchemaResolver {
  private readonly cache = new WeakMap<SchemaNode, SchemaNode>();

  protected abstract target(node: SchemaNode): { schema: SchemaNode; definition?: string } | undefined;

  resolve(node: SchemaNode): SchemaNode {
    if (node.$ref === undefined && node.$shared === undefined) return node;
    const cached = this.cache.get(node);
    if (cached) return cached;
    let resolved: SchemaNode = {};
    const seen = new Set<SchemaNode>();
    let current: SchemaNode | undefined = node;
    const layers: SchemaNode[] = [];
    let definition: string | undefined;
    while (current && (current.$ref !== undefined || current.$shared !== undefined) && !seen.has(current)) {
      seen.add(current);
      layers.push(current);
      const next = this.target(current);
      if (next?.definition && !definition) definition = next.definition;
      current = next?.schema;
    }
    if (current && !seen.has(current)) layers.push(current);
    for (const layer of layers.reverse()) {
      const { $ref: _ref, $shared: _shared, ...own } = layer;
      resolved = { ...resolved, ...own };
    }
    if (definition) resolved['x-driftless-definition'] = definition;
    this.cache.set(node, resolved);
    return resolved;
  }
}

/** Resolves `{"$shared": n}` into a pool of subtrees. */
export class SharedPoolResolver extends CachingResolver {
  constructor(private readonly pool: readonly SchemaNode[]) {
    super();
  }
  protected target(node: SchemaNode): { schema: SchemaNode } | undefined {
    const schema = node.$shared !== undefined ? this.pool[node.$shared] : undefined;
    return schema ? { schema } : undefined;
  }
}

/** Resolves local JSON pointers (`#/definitions/X`) inside one JSON Schema document. */
export class JsonPointerResolver extends CachingResolver {
  constructor(private readonly root: SchemaNode) {
    super();
  }
  protected target(node: SchemaNode): { schema: SchemaNode } | undefined {
    const ref = node.$ref;
    if (!ref?.startsWith('#')) return undefined;
    let current: unknown = this.root;
    for (const raw of ref.slice(1).split('/').filter(Boolean)) {
      const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (typeof current !== 'object' || current === null) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
    return typeof current === 'object' && current !== null ? { schema: current } : undefined;
  }
}

export function schemaTypes(node: SchemaNode): string[] {
  if (node['x-kubernetes-int-or-string']) return ['integer', 'string'];
  if (Array.isArray(node.type)) return node.type;
  return node.type ? [node.type] : [];
}
