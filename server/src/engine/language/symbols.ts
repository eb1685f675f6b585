// The outline: one symbol per resource, "Kind name", spanning its document (List items nested under the List).
import type { DocumentReport } from '../validate/validate-file';
import { locatePath } from '../yaml/locate';

export interface ResourceSymbol {
  name: string;
  detail: string;
  /** Offsets in the file. */
  start: number;
  end: number;
  selectionStart: number;
  selectionEnd: number;
}

export function resourceSymbols(documents: readonly DocumentReport[]): ResourceSymbol[] {
  const symbols: ResourceSymbol[] = [];
  for (const { document, resources } of documents) {
    const text = document.content.text;
    const contentStart = document.start + (text.startsWith('---') ? text.indexOf('\n') + 1 || text.length : 0);
    for (const resource of resources) {
      const nameSpan = locatePath(document.content.positional, text, [...resource.path, 'metadata', 'name'], 'value');
      const itemSpan = resource.path.length ? locatePath(document.content.positional, text, resource.path, 'value') : undefined;
      const start = itemSpan ? document.start + itemSpan.start : contentStart;
      const end = resource.path.length ? Math.max(start, document.start + nameSpan.end) : trimmedEnd(document.start, text);
      symbols.push({
        name: `${resource.kind} ${resource.name ?? '(unnamed)'}`,
        detail: [resource.namespace, resource.apiVersion].filter(Boolean).join(' · '),
        start,
        end: Math.max(end, start),
        selectionStart: Math.min(Math.max(document.start + nameSpan.start, start), end),
        selectionEnd: Math.min(Math.max(document.start + nameSpan.end, start), end),
      });
    }
  }
  return symbols;
}

/** The end of a document without its trailing blank lines. */
function trimmedEnd(start: number, text: string): number {
  return start + text.replace(/\s+$/, '').length;
}
