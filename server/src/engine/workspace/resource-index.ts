// Every resource the repository declares, keyed by kind, namespace and name, kept per file so that a file's edit
// replaces only its own entries. Holds identities and where they are, never the resources' values.
import type { ParsedDocument } from '../yaml/parse-documents';

export interface IndexedResource {
  file: string;
  documentIndex: number;
  apiVersion: string;
  kind: string;
  name: string;
  /** As written in metadata.namespace; where kustomize or a controller sets it is the graph's business. */
  namespace?: string;
  /** Offset in the file of the document that declares it; `nameOffset` finds the name from there. */
  documentStart: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The resources a file's documents declare (a List's items each count). */
export function resourcesOfDocuments(file: string, documents: readonly ParsedDocument[]): IndexedResource[] {
  const resources: IndexedResource[] = [];
  for (const document of documents) {
    const value = document.content.value;
    if (!isRecord(value)) continue;
    const candidates = value.kind === 'List' && Array.isArray(value.items) ? value.items : [value];
    for (const candidate of candidates) {
      if (!isRecord(candidate) || typeof candidate.apiVersion !== 'string' || typeof candidate.kind !== 'string') continue;
      const metadata = isRecord(candidate.metadata) ? candidate.metadata : undefined;
      if (typeof metadata?.name !== 'string' || metadata.name === '') continue;
      resources.push({
        file,
        documentIndex: document.index,
        apiVersion: candidate.apiVersion,
        kind: candidate.kind,
        name: metadata.name,
        ...(typeof metadata.namespace === 'string' && metadata.namespace ? { namespace: metadata.namespace } : {}),
        documentStart: document.start,
      });
    }
  }
  return resources;
}

/**
 * Where a resource's name is written in its file: the `name:` entry directly under the `metadata:` line of its
 * document, if its value is the name; else that `metadata:` line (`metadata: {name: x}`); else the document's first
 * line after its `---`. Found when needed (navigation),
 * not when indexing, so that indexing stays a pass over values.
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

function nextLine(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  return newline === -1 ? text.length : newline + 1;
}

function lineEnd(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  const end = newline === -1 ? text.length : newline;
  return text.charCodeAt(end - 1) === 13 ? end - 1 : end;
}

/** What identifies a resource for references: its kind, namespace and name (not where it is written). */
function identities(resources: readonly IndexedResource[]): string {
  return resources.map((r) => `${r.apiVersion}|${r.kind}|${r.namespace ?? ''}|${r.name}`).join('\n');
}

export class ResourceIndex {
  private readonly byFile = new Map<string, IndexedResource[]>();

  /** Replaces a file's resources ([] or undefined: none); true when the set of identities changed. */
  setFile(file: string, resources: IndexedResource[] | undefined): boolean {
    const before = this.byFile.get(file) ?? [];
    if (resources && resources.length) this.byFile.set(file, resources);
    else this.byFile.delete(file);
    return identities(before) !== identities(resources ?? []);
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
