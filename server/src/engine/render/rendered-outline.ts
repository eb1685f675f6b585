// What a rendered document shown in the editor is made of: its objects with their lines (the outline, "Go to source"
// per object), and the object and field at a position (go to the source of a field).
import { isRecord } from '../json';
import { nodeAtOffset, type JsonPath } from '../yaml/locate';
import { LineIndex } from '../yaml/line-index';
import { documentAt, parseDocuments } from '../yaml/parse-documents';

export interface RenderedObjectName {
  kind: string;
  name: string;
  namespace?: string;
}

export interface RenderedObjectOutline extends RenderedObjectName {
  apiVersion?: string;
  /** 0-based lines of the object in the rendered text, its `---` line included. */
  startLine: number;
  endLine: number;
}

function nameOf(value: unknown): (RenderedObjectName & { apiVersion?: string }) | undefined {
  if (!isRecord(value) || typeof value.kind !== 'string') return undefined;
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  return {
    kind: value.kind,
    name: typeof metadata.name === 'string' ? metadata.name : '',
    ...(typeof metadata.namespace === 'string' && metadata.namespace ? { namespace: metadata.namespace } : {}),
    ...(typeof value.apiVersion === 'string' ? { apiVersion: value.apiVersion } : {}),
  };
}

export function renderedOutline(text: string): RenderedObjectOutline[] {
  const lines = new LineIndex(text);
  return parseDocuments(text).flatMap((document) => {
    const named = nameOf(document.content.value);
    if (!named) return [];
    const end = lines.positionAt(Math.max(document.start, document.end - 1)).line;
    return [{ ...named, startLine: lines.positionAt(document.start).line, endLine: end }];
  });
}

/** The object at an offset of a rendered text, and the path of the field there (empty: the object itself). */
export function renderedObjectAt(text: string, offset: number): { object: RenderedObjectName; path: JsonPath } | undefined {
  const document = documentAt(parseDocuments(text), offset);
  const named = document && nameOf(document.content.value);
  if (!document || !named) return undefined;
  const hit = nodeAtOffset(document.content.positional, offset - document.start);
  const object: RenderedObjectName = { kind: named.kind, name: named.name, ...(named.namespace ? { namespace: named.namespace } : {}) };
  return { object, path: hit?.path ?? [] };
}
