// Maps between JSON paths in a document's value and source ranges in its `yaml` syntax tree.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';

export type PathSegment = string | number;
export type JsonPath = readonly PathSegment[];

/** Offsets relative to the document's text. */
export interface SourceSpan {
  start: number;
  end: number;
}

export type LocateTarget = 'key' | 'value';

function scalarKey(pair: Pair): string | undefined {
  const key = pair.key;
  if (!isScalar(key)) return undefined;
  const value: unknown = key.value;
  if (value === null) return '';
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

export function findPair(node: unknown, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(node)) return undefined;
  for (const item of node.items) {
    if (isPair(item) && scalarKey(item) === key) return item as Pair<Node, Node | null>;
  }
  return undefined;
}

function spanOf(node: Node | null | undefined): SourceSpan | undefined {
  const range = node?.range;
  return range ? { start: range[0], end: Math.max(range[1], range[0]) } : undefined;
}

/** The first line of a collection: a whole block mapping would underline dozens of lines. */
function firstLine(text: string, span: SourceSpan): SourceSpan {
  const newline = text.indexOf('\n', span.start);
  return { start: span.start, end: newline === -1 || newline > span.end ? span.end : newline };
}

/**
 * The source span of `path` in the document: the key or the value it names. When the path leaves the written source
 * (a value from a merge key, a default), the deepest written ancestor is used.
 */
export function locatePath(document: Document.Parsed, text: string, path: JsonPath, target: LocateTarget): SourceSpan {
  let node: unknown = document.contents;
  let keyNode: Node | undefined;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    let next: unknown;
    let nextKey: Node | undefined;
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      const pair = findPair(node, String(segment));
      if (pair) {
        next = pair.value;
        nextKey = pair.key;
        if (i === path.length - 1 && target === 'key') return spanOf(pair.key) ?? fallback(text, node, keyNode);
        if (pair.value === null || (isScalar(pair.value) && pair.value.range?.[0] === pair.value.range?.[1])) {
          if (i === path.length - 1) return spanOf(pair.key) ?? fallback(text, node, keyNode);
        }
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      nextKey = undefined;
    }
    if (next === undefined) return fallback(text, node, keyNode);
    node = next;
    keyNode = nextKey;
  }
  if (isScalar(node) || isAlias(node)) return spanOf(node) ?? fallback(text, node, keyNode);
  if (keyNode) return spanOf(keyNode)!;
  const span = spanOf(node as Node);
  return span ? firstLine(text, span) : { start: 0, end: 0 };
}

function fallback(text: string, node: unknown, keyNode: Node | undefined): SourceSpan {
  const keySpan = spanOf(keyNode);
  if (keySpan) return keySpan;
  const span = spanOf(node as Node);
  if (span) return firstLine(text, span);
  const firstContent = /[^\s-]/.exec(text.replace(/^---.*$/m, (m) => ' '.repeat(m.length)));
  const start = firstContent?.index ?? 0;
  return firstLine(text, { start, end: text.length });
}

export interface NodeAtOffset {
  path: PathSegment[];
  /** Whether the offset is on a key or on a value (or in a collection between its entries). */
  on: 'key' | 'value';
  node: Node | null;
  pair?: Pair<Node, Node | null>;
}

/** The deepest node whose source contains `offset`, with its path. */
export function nodeAtOffset(document: Document.Parsed, offset: number): NodeAtOffset | undefined {
  const contents = document.contents as Node | null;
  if (!contents || !contains(contents, offset)) return undefined;
  const path: PathSegment[] = [];
  let node: Node = contents;
  let pair: Pair<Node, Node | null> | undefined;
  for (;;) {
    if (isMap(node)) {
      const hit = node.items.find((item) => isPair(item) && containsPair(item as Pair<Node, Node | null>, offset));
      if (!hit || !isPair(hit)) return { path, on: 'value', node, ...(pair ? { pair } : {}) };
      const entry = hit as Pair<Node, Node | null>;
      const key = scalarKey(entry);
      if (key === undefined) return { path, on: 'value', node, ...(pair ? { pair } : {}) };
      path.push(key);
      pair = entry;
      if (entry.key && contains(entry.key, offset)) return { path, on: 'key', node: entry.key, pair };
      if (!entry.value || !contains(entry.value, offset)) return { path, on: 'value', node: entry.value, pair };
      node = entry.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => isNodeLike(item) && contains(item as Node, offset));
      if (index === -1) return { path, on: 'value', node, ...(pair ? { pair } : {}) };
      path.push(index);
      pair = undefined;
      node = node.items[index] as Node;
    } else {
      return { path, on: 'value', node, ...(pair ? { pair } : {}) };
    }
  }
}

function isNodeLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'range' in value;
}

function contains(node: Node, offset: number): boolean {
  const range = node.range;
  return !!range && range[0] <= offset && offset <= range[1];
}

function containsPair(pair: Pair<Node, Node | null>, offset: number): boolean {
  const start = pair.key?.range?.[0];
  const end = pair.value?.range?.[1] ?? pair.key?.range?.[1];
  return start !== undefined && end !== undefined && start <= offset && offset <= end;
}
