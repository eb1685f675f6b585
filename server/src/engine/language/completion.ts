// Completion: keys the schema allows here (required first, with snippets that fill in required children), enum and
// boolean values, apiVersion/kind pairs, and new-resource skeletons at the top of an empty document.
// The cursor's place in the tree is found by writing a marker where the user types and parsing that text, which works
// on half-typed lines that are not valid YAML yet.
import { isMap, isScalar, isSeq } from 'yaml';
import { classifyFile } from '../classify/file-kind';
import { joinApiVersion } from '../schema/kubernetes-schemas';
import { schemaTypes, type SchemaNode, type SchemaResolver } from '../schema/schema-node';
import { parsePositional, valueForEditing } from '../yaml/parsers';
import type { PathSegment } from '../yaml/locate';
import { documentAt, type ParsedDocument } from '../yaml/parse-documents';
import { governingSchema, splitListPath, type SchemaContext } from './document-schema';
import { propertiesOf, schemaAtPath, typeLabel } from './schema-navigation';
import { SKELETONS, skeletonText } from './skeletons';
import { workspaceValueItems, type WorkspaceCompletionHost } from './workspace-completion';

export interface CompletionItem {
  label: string;
  kind: 'property' | 'value' | 'skeleton';
  detail?: string;
  documentation?: string;
  /** Snippet syntax when `snippet` is true. */
  insertText: string;
  snippet: boolean;
  /** Offsets in the file of the text the item replaces. */
  replaceStart: number;
  replaceEnd: number;
  sortText?: string;
  filterText?: string;
}

const MARKER = '__driftless_cursor__';
const KEY_LINE = /^(\s*)((?:-\s+)*)([^\s:#"'{}[\],&*!|>]*)$/;
const VALUE_LINE = /^(\s*(?:-\s+)*)([^\s:#][^:#]*?):[ \t]+(\S*)$/;
const ITEM_LINE = /^(\s*)-[ \t]+(\S*)$/;

interface MarkerHit {
  path: PathSegment[];
  /** The marker is a key (complete keys of the mapping at `path`) or a value (complete values for `path`). */
  asKey: boolean;
  siblings: Set<string>;
}

function findMarker(node: unknown, path: PathSegment[]): MarkerHit | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === MARKER) {
        const siblings = new Set(node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')).filter((k) => k && k !== MARKER));
        return { path, asKey: true, siblings };
      }
      if (isScalar(pair.value) && pair.value.value === MARKER && key !== undefined)
        return { path: [...path, key], asKey: false, siblings: new Set() };
      const inner = key !== undefined ? findMarker(pair.value, [...path, key]) : undefined;
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const item = node.items[i];
      if (isScalar(item) && item.value === MARKER) return { path: [...path, i], asKey: false, siblings: new Set() };
      const inner = findMarker(item, [...path, i]);
      if (inner) return inner;
    }
  }
  return undefined;
}

function escapeSnippet(text: string): string {
  return text.replace(/[$}\\]/g, '\\$&');
}

/** `name: ` plus, for mappings and lists, the lines their required fields need. */
function propertySnippet(name: string, schemaRef: SchemaNode, resolver: SchemaResolver): string {
  const schema = resolver.resolve(schemaRef);
  const key = escapeSnippet(name);
  const types = schemaTypes(schema);
  if (schema.enum?.length) return `${key}: \${1|${schema.enum.map((v) => String(v).replace(/[,|]/g, '\\$&')).join(',')}|}`;
  if (types.length === 1 && types[0] === 'boolean') return `${key}: \${1|true,false|}`;
  if (types.includes('array') && schema.items && !Array.isArray(schema.items)) {
    const item = resolver.resolve(schema.items);
    const children = requiredLines(item, resolver, '    ');
    if (children.length) return `${key}:\n  - ${children.join('\n').trimStart()}`;
    return `${key}:\n  - $0`;
  }
  if (types.includes('object') || schema.properties) {
    const children = requiredLines(schema, resolver, '  ');
    return children.length ? `${key}:\n${children.join('\n')}` : `${key}:\n  $0`;
  }
  return `${key}: $0`;
}

function requiredLines(schema: SchemaNode, resolver: SchemaResolver, indent: string): string[] {
  let tabstop = 1;
  return propertiesOf(schema, resolver)
    .filter((p) => p.required)
    .map((p) => {
      const types = schemaTypes(p.schema);
      const stop = tabstop++;
      if (types.includes('array')) return `${indent}${escapeSnippet(p.name)}:\n${indent}  - \${${stop}}`;
      if (types.includes('object') || p.schema.properties) return `${indent}${escapeSnippet(p.name)}:\n${indent}  \${${stop}}`;
      return `${indent}${escapeSnippet(p.name)}: \${${stop}}`;
    });
}

