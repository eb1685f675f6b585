// The Environments view in the Driftless sidebar: each environment of the workspace's repositories with its source
// and cluster, from driftless/environments. The server discovers them; this only lists them and opens where they are
// defined. Refreshed on save, on the refresh button, and while the workspace index is still being read.
import * as vscode from 'vscode';
import { EnvironmentsRequest, type EnvironmentsResult } from '../../../server/src/protocol';
import type { ClientContext, Feature } from '../feature';

type EnvironmentView = EnvironmentsResult['folders'][number]['environments'][number];
type Node = { folder: EnvironmentsResult['folders'][number] } | { environment: EnvironmentView; root: string };

class EnvironmentsProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  result: EnvironmentsResult | undefined;

  constructor(private readonly context: ClientContext) {}

  async refresh(): Promise<void> {
    const client = this.context.server.languageClient;
    this.result = client ? await client.sendRequest(EnvironmentsRequest.type) : undefined;
    this.changed.fire();
    // The index is still being read: ask again shortly, as the list may grow.
    if (this.result && !this.result.complete) setTimeout(() => void this.refresh(), 1000);
  }

  getChildren(node?: Node): Node[] {
    if (!this.result) return [];
    if (!node) {
      const folders = this.result.folders.filter((f) => f.environments.length);
      // One repository: its environments at the top level.
      return folders.length === 1
        ? folders[0]!.environments.map((environment) => ({ environment, root: folders[0]!.root }))
        : folders.map((folder) => ({ folder }));
    }
    return 'folder' in node ? node.folder.environments.map((environment) => ({ environment, root: node.folder.root })) : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if ('folder' in node) {
      const item = new vscode.TreeItem(vscode.workspace.asRelativePath(node.folder.root), vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('repo');
      return item;
    }
    const { environment, root } = node;
    const item = new vscode.TreeItem(environment.name, vscode.TreeItemCollapsibleState.None);
    item.description = environment.cluster ? `${environment.source} → ${environment.cluster}` : environment.source;
    item.tooltip = [
      `${environment.name}`,
      `Source: ${environment.source}`,
      `Cluster: ${environment.cluster || 'not known (declare it in .driftless.yaml)'}`,
      environment.protection === 'production' ? 'Protected: production' : undefined,
      environment.delivery?.mode
        ? `Delivery: ${environment.delivery.mode}${environment.delivery.branch ? ` to ${environment.delivery.branch}` : ''}`
        : undefined,
      `Defined in ${environment.file ?? '?'} (${environment.origin})`,
    ]
      .filter(Boolean)
      .join('\n');
    item.iconPath = new vscode.ThemeIcon(environment.protection === 'production' ? 'shield' : 'server-environment');
    item.contextValue = 'driftless.environment';
    if (environment.file) {
      const uri = vscode.Uri.joinPath(vscode.Uri.file(root), environment.file);
      item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
    }
    return item;
  }
}

export const environmentsView: Feature = (context) => {
  const provider = new EnvironmentsProvider(context);
  context.shown.environments = () => provider.result;
  const refresh = () => void provider.refresh().catch(() => undefined);
  void context.server.ready().then(refresh);
  return [
    vscode.window.registerTreeDataProvider('driftless.environments', provider),
    vscode.commands.registerCommand('driftless.refreshEnvironments', () => provider.refresh()),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (document.languageId === 'yaml') refresh();
    }),
  ];
};
