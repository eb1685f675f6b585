// textDocument/hover: field documentation and apiVersion lifecycle, from engine/language/hover; in a chart's templates,
// what `.Values.x.y` reads (helm-values).
import { hoverAt } from '../../engine/language/hover';
import { toRange } from '../convert';
import { valuesHover } from '../../engine/helm/values-references';
import { helmValuesAt } from './helm-values';
import type { ServerFeature } from '../document-requests';

export const hover: ServerFeature = (requests) => {
  requests.connection.onHover(
    (params) =>
      requests.handle(params.textDocument.uri, (request) => {
        const { document, validation, schemaContext } = request;
        const helm = helmValuesAt(request, document.offsetAt(params.position));
        if (helm) {
          const markdown = valuesHover(helm.reference, helm.files, helm.schemaText, (path) => request.state.project.displayPath(path));
          return markdown
            ? {
                contents: { kind: 'markdown' as const, value: markdown },
                range: toRange(validation.lines, helm.reference.start, helm.reference.end),
              }
            : null;
        }
        const documents = validation.report.documents.map((d) => d.document);
        const found = hoverAt(documents, document.offsetAt(params.position), schemaContext);
        if (!found) return null;
        return { contents: { kind: 'markdown' as const, value: found.markdown }, range: toRange(validation.lines, found.start, found.end) };
      }) ?? null,
  );
};
