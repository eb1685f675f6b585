// The Applications an Argo CD ApplicationSet generates, where that can be told offline: from list elements, from the
// folders and files of this repository (git generators whose repoURL is one of its remotes), from the cluster Secrets
// the repository declares (and the local cluster, where Argo CD adds it), and matrix and merge of those. Generators
// that ask a service (pullRequest, scmProvider, clusterDecisionResource, plugin) are skipped, and so is any generator
// or Application this cannot evaluate: fewer Applications rather than wrong ones. `templatePatch` is not applied.
import { apiGroupOf } from '../kubernetes/api-version';
import type { DeliveredPathHost } from '../workspace/delivered-paths';
import { filesBelow, matchingFolders, pathMatches, pathspecMatcher } from './git-generator-paths';
import { isRepositoryUrl } from '../workspace/repository-urls';
import { parseDocuments } from '../yaml/parse-documents';
import { formatLikeGo, normalizeName, renderString, renderValue, type Params, type TemplateLanguage } from './applicationset-templates';
import { isRecord, trimmedText, type Json } from '../json';

export interface GeneratorHost {
  /** The repository: where its paths start, its git remotes, its files. */
  delivered: DeliveredPathHost;
  /** A file's text (what a git files generator reads); undefined when it cannot be read. */
  readText(path: string): string | undefined;
  /** The values of the Secrets the repository declares, Argo CD's cluster Secrets among them. */
  secrets(): readonly unknown[];
}

interface Evaluation {
  language: TemplateLanguage;
  host: GeneratorHost;
  /** The ApplicationSet's namespace, when written: Argo CD reads cluster Secrets of its own namespace. */
  namespace: string | undefined;
}

/** Past this many folder entries looked at, a git generator cannot tell what it matches, and is skipped. */
const ENTRY_BUDGET = 10_000;
const IN_CLUSTER = { name: 'in-cluster', server: 'https://kubernetes.default.svc' };
const SECRET_TYPE_LABEL = 'argocd.argoproj.io/secret-type';

/** The generators evaluated here; a generator entry holding any other kind is skipped. */
const EVALUATED = new Set(['list', 'git', 'clusters', 'matrix', 'merge']);

/** The one generator of an entry (`{list: {...}, selector: {...}}`), if it is one evaluated here. */
function generatorOf(generator: Json): { kind: string; spec: Json } | undefined {
  const kinds = Object.keys(generator).filter((key) => key !== 'selector');
  const kind = kinds[0];
  if (kinds.length !== 1 || !kind || !EVALUATED.has(kind) || !isRecord(generator[kind])) return undefined;
  return { kind, spec: generator[kind] };
}

/** The parameter sets a generator entry yields, after its post selector; undefined when it cannot be evaluated. */
function generatorParams(generator: unknown, evaluation: Evaluation, depth: number): Params[] | undefined {
  const found = isRecord(generator) ? generatorOf(generator) : undefined;
  if (!found) return undefined;
  let sets: Params[] | undefined;
  if (found.kind === 'list') sets = listParams(found.spec, evaluation);
  else if (found.kind === 'git') sets = gitParams(found.spec, evaluation);
  else if (found.kind === 'clusters') sets = clusterParams(found.spec, evaluation);
  // Argo CD nests matrix and merge generators one level deep.
  else if (depth < 2 && found.kind === 'matrix') sets = matrixParams(found.spec, evaluation, depth);
  else if (depth < 2 && found.kind === 'merge') sets = mergeParams(found.spec, evaluation, depth);
  const selector = (generator as Json).selector;
  if (!sets || selector === undefined || selector === null) return sets;
  const selected: Params[] = [];
  for (const set of sets) {
    const labels = flattened(set);
    const matches = labels && selects(selector, labels);
    if (matches === undefined) return undefined;
    if (matches) selected.push(set);
  }
  return selected;
}

/** The first document of a YAML or JSON text; undefined when it does not parse. */
function yamlValue(source: string): { value: unknown } | undefined {
  const document = parseDocuments(source).find((d) => !d.content.empty);
  if (!document) return { value: undefined };
  return document.content.problems.length ? undefined : { value: document.content.value };
}

