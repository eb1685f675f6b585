// The Drift view in the Driftless sidebar: what each environment's cluster runs against what git declares
// (driftless/drift). While the view is shown the environments are compared and their clusters watched (the server
// tells driftless/driftChanged; the environment is compared again); hidden, the watches stop. Saving a file compares
// the environments rendered from it again. In an untrusted workspace the view only says why it shows nothing.
import * as vscode from 'vscode';
import { DriftChangedNotification, FileEnvironmentsRequest, WatchDriftNotification } from '../../../server/src/protocol';
import type { ClientContext, Feature } from '../feature';
import { driftActions } from './drift-actions';
import { DriftContexts, type EnvironmentKey } from './drift-contexts';
import { DRIFT_SCHEME, DriftDocuments } from './drift-documents';
import { DriftModel, type DriftEntry, type DriftObject } from './drift-model';
import { DriftStatus } from './drift-status';
import { DriftTree, shownRows, UNTRUSTED_VIEW } from './drift-tree';

/** Where `driftless.chooseClusterContext` can be run from: an environment row or its message, or nothing (it asks). */
function entriesOf(argument: unknown): DriftEntry[] | undefined {
  if (typeof argument === 'object' && argument !== null && 'entry' in argument) return [(argument as { entry: DriftEntry }).entry];
  return undefined;
}

export const driftView: Feature = (context: ClientContext) => {
  const { server, extension } = context;
  const contexts = new DriftContexts(extension.workspaceState, server);
  const model = new DriftModel(server, contexts);
  const tree = new DriftTree(model);
  const documents = new DriftDocuments(server, model);
  const status = new DriftStatus(server, model, () => vscode.workspace.isTrusted);
  const view = vscode.window.createTreeView('driftless.drift', { treeDataProvider: tree, showCollapseAll: true });
  let started = false;
  let serverStarts = 0;

  const watch = () => {
    const client = server.languageClient;
    if (!client) return;
    const environments =
      view.visible && vscode.workspace.isTrusted
        ? model
            .all()
            .filter((e) => e.context)
            .map((e) => model.paramsOf(e))
        : [];
    void client.sendNotification(WatchDriftNotification.type, { environments });
  };

  /** Lists the environments and compares them (again). */
  const refresh = async (reload = true) => {
    if (!vscode.workspace.isTrusted) {
      tree.message = UNTRUSTED_VIEW;
      tree.refresh();
      return;
    }
    tree.message = undefined;
    await model.environments(reload);
    if (!model.all().length) tree.message = 'No environments found: see the Environments view.';
    tree.refresh();
    model.compareAll();
    watch();
  };

  const start = () => {
    if (started || !view.visible) return;
    started = true;
    void server.ready().then(() => refresh(false));
  };

  context.shown.drift = () => ({
    environments: model.all().map((entry) => ({
      folder: entry.folder,
      environment: entry.environment,
      context: entry.context ?? null,
      comparing: entry.comparing,
      ...(entry.result ? { result: entry.result } : {}),
    })),
    rows: shownRows(tree),
    statusBar: status.state,
    watching: view.visible && vscode.workspace.isTrusted,
  });
  context.shown.driftSettled = () => model.settled();

  const chooseContext = async (argument?: unknown) => {
    await model.environments();
    let entries = entriesOf(argument);
    if (!entries) {
      const picked = await vscode.window.showQuickPick(
        model.all().map((entry) => ({
          label: entry.environment,
          description: entry.context ? `compared with ${entry.context}` : entry.context === null ? 'not compared' : 'no context yet',
          entry,
        })),
        { canPickMany: true, placeHolder: 'The environments whose cluster context to choose' },
      );
      if (!picked?.length) return;
      entries = picked.map((p) => p.entry);
    }
    const keys: EnvironmentKey[] = entries.map(({ folder, environment }) => ({ folder, environment }));
    await contexts.ask(keys, entries.length === 1 ? entries[0]!.declared : undefined);
  };

  if (view.visible) start();
  else tree.message = vscode.workspace.isTrusted ? undefined : UNTRUSTED_VIEW;

  return [
    view,
    tree,
    documents,
    status,
    model,
    contexts,
    vscode.workspace.registerTextDocumentContentProvider(DRIFT_SCHEME, documents),
    view.onDidChangeVisibility(() => {
      if (view.visible && !started) start();
      else if (view.visible) {
        // Shown again: what changed while hidden was not watched.
        model.compareAll();
        watch();
      } else watch();
    }),
    model.onDidChange((entry) => {
      tree.refresh(entry);
      status.changed(entry);
      if (entry && !entry.comparing) documents.refresh(entry);
    }),
    contexts.onDidChange((keys) => {
      model.contextsChanged(keys);
      watch();
    }),
    server.onDidStart(() => {
      const client = server.languageClient;
      client?.onNotification(DriftChangedNotification.type, (params) => {
        const entry = model.get({ folder: params.folder, environment: params.environment });
        if (entry && (model.paramsOf(entry).context ?? undefined) === params.context) model.compare(entry);
      });
      // A restarted server knows nothing of the view: list and compare again.
      if (serverStarts++ > 0 && started) void refresh(false);
      void status.update();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (view.visible) void refresh();
      void status.update();
    }),
    vscode.window.onDidChangeActiveTextEditor(() => void status.update()),
    vscode.workspace.onDidSaveTextDocument(async (document) => {
      const client = server.languageClient;
      if (!client || !vscode.workspace.isTrusted || !vscode.workspace.getWorkspaceFolder(document.uri)) return;
      if (/(^|\/)\.driftless\.ya?ml$/.test(document.uri.path)) return refresh();
      const found = await client.sendRequest(FileEnvironmentsRequest.type, { uri: document.uri.toString() }).catch(() => null);
      for (const environment of found?.environments ?? []) {
        const entry = model.get({ folder: found!.folder, environment });
        if (entry) model.compare(entry);
      }
    }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (document.uri.scheme === DRIFT_SCHEME) documents.forget(document.uri);
    }),
    vscode.commands.registerCommand('driftless.refreshDrift', () => refresh()),
    vscode.commands.registerCommand('driftless.openDrift', async (node?: { entry: EnvironmentKey; object: DriftObject }) => {
      const entry = node?.entry && model.get(node.entry);
      if (entry && node.object) await documents.openDiff(entry, node.object);
    }),
    vscode.commands.registerCommand('driftless.chooseClusterContext', chooseContext),
    vscode.commands.registerCommand('driftless.showDrift', async (entry?: DriftEntry) => {
      await vscode.commands.executeCommand('driftless.drift.focus');
      if (entry && model.get(entry)) await view.reveal(tree.environmentNode(model.get(entry)!), { expand: true, select: true });
    }),
    ...driftActions(server, model),
    { dispose: () => void server.languageClient?.sendNotification(WatchDriftNotification.type, { environments: [] }) },
  ];
};
