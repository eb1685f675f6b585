// Locates a path in a document the block reader reads, by walking only the lines on the way to it: the same source span
// locatePath finds in the `yaml` syntax tree (a test compares the two on every path of the corpus), without parsing
// the document again. Findings are located this way; nearly every manifest is a plain block document.
import { resolveScalar, startsPlain, unescapeDoubleQuoted } from './block-reader';
import type { JsonPath, LocateTarget, SourceSpan } from './locate';

const SPACE = 32;
const NEWLINE = 10;
const RETURN = 13;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const QUOTE = 39;
const DOUBLE_QUOTE = 34;
const BAR = 124;
const PLUS = 43;

/**
 * A node on the way: a block mapping or sequence whose entries or items start at column `indent` (the first at
 * `start`, which may follow a "- " on its line), a scalar with its span (empty for a key without a value), or an empty
 * flow collection (`{}`, `[]`).
 */
type WalkNode =
  | { kind: 'map' | 'seq'; start: number; indent: number }
  | { kind: 'scalar'; start: number; end: number }
  | { kind: 'empty-flow'; start: number; end: number };

interface Entry {
  keyStart: number;
  keyEnd: number;
  value: WalkNode;
}

/** A content line: where it starts and how far it is indented. */
interface Line {
  start: number;
  indent: number;
}

/**
 * The span of `path` (see locatePath) in `text`, which readBlockDocument must read; undefined for a document without
 * content.
 */
export function locateInBlockDocument(text: string, path: JsonPath, target: LocateTarget): SourceSpan | undefined {
  return new BlockWalker(text).locate(path, target);
}

class BlockWalker {
  private readonly length: number;

  constructor(private readonly text: string) {
    this.length = text.length;
  }