function listParams(list: Json, evaluation: Evaluation): Params[] | undefined {
  const sets: Params[] = [];
  for (const element of Array.isArray(list.elements) ? list.elements : []) {
    if (!isRecord(element)) return undefined;
    if (evaluation.language.goTemplate) {
      sets.push(element);
      continue;
    }
    // Fasttemplate takes string values only, and a `values` map as `values.<key>`.
    const params: Params = {};
    for (const [key, value] of Object.entries(element)) {
      if (key === 'values' && isRecord(value)) {
        for (const [name, inner] of Object.entries(value)) {
          if (typeof inner !== 'string') return undefined;
          params[`values.${name}`] = inner;
        }
      } else if (typeof value === 'string') params[key] = value;
      else return undefined;
    }
    sets.push(params);
  }
  // A literal `elementsYaml`; one templated by a matrix has been filled in before it gets here.
  if (typeof list.elementsYaml === 'string' && list.elementsYaml.trim()) {
    const parsed = list.elementsYaml.includes('{{') ? undefined : yamlValue(list.elementsYaml);
    if (!parsed || !Array.isArray(parsed.value) || !parsed.value.every(isRecord)) return undefined;
    sets.push(...parsed.value);
  }
  return sets;
}

/** A generator's `values`, each rendered with the set's parameters: `values.<key>`, or `.values.<key>` in Go templates. */
function withValues(sets: Params[], values: unknown, language: TemplateLanguage): Params[] | undefined {
  if (values === undefined || values === null) return sets;
  if (!isRecord(values)) return undefined;
  const withThem: Params[] = [];
  for (const set of sets) {
    const rendered: Record<string, string> = {};
    for (const [key, value] of Object.entries(values)) {
      const result = typeof value === 'string' ? renderString(value, set, language) : undefined;
      if (result === undefined) return undefined;
      rendered[key] = result;
    }
    withThem.push(
      language.goTemplate
        ? { ...set, values: rendered }
        : { ...set, ...Object.fromEntries(Object.entries(rendered).map(([key, value]) => [`values.${key}`, value])) },
    );
  }
  return withThem;
}

// ---- git generators

/** Sorted as Argo CD's walk of the repository finds them: a folder before what is inside it, names in order. */
function byWalkOrder(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}

/** `path`, `path.basename`, `path[n]`... of a folder (or of a file's folder), under `pathParamPrefix` if set. */
function pathParams(folder: string, file: string | undefined, prefix: string, language: TemplateLanguage): Params {
  const basename = folder.split('/').pop()!;
  const facts: Record<string, string> = { path: folder, basename, basenameNormalized: normalizeName(basename) };
  if (file !== undefined) Object.assign(facts, { filename: file, filenameNormalized: normalizeName(file) });
  if (language.goTemplate) {
    const path = { ...facts, segments: folder.split('/') };
    return prefix ? { [prefix]: { path } } : { path };
  }
  const name = prefix ? `${prefix}.path` : 'path';
  const params: Params = { [name]: folder };
  for (const [key, value] of Object.entries(facts)) if (key !== 'path') params[`${name}.${key}`] = value;
  folder.split('/').forEach((segment, i) => {
    if (segment) params[`${name}[${i}]`] = segment;
  });
  return params;
}

function directoryParams(git: Json, root: string, prefix: string, evaluation: Evaluation): Params[] | undefined {
  const entries = (git.directories as unknown[]).filter(isRecord);
  const files = evaluation.host.delivered.files;
  const budget = { left: ENTRY_BUDGET };
  const found = new Map<string, string[]>();
  for (const entry of entries) {
    if (entry.exclude === true || typeof entry.path !== 'string') continue;
    const folders = matchingFolders(root, entry.path, files, budget);
    if (!folders) return undefined;
    for (const segments of folders) found.set(segments.join('/'), segments);
  }
  // Exclude entries win over include entries, whatever their order.
  const excluded = entries.filter((e) => e.exclude === true && typeof e.path === 'string').map((e) => e.path as string);
  return [...found.values()]
    .filter((segments) => !excluded.some((pattern) => pathMatches(pattern, segments)))
    .sort(byWalkOrder)
    .map((segments) => pathParams(segments.join('/'), undefined, prefix, evaluation.language));
}

