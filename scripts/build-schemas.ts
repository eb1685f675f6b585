// Derives the compact, offline schema data in schemas/ from ../shared/corpus. Run: npm run schemas
// The output is committed so a clone builds without the corpus; re-run only when the corpus changes.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import jsyaml from 'js-yaml';
import { API_SERVER_ENUMS, ENUM_CORRECTIONS, enumFromDescription, type RecoveredEnum } from './enums-from-descriptions';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const root = resolve(__dirname, '..');
const corpus = resolve(process.env.DRIFTLESS_CORPUS ?? join(root, '..', 'shared', 'corpus'));
const out = join(root, 'schemas');
const REF_PREFIX = '#/components/schemas/';

function readJson(path: string): JsonObject {
  return JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
}
function writeJson(path: string, value: unknown): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(value) + '\n');
}
function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 12);
}

/** `allOf: [{$ref}]` wrappers become plain `$ref: <definition name>`, keeping siblings such as description. */
function simplifyRefs(node: Json): Json {
  if (Array.isArray(node)) return node.map(simplifyRefs);
  if (!isObject(node)) return node;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'allOf' && Array.isArray(value) && value.length === 1 && isObject(value[0]) && typeof value[0].$ref === 'string') {
      result.$ref = value[0].$ref.slice(REF_PREFIX.length);
    } else if (key === '$ref' && typeof value === 'string') {
      result.$ref = value.slice(REF_PREFIX.length);
    } else {
      result[key] = key === 'properties' || key === 'default' || key === 'example' ? mapValues(value, simplifyRefs) : simplifyRefs(value);
    }
  }
  return result;
}
function mapValues(value: Json, fn: (v: Json) => Json): Json {
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fn(v)]));
}

interface EnumStats {
  description: number;
  corrected: number;
  apiServer: number;
  fields: Record<string, RecoveredEnum>;
}

/** Adds `enum` to string properties whose allowed values live only in the prose, or in the API server's code. */
function addRecoveredEnums(name: string, definition: JsonObject, stats: EnumStats): void {
  const properties = definition.properties;
  if (!isObject(properties)) return;
  for (const [property, schema] of Object.entries(properties)) {
    if (!isObject(schema)) continue;
    const target = schema.type === 'array' && isObject(schema.items) ? schema.items : schema;
    if (target.type !== 'string' || target.enum) continue;
    const field = `${name}.${property}`;
    let recovered: RecoveredEnum | undefined;
    if (field in ENUM_CORRECTIONS) {
      const corrected = ENUM_CORRECTIONS[field];
      if (corrected) recovered = { values: corrected, how: 'corrected' };
    } else if (API_SERVER_ENUMS[field]) {
      recovered = { values: API_SERVER_ENUMS[field], how: 'api-server' };
    } else if (typeof schema.description === 'string') {
      const values = enumFromDescription(schema.description);
      if (values) recovered = { values, how: 'description' };
    }
    if (!recovered) continue;
    target.enum = recovered.values;
    target['x-driftless-enum-source'] = recovered.how;
    stats.fields[field] = recovered;
    if (recovered.how === 'description') stats.description++;
    else if (recovered.how === 'corrected') stats.corrected++;
    else stats.apiServer++;
  }
}

interface ResourceEntry {
  group: string;
  version: string;
  kind: string;
  definition: string;
  namespaced: boolean;
  plural?: string;
}

function gvkOf(definition: JsonObject): { group: string; version: string; kind: string }[] {
  const list = definition['x-kubernetes-group-version-kind'];
  return Array.isArray(list) ? (list.filter(isObject) as unknown as { group: string; version: string; kind: string }[]) : [];
}

