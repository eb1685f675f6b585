// textDocument/hover: field documentation and apiVersion lifecycle, from engine/language/hover.
import { hoverAt } from '../../engine/language/hover';
import { toRange } from '../convert';
import type { ServerFeature } from '../document-requests';

export const hover: ServerFeature = (requests) => {
  requests.connection.onHover(
    (params) =>
      requests.handle(params.textDocument.uri, ({ document, validation, schemaContext }) => {
        const documents = validation.report.documents.map((d) => d.document);
        const found = hoverAt(documents, document.offsetAt(params.position), schemaContext);
        if (!found) return null;
        return { contents: { kind: 'markdown' as const, value: found.markdown }, range: toRange(validation.lines, found.start, found.end) };
      }) ?? null,
  );
};
