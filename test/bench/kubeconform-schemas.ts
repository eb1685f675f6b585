// Derives, from the corpus's Kubernetes OpenAPI components, a local folder in kubeconform's `-schema-location` layout
// (`<root>/v<version>-standalone-strict/<kind>-<group>-<version>.json`, as yannh/kubernetes-json-schema publishes it),
// so kubeconform validates offline against the same Kubernetes version as the others. Standalone: every `$ref`
// inlined; strict: objects that list properties and say nothing of others get `additionalProperties: false`.
// Cached under the OS temp dir, never committed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const COMPONENTS_REF = '#/components/schemas/';
/** Bump when the derivation changes, so stale caches are not reused. */
const DERIVATION_REVISION = '1';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface KubeconformSchemas {
  /** The `-schema-location` to pass: the folder that holds `v<version>-standalone-strict/`. */
  root: string;
  /** The version to pass as `-kubernetes-version` (x.y.z). */
  kubernetesVersion: string;
  kinds: number;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The schema with every `$ref` replaced by the schema it names. A reference back into a schema being expanded (only
 * CustomResourceDefinition's JSONSchemaProps refers to itself) becomes `{}`: accepts anything, as a cut must.
 */
function standalone(schema: Json, schemas: Record<string, Json>, expanding: ReadonlySet<string>): Json {
  if (Array.isArray(schema)) return schema.map((item) => standalone(item, schemas, expanding));
  if (!isObject(schema)) return schema;
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith(COMPONENTS_REF)) {
    const name = ref.slice(COMPONENTS_REF.length);
    const target = schemas[name];
    if (target === undefined) throw new Error(`Unresolved reference ${ref}`);
    if (expanding.has(name)) return {};
    const { $ref: _ignored, ...siblings } = schema;
    const inlined = standalone(target, schemas, new Set([...expanding, name]));
    return isObject(inlined) ? { ...inlined, ...standaloneEntries(siblings, schemas, expanding) } : inlined;
  }
  const result = standaloneEntries(schema, schemas, expanding);
  if (isObject(result.properties) && !('additionalProperties' in result)) result.additionalProperties = false;
  return result;
}

function standaloneEntries(schema: JsonObject, schemas: Record<string, Json>, expanding: ReadonlySet<string>): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && isObject(value)) {
      // A map of schemas, not a schema: its keys are field names (one may be "properties" itself).
      result[key] = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, standalone(property, schemas, expanding)]));
    } else if (key === 'default' || key === 'example' || key === 'enum' || key.startsWith('x-kubernetes-')) {
      result[key] = value;
    } else {
      result[key] = standalone(value, schemas, expanding);
    }
  }
  return result;
}

/** kubeconform's file name for a kind: `<kind>-<first label of the group>-<version>`, or `<kind>-<version>` for the core group. */
export function kubeconformFileName(group: string, version: string, kind: string): string {
  const groupPart = group === '' ? '' : `-${group.split('.')[0]!.toLowerCase()}`;
  return `${kind.toLowerCase()}${groupPart}-${version.toLowerCase()}.json`;
}

function writeAtomically(path: string, text: string): void {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}

/**
 * Derives the folder for `componentsPath` (k8s-v<minor>-components.json of the corpus) unless a cached copy exists;
 * `kubernetesVersion` is x.y, passed to kubeconform as x.y.0.
 */
export function prepareKubeconformSchemas(componentsPath: string, kubernetesVersion: string): KubeconformSchemas {
  const componentsText = readFileSync(componentsPath, 'utf8');
  const key = createHash('sha256').update(DERIVATION_REVISION).update(componentsText).digest('hex').slice(0, 12);
  const fullVersion = `${kubernetesVersion}.0`;
  const root = join(tmpdir(), 'driftless-bench', `kubeconform-${kubernetesVersion}-${key}`);
  const folder = join(root, `v${fullVersion}-standalone-strict`);
  const done = join(root, 'complete');
  if (existsSync(done)) return { root, kubernetesVersion: fullVersion, kinds: Number(readFileSync(done, 'utf8')) };
  rmSync(root, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const schemas = (JSON.parse(componentsText) as { components: { schemas: Record<string, Json> } }).components.schemas;
  let kinds = 0;
  for (const [name, schema] of Object.entries(schemas)) {
    const kindsOfSchema = isObject(schema) ? schema['x-kubernetes-group-version-kind'] : undefined;
    // Schemas that name several kinds (DeleteOptions, Status, WatchEvent) are shared types, not resources.
    if (!Array.isArray(kindsOfSchema) || kindsOfSchema.length !== 1 || !isObject(kindsOfSchema[0])) continue;
    const { group, version, kind } = kindsOfSchema[0];
    if (typeof group !== 'string' || typeof version !== 'string' || typeof kind !== 'string') continue;
    const expanded = standalone(schema, schemas, new Set([name]));
    writeAtomically(join(folder, kubeconformFileName(group, version, kind)), JSON.stringify(expanded));
    kinds++;
  }
  writeFileSync(done, String(kinds));
  return { root, kubernetesVersion: fullVersion, kinds };
}
