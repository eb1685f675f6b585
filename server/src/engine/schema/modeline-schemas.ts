// The schema a `# yaml-language-server: $schema=...` modeline names: a local file (read by the host), or one of the
// JSON Schemas Driftless bundles when the modeline names its public URL (SchemaStore's kustomization, Chart, ...).
import type { CachedSchemaData } from './schema-data';

export type ModelineSchema = { key: string; schema: Record<string, unknown> } | { error: string };

/** Reads local schema files for modelines; implemented by the host (Project on Node). */
export interface ModelineSchemaReader {
  /** `reference` as written after `$schema=`, relative to the file at `fromPath`. `key` changes with the content. */
  loadModelineSchema(fromPath: string, reference: string): ModelineSchema;
}

const REMOTE = /^(?:https?|ftp):/i;
const BUNDLED_JSON_SCHEMAS = [
  'schemastore/kustomization.json',
  'schemastore/chart.json',
  'schemastore/chart-lock.json',
  'driftless-config.schema.json',
];
const bundledUrls = new WeakMap<CachedSchemaData, Map<string, string>>();

/** "https://www.json.schemastore.org/kustomization.json" and "http://json.schemastore.org/kustomization" are one URL. */
function normalizeSchemaUrl(url: string): string {
  return url
    .toLowerCase()
    .replace(/^[a-z]+:\/\/(www\.)?/, '')
    .replace(/#.*$/, '')
    .replace(/(\.schema)?\.json$|\/$/, '');
}

function bundledSchemaUrls(data: CachedSchemaData): Map<string, string> {
  let urls = bundledUrls.get(data);
  if (!urls) {
    urls = new Map();
    for (const file of BUNDLED_JSON_SCHEMAS) {
      const id = (data.readJson(file) as { $id?: unknown }).$id;
      if (typeof id === 'string') urls.set(normalizeSchemaUrl(id), file);
    }
    bundledUrls.set(data, urls);
  }
  return urls;
}

export function isRemoteSchema(reference: string): boolean {
  return REMOTE.test(reference);
}

/** The schema, an error for a local file that cannot be used, or undefined for a remote schema Driftless lacks. */
export function loadModelineSchema(
  reference: string,
  fromPath: string,
  reader: ModelineSchemaReader,
  data: CachedSchemaData,
): ModelineSchema | undefined {
  if (!isRemoteSchema(reference)) return reader.loadModelineSchema(fromPath, reference);
  const bundled = bundledSchemaUrls(data).get(normalizeSchemaUrl(reference));
  return bundled ? { key: `bundled:${bundled}`, schema: data.readJson(bundled) as Record<string, unknown> } : undefined;
}
