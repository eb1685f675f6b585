// What kustomize or helm printed, read with the validator's limits: a render is repository content too, so an alias
// bomb, a document nested thousands of levels deep or a chart of 100,000 objects ends in a clear message about that
// render — never an exception that ends a diff, nor a parse that takes the machine's memory.
import { MAX_DOCUMENTS, MAX_TEXT_BYTES, documentSeparators } from '../yaml/document-limits';
import { parseDocuments } from '../yaml/parse-documents';

export type RenderedDocuments = { ok: true; values: unknown[] } | { ok: false; error: string };

/** The documents of a render, in order (empty ones left out); or why they cannot be read. */
export function readRenderedDocuments(yaml: string): RenderedDocuments {
  // UTF-16 length: a bound of the bytes within a factor of three, and nothing is encoded to know it.
  if (yaml.length > MAX_TEXT_BYTES)
    return { ok: false, error: `the render is over the ${MAX_TEXT_BYTES / 1048576} MB limit; it was not read.` };
  const separators = documentSeparators(yaml);
  if (separators >= MAX_DOCUMENTS)
    return {
      ok: false,
      error: `the render has ${separators.toLocaleString('en-US')} YAML documents, over the ${MAX_DOCUMENTS.toLocaleString('en-US')} limit; it was not read.`,
    };
  const values: unknown[] = [];
  for (const [index, document] of parseDocuments(yaml).entries()) {
    const problem = document.content.problems[0];
    if (problem) return { ok: false, error: `document ${index + 1} of the render cannot be read: ${problem.message}` };
    if (document.content.value !== undefined && document.content.value !== null) values.push(document.content.value);
  }
  return { ok: true, values };
}
