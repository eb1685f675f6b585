// "Driftless: Commit…" and "Driftless: Create Pull Request…": the server plans (files per environment, the drafted
// message and branch, the validation), the client asks only for what the caller's answers leave out, and each write
// (commit, push, pull request) happens on the user's word. Both take their answers as one object — { message, branch,
// push, draft, override } — for keybindings, tasks and tests, and return what was done:
// { commit, branch, pushed, pullRequest: { url, number } }.
import * as vscode from 'vscode';
import {
  CommitRequest,
  CreatePullRequestRequest,
  PlanCommitRequest,
  PushRequest,
  type CommitPlan,
  type DeliveryFailure,
  type PushResult,
} from '../../../server/src/protocol';
import type { Feature } from '../feature';
import type { ServerConnection } from '../server-connection';
import type { ForgeTokens } from './forge-tokens';
import { withForgeToken } from './token-retry';

/** The answers a caller may give; what is missing is asked. */
export interface DeliveryAnswers {
  /** The commit message (default: the drafted one, editable). */
  message?: string;
  /** A new branch to commit on; `false`, or the current branch's name: commit on the current branch. */
  branch?: string | false;
  /** Push after committing (the pull request command pushes unless told `false`). */
  push?: boolean;
  /** Open the pull request as a draft (default: .driftless.yaml's delivery.pullRequest.draft). */
  draft?: boolean;
  /** Commit despite validation errors (recorded in the message's Driftless-Override trailer). */
  override?: boolean;
  /** Which changed files: those of the environments the Changes view shows, or all (default: asked, else environments). */
  files?: 'environments' | 'all';
}

export interface DeliveryOutcome {
  commit?: string;
  branch?: string;
  pushed: boolean;
  pullRequest?: { url: string; number: number };
}

function isFailure(value: object): value is DeliveryFailure {
  return 'error' in value && 'kind' in value;
}

/** The command's argument: answers, or what a menu passes (the Source Control view passes its repository). */
function answersOf(argument: unknown): { answers: DeliveryAnswers; given: boolean; folder?: string } {
  if (typeof argument !== 'object' || argument === null) return { answers: {}, given: false };
  const rootUri = (argument as { rootUri?: unknown }).rootUri;
  if (rootUri instanceof vscode.Uri) return { answers: {}, given: false, folder: rootUri.fsPath };
  const known = ['message', 'branch', 'push', 'draft', 'override', 'files'];
  const answers = Object.fromEntries(Object.entries(argument).filter(([key]) => known.includes(key))) as DeliveryAnswers;
  return { answers, given: Object.keys(answers).length > 0 };
}

/** The workspace folder of a path (a repository's root may be a workspace folder or hold one). */
function workspaceFolderOf(path: string | undefined): string | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!path) return folders[0]?.uri.fsPath;
  return (
    folders.find((f) => f.uri.fsPath === path || path.startsWith(f.uri.fsPath + '/'))?.uri.fsPath ??
    folders.find((f) => f.uri.fsPath.startsWith(path + '/'))?.uri.fsPath ??
    folders[0]?.uri.fsPath
  );
}

class Delivery {
  constructor(
    private readonly server: ServerConnection,
    private readonly tokens: ForgeTokens,
  ) {}

  private async client() {
    await this.server.ready();
    const client = this.server.languageClient;
    if (!client) throw new Error('The Driftless language server is not running.');
    return client;
  }

  private fail(message: string): undefined {
    void vscode.window.showErrorMessage(`Driftless: ${message}`);
    return undefined;
  }

  /** Commits the working tree's changes as planned and answered; pushes when asked. Undefined when cancelled. */
  async commit(argument: unknown, forPullRequest = false): Promise<DeliveryOutcome | undefined> {
    const { answers, given, folder: repositoryFolder } = answersOf(argument);
    const folder = workspaceFolderOf(repositoryFolder);
    const client = await this.client();
    const plan = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Driftless: rendering what the change does to each environment…' },
      () => client.sendRequest(PlanCommitRequest.type, folder ? { folder } : {}),
    );
    if (isFailure(plan)) return this.fail(plan.error);
    if (plan.operation) return this.fail(`The repository is in the middle of ${plan.operation}: finish or abort it first.`);
    if (!plan.files.length) {
      if (forPullRequest) return { ...(plan.branch ? { branch: plan.branch } : {}), pushed: false };
      void vscode.window.showInformationMessage('Driftless: there are no changes to commit.');
      return undefined;
    }

    const files = await this.chooseFiles(plan, answers, given);
    if (!files) return undefined;

    if (plan.validation.errors > 0 && answers.override !== true) {
      if (answers.override === false)
        return this.fail(`validation found ${plan.validation.errors} error(s) in the files to commit; nothing was committed.`);
      const choice = await vscode.window.showWarningMessage(
        `Validation found ${plan.validation.errors} error${plan.validation.errors === 1 ? '' : 's'} in the files to commit.`,
        {
          modal: true,
          detail: `Committing anyway records it in the message: Driftless-Override: ${plan.validation.errors} error${plan.validation.errors === 1 ? '' : 's'}.`,
        },
        'Commit Anyway',
      );
      if (choice !== 'Commit Anyway') return undefined;
      answers.override = true;
    }

