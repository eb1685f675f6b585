// An item appended to a list of a YAML file (`drift.ignore` of .driftless.yaml, an Application's
// `spec.ignoreDifferences`) as the smallest text edit: the lines of the new item after the list's last one, at its
// indentation, or the missing keys above it; the rest of the file — comments, order, quoting — stays as written.
import { isCollection, isMap, isScalar, isSeq, stringify, type Node, type Pair, type YAMLMap } from 'yaml';
import type { TextEdit } from '../language/quick-fixes';
import { findPair } from './locate';
import type { ParsedDocument } from './parse-documents';

export type AppendResult = { ok: true; edits: TextEdit[] } | { ok: false; error: string };

/** `key: value` lines of a value as a list item (`- ` on the first line) indented by `indent` spaces. */
function itemLines(item: unknown, indent: number, eol: string): string {
  const body = stringify(item, { indent: 2, lineWidth: 0 }).replace(/\n$/, '').split('\n');
  const pad = ' '.repeat(indent);
  return body.map((line, i) => `${pad}${i === 0 ? '- ' : '  '}${line}`).join(eol) + eol;
}

/** The keys of `path` nested as block mappings, the last holding a list of `item`, from column `indent`. */
function nestedLines(path: readonly string[], item: unknown, indent: number, eol: string): string {
  let text = '';
  path.forEach((key, depth) => (text += `${' '.repeat(indent + depth * 2)}${stringify(key).trimEnd()}:${eol}`));
  return text + itemLines(item, indent + path.length * 2, eol);
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** The offset just past the line holding the last written character at or before `end` (its line ending included). */
function afterLastLine(text: string, end: number): { offset: number; needsNewline: boolean } {
  let last = Math.min(end, text.length) - 1;
  while (last >= 0 && /\s/.test(text[last]!)) last--;
  const newline = text.indexOf('\n', Math.max(last, 0));
  return newline === -1 ? { offset: text.length, needsNewline: true } : { offset: newline + 1, needsNewline: false };
}

function isEmptyValue(node: Node | null): boolean {
  return node === null || (isScalar(node) && (node.value === null || (node.value === '' && node.range?.[0] === node.range?.[1])));
}

function isEmptyFlow(node: Node | null): boolean {
  return isCollection(node) && node.flow === true && node.items.length === 0;
}

/**
 * Edits that append `item` to the list at `path` (keys of block mappings) in one document of a file's text; the keys
 * are added where missing. `document` undefined (or empty): the file gets the keys and the item at its end.
 */
export function appendListItem(text: string, document: ParsedDocument | undefined, path: readonly string[], item: unknown): AppendResult {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const atEnd = (lines: string, from = text.length): AppendResult => {
    const { offset, needsNewline } = afterLastLine(text, from);
    const prefix = needsNewline && offset > 0 && text.length > 0 ? eol : '';
    return { ok: true, edits: [{ start: offset, end: offset, newText: prefix + lines }] };
  };
  if (document?.content.problems.length) return { ok: false, error: 'the file does not parse as YAML: fix it first' };
  if (!document || document.content.empty || document.content.value === undefined || document.content.value === null)
    return atEnd(nestedLines(path, item, 0, eol), document ? document.end : text.length);
  const base = document.start;
  let node: Node | null = document.content.positional.contents;
  let column = 0;
  for (let depth = 0; depth < path.length; depth++) {
    const key = path[depth]!;
    const last = depth === path.length - 1;
    if (!isMap(node) || node.flow)
      return { ok: false, error: `\`${path.slice(0, depth).join('.') || 'the document'}\` is not a block mapping` };
    const map: YAMLMap = node;
    const pair = findPair(map, key);
    if (!pair) {
      // After the mapping's last entry, at the column of its keys.
      const first = map.items[0] as Pair<Node, Node | null> | undefined;
      const keyColumn = first?.key?.range ? columnOf(document.content.text, first.key.range[0]) : column;
      return atEnd(nestedLines(path.slice(depth), item, keyColumn, eol), base + (map.range?.[1] ?? 0));
    }
    const keyRange = pair.key?.range;
    if (!keyRange) return { ok: false, error: `\`${key}\` cannot be located` };
    const keyColumn = columnOf(document.content.text, keyRange[0]);
    const value = pair.value;
    if (isEmptyValue(value) || isEmptyFlow(value)) {
      // `key:`, `key: null`, `key: []`, `key: {}`: the key is written again with the rest below it; a comment stays.
      const lines = last ? itemLines(item, keyColumn + 2, eol) : nestedLines(path.slice(depth + 1), item, keyColumn + 2, eol);
      const colon = text.indexOf(':', base + keyRange[1]);
      const after = value?.range && value.range[1] > value.range[0] ? base + value.range[1] : colon + 1;
      const lineEnd = text.indexOf('\n', after);
      const rest = text.slice(after, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, '');
      if (colon === -1 || !/^\s*(#.*)?$/.test(rest))
        return { ok: false, error: `\`${path.slice(0, depth + 1).join('.')}\` holds something unexpected: add the entry by hand` };
      const keyText = text.slice(base + keyRange[0], base + keyRange[1]);
      const comment = rest.trim();
      return {
        ok: true,
        edits: [
          {
            start: base + keyRange[0],
            end: lineEnd === -1 ? text.length : lineEnd + 1,
            newText: `${keyText}:${comment ? ` ${comment}` : ''}${eol}${lines}`,
          },
        ],
      };
    }
    if (last) {
      if (!isSeq(value) || value.flow) return { ok: false, error: `\`${path.join('.')}\` is not a block list: add the entry by hand` };
      const firstItem = value.items[0] as Node | undefined;
      const dash = firstItem?.range ? document.content.text.lastIndexOf('-', firstItem.range[0]) : keyRange[0];
      return atEnd(itemLines(item, columnOf(document.content.text, dash), eol), base + (value.range?.[1] ?? 0));
    }
    node = value;
    column = keyColumn + 2;
  }
  return { ok: false, error: 'no list to append to' };
}
