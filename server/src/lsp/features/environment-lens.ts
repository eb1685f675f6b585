// textDocument/codeLens over each resource (its first line): which environments apply it (engine/environments). The lens's command
// shows them as a list of places to go to (the client turns the arguments into VS Code's reference peek).
import { pathToFileURL } from 'node:url';
import type { CodeLens } from 'vscode-languageserver/node';
import { resourceOffset } from '../../engine/workspace/resource-index';
import { LineIndex } from '../../engine/yaml/line-index';
import type { ServerFeature } from '../document-requests';

/** The client command the lens runs: arguments are the document's URI, the lens position and the places. */
export const SHOW_ENVIRONMENTS_COMMAND = 'driftless.showEnvironments';

/** A lens title is plain text: the Markdown quotes of labels ("Flux Kustomization `apps`") would show as backticks. */
function titleOf(names: readonly string[]): string {
  const shown = names
    .slice(0, 3)
    .map((name) => name.replace(/`([^`]*)`/g, '$1'))
    .join(', ');
  const more = names.length > 3 ? ` and ${names.length - 3} more` : '';
  return `Applied by ${names.length} environment${names.length === 1 ? '' : 's'}: ${shown}${more}`;
}

export const environmentLens: ServerFeature = (requests) => {
  requests.connection.onCodeLens(
    (params) =>
      requests.handle(params.textDocument.uri, ({ document, state, validation }): CodeLens[] => {
        const project = state.project;
        if (validation.report.kind !== 'manifests' || project.referenceScopes.isPatch(state.path) || !project.indexComplete) return [];
        const resources = project.resources.resourcesOf(state.path);
        if (!resources.length) return [];
        const environments = project.environmentsIncluding(state.path);
        if (!environments.length) return [];
        const names = environments.map((e) => (e.name.startsWith('/') ? project.displayPath(e.name) || '.' : e.name));
        const places = environments.map((e) => ({
          uri: pathToFileURL(e.file).href,
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        }));
        const text = document.getText();
        const lines = new LineIndex(text);
        return resources.map((resource) => {
          // Over the resource (its document's first line), not over its `name:` inside `metadata:`.
          const position = lines.positionAt(resourceOffset(text, resource));
          const range = { start: { line: position.line, character: 0 }, end: { line: position.line, character: 0 } };
          return {
            range,
            command: {
              title: titleOf(names),
              command: SHOW_ENVIRONMENTS_COMMAND,
              arguments: [params.textDocument.uri, range.start, places],
            },
          };
        });
      }) ?? [],
  );
};