    const message = answers.message ?? (await this.askMessage(plan));
    if (message === undefined) return undefined;
    const branch = answers.branch !== undefined ? answers.branch || undefined : await this.askBranch(plan);
    if (branch === null) return undefined;
    const newBranch = branch && branch !== plan.branch ? branch : undefined;

    const committed = await client.sendRequest(CommitRequest.type, {
      ...(folder ? { folder } : {}),
      files,
      message,
      ...(newBranch ? { branch: newBranch } : {}),
      ...(answers.override ? { override: true } : {}),
    });
    if (isFailure(committed)) return this.fail(committed.error);

    let push = answers.push;
    if (push === undefined && !forPullRequest) {
      const choice = await vscode.window.showQuickPick(
        [
          { label: `$(cloud-upload) Push ${committed.branch} to ${plan.remote ?? 'its remote'}`, push: true },
          { label: '$(git-commit) Keep the commit local', push: false },
        ],
        { title: `Driftless: committed ${committed.commit.slice(0, 8)} on ${committed.branch}`, ignoreFocusOut: true },
      );
      push = choice?.push ?? false;
    }
    const pushed = (push ?? forPullRequest) ? await this.push(folder, committed.branch) : false;
    if (!forPullRequest)
      void vscode.window.showInformationMessage(
        `Driftless: committed ${committed.commit.slice(0, 8)} on ${committed.branch}${pushed ? `, pushed to ${plan.remote ?? 'its remote'}` : ''}.`,
      );
    return { commit: committed.commit, branch: committed.branch, pushed };
  }

  private async chooseFiles(plan: CommitPlan, answers: DeliveryAnswers, given: boolean): Promise<string[] | undefined> {
    const all = plan.files.map((f) => f.path);
    const ofEnvironments = plan.environmentFiles;
    if (answers.files === 'all' || !ofEnvironments.length) return all;
    if (answers.files === 'environments' || given || ofEnvironments.length === all.length) return ofEnvironments;
    const environments = plan.environments.map((e) => e.name).join(', ');
    const choice = await vscode.window.showQuickPick(
      [
        {
          label: `$(server-environment) The files of the changed environments (${ofEnvironments.length})`,
          description: environments,
          detail: ofEnvironments.join(', '),
          files: ofEnvironments,
        },
        { label: `$(files) All changes (${all.length})`, detail: all.join(', '), files: all },
      ],
      { title: 'Driftless: what to commit', ignoreFocusOut: true },
    );
    return choice?.files;
  }

  private async askMessage(plan: CommitPlan): Promise<string | undefined> {
    const body = plan.message.slice(plan.subject.length).replace(/^\n+/, '');
    const subject = await vscode.window.showInputBox({
      title: 'Driftless: commit message',
      prompt: body ? `Drafted from the rendered changes; the body lists each environment:\n${body}` : 'Drafted from the rendered changes.',
      value: plan.subject,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'A commit needs a message.'),
    });
    if (subject === undefined) return undefined;
    return body ? `${subject.trim()}\n\n${body}` : subject.trim();
  }

  /** A new branch's name, '' for the current branch, or null when cancelled. */
  private async askBranch(plan: CommitPlan): Promise<string | null> {
    const items = [
      {
        label: `$(git-branch) New branch ${plan.branchName}`,
        description: 'named from the change, editable',
        name: plan.branchName,
        edit: true,
      },
      ...(plan.branch ? [{ label: `$(git-commit) Current branch ${plan.branch}`, description: '', name: '', edit: false }] : []),
    ];
    const choice = await vscode.window.showQuickPick(items, { title: 'Driftless: commit on', ignoreFocusOut: true });
    if (!choice) return null;
    if (!choice.edit) return '';
    const name = await vscode.window.showInputBox({
      title: 'Driftless: new branch',
      value: plan.branchName,
      ignoreFocusOut: true,
      validateInput: (value) => (/^[^\s~^:?*[\\]+$/.test(value) && !value.includes('..') ? undefined : 'Not a branch name git takes.'),
    });
    return name === undefined ? null : name.trim();
  }

  /** Pushes; a rejection is shown with git's words and the way out. When git needs the user's credentials, VS Code's git asks. */
  private async push(folder: string | undefined, branch: string): Promise<boolean> {
    const client = await this.client();
    const result: PushResult = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Driftless: pushing ${branch}…` },
      () => client.sendRequest(PushRequest.type, { ...(folder ? { folder } : {}), branch }),
    );
    if ('pushed' in result && result.pushed) return true;
    if ('pushed' in result) {
      void vscode.window.showWarningMessage(`Driftless: the push of ${branch} was rejected (${result.reason}).`, {
        modal: true,
        detail: `${result.gitMessage}\n\n${result.wayOut}`,
      });
      return false;
    }
    if (result.kind === 'auth' && (await pushWithVsCodeGit(folder, branch))) return true;
    void vscode.window.showErrorMessage(`Driftless: ${result.error}`);
    return false;
  }

  /** Commits (when there are changes), pushes, and opens the pull request, or links the open one. */
  async createPullRequest(argument: unknown): Promise<DeliveryOutcome | undefined> {
    const { answers, given, folder: repositoryFolder } = answersOf(argument);
    const folder = workspaceFolderOf(repositoryFolder);
    const committed = await this.commit(argument, true);
    if (!committed) return undefined;
    let pushed = committed.pushed;
    // Nothing was committed: the current branch as it is, pushed (never forced) when the user agrees.
    if (!committed.commit && answers.push !== false) {
      if (!committed.branch) return this.fail('HEAD is detached: check out or make a branch to propose.');
      if (!given) {
        const choice = await vscode.window.showInformationMessage(
          `Open a pull request for ${committed.branch}? It is pushed first if its remote lacks it.`,
          { modal: true },
          'Push and Open',
        );
        if (choice !== 'Push and Open') return undefined;
      }
      pushed = await this.push(folder, committed.branch);
      if (!pushed) return { ...committed, pushed };
    }
    let draft = answers.draft;
    if (draft === undefined && !given) {
      const choice = await vscode.window.showQuickPick(
        [
          { label: '$(git-pull-request) Open the pull request', draft: false },
          { label: '$(git-pull-request-draft) Open it as a draft', draft: true },
        ],
        { title: `Driftless: pull request for ${committed.branch ?? 'this branch'}`, ignoreFocusOut: true },
      );
      if (!choice) return { ...committed, pushed };
      draft = choice.draft;
    }
    const client = await this.client();
    const opened = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Driftless: opening the pull request…' },
      () =>
        withForgeToken(this.tokens, (token) =>
          client.sendRequest(CreatePullRequestRequest.type, {
            ...(folder ? { folder } : {}),
            ...(committed.branch ? { head: committed.branch } : {}),
            ...(draft !== undefined ? { draft } : {}),
            ...(token ? { token } : {}),
          }),
        ),
    );
    if (!opened || 'needsToken' in opened) return { ...committed, pushed };
    if (isFailure(opened)) {
      this.fail(opened.error);
      return { ...committed, pushed };
    }
    const { pullRequest, created, warnings, bodyCut } = opened;
    const notes = [...warnings, ...(bodyCut ? ["The rendered diff was cut to fit the forge's limit."] : [])];
    void vscode.window
      .showInformationMessage(
        `Driftless: ${created ? 'opened' : 'an open'} pull request #${pullRequest.number}${created ? '' : ` for ${pullRequest.head} exists already`}.${notes.length ? ` ${notes.join(' ')}` : ''}`,
        'Open in Browser',
      )
      .then((choice) => (choice ? vscode.env.openExternal(vscode.Uri.parse(pullRequest.url)) : undefined));
    void vscode.commands.executeCommand('driftless.refreshPullRequests', false);
    return { ...committed, pushed, pullRequest: { url: pullRequest.url, number: pullRequest.number } };
  }
}

