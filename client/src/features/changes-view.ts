// The Changes view: what the working tree's changes do to each environment's rendered objects, against the base
// branch (driftless/changes; the server renders both sides). Environment -> object with counts; a click opens VS Code's
// diff editor on the object's two renders (Secret values arrive masked). Each object says what changed in it (`cpu
// 100m → 250m`) and whether its render has errors; an environment that cannot be rendered says why in a line and opens
// the line to fix, its tool's whole message one click away. "Copy as Markdown" copies the diff for a pull request.
// Refreshed on save and on the refresh button.
import * as vscode from 'vscode';
import { ChangesRequest, type ChangesResult } from '../../../server/src/protocol';
import type { ClientContext, Feature } from '../feature';
import { shownViewRows } from './view-rows';

type Diffs = Exclude<ChangesResult, { error: string }>;
type EnvironmentDiff = Diffs['environments'][number];
type Change = EnvironmentDiff['changes'][number];
type Node =
  | { message: string; icon: string }
  | { environment: EnvironmentDiff }
  | { change: Change; environment: string }
  | { toolMessage: EnvironmentDiff };

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
    if (!('environment' in node) || typeof node.environment === 'string') return [];
    const environment = node.environment;
    if (environment.error) return [{ toolMessage: environment }];
    return environment.changes.map((change) => ({ change, environment: environment.name }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if ('message' in node) {
      const item = new vscode.TreeItem(node.message);
      item.iconPath = new vscode.ThemeIcon(node.icon);
      item.tooltip = node.message;
      return item;
    }
    if ('toolMessage' in node) {
      const item = new vscode.TreeItem("Show the tool's message");
      item.iconPath = new vscode.ThemeIcon('output');
      item.tooltip = node.toolMessage.error;
      item.command = { command: 'driftless.showRenderError', title: "Show the tool's message", arguments: [node.toolMessage.name] };
      return item;
    }
    if ('change' in node) return changeItem(node.change, node.environment);
    const { environment } = node;
    if (environment.error) return this.failedItem(environment);
    const item = new vscode.TreeItem(environment.name, vscode.TreeItemCollapsibleState.Expanded);
    const errors = environment.findings?.errors ?? 0;
    item.description = [plural(environment.changes.length, 'object'), errors ? plural(errors, 'error') + ' in its render' : '']
      .filter(Boolean)
      .join(' · ');
    item.tooltip = `${environment.name}: ${item.description}`;
    item.iconPath = errors
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'))
      : new vscode.ThemeIcon('server-environment');
    return item;
  }

  /** An environment that cannot be rendered: why in a line, a click opens the line to fix, its tool's text below. */
  private failedItem(environment: EnvironmentDiff): vscode.TreeItem {
    const item = new vscode.TreeItem(environment.name, vscode.TreeItemCollapsibleState.Collapsed);
    const failure = environment.failure;
    const cause = failure?.cause ?? environment.error!.split('\n')[0]!;
    item.description = failure?.needsNetwork ? `not rendered: ${cause}` : `cannot be rendered: ${cause}`;
    const where = failure?.file ? `${failure.file}${failure.line !== undefined ? `:${failure.line + 1}` : ''}` : undefined;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${environment.name}** cannot be rendered: `).appendText(cause);
    if (where) tooltip.appendMarkdown('\n\n').appendText(`At ${where}`);
    tooltip.appendMarkdown('\n\n').appendCodeblock(environment.error!, 'text');
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(
      failure?.needsNetwork ? 'cloud' : 'error',
      failure?.needsNetwork ? undefined : new vscode.ThemeColor('list.errorForeground'),
    );
    const root = this.result && !('error' in this.result) ? this.result.root : undefined;
    if (failure?.file && root) {
      const line = failure.line ?? 0;
      item.command = {
        command: 'vscode.open',
        title: 'Open the line to fix',
        arguments: [vscode.Uri.joinPath(vscode.Uri.file(root), failure.file), { selection: new vscode.Range(line, 0, line, 0) }],
      };
    }
    item.contextValue = 'driftless.failedEnvironment';
    return item;
  }

  /** The tool's whole message for an environment that cannot be rendered, in an editor. */
  async showRenderError(name: string): Promise<void> {
    const environment = this.result && !('error' in this.result) ? this.result.environments.find((e) => e.name === name) : undefined;
    if (!environment?.error) return;
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${name}/render-error.txt` });
    this.sides.set(uri.toString(), `${name} cannot be rendered:\n\n${environment.error}\n`);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
  }

  /** The diff as Markdown for a pull request (what `driftless diff --format markdown` prints). */
  markdown(): string | undefined {
    if (!this.result || 'error' in this.result) return undefined;
    return this.result.markdown;
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

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** An object's row: what changed in it, and an error or warning mark when its render has findings. */
function changeItem(change: Change, environment: string): vscode.TreeItem {
  const item = new vscode.TreeItem(`${change.kind} ${change.name}`);
  const findings = change.findings ?? [];
  const errors = findings.filter((f) => f.severity === 'error');
  const marks = [
    errors.length ? plural(errors.length, 'error') : '',
    findings.length - errors.length ? plural(findings.length - errors.length, 'warning') : '',
  ]
    .filter(Boolean)
    .join(', ');
  item.description = [marks, change.fields ?? change.change, change.namespace].filter(Boolean).join(' · ');
  const tooltip = new vscode.MarkdownString();
  tooltip.appendText(`${change.id} (${change.change})`);
  if (change.fields) tooltip.appendMarkdown('\n\n').appendText(change.fields);
  for (const finding of findings)
    tooltip
      .appendMarkdown(`\n\n${finding.severity === 'error' ? '$(error)' : '$(warning)'} `)
      .appendText(`${finding.message} (${finding.rule}${finding.introduced ? ', brought by this change' : ''})`);
  tooltip.supportThemeIcons = true;
  item.tooltip = tooltip;
  item.iconPath = errors.length
    ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'))
    : findings.length
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
      : new vscode.ThemeIcon(ICONS[change.change]);
  item.command = { command: 'driftless.openChange', title: 'Open the rendered diff', arguments: [environment, change] };
  return item;
}

export const changesView: Feature = (context) => {
  const provider = new ChangesProvider(context);
  context.shown.changes = () => provider.result;
  context.shown.changesRows = () => shownViewRows(provider);
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
    vscode.commands.registerCommand('driftless.showRenderError', (argument: unknown) => {
      const name = typeof argument === 'string' ? argument : (argument as { environment?: { name?: string } })?.environment?.name;
      return name ? provider.showRenderError(name) : undefined;
    }),
    // Returns the text copied (for tests and other extensions); says so when there is nothing to copy.
    vscode.commands.registerCommand('driftless.copyChangesMarkdown', async () => {
      const markdown = provider.markdown();
      if (markdown === undefined) {
        void vscode.window.showInformationMessage('Driftless: the Changes view has no diff to copy yet.');
        return undefined;
      }
      await vscode.env.clipboard.writeText(markdown);
      void vscode.window.setStatusBarMessage('Driftless: the rendered changes were copied as Markdown.', 3000);
      return markdown;
    }),
    // Any file of a workspace folder may be read by a render (a Helm helper, a generator's input).
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (vscode.workspace.getWorkspaceFolder(document.uri)) refreshSoon();
    }),
    { dispose: () => clearTimeout(pending) },
  ];
};
