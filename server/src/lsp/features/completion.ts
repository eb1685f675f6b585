// textDocument/completion: keys, values, apiVersion/kind pairs and skeletons, and names and paths from the
// workspace, from engine/language/completion; in a chart's templates, the keys `.Values.` can take (helm-values).
import { completeAt } from '../../engine/language/completion';
import { toLspCompletion } from '../convert';
import { valuesCompletions } from '../../engine/helm/values-references';
import { helmValuesAt } from './helm-values';
import type { ServerFeature } from '../document-requests';

export const completion: ServerFeature = (requests) => {
  requests.connection.onCompletion(
    (params) =>
      requests.handle(params.textDocument.uri, (request) => {
        const { document, state, validation, schemaContext } = request;
        const helm = helmValuesAt(request, document.offsetAt(params.position));
        if (helm)
          return valuesCompletions(helm.reference, helm.files, helm.schemaText).map((item) => toLspCompletion(item, validation.lines));
        const text = document.getText();
        const workspace = { host: state.project.workspaceCompletion, file: state.path };
        const items = completeAt(text, state.cache.parse(text), document.offsetAt(params.position), schemaContext, workspace);
        return items.map((item) => toLspCompletion(item, validation.lines));
      }) ?? [],
  );
};