/** The built-in git extension's push (its askpass asks the user for credentials), when git alone could not sign in. */
async function pushWithVsCodeGit(folder: string | undefined, branch: string): Promise<boolean> {
  interface GitRepository {
    push(remoteName?: string, branchName?: string, setUpstream?: boolean): Promise<void>;
  }
  interface GitApi {
    getRepository(uri: vscode.Uri): GitRepository | null;
  }
  const extension = vscode.extensions.getExtension<{ getAPI(version: 1): GitApi }>('vscode.git');
  if (!folder || !extension) return false;
  try {
    const git = (extension.isActive ? extension.exports : await extension.activate()).getAPI(1);
    const repository = git.getRepository(vscode.Uri.file(folder));
    if (!repository) return false;
    await repository.push(undefined, branch, true);
    return true;
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Driftless: VS Code's git could not push ${branch} either: ${error instanceof Error ? error.message : String(error)}`,
    );
    return false;
  }
}

export const deliveryCommands: Feature = (context) => {
  const tokens = context.forgeTokens;
  const delivery = new Delivery(context.server, tokens);
  return [
    vscode.commands.registerCommand('driftless.commit', (argument: unknown) => delivery.commit(argument)),
    vscode.commands.registerCommand('driftless.createPullRequest', (argument: unknown) => delivery.createPullRequest(argument)),
    vscode.commands.registerCommand('driftless.signInToForge', async (argument?: { url?: string; token?: string }) => {
      // Scripts may pass { url, token }; people are asked.
      const url =
        argument?.url ??
        (await vscode.window.showInputBox({
          title: 'Driftless: the forge’s web address',
          placeHolder: 'https://gitlab.example.com',
          ignoreFocusOut: true,
        }));
      if (!url) return;
      const token =
        argument?.token ??
        (await vscode.window.showInputBox({ title: `Driftless: a token for ${url}`, password: true, ignoreFocusOut: true }));
      if (!token) return;
      await tokens.store(url, token);
    }),
  ];
};