/** An object's leaves as `a.b.0` keys, printed as Go prints them; undefined when one cannot be printed alike. */
function flattened(value: Params): Record<string, string> | undefined {
  const flat: Record<string, string> = {};
  const visit = (inner: unknown, key: string): boolean => {
    if (isRecord(inner) || Array.isArray(inner)) {
      return Object.entries(inner).every(([k, v]) => visit(v, key ? `${key}.${k}` : k));
    }
    const printed = formatLikeGo(inner);
    if (printed === undefined) return false;
    flat[key] = printed;
    return true;
  };
  return visit(value, '') ? flat : undefined;
}

function fileParams(git: Json, root: string, prefix: string, evaluation: Evaluation): Params[] | undefined {
  const entries = (git.files as unknown[]).filter(isRecord).filter((e) => typeof e.path === 'string');
  const files = evaluation.host.delivered.files;
  const budget = { left: ENTRY_BUDGET };
  const pattern = (entry: Json) => (entry.path as string).replace(/^\.\//, '');
  const matched = new Set<string>();
  for (const entry of entries.filter((e) => e.exclude !== true)) {
    const matcher = pathspecMatcher(pattern(entry));
    const candidates = filesBelow(root, pattern(entry), files, budget);
    if (!matcher || !candidates) return undefined;
    for (const path of candidates) if (matcher.test(path)) matched.add(path);
  }
  // Argo CD gathers the files of every include entry, then takes out those of the exclude entries.
  for (const entry of entries.filter((e) => e.exclude === true)) {
    const matcher = pathspecMatcher(pattern(entry));
    for (const path of matched) if (matcher?.test(path)) matched.delete(path);
  }
  const sets: Params[] = [];
  for (const path of [...matched].sort()) {
    const source = evaluation.host.readText(files.resolve(root, path));
    const parsed = source === undefined ? undefined : yamlValue(source);
    if (!parsed) return undefined;
    // One object, or a list of them; an empty file counts as one empty object.
    const objects =
      parsed.value === undefined || parsed.value === null ? [{}] : Array.isArray(parsed.value) ? parsed.value : [parsed.value];
    if (!objects.every(isRecord)) return undefined;
    const slash = path.lastIndexOf('/');
    const folder = slash === -1 ? '.' : path.slice(0, slash);
    for (const object of objects) {
      const own = evaluation.language.goTemplate ? object : flattened(object);
      if (!own) return undefined;
      sets.push({ ...own, ...pathParams(folder, path.slice(slash + 1), prefix, evaluation.language) });
    }
  }
  return sets;
}

function gitParams(git: Json, evaluation: Evaluation): Params[] | undefined {
  const { repositoryRoot, remotes } = evaluation.host.delivered;
  if (repositoryRoot === undefined || !isRepositoryUrl(git.repoURL, remotes)) return undefined;
  const prefix = trimmedText(git.pathParamPrefix) ?? '';
  const sets =
    Array.isArray(git.directories) && git.directories.length
      ? directoryParams(git, repositoryRoot, prefix, evaluation)
      : Array.isArray(git.files) && git.files.length
        ? fileParams(git, repositoryRoot, prefix, evaluation)
        : undefined;
  return sets && withValues(sets, git.values, evaluation.language);
}

// ---- cluster generator

/** Kubernetes labels as strings (YAML may write `tier: 1`). */
function labelsOf(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).flatMap(([key, v]) =>
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? [[key, String(v)]] : [],
    ),
  );
}

/**
 * Whether a label selector (matchLabels, matchExpressions) selects these labels; undefined for an operator it does
 * not know.
 */