function describe(schema: SchemaNode, resolver: SchemaResolver, required: boolean): { detail: string; documentation?: string } {
  const detail = `${typeLabel(schema, resolver)}${required ? ' (required)' : ''}`;
  return schema.description ? { detail, documentation: schema.description } : { detail };
}

/** The workspace, for names and paths the repository holds; without it completion knows only the schemas. */
export interface WorkspaceCompletion {
  host: WorkspaceCompletionHost;
  /** The file being edited. */
  file: string;
}

export function completeAt(
  text: string,
  documents: readonly ParsedDocument[],
  offset: number,
  context: SchemaContext,
  workspace?: WorkspaceCompletion,
): CompletionItem[] {
  const document = documentAt(documents, offset);
  if (!document || document.content.tooDeep) return [];
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEndIndex = text.indexOf('\n', offset);
  const lineEnd = lineEndIndex === -1 ? text.length : lineEndIndex;
  const prefix = text.slice(lineStart, offset);
  const wordAfter = /^[^\s:#]*/.exec(text.slice(offset, lineEnd))![0];
  if (/(^|\s)#/.test(prefix) || /^(---|\.\.\.)/.test(prefix)) return [];

  const valueMatch = VALUE_LINE.exec(prefix);
  const keyMatch = valueMatch ? undefined : KEY_LINE.exec(prefix);
  const itemMatch = ITEM_LINE.exec(prefix);
  if (!valueMatch && !keyMatch) return [];
  const partial = valueMatch ? valueMatch[3]! : keyMatch![3]!;
  const replaceStart = offset - partial.length;
  const replaceEnd = offset + wordAfter.length;

  // Rewrite the line inside the document's text with a marker, then find the marker's path.
  const local = (n: number) => n - document.start;
  const docText = document.content.text;
  const markerText = valueMatch ? MARKER : `${MARKER}:`;
  const rewritten = docText.slice(0, local(replaceStart)) + markerText + docText.slice(local(lineEnd));
  const hit = findMarker(parsePositional(rewritten).contents, []);
  const value: unknown = document.content.value ?? valueForEditing(parsePositional(docText));
  const span = { replaceStart, replaceEnd };

  if (!hit) {
    // An empty document: the marker became the whole document, or the parser gave up.
    return prefix.trim() === '' ? skeletonItems(context, span) : [];
  }
  const items: CompletionItem[] = [];
  if (workspace && (!hit.asKey || itemMatch)) {
    // A list item was rewritten as a key (`- x:`); as a value it is what references and paths are made of.
    const asValue = hit.asKey ? docText.slice(0, local(replaceStart)) + MARKER + docText.slice(local(lineEnd)) : rewritten;
    const parsed = parsePositional(asValue);
    const valueHit = hit.asKey ? findMarker(parsed.contents, []) : hit;
    if (valueHit && !valueHit.asKey) {
      const { resourcePath: at, innerPath: inner } = splitListPath(value, valueHit.path);
      const fullValue: unknown = valueForEditing(parsed);
      const request = {
        file: workspace.file,
        isKustomization: classifyFile(context.facts) === 'kustomization',
        value: at.length ? (fullValue as { items: unknown[] }).items[at[1] as number] : fullValue,
        path: inner,
        marker: MARKER,
        typed: partial,
        span,
      };
      const found = workspaceValueItems(request, workspace.host);
      if (found.length) return found;
    }
  }
  if (hit.asKey && hit.path.length === 0 && isEmptyResource(value) && classifyFile(context.facts) === 'manifests') {
    items.push(...skeletonItems(context, span));
  }
  const { resourcePath, innerPath } = splitListPath(value, hit.path);
  if (!hit.asKey && innerPath.length === 1 && (innerPath[0] === 'apiVersion' || innerPath[0] === 'kind')) {
    return [...items, ...identityItems(innerPath[0], value, resourcePath, context, span)];
  }
  const governing = governingSchema(value, docText, context, resourcePath);
  if (!governing) return items.length ? items : hit.asKey && hit.path.length === 0 ? identityKeyItems(span) : [];
  const schema = schemaAtPath(governing.root, governing.resolver, innerPath);
  if (!schema) return items;
  // `- na|` in a list of mappings is the first key of a new item, even though it parses as a scalar item.
  if (hit.asKey || (itemMatch && isObjectSchema(schema, governing.resolver))) {
    for (const property of propertiesOf(schema, governing.resolver)) {
      if (hit.siblings.has(property.name)) continue;
      items.push({
        label: property.name,
        kind: 'property',
        ...describe(property.schema, governing.resolver, property.required),
        insertText: propertySnippet(property.name, property.schema, governing.resolver),
        snippet: true,
        ...span,
        sortText: `${property.required ? '0' : '1'}${property.name}`,
      });
    }
    return items;
  }
  return [...items, ...valueItems(schema, span)];
}

function isObjectSchema(schema: SchemaNode, resolver: SchemaResolver): boolean {
  const resolved = resolver.resolve(schema);
  return schemaTypes(resolved).includes('object') || !!resolved.properties;
}

function isEmptyResource(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return record.apiVersion === undefined && record.kind === undefined;
}

function valueItems(schema: SchemaNode, span: { replaceStart: number; replaceEnd: number }): CompletionItem[] {
  const values = schema.enum?.length ? schema.enum : schemaTypes(schema).includes('boolean') ? [true, false] : [];
  return values
    .filter((v) => v !== null && v !== '')
    .map((v, i) => ({
      label: String(v),
      kind: 'value' as const,
      insertText: String(v),
      snippet: false,
      ...span,
      sortText: String(i).padStart(3, '0'),
    }));
}

function identityKeyItems(span: { replaceStart: number; replaceEnd: number }): CompletionItem[] {
  return ['apiVersion', 'kind', 'metadata'].map((key, i) => ({
    label: key,
    kind: 'property' as const,
    insertText: key === 'metadata' ? 'metadata:\n  name: $0' : `${key}: $0`,
    snippet: true,
    ...span,
    sortText: `0${i}`,
  }));
}

function skeletonItems(context: SchemaContext, span: { replaceStart: number; replaceEnd: number }): CompletionItem[] {
  return SKELETONS.map((skeleton, i) => ({
    label: `${skeleton.kind} (${skeleton.apiVersion})`,
    kind: 'skeleton' as const,
    detail: 'New resource',
    documentation: `A new ${skeleton.kind} with the fields a working one needs.`,
    insertText: skeletonText(skeleton),
    snippet: true,
    ...span,
    filterText: skeleton.kind,
    sortText: `2${String(i).padStart(3, '0')}`,
  })).filter(
    (item) => context.catalog.lookup(item.label.split('(')[1]!.slice(0, -1), item.filterText, context.kubernetesVersion).status === 'found',
  );
}

/** Values for `apiVersion` (every served group/version; those serving the document's kind first) and `kind`. */
function identityItems(
  field: 'apiVersion' | 'kind',
  value: unknown,
  resourcePath: readonly PathSegment[],
  context: SchemaContext,
  span: { replaceStart: number; replaceEnd: number },
): CompletionItem[] {
  let resource: unknown = value;
  for (const segment of resourcePath) resource = (resource as Record<string | number, unknown>)?.[segment];
  const record = (typeof resource === 'object' && resource !== null ? resource : {}) as Record<string, unknown>;
  const pairs: { apiVersion: string; kind: string; source: string }[] = [];
  for (const r of context.catalog.kubernetes.forVersion(context.kubernetesVersion)?.resources() ?? []) {
    pairs.push({ apiVersion: joinApiVersion(r.group, r.version), kind: r.kind, source: `Kubernetes ${context.kubernetesVersion}` });
  }
  for (const lookup of [context.catalog.workspaceCrds, context.catalog.bundledCrds]) {
    for (const { crd, source } of lookup.all()) {
      for (const v of crd.versions)
        if (v.served)
          pairs.push({
            apiVersion: `${crd.group}/${v.name}`,
            kind: crd.kind,
            source: source.kind === 'workspace' ? 'workspace CRD' : `${source.id} CRD`,
          });
    }
  }
  const kind = typeof record.kind === 'string' ? record.kind : undefined;
  const apiVersion = typeof record.apiVersion === 'string' ? record.apiVersion : undefined;
  const byLabel = new Map<string, { detail: string; matches: boolean }>();
  for (const pair of pairs) {
    if (field === 'kind' && apiVersion && pair.apiVersion !== apiVersion) continue;
    const label = field === 'apiVersion' ? pair.apiVersion : pair.kind;
    const matches = field === 'apiVersion' && kind === pair.kind;
    const known = byLabel.get(label);
    if (known) known.matches ||= matches;
    else byLabel.set(label, { detail: field === 'kind' ? `${pair.apiVersion} · ${pair.source}` : pair.source, matches });
  }
  const items: CompletionItem[] = [];
  for (const [label, { detail, matches }] of byLabel) {
    items.push({
      label,
      kind: 'value',
      detail,
      insertText: label,
      snippet: false,
      ...span,
      sortText: `${matches || field === 'kind' ? '0' : '1'}${label}`,
    });
  }
  return items;
}
