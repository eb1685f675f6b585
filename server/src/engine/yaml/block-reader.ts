// A fast reader for the plain block style nearly all manifests are written in: block mappings and sequences, one-line
// plain and quoted scalars, literal (`|`) block scalars, comments, and empty `{}`/`[]`. For anything else — anchors,
// aliases, tags, flow collections with content, folded or multi-line scalars, complex or duplicate or merge keys,
// tabs — it returns undefined and the caller uses js-yaml, which reads every document this one reads the same way
// (a test compares them on every document of the corpus). It exists for throughput: about twice js-yaml's speed.
import { FALSE_WORDS, NULL_WORDS, resolveFloat, resolveInteger, TRUE_WORDS } from './scalars';

/** Thrown to leave the fast path; one instance, created once, as leaving is common and must stay cheap. */
class NotInSubset extends Error {}
const NOT_IN_SUBSET = new NotInSubset('the document uses YAML outside the plain block subset');

/**
 * The value of the one YAML document in `text`, or undefined when the text uses YAML this reader leaves to js-yaml
 * (also when a line is indented deeper than `maxIndent`: each level of nesting needs a deeper line, so this bounds
 * the reader's recursion).
 */
export function readBlockDocument(text: string, maxIndent = Infinity): unknown {
  const reader = new BlockReader(text, maxIndent);
  try {
    return reader.document();
  } catch (error) {
    if (error === NOT_IN_SUBSET) return undefined;
    throw error;
  }
}

const SPACE = 32;
const NEWLINE = 10;
const RETURN = 13;
const TAB = 9;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const QUOTE = 39;
const DOUBLE_QUOTE = 34;
const BAR = 124;

/** Characters that cannot start a plain scalar in block context (YAML's c-indicator, less those allowed before a non-space). */
export function startsPlain(code: number, next: number): boolean {
  switch (code) {
    case 44: // ,
    case 91: // [
    case 93: // ]
    case 123: // {
    case 125: // }
    case HASH:
    case 38: // &
    case 42: // *
    case 33: // !
    case BAR:
    case 62: // >
    case QUOTE:
    case DOUBLE_QUOTE:
    case 37: // %
    case 64: // @
    case 96: // `
    case SPACE:
    case TAB:
      return false;
    case DASH:
    case 63: // ?
    case COLON:
      return !Number.isNaN(next) && next !== SPACE && next !== TAB && next !== NEWLINE && next !== RETURN;
    default:
      return true;
  }
}

/** The plain words that resolve to null or a boolean (see scalars.ts), looked up instead of matched. */
const WORD_VALUES = new Map<string, null | boolean>([
  ...NULL_WORDS.map((word) => [word, null] as const),
  ...TRUE_WORDS.map((word) => [word, true] as const),
  ...FALSE_WORDS.map((word) => [word, false] as const),
]);