function selects(selector: unknown, labels: Record<string, string>): boolean | undefined {
  if (!isRecord(selector)) return undefined;
  for (const [key, value] of Object.entries(labelsOf(selector.matchLabels))) if (labels[key] !== value) return false;
  for (const expression of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    if (!isRecord(expression) || typeof expression.key !== 'string') return undefined;
    const values = Array.isArray(expression.values) ? expression.values.map(String) : [];
    const value = Object.hasOwn(labels, expression.key) ? labels[expression.key] : undefined;
    const operator = expression.operator;
    const holds =
      operator === 'In'
        ? value !== undefined && values.includes(value)
        : operator === 'NotIn'
          ? value === undefined || !values.includes(value)
          : operator === 'Exists'
            ? value !== undefined
            : operator === 'DoesNotExist'
              ? value === undefined
              : undefined;
    if (holds === undefined) return undefined;
    if (!holds) return false;
  }
  return true;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes base64 holding ASCII text (cluster names and URLs); undefined for anything else. */
function decodeBase64(encoded: string): string | undefined {
  const clean = encoded.replace(/\s+/g, '').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(clean) || clean.length % 4 === 1) return undefined;
  let bits = 0;
  let count = 0;
  let decoded = '';
  for (const char of clean) {
    bits = (bits << 6) | BASE64.indexOf(char);
    count += 6;
    if (count >= 8) {
      count -= 8;
      const byte = (bits >> count) & 0xff;
      if (byte >= 0x80) return undefined;
      decoded += String.fromCharCode(byte);
    }
  }
  return decoded;
}

