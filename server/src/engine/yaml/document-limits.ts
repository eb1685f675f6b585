// How much YAML Driftless reads at once: the limits validation applies to a file, and renders and diffs to what
// kustomize and helm print. Past them a clear message says what was not read; nothing is read half-way.

/** Editors and pipelines hold manifests of a few MB at most; 64 MB bounds the time and memory one text can take. */
export const MAX_TEXT_BYTES = 64 * 1024 * 1024;

/**
 * Memory follows the number of documents more than the bytes (a few KB of parse tree each): a file of half a million
 * tiny documents fits in 64 MB but not in a 512 MB heap. No real manifest file comes close to this many.
 */
export const MAX_DOCUMENTS = 20_000;

/** The `---` separators of a YAML text: one less than its documents, or as many when it starts with one. */
export function documentSeparators(text: string): number {
  let separators = text.startsWith('---') ? 1 : 0;
  for (let at = text.indexOf('\n---'); at !== -1; at = text.indexOf('\n---', at + 4)) separators++;
  return separators;
}

/** Why a text is not read for its number of documents; undefined when it has at most MAX_DOCUMENTS. */
export function tooManyDocuments(text: string): string | undefined {
  const separators = documentSeparators(text);
  if (separators < MAX_DOCUMENTS) return undefined;
  return `split into ${separators.toLocaleString('en-US')} YAML documents, over the ${MAX_DOCUMENTS.toLocaleString('en-US')} limit; not validated.`;
}
