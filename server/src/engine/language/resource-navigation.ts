// Go to definition from a reference (a configMapRef's name, a Flux dependsOn) to the resource it names, and find
// every reference to a resource from its name. Both resolve names as the reference checks do: in the scope where
// the referring resource is applied.
import { isClusterScopedKind, isFluxKind, matches } from '../workspace/reference-checks';
import type { Definition, ReferenceScopes } from '../workspace/reference-scopes';
import { declaredIn, nameOffset, type IndexedResource, type ResourceIndex } from '../workspace/resource-index';
import type { ResourceReference } from '../workspace/resource-references';
import { locatePath, nodeAtOffset, type JsonPath } from '../yaml/locate';
import { documentAt, parseDocuments, type ParsedDocument } from '../yaml/parse-documents';
import { splitListPath } from './document-schema';

export interface NavigationHost {
  resources: ResourceIndex;
  scopes: ReferenceScopes;
  /** A file's text: the editor's for an open file, else the disk's; undefined when it cannot be read. */
  textOf(path: string): string | undefined;
}

/** A place in a file, as offsets. */
export interface Place {
  file: string;
  start: number;
  end: number;
}

function samePath(a: JsonPath, b: JsonPath): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}

/** The reference whose name is under the cursor, with its resource's own namespace. */
function referenceAt(
  documents: readonly ParsedDocument[],
  offset: number,
): { reference: ResourceReference; namespace?: string } | undefined {
  const document = documentAt(documents, offset);
  if (!document || document.content.empty || document.content.value === undefined) return undefined;
  const hit = nodeAtOffset(document.content.positional, offset - document.start);
  if (!hit || hit.on !== 'value') return undefined;
  for (const declared of declaredIn(document.content))
    for (const reference of declared.references)
      if (samePath([...declared.path, ...reference.at], hit.path))
        return { reference, ...(declared.namespace ? { namespace: declared.namespace } : {}) };
  return undefined;
}

/** Where the resource a reference under the cursor names is defined: in its scope, else anywhere it is. */
export function definitionsAt(file: string, documents: readonly ParsedDocument[], offset: number, host: NavigationHost): Place[] {
  const found = referenceAt(documents, offset);
  if (!found) return [];
  const { reference, namespace } = found;
  const key = `${reference.kind}/${reference.name}`;
  const scopes = isFluxKind(reference) ? [host.scopes.repositoryScope()] : host.scopes.scopesOf(file);
  let definitions: Definition[] = scopes.flatMap((scope) => {
    const referrerNamespace = scope.build ? (scope.build.files.get(file) ?? namespace) : namespace;
    return (scope.definitions.get(key) ?? []).filter((d) => matches(d, reference, referrerNamespace));
  });
  // Not where it is applied: still show where the name is defined, so the user sees why.
  if (!definitions.length) definitions = host.scopes.repositoryScope().definitions.get(key) ?? [];
  const places = definitions.flatMap((d) => placeOfDefinition(d, host) ?? []);
  return places.filter((p, i) => places.findIndex((q) => q.file === p.file && q.start === p.start) === i);
}

function placeOfDefinition(definition: Definition, host: NavigationHost): Place | undefined {
  const text = host.textOf(definition.file);
  if (text === undefined) return undefined;
  if (definition.resource) {
    const start = nameOffset(text, definition.resource);
    return { file: definition.file, start, end: start };
  }
  // A generator's output: its `name:` in the kustomization.
  const escaped = definition.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const line = new RegExp(`name:[ \\t]*["']?${escaped}["']?[ \\t]*$`, 'm').exec(text);
  const start = line?.index ?? 0;
  return { file: definition.file, start, end: start };
}

