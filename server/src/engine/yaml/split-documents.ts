// Splits a YAML stream into its documents without parsing, so each document is parsed, cached and validated alone.

export interface DocumentSlice {
  /** 0-based position of the document in the file. */
  index: number;
  /** Offset of the slice in the file; a slice starts with its own `---` line when it has one. */
  start: number;
  /** Offset just past the slice. */
  end: number;
  /** The slice: a complete one-document YAML stream, parseable on its own. */
  text: string;
}

// YAML forbids `---` and `...` at the start of a line inside any scalar (c-forbidden), so a line scan is exact.
const DOCUMENT_START = /^---(?:[ \t\r\n]|$)/;
const DOCUMENT_END = /^\.\.\.(?:[ \t\r\n]|$)/;
const PREAMBLE_LINE = /^\s*(?:#.*)?$|^%/;
const DASH = 45;
const DOT = 46;

/**
 * Returns every document of a stream. A `---` line starts a document and belongs to it; `...` ends one. Comments and
 * directives before the first `---` belong to the document that follows them.
 */
export function splitDocuments(text: string): DocumentSlice[] {
  const slices: DocumentSlice[] = [];
  const push = (start: number, end: number) => {
    slices.push({ index: slices.length, start, end, text: text.slice(start, end) });
  };
  let start = 0;
  let startsWithMarker = false;
  let contentSeen = false;
  let lineStart = 0;
  while (lineStart < text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline + 1;
    // Only lines starting with `-` or `.` can be markers: the regular expressions run on those alone.
    const first = text.charCodeAt(lineStart);
    if (first === DASH && DOCUMENT_START.test(text.slice(lineStart, lineStart + 4))) {
      if (startsWithMarker || contentSeen) push(start, lineStart);
      if (startsWithMarker || contentSeen) start = lineStart;
      startsWithMarker = true;
      contentSeen = false;
    } else if (first === DOT && DOCUMENT_END.test(text.slice(lineStart, lineStart + 4))) {
      push(start, lineEnd);
      start = lineEnd;
      startsWithMarker = false;
      contentSeen = false;
    } else if (!contentSeen && !PREAMBLE_LINE.test(text.slice(lineStart, lineEnd).replace(/\r?\n$/, ''))) {
      contentSeen = true;
    }
    lineStart = lineEnd;
  }
  if (start < text.length || startsWithMarker || slices.length === 0) push(start, text.length);
  return slices;
}

/** True when a document holds nothing but markers, directives, whitespace and comments. */
export function isEmptyDocument(text: string): boolean {
  // Line by line, stopping at the first line with content (nearly always the first or second).
  for (let lineStart = 0; lineStart < text.length;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const trimmed = text.slice(lineStart, lineEnd).trim();
    if (trimmed && !trimmed.startsWith('#') && !trimmed.startsWith('%') && trimmed !== '---' && trimmed !== '...') {
      return false;
    }
    lineStart = lineEnd + 1;
  }
  return true;
}