/** Digits only, without a leading zero (octal) and short enough to be exact: most numbers in manifests. */
function isPlainDecimal(text: string): boolean {
  const length = text.length;
  if (length > 15 || (length > 1 && text.charCodeAt(0) === 48)) return false;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** The first characters of the words in WORD_VALUES: most scalars start otherwise and skip the lookup. */
const WORD_STARTS = new Set([...WORD_VALUES.keys()].map((word) => word.charCodeAt(0)));

/** A plain scalar's value, as js-yaml resolves it with Driftless's types (see scalars.ts). */
export function resolveScalar(text: string): null | boolean | number | string {
  const first = text.charCodeAt(0);
  if (text.length <= 5 && WORD_STARTS.has(first)) {
    const word = WORD_VALUES.get(text);
    if (word !== undefined) return word;
  }
  if ((first >= 48 && first <= 57) || first === 43 || first === DASH || first === 46) {
    if (isPlainDecimal(text)) return Number(text);
    const integer = resolveInteger(text);
    if (integer !== undefined) return integer;
    const float = resolveFloat(text);
    if (float !== undefined) return float;
  }
  return text;
}

class BlockReader {
  private position = 0;
  /** The indentation of the line at `position`, as skipBlankLines last measured it. */
  private indent = 0;
  private readonly length: number;

  constructor(
    private readonly text: string,
    private readonly maxIndent: number,
  ) {
    this.length = text.length;
  }

  document(): unknown {
    this.skipBlankLines();
    if (this.text.startsWith('---', this.position) && this.lineIndentAt(this.position) === 0) {
      const rest = this.restOfLine(this.position + 3).trim();
      if (rest !== '' && rest.charCodeAt(0) !== HASH) throw NOT_IN_SUBSET;
      this.position = this.nextLineStart(this.position);
      this.skipBlankLines();
    }
    if (this.position >= this.length) return null;
    const indent = this.lineIndentAt(this.position);
    const value = this.node(indent);
    this.skipBlankLines();
    if (this.position < this.length) throw NOT_IN_SUBSET;
    return value;
  }

  /** Moves past blank and comment-only lines; `position` ends at the start of a content line (or the end). */
  private skipBlankLines(): void {
    const text = this.text;
    while (this.position < this.length) {
      let i = this.position;
      while (i < this.length && text.charCodeAt(i) === SPACE) i++;
      const code = text.charCodeAt(i);
      if (code === TAB) throw NOT_IN_SUBSET;
      if (i >= this.length || code === NEWLINE || code === RETURN || code === HASH) {
        this.position = this.nextLineStart(i);
        continue;
      }
      this.indent = i - this.position;
      if (this.indent > this.maxIndent) throw NOT_IN_SUBSET;
      return;
    }
  }

  private nextLineStart(from: number): number {
    const newline = this.text.indexOf('\n', from);
    return newline === -1 ? this.length : newline + 1;
  }

  private lineIndentAt(lineStart: number): number {
    let i = lineStart;
    while (this.text.charCodeAt(i) === SPACE) i++;
    return i - lineStart;
  }

  private restOfLine(from: number): string {
    const newline = this.text.indexOf('\n', from);
    const end = newline === -1 ? this.length : newline;
    return this.text.slice(from, this.text.charCodeAt(end - 1) === RETURN ? end - 1 : end);
  }

  private isSequenceItemAt(i: number): boolean {
    if (this.text.charCodeAt(i) !== DASH) return false;
    const next = this.text.charCodeAt(i + 1);
    return next === SPACE || next === NEWLINE || next === RETURN || Number.isNaN(next);
  }

  /** A mapping or sequence whose lines are indented by `indent`; `position` is at the start of its first line. */
  private node(indent: number): unknown {
    return this.isSequenceItemAt(this.position + indent)
      ? this.sequence(indent, this.position + indent)
      : this.mapping(indent, this.position + indent);
  }

  /** Entries at `indent`. The first entry starts at `first` (after a "- " for a mapping inside a sequence item). */
  private mapping(indent: number, first: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    let entry = first;
    for (;;) {
      const key = this.key(entry);
      if (key === '<<' || key === '__proto__' || (result[key] !== undefined && Object.prototype.hasOwnProperty.call(result, key)))
        throw NOT_IN_SUBSET;
      result[key] = this.value(this.valueStart, indent, true);
      this.skipBlankLines();
      if (this.position >= this.length) return result;
      const next = this.indent;
      if (next < indent) return result;
      if (next > indent || this.isSequenceItemAt(this.position + next)) throw NOT_IN_SUBSET;
      entry = this.position + next;
    }
  }

  private sequence(indent: number, first: number): unknown[] {
    const result: unknown[] = [];
    let item = first;
    for (;;) {
      let i = item + 1;
      while (this.text.charCodeAt(i) === SPACE) i++;
      const code = this.text.charCodeAt(i);
      if (code === TAB) throw NOT_IN_SUBSET;
      if (Number.isNaN(code) || code === NEWLINE || code === RETURN || code === HASH) {
        this.position = this.nextLineStart(i);
        result.push(this.nested(indent, false));
      } else if (this.isSequenceItemAt(i)) {
        throw NOT_IN_SUBSET; // "- - a"
      } else if (this.startsEntry(i)) {
        // "- key: value": a mapping whose first entry shares the dash's line.
        result.push(this.mapping(indent + (i - item), i));
      } else {
        result.push(this.scalarOrBlock(i, indent));
      }
      this.skipBlankLines();
      if (this.position >= this.length) return result;
      const next = this.indent;
      if (next > indent) throw NOT_IN_SUBSET;
      // A line at this indentation that is no item ends an indentless sequence (`key:\n- a\nnext: b`).
      if (next < indent || !this.isSequenceItemAt(this.position + next)) return result;
      item = this.position + next;
    }
  }

  /** Whether a plain or quoted key followed by ": " (or ":" at the end of the line) starts at `i`. */
  private startsEntry(i: number): boolean {
    const code = this.text.charCodeAt(i);
    if (code === DOUBLE_QUOTE || code === QUOTE) {
      const end = code === DOUBLE_QUOTE ? this.doubleQuotedEnd(i) : this.singleQuotedEnd(i);
      let j = end;
      while (this.text.charCodeAt(j) === SPACE) j++;
      return this.text.charCodeAt(j) === COLON && this.isBreakOrSpace(j + 1);
    }
    return this.plainKeyEnd(i) !== -1;
  }

  private isBreakOrSpace(i: number): boolean {
    const code = this.text.charCodeAt(i);
    return Number.isNaN(code) || code === SPACE || code === NEWLINE || code === RETURN;
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

  /** Where the value after the last key read starts (key() would otherwise allocate a pair per entry). */
  private valueStart = 0;

  private key(start: number): string {
    const code = this.text.charCodeAt(start);
    let key: string;
    let colon: number;
    if (code === DOUBLE_QUOTE || code === QUOTE) {
      const end = code === DOUBLE_QUOTE ? this.doubleQuotedEnd(start) : this.singleQuotedEnd(start);
      key = code === DOUBLE_QUOTE ? this.doubleQuoted(start, end) : this.singleQuoted(start, end);
      colon = end;
      while (this.text.charCodeAt(colon) === SPACE) colon++;
      if (this.text.charCodeAt(colon) !== COLON || !this.isBreakOrSpace(colon + 1)) throw NOT_IN_SUBSET;
    } else {
      colon = this.plainKeyEnd(start);
      if (colon === -1) throw NOT_IN_SUBSET;
      let end = colon;
      while (this.text.charCodeAt(end - 1) === SPACE) end--;
      const resolved = resolveScalar(this.text.slice(start, end));
      key = resolved === null ? 'null' : String(resolved);
    }
    let valueStart = colon + 1;
    while (this.text.charCodeAt(valueStart) === SPACE) valueStart++;
    if (this.text.charCodeAt(valueStart) === TAB) throw NOT_IN_SUBSET;
    this.valueStart = valueStart;
    return key;
  }

  /** The value at `start` on the key's line, or the nested node below it when the line ends there. */
  private value(start: number, indent: number, inMapping: boolean): unknown {
    const code = this.text.charCodeAt(start);
    if (Number.isNaN(code) || code === NEWLINE || code === RETURN || code === HASH) {
      this.position = this.nextLineStart(start);
      return this.nested(indent, inMapping);
    }
    return this.scalarOrBlock(start, indent);
  }

  /** What follows on the next lines: a more indented node, a sequence at a mapping's own indentation, or null. */
  private nested(indent: number, inMapping: boolean): unknown {
    this.skipBlankLines();
    if (this.position >= this.length) return null;
    const next = this.indent;
    if (next > indent) return this.node(next);
    if (inMapping && next === indent && this.isSequenceItemAt(this.position + next)) return this.sequence(indent, this.position + next);
    return null;
  }

  private scalarOrBlock(start: number, indent: number): unknown {
    const text = this.text;
    const code = text.charCodeAt(start);
    let value: unknown;
    let end: number;
    if (code === BAR) return this.literal(start, indent);
    if (code === DOUBLE_QUOTE) {
      end = this.doubleQuotedEnd(start);
      value = this.doubleQuoted(start, end);
    } else if (code === QUOTE) {
      end = this.singleQuotedEnd(start);
      value = this.singleQuoted(start, end);
    } else if ((code === 91 && text.charCodeAt(start + 1) === 93) || (code === 123 && text.charCodeAt(start + 1) === 125)) {
      value = code === 91 ? [] : {};
      end = start + 2;
    } else {
      if (!startsPlain(code, text.charCodeAt(start + 1))) throw NOT_IN_SUBSET;
      end = start;
      for (; end < this.length; end++) {
        const c = text.charCodeAt(end);
        if (c === NEWLINE || c === RETURN) break;
        if (c === HASH && text.charCodeAt(end - 1) === SPACE) break;
        if (c === COLON && this.isBreakOrSpace(end + 1)) throw NOT_IN_SUBSET; // "a: b: c" is the full parser's to judge.
      }
      let last = end;
      while (text.charCodeAt(last - 1) === SPACE) last--;
      value = resolveScalar(text.slice(start, last));
    }
    this.endOfScalar(end, indent);
    return value;
  }

  /** After a one-line scalar only a comment may follow, and no more indented line (a multi-line scalar). */
  private endOfScalar(end: number, indent: number): void {
    let i = end;
    while (this.text.charCodeAt(i) === SPACE) i++;
    const code = this.text.charCodeAt(i);
    if (!(Number.isNaN(code) || code === NEWLINE || code === RETURN || code === HASH)) throw NOT_IN_SUBSET;
    this.position = this.nextLineStart(i);
    this.skipBlankLines();
    if (this.position < this.length && this.indent > indent) throw NOT_IN_SUBSET;
  }

  private singleQuotedEnd(start: number): number {
    for (let i = start + 1; i < this.length; i++) {
      const code = this.text.charCodeAt(i);
      if (code === NEWLINE || code === RETURN) throw NOT_IN_SUBSET; // continues on the next line
      if (code === QUOTE) {
        if (this.text.charCodeAt(i + 1) === QUOTE) i++;
        else return i + 1;
      }
    }
    throw NOT_IN_SUBSET;
  }

  private singleQuoted(start: number, end: number): string {
    return this.text.slice(start + 1, end - 1).replace(/''/g, "'");
  }

  private doubleQuotedEnd(start: number): number {
    for (let i = start + 1; i < this.length; i++) {
      const code = this.text.charCodeAt(i);
      if (code === NEWLINE || code === RETURN) throw NOT_IN_SUBSET;
      if (code === 92)
        i++; // backslash: skip the escaped character
      else if (code === DOUBLE_QUOTE) return i + 1;
    }
    throw NOT_IN_SUBSET;
  }

  private doubleQuoted(start: number, end: number): string {
    const body = this.text.slice(start + 1, end - 1);
    return body.includes('\\') ? unescapeDoubleQuoted(body) : body;
  }

  /** `|`, `|-` and `|+` block scalars without an indentation indicator. */
  private literal(start: number, indent: number): string {
    const header = this.restOfLine(start);
    const chomping = header.charCodeAt(1) === DASH ? '-' : header.charCodeAt(1) === 43 ? '+' : '';
    const after = header.slice(1 + chomping.length).trim();
    if (after !== '' && after.charCodeAt(0) !== HASH) throw NOT_IN_SUBSET;
    const lines: string[] = [];
    let contentIndent = -1;
    let lineStart = this.nextLineStart(start);
    let lastContentEnd = lineStart;
    let trailingBlank = 0;
    while (lineStart < this.length) {
      const spaces = this.lineIndentAt(lineStart);
      const code = this.text.charCodeAt(lineStart + spaces);
      const blank = Number.isNaN(code) || code === NEWLINE || code === RETURN;
      if (code === TAB) throw NOT_IN_SUBSET;
      if (!blank && spaces <= indent) break;
      const line = this.restOfLine(lineStart);
      if (blank) {
        if (contentIndent !== -1 ? spaces > contentIndent : false) throw NOT_IN_SUBSET; // spaces that are content
        lines.push('');
        trailingBlank++;
      } else {
        if (contentIndent === -1) {
          contentIndent = spaces;
          // Leading blank lines longer than the content's indentation are an error in YAML: leave it to js-yaml.
          for (let l = this.nextLineStart(start); l < lineStart; l = this.nextLineStart(l))
            if (this.lineIndentAt(l) > contentIndent) throw NOT_IN_SUBSET;
        }
        if (spaces < contentIndent) throw NOT_IN_SUBSET;
        lines.push(line.slice(contentIndent));
        trailingBlank = 0;
        lastContentEnd = this.nextLineStart(lineStart);
      }
      lineStart = this.nextLineStart(lineStart);
    }
    if (contentIndent === -1) throw NOT_IN_SUBSET;
    const content = lines.slice(0, lines.length - trailingBlank);
    this.position = chomping === '+' ? lineStart : lastContentEnd;
    const body = content.join('\n');
    if (chomping === '-') return body;
    if (chomping === '+') return body + '\n'.repeat(trailingBlank + 1);
    return body + '\n';
  }
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  '0': '\0',
  ' ': ' ',
};

/** The text a double-quoted scalar's body stands for; throws (leaving the fast path) on an escape the subset lacks. */
export function unescapeDoubleQuoted(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char !== '\\') {
      out += char;
      continue;
    }
    const escape = body[++i];
    if (escape === 'x' || escape === 'u' || escape === 'U') {
      const digits = escape === 'x' ? 2 : escape === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + digits);
      if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) throw NOT_IN_SUBSET;
      out += String.fromCodePoint(parseInt(hex, 16));
      i += digits;
    } else if (escape !== undefined && escape in ESCAPES) {
      out += ESCAPES[escape];
    } else {
      throw NOT_IN_SUBSET;
    }
  }
  return out;
}
