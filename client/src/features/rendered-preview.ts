// "Open Rendered Manifests": an environment — or a kustomization, chart or folder picked in the explorer or open in
// the editor — rendered by the server, shown as a read-only virtual document (driftless-rendered:/<name>.yaml),
// rendered again when a file is saved. Errors are shown in the document.
import * as vscode from 'vscode';
import { RenderRequest } from '../../../server/src/protocol';
import type { ClientContext, Feature } from '../feature';

const SCHEME = 'driftless-rendered';

/** The URI of an environment's rendered document: its name in the path, its workspace folder in the query. */
export function renderedUri(environment: string, folder?: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, path: `/${environment}.yaml`, query: folder ? new URLSearchParams({ folder }).toString() : '' });
}

/** The URI of a folder's rendered document (a kustomization's, a chart's): its path relative to the workspace. */
function renderedPathUri(resource: vscode.Uri): vscode.Uri {
  const name = vscode.workspace.asRelativePath(resource, false);
  return vscode.Uri.from({ scheme: SCHEME, path: `/${name}.yaml`, query: new URLSearchParams({ path: resource.fsPath }).toString() });
}

class RenderedDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  readonly open = new Set<string>();

  constructor(private readonly context: ClientContext) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    this.open.add(uri.toString());
    const client = this.context.server.languageClient;
    if (!client) return '# The Driftless language server is not running.\n';
    const environment = uri.path.replace(/^\//, '').replace(/\.yaml$/, '');
    const query = new URLSearchParams(uri.query);
    const folder = query.get('folder') ?? undefined;
    const path = query.get('path') ?? undefined;
    const params = path ? { path } : { environment, ...(folder ? { folder } : {}) };
    const result = await client.sendRequest(RenderRequest.type, params, token);
    if (!result.ok) return `# ${environment} cannot be rendered:\n${result.error.replace(/^/gm, '# ')}\n`;
    return `# ${environment}, rendered by ${result.tool}. Read-only: edit the sources.\n${result.yaml}`;
  }

  refreshAll(): void {
    for (const uri of this.open) this.changed.fire(vscode.Uri.parse(uri));
  }
}

async function show(uri: vscode.Uri): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(document, 'yaml');
  await vscode.window.showTextDocument(document, { preview: true });
}

export const renderedPreview: Feature = (context) => {
  const documents = new RenderedDocuments(context);
  return [
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, documents),
    vscode.commands.registerCommand(
      'driftless.openRendered',
      async (item?: vscode.Uri | { environment?: { name: string }; root?: string }) => {
        // From the explorer or an editor's title: the folder (or the kustomization or Chart.yaml) itself.
        if (item instanceof vscode.Uri) return show(renderedPathUri(item));
        let name = item?.environment?.name;
        let folder = item?.root;
        if (!name) {
          const shown = context.shown.environments();
          const picks = (shown?.folders ?? []).flatMap((f) =>
            f.environments.map((e) => ({ label: e.name, description: e.source, detail: e.cluster || undefined, folder: f.root })),
          );
          const picked = await vscode.window.showQuickPick(picks, { placeHolder: 'The environment to render' });
          if (!picked) return;
          name = picked.label;
          folder = picked.folder;
        }
        return show(renderedUri(name, folder));
      },
    ),
    vscode.workspace.onDidSaveTextDocument(() => documents.refreshAll()),
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (document.uri.scheme === SCHEME) documents.open.delete(document.uri.toString());
    }),
  ];
};
