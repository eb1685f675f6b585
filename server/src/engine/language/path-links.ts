// Links on the paths a file names: each kustomization entry that exists opens its file, or the kustomization of the
// folder it names. Document links and go-to-definition both read these.
import { isKustomizeConfig } from '../classify/file-kind';
import { kustomizationReferences } from '../workspace/kustomization-references';
import { kustomizationFileIn, type WorkspaceFiles } from '../workspace/workspace-files';
import { locatePath } from '../yaml/locate';
import type { ParsedDocument } from '../yaml/parse-documents';

export interface PathLink {
  /** Offsets in the file of the path as written. */
  start: number;
  end: number;
  /** The file the link opens. */
  target: string;
}

/** The links of a kustomization file (its first document); other files have none yet. */
export function kustomizationLinks(path: string, documents: readonly ParsedDocument[], files: WorkspaceFiles): PathLink[] {
  const document = documents[0];
  const value = document?.content.value;
  if (!document || value === undefined || !isKustomizeConfig(value)) return [];
  const folder = files.dirname(path);
  const links: PathLink[] = [];
  for (const reference of kustomizationReferences(value)) {
    const resolved = files.resolve(folder, reference.entry);
    const kind = files.kindOf(resolved);
    const target = kind === 'file' ? resolved : kind === 'folder' ? kustomizationFileIn(resolved, files) : undefined;
    if (!target) continue;
    const span = locatePath(document.content.positional, document.content.text, reference.at, 'value');
    const text = document.content.text;
    // The link covers the path itself: not the quotes around it, nor a generator file's `key=`.
    const quote = text[span.start] === '"' || text[span.start] === "'" ? 1 : 0;
    const start = span.start + quote + (reference.prefix?.length ?? 0);
    const end = Math.max(start, span.end - quote);
    links.push({ start: document.start + start, end: document.start + end, target });
  }
  return links;
}
