// The Environments view in the Driftless sidebar: each environment of the workspace's repositories with its cluster,
// its source and its status as the background render found it (renders, fails and why, needs the network, not
// rendered here), from driftless/environments. Grouped by source kind or cluster (`driftless.environments.groupBy`,
// or the view's group button); the environments that apply the open file come first. A click opens the line that
// makes a render fail, else where the environment is defined. Refreshed on save, on the refresh button, when the
// server's renders end, and while the workspace index is still being read.
import * as vscode from 'vscode';
import {
  EnvironmentsChangedNotification,
  EnvironmentsRequest,
  FileEnvironmentsRequest,
  type EnvironmentsResult,
} from '../../../server/src/protocol';
import type { ClientContext, Feature } from '../feature';
import { shownViewRows } from './view-rows';

type Folder = EnvironmentsResult['folders'][number];
type EnvironmentEntry = Folder['environments'][number];
type GroupBy = 'none' | 'sourceKind' | 'cluster';
type Node =
  { folder: Folder } | { group: string; root: string; environments: EnvironmentEntry[] } | { environment: EnvironmentEntry; root: string };

const GROUP_BY_SETTING = 'environments.groupBy';
const SOURCE_KINDS: Record<string, string> = {
  kustomization: 'Kustomizations',
  chart: 'Helm charts',
  directory: 'Plain folders',
  application: 'Argo CD Applications',
  flux: 'Flux',
};

function groupBy(): GroupBy {
  const value = vscode.workspace.getConfiguration('driftless').get<string>(GROUP_BY_SETTING);
  return value === 'sourceKind' || value === 'cluster' ? value : 'none';
}

function groupOf(environment: EnvironmentEntry, by: GroupBy): string {
  if (by === 'cluster') return environment.cluster || 'Cluster not known';
  return SOURCE_KINDS[environment.sourceKind ?? ''] ?? 'No source';
}

