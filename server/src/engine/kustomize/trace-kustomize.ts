// Where a value of a kustomize-rendered object was written: the last patch that sets it (a strategic-merge patch file,
// a JSON 6902 operation, an inline patch in a kustomization), else the resource file the object was read from. The
// render says which file an object came from and which kustomizations patched it (engine/render/origins); this module
// finds the line.
import type { KustomizationFacts, PatchEntry } from './kustomization';
import { findPair, locatePath, type JsonPath, type LocateTarget, type SourceSpan } from '../yaml/locate';
import { DocumentContent, type ParsedDocument } from '../yaml/parse-documents';
import { isMap, isSeq, isScalar, type Node } from 'yaml';
import { isRecord, segmentsOf, valueAt, type Json } from '../json';

export interface SourceLocation {
  file: string;
  /** Offsets in the file's text. */
  start: number;
  end: number;
  /** What the location is: the file the object was read from, or a patch that set the value. */
  via: 'resource' | 'patch' | 'kustomization';
}

/** The repository's files as tracing reads them. */
export interface TraceSources {
  /** A file's documents, parsed (undefined when it cannot be read). */
  documents(file: string): readonly ParsedDocument[] | undefined;
  /** A kustomization file's facts (its patches, resolved). */
  kustomization(file: string): KustomizationFacts | undefined;
}

function nameOf(value: unknown): string | undefined {
  const metadata = isRecord(value) && isRecord(value.metadata) ? value.metadata : undefined;
  return typeof metadata?.name === 'string' ? metadata.name : undefined;
}

/**
 * The same path in a patch (or a source manifest): list items are matched by content, not position, as strategic
 * merge matches them by their merge key (a container by name, a port by number). Undefined when the patch does not
 * set the value.
 */
export function correspondingPath(rendered: unknown, written: unknown, path: JsonPath): JsonPath | undefined {
  const out: (string | number)[] = [];
  let have = rendered;
  let want = written;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(have) || !Array.isArray(want)) return undefined;
      const item: unknown = have[segment];
      const index = want.findIndex((candidate) => isSubsetOf(candidate, item));
      if (index === -1) return undefined;
      out.push(index);
      have = item;
      want = want[index];
    } else {
      if (!isRecord(have) || !isRecord(want) || !(segment in want)) return undefined;
      out.push(segment);
      have = have[segment];
      want = want[segment];
    }
  }
  return out;
}

/** Whether every scalar a patch's list item sets has the same value in the rendered item (the patch won). */
function isSubsetOf(written: unknown, rendered: unknown): boolean {
  if (!isRecord(written) || !isRecord(rendered)) return written === rendered;
  const scalars = Object.entries(written).filter(([, value]) => typeof value !== 'object' || value === null);
  return scalars.length > 0 && scalars.every(([key, value]) => rendered[key] === value);
}

function matchesTarget(entry: PatchEntry, kind: string, names: string[]): boolean {
  if (!entry.target) return true;
  if (entry.target.kind !== undefined && entry.target.kind !== kind) return false;
  if (entry.target.name === undefined) return true;
  try {
    const pattern = new RegExp(`^(?:${entry.target.name})$`);
    return names.some((name) => pattern.test(name));
  } catch {
    return false;
  }
}

