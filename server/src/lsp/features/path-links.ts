// textDocument/documentLink on the paths a file names: kustomization entries, Flux and Argo CD paths
// (engine/language/path-links).
import { pathToFileURL } from 'node:url';
import { pathLinks as linksIn, type PathLink } from '../../engine/language/path-links';
import { toRange } from '../convert';
import type { DocumentRequest, ServerFeature } from '../document-requests';

export function linksOf({ state, validation }: DocumentRequest): PathLink[] {
  return linksIn(
    state.path,
    validation.report.documents.map((d) => d.document),
    state.project.deliveredPaths,
  );
}

export const pathLinks: ServerFeature = (requests) => {
  requests.connection.onDocumentLinks(
    (params) =>
      requests.handle(params.textDocument.uri, (request) =>
        linksOf(request).map((link) => ({
          range: toRange(request.validation.lines, link.start, link.end),
          target: pathToFileURL(link.target).href,
        })),
      ) ?? [],
  );
};
