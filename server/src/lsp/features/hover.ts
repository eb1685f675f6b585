// textDocument/hover: the findings at the position first, then why a selector was not judged (if it was not), then
// what the field is (engine/language/hover: documentation, short texts for common types, apiVersion lifecycle); in a
// chart's templates, what `.Values.x.y` reads (helm-values).
import { hoverAt, selectorDocumentAt } from '../../engine/language/hover';
import { toRange } from '../convert';
import { valuesHover } from '../../engine/helm/values-references';
import { helmValuesAt } from './helm-values';
import type { ServerFeature } from '../document-requests';

export const hover: ServerFeature = (requests) => {
  requests.connection.onHover(
    (params) =>
      requests.handle(params.textDocument.uri, (request) => {
        const { document, state, validation, schemaContext } = request;
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
        const offset = document.offsetAt(params.position);
        const found = hoverAt(documents, offset, schemaContext);
        // What is wrong here comes before what the field is: a long field description must not push it out of sight.
        const findings = validation.diagnostics.filter((d) => d.start <= offset && offset <= d.end);
        const selector = selectorDocumentAt(documents, offset);
        const notJudged = selector ? state.project.selectorNotJudged(state.path, selector.content) : [];
        const parts = [
          ...findings.map((d) => `**${d.severity}** · \`${d.rule}\`: ${d.message}`),
          ...notJudged.map((why) => `**Selector not judged against the workloads:** ${why}`),
        ];
        if (!parts.length && !found) return null;
        const value = [parts.join('\n\n'), found?.markdown].filter(Boolean).join('\n\n---\n\n');
        const [start, end] = found ? [found.start, found.end] : [findings[0]?.start ?? offset, findings[0]?.end ?? offset];
        return { contents: { kind: 'markdown' as const, value }, range: toRange(validation.lines, start, end) };
      }) ?? null,
  );
};