/** What the status says in a word or a line, and its icon. */
function statusOf(environment: EnvironmentEntry): { text?: string; icon: vscode.ThemeIcon; tooltip: string } {
  const status = environment.status;
  const color = (id: string) => new vscode.ThemeColor(id);
  switch (status?.state) {
    case 'renders': {
      const errors = status.errors ?? 0;
      const warnings = status.warnings ?? 0;
      const found = [
        errors ? `${errors} error${errors === 1 ? '' : 's'}` : '',
        warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      return {
        ...(found ? { text: found } : {}),
        icon: errors
          ? new vscode.ThemeIcon('error', color('list.errorForeground'))
          : warnings
            ? new vscode.ThemeIcon('warning', color('list.warningForeground'))
            : new vscode.ThemeIcon('pass', color('testing.iconPassed')),
        tooltip: found ? `Renders; its rendered objects have ${found}.` : 'Renders, and its rendered objects pass.',
      };
    }
    case 'fails':
      return {
        text: `fails: ${status.detail ?? ''}`,
        icon: new vscode.ThemeIcon('error', color('list.errorForeground')),
        tooltip: `Cannot be rendered: ${status.detail ?? ''}${status.file ? ` (${status.file}:${(status.line ?? 0) + 1})` : ''}`,
      };
    case 'needs-network':
      return {
        text: 'not rendered: needs the network',
        icon: new vscode.ThemeIcon('cloud'),
        tooltip: `Not rendered: it reads ${status.detail ?? 'a remote address'}, which needs the network.`,
      };
    case 'not-rendered':
      return { text: 'not rendered here', icon: new vscode.ThemeIcon('circle-slash'), tooltip: `Not rendered: ${status.detail ?? ''}` };
    default:
      return {
        icon: new vscode.ThemeIcon('server-environment'),
        tooltip: vscode.workspace.isTrusted ? 'Not rendered yet.' : 'Not rendered: the workspace is not trusted.',
      };
  }
}

class EnvironmentsProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  result: EnvironmentsResult | undefined;
  /** The environments that apply the open file, by project root: listed first. */
  applyingOpenFile: { folder: string; environments: string[] } | null = null;

  constructor(private readonly context: ClientContext) {}

  async refresh(): Promise<void> {
    const client = this.context.server.languageClient;
    this.result = client ? await client.sendRequest(EnvironmentsRequest.type) : undefined;
    this.changed.fire();
    // The index is still being read: ask again shortly, as the list may grow.
    if (this.result && !this.result.complete) setTimeout(() => void this.refresh(), 1000);
  }

  /** Asks which environments apply the active editor's file, and lists them first. */
  async followEditor(editor: vscode.TextEditor | undefined): Promise<void> {
    const client = this.context.server.languageClient;
    const document = editor?.document;
    const found =
      client && document && document.uri.scheme === 'file'
        ? await client.sendRequest(FileEnvironmentsRequest.type, { uri: document.uri.toString() }).catch(() => null)
        : null;
    if (JSON.stringify(found) === JSON.stringify(this.applyingOpenFile)) return;
    this.applyingOpenFile = found;
    this.changed.fire();
  }

  private applies(root: string, environment: EnvironmentEntry): boolean {
    return this.applyingOpenFile?.folder === root && this.applyingOpenFile.environments.includes(environment.name);
  }

  /** The open file's environments first, the rest in the server's order. */
  private ordered(root: string, environments: readonly EnvironmentEntry[]): EnvironmentEntry[] {
    return [...environments.filter((e) => this.applies(root, e)), ...environments.filter((e) => !this.applies(root, e))];
  }

  private environmentsOf(folder: Folder): Node[] {
    const by = groupBy();
    const environments = this.ordered(folder.root, folder.environments);
    if (by === 'none') return environments.map((environment) => ({ environment, root: folder.root }));
    const groups = new Map<string, EnvironmentEntry[]>();
    for (const environment of environments) {
      const group = groupOf(environment, by);
      groups.set(group, [...(groups.get(group) ?? []), environment]);
    }
    return [...groups].map(([group, members]) => ({ group, root: folder.root, environments: members }));
  }

  getChildren(node?: Node): Node[] {
    if (!this.result) return [];
    if (!node) {
      const folders = this.result.folders.filter((f) => f.environments.length);
      // One repository: its environments at the top level.
      return folders.length === 1 ? this.environmentsOf(folders[0]!) : folders.map((folder) => ({ folder }));
    }
    if ('folder' in node) return this.environmentsOf(node.folder);
    if ('group' in node) return node.environments.map((environment) => ({ environment, root: node.root }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if ('folder' in node) {
      const item = new vscode.TreeItem(vscode.workspace.asRelativePath(node.folder.root), vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('repo');
      return item;
    }
    if ('group' in node) {
      const item = new vscode.TreeItem(node.group, vscode.TreeItemCollapsibleState.Expanded);
      const failing = node.environments.filter((e) => e.status?.state === 'fails').length;
      item.description = `${node.environments.length}${failing ? ` · ${failing} failing` : ''}`;
      item.iconPath = new vscode.ThemeIcon(groupBy() === 'cluster' ? 'cloud' : 'folder-library');
      return item;
    }
    const { environment, root } = node;
    const item = new vscode.TreeItem(environment.name, vscode.TreeItemCollapsibleState.None);
    const status = statusOf(environment);
    const applies = this.applies(root, environment);
    // The cluster first (the source is the name, mostly), then what is wrong; the rest in the tooltip.
    item.description = [
      applies ? 'open file' : '',
      status.text ?? '',
      environment.cluster || (groupBy() === 'cluster' ? '' : 'no cluster'),
      environment.protection === 'production' ? 'protected' : '',
    ]
      .filter(Boolean)
      .join(' · ');
    item.tooltip = [
      `${environment.name}`,
      status.tooltip,
      applies ? 'Applies the open file.' : undefined,
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
    item.iconPath = status.icon;
    item.contextValue = 'driftless.environment';
    const failure = environment.status?.state === 'fails' ? environment.status : undefined;
    if (failure?.file) {
      const line = failure.line ?? 0;
      item.command = {
        command: 'vscode.open',
        title: 'Open the line to fix',
        arguments: [vscode.Uri.joinPath(vscode.Uri.file(root), failure.file), { selection: new vscode.Range(line, 0, line, 0) }],
      };
    } else if (environment.file) {
      const uri = vscode.Uri.joinPath(vscode.Uri.file(root), environment.file);
      item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
    }
    return item;
  }
}

const GROUPINGS: { label: string; value: GroupBy }[] = [
  { label: 'No grouping', value: 'none' },
  { label: 'By source kind', value: 'sourceKind' },
  { label: 'By cluster', value: 'cluster' },
];

export const environmentsView: Feature = (context) => {
  const provider = new EnvironmentsProvider(context);
  context.shown.environments = () => provider.result;
  context.shown.environmentsRows = () => shownViewRows(provider);
  const refresh = () => void provider.refresh().catch(() => undefined);
  const follow = () => void provider.followEditor(vscode.window.activeTextEditor).catch(() => undefined);
  void context.server.ready().then(() => {
    refresh();
    follow();
  });
  return [
    vscode.window.registerTreeDataProvider('driftless.environments', provider),
    vscode.commands.registerCommand('driftless.refreshEnvironments', () => provider.refresh()),
    // Asks how to group, or takes the grouping given (`none`, `sourceKind`, `cluster`); kept in the workspace settings.
    vscode.commands.registerCommand('driftless.groupEnvironments', async (given?: unknown) => {
      const value = GROUPINGS.find((g) => g.value === given)?.value ?? (await vscode.window.showQuickPick(GROUPINGS))?.value;
      if (!value) return;
      await vscode.workspace.getConfiguration('driftless').update(GROUP_BY_SETTING, value, vscode.ConfigurationTarget.Workspace);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`driftless.${GROUP_BY_SETTING}`)) refresh();
    }),
    vscode.window.onDidChangeActiveTextEditor(follow),
    context.server.onDidStart(() => {
      context.server.languageClient?.onNotification(EnvironmentsChangedNotification.type, refresh);
      refresh();
    }),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (document.languageId === 'yaml') refresh();
      follow();
    }),
  ];
};
