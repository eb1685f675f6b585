// textDocument/completion: keys, values, apiVersion/kind pairs and skeletons, and names and paths from the
// workspace, from engine/language/completion.
import { completeAt } from '../../engine/language/completion';
import { toLspCompletion } from '../convert';
import type { ServerFeature } from '../document-requests';

export const completion: ServerFeature = (requests) => {
  requests.connection.onCompletion(
    (params) =>
      requests.handle(params.textDocument.uri, ({ document, state, validation, schemaContext }) => {
        const text = document.getText();
        const workspace = { host: state.project.workspaceCompletion, file: state.path };
        const items = completeAt(text, state.cache.parse(text), document.offsetAt(params.position), schemaContext, workspace);
        return items.map((item) => toLspCompletion(item, validation.lines));
      }) ?? [],
  );
};