/** Every reference to the resource whose `metadata.name` is under the cursor (and its name, if asked). */
export function referencesTo(
  file: string,
  documents: readonly ParsedDocument[],
  offset: number,
  host: NavigationHost,
  includeDeclaration: boolean,
): Place[] {
  const document = documentAt(documents, offset);
  if (!document || document.content.empty || document.content.value === undefined) return [];
  const hit = nodeAtOffset(document.content.positional, offset - document.start);
  if (!hit) return [];
  const { resourcePath, innerPath } = splitListPath(document.content.value, hit.path);
  if (!samePath(innerPath, ['metadata', 'name'])) return [];
  const target = host.resources.resourcesOf(file).find((r) => r.documentIndex === document.index && samePath(r.path, resourcePath));
  if (!target) return [];
  const targetNamespaces = host.scopes.namespacesOf(target);
  const places: Place[] = [];
  if (includeDeclaration) {
    const range = hit.node?.range;
    if (range) places.push({ file, start: document.start + range[0], end: document.start + range[1] });
  }
  const parsed = new Map<string, { text: string; documents: ParsedDocument[] } | null>();
  for (const referrer of host.resources.all()) {
    const matching = referrer.references.filter(
      (reference) =>
        reference.kind === target.kind &&
        reference.name === target.name &&
        namesTarget(referrer, reference, target, targetNamespaces, host),
    );
    for (const reference of matching) {
      const place = placeOfReference(referrer, reference, host, parsed);
      if (place) places.push(place);
    }
  }
  return places;
}

/**
 * Whether the reference names the target: it resolves to it where the referrer is applied, or, resolving to
 * nothing there, could name it by namespace (an unresolved reference is still shown, not renamed into another).
 */
function namesTarget(
  referrer: IndexedResource,
  reference: ResourceReference,
  target: IndexedResource,
  targetNamespaces: (string | undefined)[],
  host: NavigationHost,
): boolean {
  const key = `${reference.kind}/${reference.name}`;
  const scopes = isFluxKind(reference) ? [host.scopes.repositoryScope()] : host.scopes.scopesOf(referrer.file);
  let resolvesSomewhere = false;
  for (const scope of scopes) {
    const namespace = scope.build ? (scope.build.files.get(referrer.file) ?? referrer.namespace) : referrer.namespace;
    const definitions = (scope.definitions.get(key) ?? []).filter((d) => matches(d, reference, namespace));
    // The same resource, also when the scopes were made from an earlier index entry of its file (same facts).
    if (definitions.some((d) => d.resource && isSameResource(d.resource, target))) return true;
    resolvesSomewhere ||= definitions.length > 0;
  }
  return !resolvesSomewhere && namespacesMeet(reference, host.scopes.namespacesOf(referrer), targetNamespaces);
}

function isSameResource(a: IndexedResource, b: IndexedResource): boolean {
  return a.file === b.file && a.documentIndex === b.documentIndex && samePath(a.path, b.path);
}

/** Whether a reference from a resource applied in `from` can name a resource applied in `to` (unknown meets all). */
function namespacesMeet(reference: ResourceReference, from: (string | undefined)[], to: (string | undefined)[]): boolean {
  if (isClusterScopedKind(reference.kind)) return true;
  const targets = reference.namespace ? [reference.namespace] : from;
  return targets.some((t) => t === undefined || to.some((n) => n === undefined || n === t));
}

function placeOfReference(
  referrer: IndexedResource,
  reference: ResourceReference,
  host: NavigationHost,
  parsed: Map<string, { text: string; documents: ParsedDocument[] } | null>,
): Place | undefined {
  if (!parsed.has(referrer.file)) {
    const text = host.textOf(referrer.file);
    parsed.set(referrer.file, text === undefined ? null : { text, documents: parseDocuments(text) });
  }
  const document = parsed.get(referrer.file)?.documents[referrer.documentIndex];
  if (!document || document.content.empty) return undefined;
  const span = locatePath(document.content.positional, document.content.text, [...referrer.path, ...reference.at], 'value');
  return { file: referrer.file, start: document.start + span.start, end: document.start + span.end };
}
