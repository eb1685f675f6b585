// Which schema governs a document, for the editing features: a Kubernetes kind (built-in or CRD), or a JSON Schema
// (kustomization.yaml, Chart.yaml, .driftless.yaml, a modeline's local schema). Mirrors what validation uses.
import { classifyFile, isKustomizeConfig, modelineSchema, type FileFacts, type FileKind } from '../classify/file-kind';
import type { ResourceSchema, SchemaCatalog } from '../schema/catalog';
import { JsonPointerResolver, type SchemaNode, type SchemaResolver } from '../schema/schema-node';
import { loadModelineSchema, type ModelineSchemaReader } from '../schema/modeline-schemas';
import type { JsonPath } from '../yaml/locate';

export interface GoverningSchema {
  root: SchemaNode;
  resolver: SchemaResolver;
  /** Shown in hovers: "Kubernetes 1.31 · apps/v1 Deployment", "kustomization.yaml (SchemaStore)". */
  title: string;
  resource?: ResourceSchema;
}

export interface SchemaContext {
  catalog: SchemaCatalog;
  kubernetesVersion: string;
  host: ModelineSchemaReader;
  facts: FileFacts;
}

const BUNDLED_JSON: Partial<Record<FileKind, { file: string; title: string }>> = {
  kustomization: { file: 'schemastore/kustomization.json', title: 'kustomization.yaml (SchemaStore)' },
  'helm-chart': { file: 'schemastore/chart.json', title: 'Chart.yaml (SchemaStore)' },
  'helm-chart-lock': { file: 'schemastore/chart-lock.json', title: 'Chart.lock (SchemaStore)' },
  'driftless-config': { file: 'driftless-config.schema.json', title: '.driftless.yaml' },
};

const jsonResolvers = new WeakMap<object, JsonPointerResolver>();

function jsonSchema(root: SchemaNode, title: string): GoverningSchema {
  let resolver = jsonResolvers.get(root);
  if (!resolver) {
    resolver = new JsonPointerResolver(root);
    jsonResolvers.set(root, resolver);
  }
  return { root, resolver, title };
}

export function describeOrigin(schema: ResourceSchema): string {
  switch (schema.origin.kind) {
    case 'builtin':
      return `Kubernetes ${schema.origin.kubernetesVersion}`;
    case 'bundled-crd':
      return `bundled CRD (${schema.origin.project})`;
    default:
      return `CRD from ${schema.origin.source.split(/[\\/]/).slice(-2).join('/')}`;
  }
}

/** The schema for the resource at `resourcePath` in a document (a List's item, or the document itself). */
export function governingSchema(
  value: unknown,
  documentText: string,
  context: SchemaContext,
  resourcePath: JsonPath = [],
): GoverningSchema | undefined {
  const kind = classifyFile(context.facts);
  if (kind === 'helm-template') return undefined;
  const modeline = modelineSchema(documentText);
  const loaded = modeline ? loadModelineSchema(modeline, context.facts.path, context.host, context.catalog.data) : undefined;
  if (loaded && 'schema' in loaded) return jsonSchema(loaded.schema, `${modeline} (modeline)`);
  const bundled = BUNDLED_JSON[kind];
  if (bundled && (kind !== 'kustomization' || isKustomizeConfig(value))) {
    return jsonSchema(context.catalog.data.readJson(bundled.file) as SchemaNode, bundled.title);
  }
  let resource: unknown = value;
  for (const segment of resourcePath) resource = (resource as Record<string | number, unknown> | undefined)?.[segment];
  if (typeof resource !== 'object' || resource === null) return undefined;
  const { apiVersion, kind: resourceKind } = resource as Record<string, unknown>;
  if (typeof apiVersion !== 'string' || typeof resourceKind !== 'string') return undefined;
  const lookup = context.catalog.lookup(apiVersion, resourceKind, context.kubernetesVersion);
  if (lookup.status !== 'found') return undefined;
  const schema = lookup.schema;
  return {
    root: schema.root,
    resolver: schema.resolver,
    title: `${describeOrigin(schema)} · ${apiVersion} ${resourceKind}`,
    resource: schema,
  };
}

/** For a path inside a List, the path of the item resource and the path within it. */
export function splitListPath(value: unknown, path: JsonPath): { resourcePath: JsonPath; innerPath: JsonPath } {
  const record = value as Record<string, unknown> | undefined;
  if (path[0] === 'items' && typeof path[1] === 'number' && typeof record?.kind === 'string' && record.kind.endsWith('List')) {
    return { resourcePath: path.slice(0, 2), innerPath: path.slice(2) };
  }
  return { resourcePath: [], innerPath: path };
}
