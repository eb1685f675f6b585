// Derives, from the corpus, the two files yaml-language-server's Kubernetes mode downloads from
// yannh/kubernetes-json-schema (`<version>-standalone-strict/all.json` and `_definitions.json`), so it runs offline.
// The derivation follows ../shared/notes/speed-facts.md; results are cached under the OS temp dir, never committed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubernetesComponentsPath } from './corpus-path';

export const YLS_KUBERNETES_VERSION = 'v1.32.1';
const COMPONENTS_PATH = kubernetesComponentsPath('1.32');
/** Bump when the derivation changes, so stale caches are not reused. */
const DERIVATION_REVISION = '1';

const COMPONENTS_REF = '#/components/schemas/';
const DEFINITIONS_REF = '#/definitions/';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface YlsKubernetesSchemas {
  /** Text of all.json: a oneOf over every kind, which the server uses to find a document's definition. */
  all: string;
  /** Text of _definitions.json: every component schema, strict. */
  definitions: string;
  cacheDir: string;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rewrites refs to `#/definitions/X` and, as the strict variant does, closes every object schema that lists properties. */
function toStrictDefinition(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(toStrictDefinition);
  if (!isObject(schema)) return schema;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string') {
      result[key] = value.startsWith(COMPONENTS_REF) ? DEFINITIONS_REF + value.slice(COMPONENTS_REF.length) : value;
    } else if (key === 'properties' && isObject(value)) {
      // A map of schemas, not a schema: its keys are field names (one may be "properties" itself).
      result[key] = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, toStrictDefinition(property)]));
    } else if (key === 'default' || key === 'example' || key === 'enum') {
      result[key] = value;
    } else {
      result[key] = toStrictDefinition(value);
    }
  }
  if (isObject(result.properties) && !('additionalProperties' in result)) result.additionalProperties = false;
  return result;
}

function derive(componentsText: string): { all: string; definitions: string } {
  const components = JSON.parse(componentsText) as { components: { schemas: Record<string, Json> } };
  const schemas = components.components.schemas;
  const definitions = Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, toStrictDefinition(schema)]));
  const kinds = Object.entries(schemas)
    .filter(([, schema]) => isObject(schema) && 'x-kubernetes-group-version-kind' in schema)
    .map(([name]) => ({ $ref: `_definitions.json${DEFINITIONS_REF}${name}` }));
  return { all: JSON.stringify({ oneOf: kinds }), definitions: JSON.stringify({ definitions }) };
}

function writeAtomically(path: string, text: string): void {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}

/** Returns the two files' text, deriving them into the cache first if needed. */
export function prepareYlsKubernetesSchemas(): YlsKubernetesSchemas {
  const componentsText = readFileSync(COMPONENTS_PATH, 'utf8');
  const key = createHash('sha256').update(DERIVATION_REVISION).update(componentsText).digest('hex').slice(0, 12);
  const cacheDir = join(tmpdir(), 'driftless-bench', `yls-kubernetes-${YLS_KUBERNETES_VERSION}-strict-${key}`);
  const allPath = join(cacheDir, 'all.json');
  const definitionsPath = join(cacheDir, '_definitions.json');
  if (!existsSync(allPath) || !existsSync(definitionsPath)) {
    const derived = derive(componentsText);
    mkdirSync(cacheDir, { recursive: true });
    writeAtomically(definitionsPath, derived.definitions);
    writeAtomically(allPath, derived.all);
  }
  return { all: readFileSync(allPath, 'utf8'), definitions: readFileSync(definitionsPath, 'utf8'), cacheDir };
}
