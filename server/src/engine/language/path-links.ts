// Links on the paths a file names: each kustomization entry that exists opens its file, or the kustomization of the
// folder it names; so does each path a Flux or Argo CD resource reads from this repository. Document links and
// go-to-definition both read these.
import { baseName, isKustomizationFile, isKustomizeConfig } from '../classify/file-kind';
import { dependencyChart, localDependencies } from '../helm/chart-dependencies';
import { deliveredLinkTarget, deliveredPaths, type DeliveredPathHost } from '../workspace/delivered-paths';
import { kustomizationReferences } from '../kustomize/kustomization-references';
import { kustomizationFileIn, type WorkspaceFiles } from '../workspace/workspace-files';
import { locatePath, type JsonPath } from '../yaml/locate';
import type { ParsedDocument } from '../yaml/parse-documents';

export interface PathLink {
  /** Offsets in the file of the path as written. */
  start: number;
  end: number;
  /** The file the link opens. */
  target: string;
}

/** The links of a file: a kustomization's entries, or the paths its Flux and Argo CD resources read. */
export function pathLinks(path: string, documents: readonly ParsedDocument[], host: DeliveredPathHost): PathLink[] {
  if (isKustomizationFile(path)) return kustomizationLinks(path, documents, host.files);
  if (baseName(path) === 'Chart.yaml') return chartLinks(path, documents, host.files);
  const links: PathLink[] = [];
  for (const document of documents) {
    if (document.content.empty || document.content.value === undefined) continue;
    for (const delivered of deliveredPaths(document.content.value, host)) {
      const target = deliveredLinkTarget(delivered, path, host);
      if (target) links.push({ ...spanOfPath(document, delivered.at, 0), target });
    }
  }
  return links;
}

/** A chart's local dependencies (`file://../common`) link to their Chart.yaml. */
function chartLinks(path: string, documents: readonly ParsedDocument[], files: WorkspaceFiles): PathLink[] {
  const document = documents[0];
  if (!document || document.content.value === undefined) return [];
  return localDependencies(document.content.value).flatMap((dependency) => {
    const target = dependencyChart(path, dependency, files);
    return target ? [{ ...spanOfPath(document, dependency.at, dependency.prefix), target }] : [];
  });
}

/** The links of a kustomization file (its first document). */
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
    links.push({ ...spanOfPath(document, reference.at, reference.prefix?.length ?? 0), target });
  }
  return links;
}

/** The path itself, in the file: not the quotes around it, nor a generator file's `key=` (`skip` characters). */
function spanOfPath(document: ParsedDocument, at: JsonPath, skip: number): { start: number; end: number } {
  const span = locatePath(document.content.positional, document.content.text, at, 'value');
  const text = document.content.text;
  const quote = text[span.start] === '"' || text[span.start] === "'" ? 1 : 0;
  const start = span.start + quote + skip;
  return { start: document.start + start, end: document.start + Math.max(start, span.end - quote) };
}