/** A JSON pointer (`/spec/template/spec/containers/0`) as path segments. */
function pointerSegments(pointer: string): (string | number)[] {
  return segmentsOf(pointer).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** Where, in one patch document's value, the finding's path is set: a path into the document, else undefined. */
function pathInPatch(patch: unknown, entry: PatchEntry, rendered: Json, names: string[], path: JsonPath): JsonPath | undefined {
  const kind = String(rendered.kind);
  if (Array.isArray(patch)) {
    // JSON 6902: the last operation that adds or replaces the value or one of its ancestors.
    if (!entry.target || !matchesTarget(entry, kind, names)) return undefined;
    for (let i = patch.length - 1; i >= 0; i--) {
      const operation: unknown = patch[i];
      if (!isRecord(operation) || typeof operation.path !== 'string' || !['add', 'replace'].includes(String(operation.op))) continue;
      const pointer = pointerSegments(operation.path);
      if (pointer.length > path.length || !pointer.every((segment, j) => String(segment) === String(path[j]))) continue;
      const rest = correspondingPath(valueAt(rendered, pointer), operation.value, path.slice(pointer.length));
      return [i, 'value', ...(rest ?? [])];
    }
    return undefined;
  }
  if (!isRecord(patch) || patch.kind !== kind || !matchesTarget(entry, kind, names)) return undefined;
  const patchName = nameOf(patch);
  if (!entry.target && patchName !== undefined && !names.includes(patchName)) return undefined;
  return correspondingPath(rendered, patch, path);
}

function locateIn(document: ParsedDocument, path: JsonPath, target: LocateTarget): SourceSpan {
  const span = locatePath(document.content.positional, document.content.text, path, target);
  return { start: document.start + span.start, end: document.start + span.end };
}

/** The span of an inline patch's path inside its kustomization: the patch is a block scalar, shifted right. */
function locateInline(
  kustomization: ParsedDocument,
  entryIndex: number,
  field: string,
  path: JsonPath,
  target: LocateTarget,
): SourceSpan | undefined {
  const list = findPair(kustomization.content.positional.contents, field)?.value;
  if (!isSeq(list)) return undefined;
  const item = list.items[entryIndex] as Node | undefined;
  const scalar = isMap(item) ? findPair(item, 'patch')?.value : isScalar(item) ? item : undefined;
  if (!isScalar(scalar) || typeof scalar.value !== 'string' || !scalar.range) return undefined;
  const inner = DocumentContent.parse(scalar.value);
  if (inner.value === undefined || inner.problems.length) return undefined;
  const span = locatePath(inner.positional, inner.text, path, target);
  const text = kustomization.content.text;
  const block = scalar.type === 'BLOCK_LITERAL' || scalar.type === 'BLOCK_FOLDED';
  if (!block) {
    const start = scalar.range[0];
    return { start: kustomization.start + start, end: kustomization.start + scalar.range[1] };
  }
  // Line n of the patch is line n after the block's header, indented by the block's indentation.
  const bodyStart = text.indexOf('\n', scalar.range[0]) + 1;
  const indent = /^( *)/.exec(text.slice(bodyStart))?.[1]?.length ?? 0;
  const toOuter = (offset: number): number => {
    const line = inner.text.slice(0, offset).split('\n').length - 1;
    const column = offset - (inner.text.lastIndexOf('\n', offset - 1) + 1);
    let position = bodyStart;
    for (let i = 0; i < line; i++) position = text.indexOf('\n', position) + 1;
    return kustomization.start + position + indent + column;
  };
  return { start: toOuter(span.start), end: toOuter(span.end) };
}

/** Which list of a kustomization an inline patch entry sits in, and where (the order patchEntriesOf reads them). */
function inlinePosition(value: unknown, inline: unknown): { field: string; index: number } | undefined {
  if (!isRecord(value)) return undefined;
  for (const field of ['patches', 'patchesStrategicMerge', 'patchesJson6902']) {
    const list = value[field];
    if (!Array.isArray(list)) continue;
    for (let index = 0; index < list.length; index++) {
      const entry: unknown = list[index];
      const text = isRecord(entry) ? entry.patch : entry;
      if (typeof text !== 'string') continue;
      const parsed = DocumentContent.parse(text).value;
      if (JSON.stringify(parsed) === JSON.stringify(inline)) return { field, index };
    }
  }
  return undefined;
}

function patchLocation(
  entry: PatchEntry,
  kustomizationFile: string,
  rendered: Json,
  names: string[],
  path: JsonPath,
  target: LocateTarget,
  sources: TraceSources,
): SourceLocation | undefined {
  if (entry.file) {
    const documents = sources.documents(entry.file) ?? [];
    for (let i = documents.length - 1; i >= 0; i--) {
      const document = documents[i]!;
      const inPatch = pathInPatch(document.content.value, entry, rendered, names, path);
      if (inPatch) return { file: entry.file, ...locateIn(document, inPatch, target), via: 'patch' };
    }
    return undefined;
  }
  const patches = Array.isArray(entry.inline) ? [entry.inline] : [entry.inline];
  for (const patch of patches) {
    const inPatch = pathInPatch(patch, entry, rendered, names, path);
    if (!inPatch) continue;
    const kustomization = sources.documents(kustomizationFile)?.[0];
    const position = kustomization && inlinePosition(kustomization.content.value, entry.inline);
    const span = kustomization && position && locateInline(kustomization, position.index, position.field, inPatch, target);
    if (span) return { file: kustomizationFile, ...span, via: 'patch' };
    if (kustomization)
      return { file: kustomizationFile, ...locateIn(kustomization, [position?.field ?? 'patches'], 'key'), via: 'kustomization' };
  }
  return undefined;
}

/** The document of the origin file the rendered object was read from: same kind, the name kustomize prefixed or suffixed. */
function sourceDocument(documents: readonly ParsedDocument[], rendered: Json): ParsedDocument | undefined {
  const renderedName = nameOf(rendered) ?? '';
  const sameKind = documents.filter((d) => isRecord(d.content.value) && d.content.value.kind === rendered.kind);
  const named = sameKind
    .filter((d) => renderedName.includes(nameOf(d.content.value) ?? '\u0000'))
    .sort((a, b) => (nameOf(b.content.value)?.length ?? 0) - (nameOf(a.content.value)?.length ?? 0));
  return named[0] ?? (sameKind.length === 1 ? sameKind[0] : undefined);
}

/**
 * Where the value at `path` of a rendered object was written. `origin`: the file kustomize read it from; `patchedIn`:
 * the kustomizations whose patches it went through, in the order applied; `missing`: the finding is about a field
 * nobody wrote (a required one), so the object's own file is blamed, not a patch that merely touches its parent.
 * Undefined when nothing here wrote it (an object a generator made, a value a transformer set).
 */
export function traceKustomizeValue(
  rendered: Json,
  origin: string | undefined,
  patchedIn: readonly string[],
  finding: { path: JsonPath; target: LocateTarget; missing: boolean },
  sources: TraceSources,
): SourceLocation | undefined {
  const { path, target } = finding;
  const source = origin ? sourceDocument(sources.documents(origin) ?? [], rendered) : undefined;
  const names = [...new Set([nameOf(source?.content.value), nameOf(rendered)].filter((n): n is string => !!n))];
  for (let k = finding.missing ? -1 : patchedIn.length - 1; k >= 0; k--) {
    const kustomizationFile = patchedIn[k]!;
    const entries = sources.kustomization(kustomizationFile)?.patchEntries ?? [];
    for (let i = entries.length - 1; i >= 0; i--) {
      const found = patchLocation(entries[i]!, kustomizationFile, rendered, names, path, target, sources);
      if (found) return found;
    }
  }
  if (!origin || !source) return undefined;
  const written = correspondingPath(rendered, source.content.value, path) ?? deepestWritten(rendered, source.content.value, path);
  return { file: origin, ...locateIn(source, written, target), via: 'resource' };
}

/** The longest prefix of `path` the source writes (a transformer added the rest). */
function deepestWritten(rendered: unknown, written: unknown, path: JsonPath): JsonPath {
  for (let length = path.length - 1; length > 0; length--) {
    const found = correspondingPath(rendered, written, path.slice(0, length));
    if (found) return found;
  }
  return [];
}
