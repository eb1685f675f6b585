// `.Values.x.y` in a chart's templates: what it reads, from the chart's values.yaml and the values files of the
// environments that render the chart (in Helm's merge order), with the description the chart's values.schema.json
// gives. Hover, go to definition and completion in a template start here (lsp/features/hover, navigation, completion).
import { isRecord } from '../json';
import type { CompletionItem } from '../language/completion';
import type { TextFile } from '../project/project-files';
import { parseDocuments } from '../yaml/parse-documents';

/** A `.Values` chain at an offset of a template: the keys before the one at the offset, and that one's span. */
export interface ValuesReference {
  /** The keys up to and including the one at the offset (`['image', 'tag']`). */
  path: string[];
  /** The key at the offset, as typed so far up to the offset (for completion), and its offsets in the text. */
  typed: string;
  start: number;
  end: number;
}

const CHAIN = /\.Values((?:\.[A-Za-z_][\w-]*)*)(\.?)/g;

/** The `.Values` reference at `offset` of a template's text, if the offset is on one (or just after its last dot). */
export function valuesReferenceAt(text: string, offset: number): ValuesReference | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset) === -1 ? text.length : text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd);
  for (const match of line.matchAll(CHAIN)) {
    const chainStart = lineStart + match.index + '.Values'.length;
    const chainEnd = chainStart + match[1]!.length + match[2]!.length;
    if (offset < chainStart || offset > chainEnd) continue;
    const keys = match[1]!.split('.').slice(1);
    const path: string[] = [];
    let at = chainStart;
    for (const key of keys) {
      const start = at + 1;
      const end = start + key.length;
      path.push(key);
      if (offset >= start && offset <= end) return { path, typed: key.slice(0, offset - start), start, end };
      at = end;
    }
    // Just after a trailing dot (`.Values.image.`): a key to come.
    return { path: [...path, ''], typed: '', start: offset, end: offset };
  }
  return undefined;
}

export interface ValuesFile {
  file: string;
  text: string;
}

export interface ValuesHost {
  readText(path: string): TextFile;
}

/** Where a values path is set in one file, and the value there. */
export interface ValuesPlace {
  file: string;
  start: number;
  end: number;
  value: unknown;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path) {
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** The files that set `path`, in merge order (the last one wins), with the key's span in each. */
export function valuesPlaces(files: readonly ValuesFile[], path: readonly string[]): ValuesPlace[] {
  return files.flatMap(({ file, text }) => {
    const document = parseDocuments(text)[0];
    if (!document) return [];
    const value = valueAt(document.content.value, path);
    if (value === undefined) return [];
    const span = document.content.locate(path, 'key');
    return [{ file, start: document.start + span.start, end: document.start + span.end, value }];
  });
}

/** The description values.schema.json gives a path (through `properties`, `items` and `$ref`-free nesting). */
export function schemaDescription(schemaText: string | undefined, path: readonly string[]): string | undefined {
  if (!schemaText) return undefined;
  let node: unknown;
  try {
    node = JSON.parse(schemaText) as unknown;
  } catch {
    return undefined;
  }
  for (const key of path) {
    if (!isRecord(node)) return undefined;
    const properties = isRecord(node.properties) ? node.properties : undefined;
    node = properties?.[key] ?? (isRecord(node.additionalProperties) ? node.additionalProperties : undefined);
  }
  return isRecord(node) && typeof node.description === 'string' ? node.description : undefined;
}

function shown(value: unknown): string {
  if (isRecord(value)) return `{${Object.keys(value).slice(0, 6).join(', ')}${Object.keys(value).length > 6 ? ', …' : ''}}`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The hover of a reference: its path, the schema's description, and its value in each file that sets it. */
export function valuesHover(
  reference: ValuesReference,
  files: readonly ValuesFile[],
  schemaText: string | undefined,
  display: (path: string) => string,
): string | undefined {
  const path = reference.path.filter(Boolean);
  if (!path.length) return undefined;
  const places = valuesPlaces(files, path);
  const description = schemaDescription(schemaText, path);
  const lines = [`**\`.Values.${path.join('.')}\`**`];
  if (description) lines.push('', description);
  if (places.length) {
    lines.push('', places.length > 1 ? 'Set in (the last one wins):' : 'Set in:');
    for (const place of places) lines.push(`- \`${display(place.file)}\`: \`${shown(place.value).replace(/`/g, "'")}\``);
  } else lines.push('', 'No values file of this chart or its environments sets it: the template sees nothing (`nil`).');
  return lines.join('\n');
}

/** The keys that can follow a reference's parent path, from every values file (and the schema's properties). */
export function valuesCompletions(
  reference: ValuesReference,
  files: readonly ValuesFile[],
  schemaText: string | undefined,
): CompletionItem[] {
  const parent = reference.path.slice(0, -1);
  const keys = new Map<string, unknown>();
  for (const { text } of files) {
    const value = valueAt(parseDocuments(text)[0]?.content.value, parent);
    if (isRecord(value)) for (const [key, child] of Object.entries(value)) keys.set(key, child);
  }
  return [...keys].map(([key, value]) => {
    const description = schemaDescription(schemaText, [...parent, key]);
    return {
      label: key,
      kind: 'property' as const,
      detail: shown(value),
      ...(description ? { documentation: description } : {}),
      insertText: key,
      snippet: false,
      replaceStart: reference.start,
      replaceEnd: reference.end,
    };
  });
}