function buildKubernetes(): { versions: string[]; enumStats: Record<string, EnumStats> } {
  const dir = join(corpus, 'schemas', 'kubernetes');
  const versions = readdirSync(dir)
    .map((f) => /^k8s-v(\d+\.\d+)-components\.json$/.exec(f)?.[1])
    .filter((v): v is string => !!v)
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
  const pool: Record<string, string> = {};
  const enumStats: Record<string, EnumStats> = {};
  let scopeFallback = new Map<string, boolean>();
  // Read newest first so that 1.23 (which has no resources file) can borrow scopes from later versions.
  for (const version of [...versions].reverse()) {
    const components = (readJson(join(dir, `k8s-v${version}-components.json`)).components as JsonObject).schemas as JsonObject;
    const stats: EnumStats = { description: 0, corrected: 0, apiServer: 0, fields: {} };
    const names: Record<string, string> = {};
    for (const [name, raw] of Object.entries(components)) {
      const definition = simplifyRefs(raw) as JsonObject;
      addRecoveredEnums(name, definition, stats);
      // Stored as JSON text: a server parses the few hundred definitions it uses, not all of them.
      const text = JSON.stringify(definition);
      const id = hash(text);
      pool[id] = text;
      names[name] = id;
    }
    enumStats[version] = stats;
    const resources: ResourceEntry[] = [];
    const resourcesFile = join(dir, `k8s-v${version}-resources.json`);
    const byGvk = new Map<string, string>();
    for (const [name, definition] of Object.entries(components)) {
      if (!isObject(definition)) continue;
      for (const gvk of gvkOf(definition)) byGvk.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, name);
    }
    let listed: { group: string; version: string; kind: string; namespaced: boolean; resource: string }[] = [];
    try {
      statSync(resourcesFile);
      listed = (readJson(resourcesFile).resources as Json[]).flat() as unknown as typeof listed;
    } catch {
      listed = [];
    }
    if (listed.length > 0) {
      const seen = new Set<string>();
      for (const entry of listed) {
        const key = `${entry.group}/${entry.version}/${entry.kind}`;
        const definition = byGvk.get(key);
        if (!definition || seen.has(key)) continue;
        seen.add(key);
        resources.push({
          group: entry.group,
          version: entry.version,
          kind: entry.kind,
          definition,
          namespaced: entry.namespaced,
          plural: entry.resource,
        });
        scopeFallback.set(`${entry.group}/${entry.kind}`, entry.namespaced);
      }
    } else {
      // 1.23: no paths survive in the corpus; take every kind-tagged object with metadata, scope from later versions.
      for (const [key, definition] of byGvk) {
        const [group, ver, kind] = key.split('/') as [string, string, string];
        const schema = components[definition];
        if (!isObject(schema) || !isObject(schema.properties) || !schema.properties.metadata) continue;
        if (kind.endsWith('List') || definition.startsWith('io.k8s.apimachinery.')) continue;
        const namespaced = scopeFallback.get(`${group}/${kind}`);
        resources.push({ group, version: ver, kind, definition, namespaced: namespaced ?? true });
      }
    }
    resources.sort((a, b) => `${a.group}/${a.version}/${a.kind}`.localeCompare(`${b.group}/${b.version}/${b.kind}`));
    writeJson(join(out, 'kubernetes', `v${version}.json`), { version, definitions: names, resources });
  }
  scopeFallback = new Map();
  // One definition per line, "<id>\t<json>": a server reads the file as bytes and decodes only the lines it needs.
  const lines = Object.entries(pool).map(([id, text]) => `${id}\t${text}`);
  writeFileSync(join(out, 'kubernetes', 'definitions.jsonl'), lines.join('\n') + '\n');
  return { versions, enumStats };
}

/**
 * Replaces schema nodes that occur more than once (CRDs repeat pod templates, versions repeat whole schemas) by
 * `{"$shared": index}` into one pool. Only schema positions are pooled, never a `properties` map or an `enum`.
 */
class SchemaNodePool {
  private readonly counts = new Map<string, number>();
  private readonly index = new Map<string, number>();
  readonly entries: Json[] = [];
  constructor(private readonly minSize = 160) {}

  count(node: Json): void {
    this.forEachChildSchema(node, (child) => this.count(child));
    if (!isObject(node)) return;
    const text = JSON.stringify(node);
    if (text.length >= this.minSize) this.counts.set(text, (this.counts.get(text) ?? 0) + 1);
  }

