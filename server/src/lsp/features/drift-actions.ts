// The Drift view's actions on a difference, over the protocol: driftless/ignoreDriftField and driftless/takeLiveValue
// compute their edit in the server (node/drift/drift-actions) and answer it as a WorkspaceEdit for the client to apply
// — versioned against the open document it was computed on, so an edit made meanwhile makes it fail, not corrupt —
// or say where the value comes from. driftless/fileEnvironments names the environments whose render reads a file.
import { pathToFileURL } from 'node:url';
import type { CancellationToken, Location, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { LineIndex } from '../../engine/yaml/line-index';
import { ignoreFieldEdit, takeLiveValueEdit, type DriftActionResult as NodeResult, type Place } from '../../node/drift/drift-actions';
import { inputFolders } from '../../node/render/render-inputs';
import { isUnder } from '../../node/confined-path';
import {
  FileEnvironmentsRequest,
  IgnoreFieldRequest,
  TakeLiveValueRequest,
  type DriftActionResult,
  type DriftFieldParams,
  type FileEnvironmentsResult,
} from '../../protocol';
import type { DocumentRequests } from '../document-requests';
import { uriToPath } from '../projects';
import { liveObjectOf, UNTRUSTED_DRIFT, type DriftSession } from './drift';
import { toolsOf } from './render';

function locationOf(place: Place, text: string | undefined): Location {
  const lines = new LineIndex(text ?? '');
  return { uri: pathToFileURL(place.file).href, range: lines.rangeOf(place.start, place.end) };
}

function answer(result: NodeResult, requests: DocumentRequests, versionOf: (uri: string) => number | null): DriftActionResult {
  if (result.kind === 'error') return { error: result.error };
  if (result.kind === 'where')
    return { where: result.where, ...(result.place ? { location: locationOf(result.place, requests.textOf(result.place.file)) } : {}) };
  const { file, create, text, edits } = result.edit;
  const uri = pathToFileURL(file).href;
  const lines = new LineIndex(text);
  const textEdit: TextDocumentEdit = {
    textDocument: { uri, version: create ? null : versionOf(uri) },
    edits: edits.map((edit) => ({ range: lines.rangeOf(edit.start, edit.end), newText: edit.newText })),
  };
  const edit: WorkspaceEdit = {
    documentChanges: create ? [{ kind: 'create', uri, options: { ignoreIfExists: true } }, textEdit] : [textEdit],
  };
  // Where the edit is, in the text after it: its first line, for the editor to show.
  const first = edits[0]!;
  const after = new LineIndex(text.slice(0, first.start) + first.newText);
  const start = after.positionAt(first.start);
  const end = after.positionAt(first.start + first.newText.length);
  return { edit, description: result.description, reveal: { uri, range: { start, end } } };
}

export function driftActionRequests(requests: DocumentRequests, session: DriftSession, versionOf: (uri: string) => number | null): void {
  const { host } = session;
  const target = async (params: DriftFieldParams, signal: AbortSignal) => {
    if (!host.trusted()) return { error: UNTRUSTED_DRIFT };
    const project = (params.folder && host.projects().find((p) => p.root === params.folder)) || host.projects()[0];
    const environment = project?.environments().find((e) => e.name === params.environment);
    if (!project || !environment) return { error: `No environment named "${params.environment}".` };
    if (typeof params.path !== 'string' || !params.object) return { error: 'Which difference? (`object` and `path` are needed)' };
    const drift = await session.last(params, signal);
    const live = 'objects' in drift ? liveObjectOf(drift, params.object) : undefined;
    return { project, environment, object: params.object, pointer: params.path, ...(live ? { live } : {}) };
  };
  const withCancellation = async <T>(token: CancellationToken, run: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const abort = new AbortController();
    const listener = token.onCancellationRequested(() => abort.abort());
    try {
      return await run(abort.signal);
    } finally {
      listener.dispose();
    }
  };
  const textOf = (file: string) => requests.textOf(file);
  requests.connection.onRequest(IgnoreFieldRequest.type, (params, token) =>
    withCancellation(token, async (signal): Promise<DriftActionResult> => {
      const found = await target(params, signal);
      if (!('project' in found)) return found;
      const into = params.into === 'application' ? 'application' : 'config';
      return answer(ignoreFieldEdit(found, into, textOf), requests, versionOf);
    }),
  );
  requests.connection.onRequest(TakeLiveValueRequest.type, (params, token) =>
    withCancellation(token, async (signal): Promise<DriftActionResult> => {
      const found = await target(params, signal);
      if (!('project' in found)) return found;
      return answer(await takeLiveValueEdit(found, toolsOf(host.settings()), textOf, signal), requests, versionOf);
    }),
  );
  requests.connection.onRequest(FileEnvironmentsRequest.type, (params): FileEnvironmentsResult => {
    const path = uriToPath(params.uri);
    const project = path ? host.projects().find((p) => isUnder(path, p.root)) : undefined;
    if (!path || !project) return null;
    const environments = project.environments().filter((environment) => {
      if (environment.file === path) return true;
      const inputs = inputFolders(project.renderPlanOf(environment), project);
      return inputs.files.includes(path) || inputs.recursive.some((folder) => path === folder || isUnder(path, folder));
    });
    return { folder: project.root, environments: environments.map((e) => e.name) };
  });
}