interface ClusterSecret {
  name: string;
  server: string;
  project: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** An Argo CD cluster Secret of the repository, readable here (not SOPS-encrypted) and of the ApplicationSet's namespace. */
function clusterSecret(value: unknown, namespace: string | undefined): ClusterSecret | undefined {
  if (!isRecord(value) || value.kind !== 'Secret' || apiGroupOf(value.apiVersion) !== '' || 'sops' in value) return undefined;
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const labels = labelsOf(metadata.labels);
  if (labels[SECRET_TYPE_LABEL] !== 'cluster') return undefined;
  const secretNamespace = trimmedText(metadata.namespace);
  if (namespace && secretNamespace && secretNamespace !== namespace) return undefined;
  const stringData = isRecord(value.stringData) ? value.stringData : {};
  const data = isRecord(value.data) ? value.data : {};
  const field = (key: string): string | undefined => {
    const read =
      typeof stringData[key] === 'string' ? stringData[key] : typeof data[key] === 'string' ? decodeBase64(data[key]) : undefined;
    // A value encrypted in place (SOPS's `ENC[...]`) says nothing of the cluster.
    return read?.startsWith('ENC[') ? undefined : read;
  };
  const server = field('server');
  if (!server) return undefined;
  return { name: field('name') ?? '', server, project: field('project') ?? '', labels, annotations: labelsOf(metadata.annotations) };
}

function clusterParams(clusters: Json, evaluation: Evaluation): Params[] | undefined {
  // `flatList` yields one set holding every cluster, for templates that range over them.
  if (clusters.flatList === true) return undefined;
  const selector = isRecord(clusters.selector) ? clusters.selector : {};
  const goTemplate = evaluation.language.goTemplate;
  // Argo CD keys the clusters by name: of two Secrets naming one cluster, the last counts.
  const byName = new Map<string, Params>();
  let localHasSecret = false;
  for (const value of evaluation.host.secrets()) {
    const cluster = clusterSecret(value, evaluation.namespace);
    if (!cluster) continue;
    const selected = selects(selector, cluster.labels);
    if (selected === undefined) return undefined;
    if (!selected) continue;
    if (cluster.server === IN_CLUSTER.server) localHasSecret = true;
    const params: Params = {
      name: cluster.name,
      nameNormalized: normalizeName(cluster.name),
      server: cluster.server,
      project: cluster.project,
    };
    if (goTemplate)
      params.metadata = {
        ...(Object.keys(cluster.annotations).length ? { annotations: cluster.annotations } : {}),
        ...(Object.keys(cluster.labels).length ? { labels: cluster.labels } : {}),
      };
    else {
      for (const [key, value] of Object.entries(cluster.annotations)) params[`metadata.annotations.${key}`] = value;
      for (const [key, value] of Object.entries(cluster.labels)) params[`metadata.labels.${key}`] = value;
    }
    byName.set(cluster.name, params);
  }
  const sets = [...byName.values()];
  // The local cluster has no Secret of its own, so no labels: Argo CD adds it only when no selector is set, and
  // unless a Secret already describes it.
  const selective =
    Object.keys(labelsOf(selector.matchLabels)).length > 0 ||
    (Array.isArray(selector.matchExpressions) && selector.matchExpressions.length > 0);
  if (!selective && !localHasSecret) sets.push({ ...IN_CLUSTER, nameNormalized: IN_CLUSTER.name, project: '' });
  return withValues(sets, clusters.values, evaluation.language);
}

// ---- matrix and merge

function isEmptyValue(value: unknown): boolean {
  return value === undefined || value === null || value === '' || value === 0 || value === false || (Array.isArray(value) && !value.length);
}

/** mergo's merge with override, as Argo CD merges Go-template parameters: non-empty values of `source` win. */
function mergedParams(target: Params, source: Params): Params {
  const merged: Params = { ...target };
  for (const [key, value] of Object.entries(source)) {
    const current = merged[key];
    if (isRecord(current) && isRecord(value)) merged[key] = mergedParams(current, value);
    else if (!Object.hasOwn(merged, key) || !isEmptyValue(value)) merged[key] = value;
  }
  return merged;
}

/** A generator with the parameters of a matrix's first generator filled in; its `values` left as written where they fail. */
function interpolated(value: unknown, params: Params, language: TemplateLanguage): { value: unknown } | undefined {
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const rendered = interpolated(item, params, language);
      if (!rendered) return undefined;
      items.push(rendered.value);
    }
    return { value: items };
  }
  if (!isRecord(value)) return renderValue(value, params, language);
  const object: Json = {};
  for (const [key, inner] of Object.entries(value)) {
    // A nested generator's own template is not used; its values may name its own parameters, filled in later.
    if (key === 'template') continue;
    if (key === 'values' && isRecord(inner)) {
      object.values = Object.fromEntries(
        Object.entries(inner).map(([k, v]) => [k, typeof v === 'string' ? (renderString(v, params, language) ?? v) : v]),
      );
      continue;
    }
    const rendered = interpolated(inner, params, language);
    if (!rendered) return undefined;
    object[key] = rendered.value;
  }
  return { value: object };
}

function matrixParams(matrix: Json, evaluation: Evaluation, depth: number): Params[] | undefined {
  const children = Array.isArray(matrix.generators) ? matrix.generators : [];
  if (children.length !== 2) return undefined;
  const first = generatorParams(children[0], evaluation, depth + 1);
  if (!first) return undefined;
  const sets: Params[] = [];
  for (const a of first) {
    const second = interpolated(children[1], a, evaluation.language);
    const seconds = second && generatorParams(second.value, evaluation, depth + 1);
    if (!seconds) return undefined;
    for (const b of seconds) {
      if (evaluation.language.goTemplate) {
        sets.push(mergedParams(mergedParams({}, b), a));
        continue;
      }
      // Fasttemplate parameters combine only where they agree.
      if (Object.entries(b).some(([key, value]) => Object.hasOwn(a, key) && a[key] !== value)) return undefined;
      sets.push({ ...a, ...b });
    }
  }
  return sets;
}

