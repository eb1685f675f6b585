// The Changes view: what the working tree's changes do to each environment's rendered objects, against the base
// branch (driftless/changes; the server renders both sides). Environment -> object with counts; a click opens VS Code's
// diff editor on the object's two renders (Secret values arrive masked). Refreshed on save and on the refresh button.
import * as vscode from 'vscode';
import { ChangesRequest, type ChangesResult } from '../../../server/src/protocol';
import type { ClientContext, Feature } from '../feature';

type Diffs = Exclude<ChangesResult, { error: string }>;
type EnvironmentDiff = Diffs['environments'][number];
type Change = EnvironmentDiff['changes'][number];
type Node = { message: string; icon: string } | { environment: EnvironmentDiff } | { change: Change; environment: string };

const SCHEME = 'driftless-object';
const ICONS: Record<Change['change'], string> = { added: 'diff-added', removed: 'diff-removed', changed: 'diff-modified' };

class ChangesProvider implements vscode.TreeDataProvider<Node>, vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  result: ChangesResult | undefined;
  /** The ref compared with, when not the environments' base branch (a pull request's base, once checked out). */
  base: string | undefined;
  /** The two sides of each object shown in a diff editor, by URI. */
  private readonly sides = new Map<string, string>();

  constructor(private readonly context: ClientContext) {}

  async refresh(): Promise<void> {
    const client = this.context.server.languageClient;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    this.result = client
      ? await client.sendRequest(ChangesRequest.type, { ...(folder ? { folder } : {}), ...(this.base ? { base: this.base } : {}) })
      : undefined;
    this.changed.fire();
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.sides.get(uri.toString()) ?? '';
  }

  getChildren(node?: Node): Node[] {
    if (!this.result) return [];
    if ('error' in this.result) return node ? [] : [{ message: this.result.error, icon: 'warning' }];
    if (!node)
      return [
        { message: this.result.summary.text, icon: 'git-compare' },
        ...this.result.environments.filter((e) => e.changes.length || e.error).map((environment) => ({ environment })),
      ];
    return 'environment' in node && typeof node.environment !== 'string'
      ? node.environment.changes.map((change) => ({ change, environment: (node.environment as EnvironmentDiff).name }))
      : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if ('message' in node) {
      const item = new vscode.TreeItem(node.message);
      item.iconPath = new vscode.ThemeIcon(node.icon);
      return item;
    }
    if ('change' in node) {
      const { change } = node;
      const item = new vscode.TreeItem(`${change.kind} ${change.name}`);
      item.description = `${change.change}${change.namespace ? ` · ${change.namespace}` : ''}`;
      item.tooltip = change.id;
      item.iconPath = new vscode.ThemeIcon(ICONS[change.change]);
      item.command = { command: 'driftless.openChange', title: 'Open the rendered diff', arguments: [node.environment, change] };
      return item;
    }
    const { environment } = node;
    const item = new vscode.TreeItem(
      environment.name,
      environment.changes.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.description = environment.error
      ? `cannot be rendered: ${environment.error.split('\n')[0]}`
      : `${environment.changes.length} object${environment.changes.length === 1 ? '' : 's'}`;
    item.iconPath = new vscode.ThemeIcon(environment.error ? 'error' : 'server-environment');
    return item;
  }

  /** Opens the diff editor on an object's two renders. */
  async open(environment: string, change: Change): Promise<void> {
    const base = this.result && !('error' in this.result) ? this.result.base : 'base';
    const side = (label: string, text: string | undefined) => {
      const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${label}/${environment}/${change.id.replace(/[ /]/g, '_')}.yaml` });
      this.sides.set(uri.toString(), text ?? '');
      return uri;
    };
    await vscode.commands.executeCommand(
      'vscode.diff',
      side(base, change.before),
      side('working-tree', change.after),
      `${change.kind} ${change.name} (${environment}): ${base} ↔ working tree`,
    );
  }
}

export const changesView: Feature = (context) => {
  const provider = new ChangesProvider(context);
  context.shown.changes = () => provider.result;
  let pending: NodeJS.Timeout | undefined;
  const refreshSoon = () => {
    clearTimeout(pending);
    pending = setTimeout(() => void provider.refresh().catch(() => undefined), 500);
  };
  void context.server.ready().then(refreshSoon);
  return [
    vscode.window.registerTreeDataProvider('driftless.changes', provider),
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    vscode.commands.registerCommand('driftless.refreshChanges', () => provider.refresh()),
    // Compare with another ref (a checked-out pull request's base); none: the environments' base branch again.
    vscode.commands.registerCommand('driftless.compareChanges', async (base?: string) => {
      provider.base = typeof base === 'string' && base ? base : undefined;
      await provider.refresh();
      await vscode.commands.executeCommand('driftless.changes.focus');
      return provider.result;
    }),
    vscode.commands.registerCommand('driftless.openChange', (environment: string, change: Change) => provider.open(environment, change)),
    // Any file of a workspace folder may be read by a render (a Helm helper, a generator's input).
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (vscode.workspace.getWorkspaceFolder(document.uri)) refreshSoon();
    }),
    { dispose: () => clearTimeout(pending) },
  ];
};
