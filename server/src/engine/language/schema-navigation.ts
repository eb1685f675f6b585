// Walks a schema along a document path, for hover and completion: properties (including those of allOf/anyOf/oneOf
// branches), additional and pattern properties, list items; references resolved on the way.
import { schemaTypes, type SchemaNode, type SchemaResolver } from '../schema/schema-node';
import type { JsonPath } from '../yaml/locate';

export interface PropertyInfo {
  name: string;
  schema: SchemaNode;
  required: boolean;
}

function branches(node: SchemaNode): SchemaNode[] {
  return [...(node.allOf ?? []), ...(node.anyOf ?? []), ...(node.oneOf ?? [])];
}

/** The properties a mapping may have here, with their (resolved) schemas; required ones flagged. */
export function propertiesOf(nodeRef: SchemaNode, resolver: SchemaResolver, depth = 0): PropertyInfo[] {
  const node = resolver.resolve(nodeRef);
  const required = new Set(node.required ?? []);
  const found = new Map<string, PropertyInfo>();
  for (const [name, schema] of Object.entries(node.properties ?? {})) {
    found.set(name, { name, schema: resolver.resolve(schema), required: required.has(name) });
  }
  if (depth < 4) {
    for (const branch of branches(node)) {
      for (const info of propertiesOf(branch, resolver, depth + 1)) {
        if (!found.has(info.name)) found.set(info.name, { ...info, required: info.required && !!node.allOf?.includes(branch) });
      }
    }
  }
  return [...found.values()];
}

function childSchema(nodeRef: SchemaNode, segment: string | number, resolver: SchemaResolver, depth = 0): SchemaNode | undefined {
  const node = resolver.resolve(nodeRef);
  if (typeof segment === 'number') {
    if (Array.isArray(node.items)) return node.items[segment] ?? undefined;
    if (node.items) return node.items;
  } else {
    const direct = node.properties?.[segment];
    if (direct) return direct;
    for (const [pattern, schema] of Object.entries(node.patternProperties ?? {})) {
      try {
        if (new RegExp(pattern, 'u').test(segment)) return schema;
      } catch {
        // Patterns JavaScript cannot read are skipped.
      }
    }
    if (typeof node.additionalProperties === 'object') return node.additionalProperties;
  }
  if (depth < 4) {
    for (const branch of branches(node)) {
      const found = childSchema(branch, segment, resolver, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** The resolved schema at `path`, or undefined when the path leaves the schema. */
export function schemaAtPath(root: SchemaNode, resolver: SchemaResolver, path: JsonPath): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const segment of path) {
    if (!node) return undefined;
    node = childSchema(node, segment, resolver);
  }
  return node ? resolver.resolve(node) : undefined;
}

/** A short type label for hovers and completion details: `integer`, `string`, `[]Container`, `map[string]string`. */
export function typeLabel(nodeRef: SchemaNode, resolver: SchemaResolver): string {
  const node = resolver.resolve(nodeRef);
  const definition = node['x-driftless-definition'];
  if (definition?.endsWith('.Quantity')) return 'quantity';
  if (definition?.endsWith('.IntOrString') || node['x-kubernetes-int-or-string']) return 'integer | string';
  const types = schemaTypes(node);
  if (types.includes('array') && node.items && !Array.isArray(node.items)) return `[]${typeLabel(node.items, resolver)}`;
  if (types.includes('object') && typeof node.additionalProperties === 'object' && !node.properties) {
    return `map[string]${typeLabel(node.additionalProperties, resolver)}`;
  }
  if (definition && (types.includes('object') || types.length === 0)) return definition.split('.').pop()!;
  return types.join(' | ') || (node.properties ? 'object' : 'any');
}
