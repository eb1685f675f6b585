// textDocument/completion: keys, values, apiVersion/kind pairs and skeletons, from engine/language/completion.
import { completeAt } from '../../engine/language/completion';
import { toLspCompletion } from '../convert';
import type { ServerFeature } from '../document-requests';

export const completion: ServerFeature = (requests) => {
  requests.connection.onCompletion(
    (params) =>
      requests.handle(params.textDocument.uri, ({ document, state, validation, schemaContext }) => {
        const text = document.getText();
        const items = completeAt(text, state.cache.parse(text), document.offsetAt(params.position), schemaContext);
        return items.map((item) => toLspCompletion(item, validation.lines));
      }) ?? [],
  );
};