function mergeParams(merge: Json, evaluation: Evaluation, depth: number): Params[] | undefined {
  const children = Array.isArray(merge.generators) ? merge.generators : [];
  const keys = [...new Set(Array.isArray(merge.mergeKeys) ? merge.mergeKeys.filter((k): k is string => typeof k === 'string') : [])].sort();
  if (children.length < 2 || !keys.length) return undefined;
  const byKey = (sets: Params[]): Map<string, Params> | undefined => {
    const keyed = new Map<string, Params>();
    for (const set of sets) {
      const key = JSON.stringify(keys.map((k) => set[k] ?? null));
      if (keyed.has(key)) return undefined; // Argo CD refuses parameter sets that share merge keys
      keyed.set(key, set);
    }
    return keyed;
  };
  const all = children.map((child) => generatorParams(child, evaluation, depth + 1));
  const base = all[0] && byKey(all[0]);
  if (!base) return undefined;
  for (const sets of all.slice(1)) {
    const overrides = sets && byKey(sets);
    if (!overrides) return undefined;
    for (const [key, set] of base) {
      const override = overrides.get(key);
      if (override) base.set(key, evaluation.language.goTemplate ? mergedParams(set, override) : { ...set, ...override });
    }
  }
  return [...base.values()];
}

// ---- Applications

/** mergo's merge without override, as Argo CD lays a generator's own template over the ApplicationSet's. */
function filledIn(own: unknown, base: unknown): unknown {
  if (isRecord(own) && isRecord(base)) {
    const merged: Json = { ...base };
    for (const [key, value] of Object.entries(own)) merged[key] = filledIn(value, base[key]);
    return merged;
  }
  return isEmptyValue(own) || (isRecord(own) && !Object.keys(own).length) ? base : own;
}

/** Whether a template tag is left in a value: Argo CD would make an Application of it, but not the one meant. */
function unresolved(value: unknown): boolean {
  return JSON.stringify(value ?? '').includes('{{');
}

function application(template: Json, params: Params, evaluation: Evaluation): Json | undefined {
  const metadata = renderValue(isRecord(template.metadata) ? template.metadata : {}, params, evaluation.language)?.value;
  const spec = renderValue(isRecord(template.spec) ? template.spec : {}, params, evaluation.language)?.value;
  if (!isRecord(metadata) || !isRecord(spec) || !trimmedText(metadata.name)) return undefined;
  const sources = isRecord(spec.source) ? [spec.source] : Array.isArray(spec.sources) ? spec.sources.filter(isRecord) : [];
  const meant = [metadata.name, spec.destination, ...sources.flatMap((s) => [s.repoURL, s.path, s.chart, s.targetRevision])];
  if (meant.some(unresolved)) return undefined;
  // Argo CD puts each generated Application in the ApplicationSet's namespace.
  const { namespace: _written, ...rest } = metadata;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { ...rest, ...(evaluation.namespace ? { namespace: evaluation.namespace } : {}) },
    spec,
  };
}

/** The Applications an ApplicationSet generates, as far as they can be told offline (see the top of this file). */
export function generatedApplications(applicationSet: unknown, host: GeneratorHost): Json[] {
  if (!isRecord(applicationSet) || applicationSet.kind !== 'ApplicationSet' || apiGroupOf(applicationSet.apiVersion) !== 'argoproj.io')
    return [];
  const spec = isRecord(applicationSet.spec) ? applicationSet.spec : {};
  const metadata = isRecord(applicationSet.metadata) ? applicationSet.metadata : {};
  const options = Array.isArray(spec.goTemplateOptions) ? spec.goTemplateOptions : [];
  const evaluation: Evaluation = {
    language: { goTemplate: spec.goTemplate === true, missingKeyIsError: options.includes('missingkey=error') },
    host,
    namespace: trimmedText(metadata.namespace),
  };
  const applications: Json[] = [];
  const names = new Set<string>();
  for (const generator of Array.isArray(spec.generators) ? spec.generators : []) {
    const sets = generatorParams(generator, evaluation, 0);
    if (!sets) continue;
    const template = filledIn(generatorOf(generator as Json)?.spec.template, spec.template);
    if (!isRecord(template)) continue;
    for (const params of sets) {
      const generated = application(template, params, evaluation);
      const name = generated && trimmedText((generated.metadata as Json).name);
      // Of Applications sharing a name, Argo CD keeps the first.
      if (!generated || !name || names.has(name)) continue;
      names.add(name);
      applications.push(generated);
    }
  }
  return applications;
}
