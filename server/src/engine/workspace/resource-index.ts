// Every resource the repository declares, keyed by kind, namespace and name, kept per file so that a file's edit
// replaces only its own entries. Holds identities and where they are, never the resources' values.
import type { JsonPath } from '../yaml/locate';
import type { DocumentContent, ParsedDocument } from '../yaml/parse-documents';
import { podLabelsOf, podSelectorOf, type Labels, type PodSelector } from './pod-selection';
import { producedBy, unseenObjectsOf, type ProducedResource } from './produced-resources';
import { referencesOf, type ResourceReference } from './resource-references';
import { isRecord } from '../json';

export interface IndexedResource {
  file: string;
  documentIndex: number;
  apiVersion: string;
  kind: string;
  name: string;
  /** As written in metadata.namespace; where kustomize or a controller sets it is the graph's business. */
  namespace: string | undefined;
  /** Offset in the file of the document that declares it; `nameOffset` finds the name from there. */
  documentStart: number;
  /** Where the resource is in its document's value: [] or ['items', i] in a List. */
  path: JsonPath;
  /** The resources it names (paths relative to the resource). */
  references: ResourceReference[];
  /** What a controller makes from it (an ExternalSecret's Secret, ...). */
  produces: ProducedResource[];
  /** It applies objects that cannot be seen offline (a HelmRelease, an Argo CD Application), in `namespace` if named. */
  appliesUnseen: { namespace?: string } | undefined;
  /** A Flux source's `spec.url` (which repository a GitRepository delivers). */
  sourceUrl: string | undefined;
  /** The labels its pods get, for a workload. */
  podLabels: Labels | undefined;
  /** The pods it selects, for a Service or PodDisruptionBudget. */
  podSelector: PodSelector | undefined;
}

function sourceUrlOf(resource: Record<string, unknown>): string | undefined {
  if (typeof resource.apiVersion !== 'string' || !resource.apiVersion.startsWith('source.toolkit.fluxcd.io/')) return undefined;
  const spec = isRecord(resource.spec) ? resource.spec : {};
  return typeof spec.url === 'string' ? spec.url : undefined;
}

/** What a document declares, independent of where it sits in its file. */
export type Declared = Omit<IndexedResource, 'file' | 'documentIndex' | 'documentStart'>;

/** Parsed documents are shared with validation and reused while their text is unchanged: so is what they declare. */
const declaredByContent = new WeakMap<DocumentContent, Declared[]>();

/** The named resources of a parsed document (a List's items each), with what they reference and make. */
export function declaredIn(content: DocumentContent): readonly Declared[] {
  const cached = declaredByContent.get(content);
  if (cached) return cached;
  const declared: Declared[] = [];
  const value = content.value;
  if (isRecord(value)) {
    const isList = value.kind === 'List' && Array.isArray(value.items);
    const candidates: unknown[] = isList ? (value.items as unknown[]) : [value];
    for (const [i, candidate] of candidates.entries()) {
      if (!isRecord(candidate) || typeof candidate.apiVersion !== 'string' || typeof candidate.kind !== 'string') continue;
      const metadata = isRecord(candidate.metadata) ? candidate.metadata : undefined;
      if (typeof metadata?.name !== 'string' || metadata.name === '') continue;
      // One shape for every entry (absent fields are undefined), so the code reading them stays fast.
      declared.push({
        apiVersion: candidate.apiVersion,
        kind: candidate.kind,
        name: metadata.name,
        namespace: typeof metadata.namespace === 'string' && metadata.namespace ? metadata.namespace : undefined,
        path: isList ? ['items', i] : [],
        references: referencesOf(candidate),
        produces: producedBy(candidate),
        appliesUnseen: unseenObjectsOf(candidate),
        sourceUrl: sourceUrlOf(candidate),
        podLabels: podLabelsOf(candidate),
        podSelector: podSelectorOf(candidate),
      });
    }
  }
  declaredByContent.set(content, declared);
  return declared;
}