  locate(path: JsonPath, target: LocateTarget): SourceSpan | undefined {
    let node: WalkNode | undefined = this.root();
    if (!node) return undefined;
    let key: SourceSpan | undefined;
    // Step for step locatePath's walk.
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      let next: WalkNode | undefined;
      let nextKey: SourceSpan | undefined;
      if (node.kind === 'map') {
        const entry = this.entry(node, String(segment));
        if (entry) {
          next = entry.value;
          nextKey = { start: entry.keyStart, end: entry.keyEnd };
          // A key without a value has an empty scalar: the key is shown instead.
          if (i === path.length - 1 && (target === 'key' || (next.kind === 'scalar' && next.start === next.end))) return nextKey;
        }
      } else if (node.kind === 'seq' && typeof segment === 'number') {
        next = this.item(node, segment);
      }
      if (next === undefined) return key ?? this.firstLine(node);
      node = next;
      key = nextKey;
    }
    if (node.kind === 'scalar') return { start: node.start, end: node.end };
    return key ?? this.firstLine(node);
  }

  /** A scalar's or empty collection's span up to its first line break; a block collection's first line. */
  private firstLine(node: WalkNode): SourceSpan {
    const end = node.kind === 'scalar' || node.kind === 'empty-flow' ? node.end : this.length;
    const newline = this.text.indexOf('\n', node.start);
    return { start: node.start, end: newline === -1 || newline > end ? end : newline };
  }

  private root(): WalkNode | undefined {
    let line = this.contentLine(0);
    if (line && line.indent === 0 && this.text.startsWith('---', line.start)) line = this.contentLine(this.nextLineStart(line.start));
    return line ? this.collectionAt(line.start + line.indent, line.indent) : undefined;
  }

  private collectionAt(start: number, indent: number): WalkNode {
    return { kind: this.isSequenceItemAt(start) ? 'seq' : 'map', start, indent };
  }

  /** The next line from `lineStart` on that holds content (not blank, not only a comment), if any. */
  private contentLine(lineStart: number): Line | undefined {
    const text = this.text;
    while (lineStart < this.length) {
      let i = lineStart;
      while (text.charCodeAt(i) === SPACE) i++;
      const code = text.charCodeAt(i);
      if (!(i >= this.length || code === NEWLINE || code === RETURN || code === HASH)) return { start: lineStart, indent: i - lineStart };
      lineStart = this.nextLineStart(i);
    }
    return undefined;
  }

  private nextLineStart(from: number): number {
    const newline = this.text.indexOf('\n', from);
    return newline === -1 ? this.length : newline + 1;
  }

  private isSequenceItemAt(i: number): boolean {
    if (this.text.charCodeAt(i) !== DASH) return false;
    const next = this.text.charCodeAt(i + 1);
    return next === SPACE || next === NEWLINE || next === RETURN || Number.isNaN(next);
  }

  private isBreakOrSpace(i: number): boolean {
    const code = this.text.charCodeAt(i);
    return Number.isNaN(code) || code === SPACE || code === NEWLINE || code === RETURN;
  }

  private endsLine(i: number): boolean {
    const code = this.text.charCodeAt(i);
    return Number.isNaN(code) || code === NEWLINE || code === RETURN || code === HASH;
  }

  /**
   * The next sibling line of a mapping or sequence at column `indent` after the line holding `from`: the first content
   * line at most that indented (deeper lines belong to the current entry or item), or undefined at the end.
   */
  private nextSibling(from: number, indent: number, skipItems: boolean): Line | undefined {
    let lineStart = this.nextLineStart(from);
    for (;;) {
      const line = this.contentLine(lineStart);
      if (!line || line.indent < indent) return undefined;
      // An entry's indentless sequence ("key:\n- a") sits at the mapping's own column.
      if (line.indent === indent && !(skipItems && this.isSequenceItemAt(line.start + indent))) return line;
      lineStart = this.nextLineStart(line.start);
    }
  }

  /** The entry of a mapping whose key is `key` as the `yaml` library reads keys (null as ''): the first such. */
  private entry(map: { start: number; indent: number }, key: string): Entry | undefined {
    let at = map.start;
    for (;;) {
      const entry = this.entryAt(at, map.indent, key);
      if (entry) return entry;
      const next = this.nextSibling(at, map.indent, true);
      if (!next) return undefined;
      at = next.start + map.indent;
    }
  }

  /** The entry starting at `start` when its key is `wanted`. */
  private entryAt(start: number, indent: number, wanted: string): Entry | undefined {
    const text = this.text;
    const code = text.charCodeAt(start);
    let keyEnd: number;
    let colon: number;
    let key: string;
    if (code === DOUBLE_QUOTE || code === QUOTE) {
      keyEnd = code === DOUBLE_QUOTE ? this.doubleQuotedEnd(start) : this.singleQuotedEnd(start);
      const body = text.slice(start + 1, keyEnd - 1);
      key = code === DOUBLE_QUOTE ? (body.includes('\\') ? unescapeDoubleQuoted(body) : body) : body.replace(/''/g, "'");
      colon = keyEnd;
      while (text.charCodeAt(colon) === SPACE) colon++;
    } else {
      colon = this.plainKeyEnd(start);
      keyEnd = colon;
      while (text.charCodeAt(keyEnd - 1) === SPACE) keyEnd--;
      const raw = text.slice(start, keyEnd);
      // Most keys are words that read as themselves; only those that might not are resolved.
      if (raw !== wanted && !mayResolveOtherwise(raw)) return undefined;
      const resolved = resolveScalar(raw);
      key = resolved === null ? '' : String(resolved);
    }
    if (key !== wanted) return undefined;
    let valueStart = colon + 1;
    while (text.charCodeAt(valueStart) === SPACE) valueStart++;
    return { keyStart: start, keyEnd, value: this.valueAt(valueStart, indent, true) };
  }

  /** The value at `start` on its key's or dash's line, or the node below it when the line ends there. */
  private valueAt(start: number, indent: number, inMapping: boolean): WalkNode {
    if (!this.endsLine(start)) return this.scalarAt(start, indent);
    const line = this.contentLine(this.nextLineStart(start));
    if (line && line.indent > indent) return this.collectionAt(line.start + line.indent, line.indent);
    if (inMapping && line && line.indent === indent && this.isSequenceItemAt(line.start + indent))
      return { kind: 'seq', start: line.start + indent, indent };
    return { kind: 'scalar', start, end: start };
  }

  /** Item `index` of a sequence. */
  private item(sequence: { start: number; indent: number }, index: number): WalkNode | undefined {
    let dash = sequence.start;
    for (let i = 0; i < index; i++) {
      const next = this.nextSibling(dash, sequence.indent, false);
      if (!next || !this.isSequenceItemAt(next.start + sequence.indent)) return undefined;
      dash = next.start + sequence.indent;
    }
    let start = dash + 1;
    while (this.text.charCodeAt(start) === SPACE) start++;
    if (this.endsLine(start)) return this.valueAt(start, sequence.indent, false);
    // "- key: value": a mapping whose entries sit at the column of its first key.
    if (this.startsEntry(start)) return { kind: 'map', start, indent: sequence.indent + (start - dash) };
    return this.scalarAt(start, sequence.indent);
  }

  private startsEntry(i: number): boolean {
    const code = this.text.charCodeAt(i);
    if (code === DOUBLE_QUOTE || code === QUOTE) {
      let j = code === DOUBLE_QUOTE ? this.doubleQuotedEnd(i) : this.singleQuotedEnd(i);
      while (this.text.charCodeAt(j) === SPACE) j++;
      return this.text.charCodeAt(j) === COLON && this.isBreakOrSpace(j + 1);
    }
    return this.plainKeyEnd(i) !== -1;
  }

  /** Where a plain key starting at `i` ends (its colon), or -1 if the line is not "key: ...". */
  private plainKeyEnd(i: number): number {
    const text = this.text;
    if (!startsPlain(text.charCodeAt(i), text.charCodeAt(i + 1))) return -1;
    for (let j = i; j < this.length; j++) {
      const code = text.charCodeAt(j);
      if (code === NEWLINE || code === RETURN) return -1;
      if (code === COLON && this.isBreakOrSpace(j + 1)) return j;
      if (code === HASH && text.charCodeAt(j - 1) === SPACE) return -1;
    }
    return -1;
  }

  /** A one-line scalar, an empty flow collection or a literal block starting at `start` (its parent at `indent`). */
  private scalarAt(start: number, indent: number): WalkNode {
    const text = this.text;
    const code = text.charCodeAt(start);
    if (code === BAR) return { kind: 'scalar', start, end: this.literalEnd(start, indent) };
    if (code === DOUBLE_QUOTE) return { kind: 'scalar', start, end: this.doubleQuotedEnd(start) };
    if (code === QUOTE) return { kind: 'scalar', start, end: this.singleQuotedEnd(start) };
    if (code === 91 || code === 123) return { kind: 'empty-flow', start, end: start + 2 }; // No plain scalar starts so.
    let end = start;
    for (; end < this.length; end++) {
      const c = text.charCodeAt(end);
      if (c === NEWLINE || c === RETURN || (c === HASH && text.charCodeAt(end - 1) === SPACE)) break;
    }
    while (text.charCodeAt(end - 1) === SPACE) end--;
    return { kind: 'scalar', start, end };
  }

  /** Where a literal block ends, as the `yaml` library ranges it: after its last content line (`|+`: its last line). */
  private literalEnd(start: number, indent: number): number {
    const keep = this.text.charCodeAt(start + 1) === PLUS;
    let lineStart = this.nextLineStart(start);
    let lastContentEnd = lineStart;
    while (lineStart < this.length) {
      let i = lineStart;
      while (this.text.charCodeAt(i) === SPACE) i++;
      const code = this.text.charCodeAt(i);
      const blank = Number.isNaN(code) || code === NEWLINE || code === RETURN;
      if (!blank && i - lineStart <= indent) break;
      lineStart = this.nextLineStart(lineStart);
      if (!blank) lastContentEnd = lineStart;
    }
    return keep ? lineStart : lastContentEnd;
  }

  private singleQuotedEnd(start: number): number {
    for (let i = start + 1; i < this.length; i++) {
      if (this.text.charCodeAt(i) !== QUOTE) continue;
      if (this.text.charCodeAt(i + 1) === QUOTE) i++;
      else return i + 1;
    }
    return this.length;
  }

  private doubleQuotedEnd(start: number): number {
    for (let i = start + 1; i < this.length; i++) {
      const code = this.text.charCodeAt(i);
      if (code === 92) i++;
      else if (code === DOUBLE_QUOTE) return i + 1;
    }
    return this.length;
  }
}

/** Whether a plain key's text might read as something else (a number, null, a boolean) — see resolveScalar. */
function mayResolveOtherwise(raw: string): boolean {
  const first = raw.charCodeAt(0);
  return raw.length <= 5 || (first >= 48 && first <= 57) || first === 43 || first === DASH || first === 46;
}
