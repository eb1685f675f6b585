// textDocument/definition, references and rename: from a path to its file (path links), from a reference to the
// resource it names, from a resource's name to everything that names it, and renaming all of them at once
// (engine/language/resource-navigation, resource-rename).
import { pathToFileURL } from 'node:url';
import { ErrorCodes, ResponseError, type Location, type TextEdit } from 'vscode-languageserver/node';
import { definitionsAt, referencesTo, type Place } from '../../engine/language/resource-navigation';
import { renameEdits, renameTarget, type RenameHost } from '../../engine/language/resource-rename';
import { LineIndex } from '../../engine/yaml/line-index';
import { toRange } from '../convert';
import type { DocumentRequest, DocumentRequests, ServerFeature } from '../document-requests';
import { linksOf } from './path-links';
import { valuesPlaces } from '../../engine/helm/values-references';
import { helmValuesAt } from './helm-values';

function hostFor(requests: DocumentRequests, request: DocumentRequest): RenameHost {
  const project = request.state.project;
  return {
    resources: project.resources,
    scopes: project.referenceScopes,
    textOf: (path) => requests.textOf(path),
    isPatch: (path) => project.referenceScopes.isPatch(path),
  };
}

/** Places as locations; each other file's text is read once to turn offsets into lines. */
function toLocations(places: readonly Place[], requests: DocumentRequests): Location[] {
  const lines = new Map<string, LineIndex | null>();
  return places.flatMap((place) => {
    if (!lines.has(place.file)) {
      const text = requests.textOf(place.file);
      lines.set(place.file, text === undefined ? null : new LineIndex(text));
    }
    const index = lines.get(place.file);
    return index ? [{ uri: pathToFileURL(place.file).href, range: toRange(index, place.start, place.end) }] : [];
  });
}

export const navigation: ServerFeature = (requests) => {
  requests.connection.onDefinition(
    (params) =>
      requests.handle(params.textDocument.uri, (request) => {
        const offset = request.document.offsetAt(params.position);
        // `.Values.x.y` in a template: the key in each values file that sets it (values.yaml first).
        const helm = helmValuesAt(request, offset);
        if (helm)
          return toLocations(
            valuesPlaces(helm.files, helm.reference.path.filter(Boolean)).map(({ file, start, end }) => ({ file, start, end })),
            requests,
          );
        const link = linksOf(request).find((l) => l.start <= offset && offset <= l.end);
        if (link)
          return [{ uri: pathToFileURL(link.target).href, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }];
        const documents = request.validation.report.documents.map((d) => d.document);
        return toLocations(definitionsAt(request.state.path, documents, offset, hostFor(requests, request)), requests);
      }) ?? null,
  );
  requests.connection.onPrepareRename(
    (params) =>
      requests.handle(params.textDocument.uri, (request) => {
        const documents = request.validation.report.documents.map((d) => d.document);
        const target = renameTarget(request.state.path, documents, request.document.offsetAt(params.position), hostFor(requests, request));
        if (!target) return null;
        // The range is the name under the cursor (also when it is a reference to the renamed resource).
        const [location] = toLocations([{ ...target.span, file: request.state.path }], requests);
        return location ? location.range : null;
      }) ?? null,
  );
  requests.connection.onRenameRequest(
    (params) =>
      requests.handle(params.textDocument.uri, (request) => {
        const documents = request.validation.report.documents.map((d) => d.document);
        const offset = request.document.offsetAt(params.position);
        const result = renameEdits(request.state.path, documents, offset, params.newName, hostFor(requests, request));
        if ('error' in result) return new ResponseError(ErrorCodes.InvalidRequest, result.error);
        const changes: Record<string, TextEdit[]> = {};
        const lines = new Map<string, LineIndex>();
        for (const edit of result.edits) {
          const text = requests.textOf(edit.file);
          if (text === undefined) continue;
          if (!lines.has(edit.file)) lines.set(edit.file, new LineIndex(text));
          (changes[pathToFileURL(edit.file).href] ??= []).push({
            range: toRange(lines.get(edit.file)!, edit.start, edit.end),
            newText: edit.newText,
          });
        }
        return { changes };
      }) ?? null,
  );
  requests.connection.onReferences(
    (params) =>
      requests.handle(params.textDocument.uri, (request) => {
        const documents = request.validation.report.documents.map((d) => d.document);
        const offset = request.document.offsetAt(params.position);
        const places = referencesTo(request.state.path, documents, offset, hostFor(requests, request), params.context.includeDeclaration);
        return toLocations(places, requests);
      }) ?? [],
  );
};