  rewrite(node: Json): Json {
    if (!isObject(node)) return node;
    const text = JSON.stringify(node);
    if (text.length < this.minSize || (this.counts.get(text) ?? 0) < 2) return this.rewriteChildren(node);
    let id = this.index.get(text);
    if (id === undefined) {
      id = this.entries.length;
      this.index.set(text, id);
      this.entries.push(null);
      this.entries[id] = this.rewriteChildren(node);
    }
    return { $shared: id };
  }

  private rewriteChildren(node: JsonObject): JsonObject {
    const result: JsonObject = { ...node };
    for (const key of SCHEMA_MAPS) if (isObject(node[key])) result[key] = mapValues(node[key], (child) => this.rewrite(child));
    for (const key of SCHEMA_LISTS) if (Array.isArray(node[key])) result[key] = node[key].map((child) => this.rewrite(child));
    for (const key of SCHEMA_VALUES) if (isObject(node[key])) result[key] = this.rewrite(node[key]);
    return result;
  }

  private forEachChildSchema(node: Json, visit: (child: Json) => void): void {
    if (!isObject(node)) return;
    for (const key of SCHEMA_MAPS) if (isObject(node[key])) Object.values(node[key]).forEach(visit);
    for (const key of SCHEMA_LISTS) if (Array.isArray(node[key])) node[key].forEach(visit);
    for (const key of SCHEMA_VALUES) if (isObject(node[key])) visit(node[key]);
  }
}
const SCHEMA_MAPS = ['properties', 'patternProperties'] as const;
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;
const SCHEMA_VALUES = ['items', 'additionalProperties', 'not'] as const;

interface BundledCrd {
  source: string;
  group: string;
  kind: string;
  plural: string;
  scope: string;
  versions: { name: string; served: boolean; deprecated?: boolean; deprecationWarning?: string; schema: Json }[];
}

function listFiles(dir: string, pattern: RegExp): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...listFiles(path, pattern));
    else if (pattern.test(entry)) found.push(path);
  }
  return found.sort();
}

function buildCrds(): { crds: BundledCrd[]; sources: string[] } {
  const dir = join(corpus, 'crds');
  const crds: BundledCrd[] = [];
  const sources = readdirSync(dir)
    .filter((d) => statSync(join(dir, d)).isDirectory())
    .sort();
  for (const source of sources) {
    for (const file of listFiles(join(dir, source), /\.ya?ml$/)) {
      for (const doc of jsyaml.loadAll(readFileSync(file, 'utf8')) as JsonObject[]) {
        if (!isObject(doc) || doc.kind !== 'CustomResourceDefinition' || !isObject(doc.spec)) continue;
        const spec = doc.spec;
        const names = spec.names as JsonObject;
        const versions = (spec.versions as JsonObject[]).map((v) => ({
          name: v.name as string,
          served: v.served !== false,
          ...(v.deprecated ? { deprecated: true } : {}),
          ...(typeof v.deprecationWarning === 'string' ? { deprecationWarning: v.deprecationWarning } : {}),
          schema: (v.schema as JsonObject | undefined)?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        }));
        crds.push({
          source,
          group: spec.group as string,
          kind: names.kind as string,
          plural: names.plural as string,
          scope: spec.scope as string,
          versions,
        });
      }
    }
  }
  crds.sort((a, b) => `${a.group}/${a.kind}`.localeCompare(`${b.group}/${b.kind}`));
  for (const crd of crds) addFluxOperatorKinds(crd);
  return { crds, sources };
}

/**
 * Flux Operator, the common way to install Flux, patches the notification-controller CRDs it installs so alerts and
 * receivers accept its own kinds (controlplaneio-fluxcd/flux-operator, internal/builder/templates.go,
 * notificationPatchTmpl). Without these, a repository that alerts on FluxInstance events gets a false error.
 */