/** The resources a file's documents declare (a List's items each count). */
export function resourcesOfDocuments(file: string, documents: readonly ParsedDocument[]): IndexedResource[] {
  const resources: IndexedResource[] = [];
  for (const document of documents)
    for (const declared of declaredIn(document.content))
      resources.push({
        file,
        documentIndex: document.index,
        documentStart: document.start,
        apiVersion: declared.apiVersion,
        kind: declared.kind,
        name: declared.name,
        namespace: declared.namespace,
        path: declared.path,
        references: declared.references,
        produces: declared.produces,
        appliesUnseen: declared.appliesUnseen,
        sourceUrl: declared.sourceUrl,
        podLabels: declared.podLabels,
        podSelector: declared.podSelector,
      });
  return resources;
}

/**
 * Where a resource's name is written in its file: the `name:` entry directly under the `metadata:` line of its
 * document, if its value is the name; else that `metadata:` line (`metadata: {name: x}`); else the document's first
 * line after its `---`. Found when needed (navigation), not when indexing, so that indexing stays a pass over values.
 */
export function nameOffset(fileText: string, resource: IndexedResource): number {
  let lineStart = resource.documentStart;
  if (fileText.startsWith('---', lineStart)) lineStart = nextLine(fileText, lineStart);
  let fallback = lineStart;
  let inMetadata = false;
  let childIndent = -1;
  for (; lineStart < fileText.length; lineStart = nextLine(fileText, lineStart)) {
    const end = lineEnd(fileText, lineStart);
    const line = fileText.slice(lineStart, end);
    if (line.startsWith('---') || line.startsWith('...')) break;
    const content = line.trimStart();
    if (content === '' || content.startsWith('#')) continue;
    const indent = line.length - content.length;
    if (indent === 0) {
      if (inMetadata) break;
      if (content.startsWith('metadata:')) fallback = lineStart;
      inMetadata = /^metadata:\s*(#.*)?$/.test(content);
      continue;
    }
    if (!inMetadata) continue;
    if (childIndent === -1) childIndent = indent;
    if (indent !== childIndent) continue;
    const name = /^name:[ \t]*(["']?)(.*?)\1[ \t]*(?:#.*)?$/.exec(content);
    if (name) return name[2] === resource.name ? lineStart + indent : fallback;
  }
  return fallback;
}

/**
 * Where a resource starts in its file, for what is said about the whole resource (a code lens): its document's first
 * line with content (past `---`, blank lines and comments); for an item of a List, where its name is.
 */
export function resourceOffset(fileText: string, resource: IndexedResource): number {
  if (resource.path.length) return nameOffset(fileText, resource);
  let lineStart = resource.documentStart;
  if (fileText.startsWith('---', lineStart)) lineStart = nextLine(fileText, lineStart);
  for (let at = lineStart; at < fileText.length; at = nextLine(fileText, at)) {
    const content = fileText.slice(at, lineEnd(fileText, at)).trimStart();
    if (content.startsWith('---') || content.startsWith('...')) break;
    if (content !== '' && !content.startsWith('#')) return at;
  }
  return lineStart;
}

function nextLine(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  return newline === -1 ? text.length : newline + 1;
}

function lineEnd(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  const end = newline === -1 ? text.length : newline;
  return text.charCodeAt(end - 1) === 13 ? end - 1 : end;
}

/**
 * Whether other files' checks see the same of a file's resources: kinds, namespaces and names, what controllers make
 * from them, whether they apply unseen objects, the labels of their pods and what they select. Not where they are
 * written, nor what they reference.
 */
function sameVisibleFacts(before: readonly IndexedResource[], after: readonly IndexedResource[]): boolean {
  if (before.length !== after.length) return false;
  for (let i = 0; i < before.length; i++) {
    const a = before[i]!;
    const b = after[i]!;
    // An unchanged document keeps its facts' objects (declaredIn caches them by content): most compare by identity.
    const same =
      a.apiVersion === b.apiVersion &&
      a.kind === b.kind &&
      a.namespace === b.namespace &&
      a.name === b.name &&
      a.sourceUrl === b.sourceUrl &&
      sameJson(a.appliesUnseen, b.appliesUnseen) &&
      sameJson(a.produces, b.produces) &&
      sameJson(a.podLabels, b.podLabels) &&
      sameJson(a.podSelector, b.podSelector);
    if (!same) return false;
  }
  return true;
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function kindAndName(kind: string, name: string): string {
  return `${kind}/${name}`;
}

export class ResourceIndex {
  private readonly byFile = new Map<string, IndexedResource[]>();
  private readonly byKindAndName = new Map<string, IndexedResource[]>();
  private changes = 0;

  /**
   * Replaces a file's resources ([] or undefined: none); true when what other files can see of them changed (see
   * sameVisibleFacts), so that their references must be checked again.
   */
  setFile(file: string, resources: IndexedResource[] | undefined): boolean {
    const before = this.byFile.get(file) ?? [];
    for (const old of before) {
      const key = kindAndName(old.kind, old.name);
      const remaining = this.byKindAndName.get(key)?.filter((r) => r !== old) ?? [];
      if (remaining.length) this.byKindAndName.set(key, remaining);
      else this.byKindAndName.delete(key);
    }
    if (resources && resources.length) this.byFile.set(file, resources);
    else this.byFile.delete(file);
    for (const resource of resources ?? []) {
      const key = kindAndName(resource.kind, resource.name);
      const list = this.byKindAndName.get(key);
      if (list) list.push(resource);
      else this.byKindAndName.set(key, [resource]);
    }
    // A file seen for the first time (every file of a scan) changes what others see if it declares anything.
    const changed = before.length === 0 ? !!resources?.length : !sameVisibleFacts(before, resources ?? []);
    if (changed) this.changes++;
    return changed;
  }

  /** Counts changes of what references can see, so that what is derived from the index knows when to recompute. */
  get generation(): number {
    return this.changes;
  }

  /** The resources of this kind and name, in any namespace. */
  named(kind: string, name: string): readonly IndexedResource[] {
    return this.byKindAndName.get(kindAndName(kind, name)) ?? [];
  }

  resourcesOf(file: string): readonly IndexedResource[] {
    return this.byFile.get(file) ?? [];
  }

  files(): string[] {
    return [...this.byFile.keys()];
  }

  get size(): number {
    let count = 0;
    for (const resources of this.byFile.values()) count += resources.length;
    return count;
  }

  *all(): IterableIterator<IndexedResource> {
    for (const resources of this.byFile.values()) yield* resources;
  }

  /**
   * Resources whose name (or `Kind name`) contains the query's characters in order, as editors match symbols; best
   * first: a name starting with the query, then containing it, then the rest.
   */
  search(query: string, limit: number): IndexedResource[] {
    const wanted = query.toLowerCase().replace(/\s+/g, '');
    const scored: { resource: IndexedResource; score: number }[] = [];
    for (const resource of this.all()) {
      const name = resource.name.toLowerCase();
      const score = name.startsWith(wanted)
        ? 0
        : name.includes(wanted)
          ? 1
          : isSubsequence(wanted, name)
            ? 2
            : isSubsequence(wanted, `${resource.kind}${resource.name}`.toLowerCase())
              ? 3
              : -1;
      if (score >= 0) scored.push({ resource, score });
    }
    scored.sort(
      (a, b) => a.score - b.score || a.resource.name.localeCompare(b.resource.name) || a.resource.file.localeCompare(b.resource.file),
    );
    return scored.slice(0, limit).map((s) => s.resource);
  }
}

function isSubsequence(needle: string, haystack: string): boolean {
  let at = 0;
  for (const char of needle) {
    at = haystack.indexOf(char, at);
    if (at === -1) return false;
    at++;
  }
  return true;
}
