// textDocument/documentLink on the paths a file names (engine/language/path-links).
import { pathToFileURL } from 'node:url';
import { kustomizationLinks, type PathLink } from '../../engine/language/path-links';
import { toRange } from '../convert';
import type { DocumentRequest, ServerFeature } from '../document-requests';

export function linksOf({ state, validation }: DocumentRequest): PathLink[] {
  return kustomizationLinks(
    state.path,
    validation.report.documents.map((d) => d.document),
    state.project.files,
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