function addFluxOperatorKinds(crd: BundledCrd): void {
  const paths: Record<string, string[]> = { Alert: ['eventSources'], Receiver: ['resources'] };
  if (crd.group !== 'notification.toolkit.fluxcd.io' || !paths[crd.kind]) return;
  for (const version of crd.versions) {
    const spec = (version.schema as JsonObject).properties as JsonObject | undefined;
    const list = ((spec?.spec as JsonObject | undefined)?.properties as JsonObject | undefined)?.[paths[crd.kind]![0]!] as
      JsonObject | undefined;
    const kind = ((list?.items as JsonObject | undefined)?.properties as JsonObject | undefined)?.kind as JsonObject | undefined;
    if (Array.isArray(kind?.enum)) {
      for (const extra of ['FluxInstance', 'ResourceSet', 'ResourceSetInputProvider'])
        if (!kind.enum.includes(extra)) kind.enum.push(extra);
    }
  }
}

function buildDeprecations(): unknown[] {
  const data = jsyaml.load(readFileSync(join(corpus, 'schemas', 'deprecations', 'pluto-versions.yaml'), 'utf8')) as {
    'deprecated-versions': Record<string, string>[];
  };
  const minor = (v: string | undefined) => (v ? /^v?(\d+\.\d+)/.exec(v)?.[1] : undefined);
  return data['deprecated-versions']
    .filter((d) => d.component === 'k8s' || d.component === 'cert-manager')
    .map((d) => ({
      apiVersion: d.version,
      kind: d.kind,
      component: d.component,
      deprecatedIn: minor(d['deprecated-in']),
      removedIn: minor(d['removed-in']),
      replacement: d['replacement-api'] || undefined,
      replacementAvailableIn: minor(d['replacement-available-in']),
    }));
}

function main(): void {
  const { versions, enumStats } = buildKubernetes();
  const { crds, sources } = buildCrds();
  const pool = new SchemaNodePool();
  for (const crd of crds) for (const v of crd.versions) pool.count(v.schema);
  for (const crd of crds) for (const v of crd.versions) v.schema = pool.rewrite(v.schema);
  writeJson(join(out, 'crds.json'), { shared: pool.entries, crds });
  writeJson(join(out, 'deprecations.json'), buildDeprecations());
  for (const name of ['kustomization', 'chart', 'chart-lock']) {
    writeJson(join(out, 'schemastore', `${name}.json`), readJson(join(corpus, 'schemas', 'schemastore', `${name}.json`)));
  }
  const newest = versions[versions.length - 1]!;
  const newestStats = enumStats[newest]!;
  const index = {
    kubernetesVersions: versions,
    defaultKubernetesVersion: newest,
    crds: crds.map((c) => ({ source: c.source, group: c.group, kind: c.kind, versions: c.versions.map((v) => v.name) })),
    crdSources: sources,
    enumsRecovered: {
      version: newest,
      fromDescriptions: newestStats.description,
      correctedByHand: newestStats.corrected,
      fromApiServerCode: newestStats.apiServer,
    },
  };
  writeJson(join(out, 'index.json'), index);
  const report = Object.entries(newestStats.fields)
    .map(([field, e]) => `${e.how.padEnd(11)} ${field}: ${e.values.join(', ')}`)
    .sort()
    .join('\n');
  writeFileSync(
    join(out, 'enums-recovered.txt'),
    `# Enumerations added to the Kubernetes ${newest} schema (how: description | corrected | api-server)\n${report}\n`,
  );
  const size = listFiles(out, /\.jsonl?$/).reduce((sum, f) => sum + statSync(f).size, 0);
  console.log(
    `schemas/: ${versions.length} Kubernetes versions (${versions[0]}..${newest}), ${crds.length} bundled CRDs from ${sources.length} projects, ` +
      `${newestStats.description} enums recovered from descriptions (+${newestStats.corrected} corrected, +${newestStats.apiServer} from API-server code), ` +
      `${(size / 1e6).toFixed(2)} MB in ${relative(process.cwd(), out) || '.'}`,
  );
}

main();
