// The Pull Requests view: the open pull requests of this repository's forge, each with its checks and review state.
// Opening one checks it out — only with a clean tree, or after the user chooses to keep their changes on a branch —
// and shows its rendered diff against its base in the Changes view. The list is fetched when the view is shown and on
// refresh; a sign-in is asked for only when the user refreshes, never at start-up.
import * as vscode from 'vscode';
import {
  CheckoutPullRequestRequest,
  PullRequestsRequest,
  type PullRequestList,
  type PullRequestsResult,
} from '../../../server/src/protocol';
import type { Feature } from '../feature';
import { withForgeToken } from './token-retry';

type PullRequest = PullRequestList['pullRequests'][number];
type Node = { message: string; icon: string; command?: vscode.Command } | { pullRequest: PullRequest };

const CHECKS: Record<NonNullable<PullRequest['checks']>, { icon: string; color?: string; text: string }> = {
  success: { icon: 'pass', color: 'testing.iconPassed', text: 'checks passed' },
  failure: { icon: 'error', color: 'testing.iconFailed', text: 'checks failed' },
  pending: { icon: 'clock', color: 'testing.iconQueued', text: 'checks running' },
  none: { icon: 'git-pull-request', text: 'no checks' },
};
const REVIEWS: Record<NonNullable<PullRequest['review']>, string> = {
  approved: 'approved',
  'changes-requested': 'changes requested',
  'review-required': 'review required',
  none: '',
};

class PullRequestsProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  result: PullRequestsResult | undefined;

  constructor(private readonly context: Parameters<Feature>[0]) {}

  /** Lists the pull requests; `interactive`: a token may be asked for (the user refreshed). */
  async refresh(interactive: boolean): Promise<PullRequestsResult | undefined> {
    await this.context.server.ready();
    const client = this.context.server.languageClient;
    if (!client) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const send = (token: string | undefined) =>
      client.sendRequest(PullRequestsRequest.type, { ...(folder ? { folder } : {}), ...(token ? { token } : {}) });
    const result = (await withForgeToken(this.context.forgeTokens, send, { silent: !interactive })) ?? this.result;
    this.result = result;
    this.changed.fire();
    return result;
  }

  getChildren(node?: Node): Node[] {
    if (node || !this.result) return [];
    const result = this.result;
    if ('needsToken' in result)
      return [
        {
          message: `Sign in to ${result.needsToken.forge} to list the pull requests of ${result.needsToken.repository}`,
          icon: 'account',
          command: { command: 'driftless.refreshPullRequests', title: 'Sign in', arguments: [true] },
        },
      ];
    if ('error' in result) return [{ message: result.error, icon: 'warning' }];
    if (!result.pullRequests.length) return [{ message: `No open pull requests in ${result.repository.fullName}`, icon: 'check' }];
    return result.pullRequests.map((pullRequest) => ({ pullRequest }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if ('message' in node) {
      const item = new vscode.TreeItem(node.message);
      item.iconPath = new vscode.ThemeIcon(node.icon);
      if (node.command) item.command = node.command;
      return item;
    }
    const { pullRequest } = node;
    const checks = CHECKS[pullRequest.checks ?? 'none'];
    const review = REVIEWS[pullRequest.review ?? 'none'];
    const item = new vscode.TreeItem(`#${pullRequest.number} ${pullRequest.title}`);
    item.description = [`${pullRequest.head} → ${pullRequest.base}`, pullRequest.draft ? 'draft' : '', checks.text, review]
      .filter(Boolean)
      .join(' · ');
    item.tooltip = new vscode.MarkdownString(
      `**#${pullRequest.number} ${pullRequest.title}**\n\n${pullRequest.head} → ${pullRequest.base}${pullRequest.author ? ` by ${pullRequest.author}` : ''}\n\n${checks.text}${review ? `, ${review}` : ''}\n\n[Open on the forge](${pullRequest.url})`,
    );
    item.iconPath = new vscode.ThemeIcon(
      pullRequest.draft ? 'git-pull-request-draft' : checks.icon,
      checks.color ? new vscode.ThemeColor(checks.color) : undefined,
    );
    item.contextValue = 'driftless.pullRequest';
    item.command = { command: 'driftless.checkoutPullRequest', title: 'Check out and show the rendered diff', arguments: [pullRequest] };
    return item;
  }
}

/** Checks a pull request out and shows its rendered diff; asks before keeping the user's changes on a branch. */
async function checkout(context: Parameters<Feature>[0], provider: PullRequestsProvider, pullRequest: PullRequest): Promise<unknown> {
  const client = context.server.languageClient;
  const list = provider.result;
  if (!client || !list || !('pullRequests' in list)) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const request = {
    ...(folder ? { folder } : {}),
    remote: list.remote,
    number: pullRequest.number,
    head: pullRequest.head,
    headRef: pullRequest.headRef,
    base: pullRequest.base,
  };
  let result = await client.sendRequest(CheckoutPullRequestRequest.type, request);
  if ('dirty' in result) {
    const branch = result.keepBranch;
    const choice = await vscode.window.showWarningMessage(
      `The working tree has changes in ${result.dirty.length} file${result.dirty.length === 1 ? '' : 's'}.`,
      {
        modal: true,
        detail: `To check out #${pullRequest.number}, Driftless can keep them in a commit on a new branch, ${branch}, and leave the tree clean. Nothing is discarded.`,
      },
      'Keep Them on a Branch',
    );
    if (choice !== 'Keep Them on a Branch') return undefined;
    result = await client.sendRequest(CheckoutPullRequestRequest.type, { ...request, keepChangesOn: branch });
  }
  if ('error' in result) {
    void vscode.window.showErrorMessage(`Driftless: ${result.error}`);
    return result;
  }
  if ('dirty' in result) return result;
  await vscode.commands.executeCommand('driftless.compareChanges', result.baseRef);
  void vscode.window.showInformationMessage(
    `Driftless: checked out #${pullRequest.number} as ${result.branch}${result.kept ? ` (your changes are on ${result.kept.branch})` : ''}; the Changes view shows it against ${result.baseRef}.`,
  );
  return result;
}

export const pullRequestsView: Feature = (context) => {
  const provider = new PullRequestsProvider(context);
  context.shown.pullRequests = () => provider.result;
  const view = vscode.window.createTreeView('driftless.pullRequests', { treeDataProvider: provider });
  let listed = false;
  const listOnce = () => {
    if (view.visible && !listed) {
      listed = true;
      void provider.refresh(false).catch(() => undefined);
    }
  };
  listOnce();
  return [
    view,
    view.onDidChangeVisibility(listOnce),
    // From the view's button (no argument): the user asked, a sign-in may be asked for. `false`: only what is at hand.
    vscode.commands.registerCommand('driftless.refreshPullRequests', (interactive: unknown) => provider.refresh(interactive !== false)),
    vscode.commands.registerCommand('driftless.checkoutPullRequest', (pullRequest: PullRequest) =>
      checkout(context, provider, pullRequest),
    ),
    vscode.commands.registerCommand('driftless.openPullRequestOnForge', (node: { pullRequest?: PullRequest } | PullRequest) => {
      const pullRequest = 'pullRequest' in node && node.pullRequest ? node.pullRequest : (node as PullRequest);
      return vscode.env.openExternal(vscode.Uri.parse(pullRequest.url));
    }),
  ];
};
