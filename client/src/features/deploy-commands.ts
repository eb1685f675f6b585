// "Driftless: Deploy environment…" and "Driftless: Roll back environment…" (driftless.deploy, driftless.rollback), and
// "Driftless: Show Deploy History…" (driftless.deployHistory), and "Driftless: Set Argo CD Token…" / "Clear Argo CD
// Token…" (driftless.setArgoCdToken, driftless.clearArgoCdToken: argocd-server's token in SecretStorage, keyed by the
// server's URL, handed to the server with each deploy whose environment names that server; asked for when a deploy
// needs one and none is kept, asked anew when argocd-server refuses it). Each takes its answers as one argument object —
// { env, mode, revision, confirm, prune, dryRun } (and override, forceConflicts, suspendAutoSync, immediate) — or an
// Environments view entry, and asks only for what is missing: the environment, the revision (from the history), then
// the plan is shown (a read-only Markdown document: context and cluster, validation, the server-side dry run's diff,
// what would be pruned, what the controller does, the guardrails), a protected environment's name is typed, each
// guardrail the user may lift is asked about, and the deploy runs on a modal consent, in a progress notification with
// Cancel (it stops at its next safe step). Returns `driftless deploy --format json`'s object; undefined when the user
// stopped before anything ran.
import * as vscode from 'vscode';
import {
  DeployHistoryRequest,
  DeployPlanRequest,
  DeployProgressNotification,
  DeployRunRequest,
  EnvironmentsRequest,
  type DeliveryFailure,
  type DeployParams,
  type DeployResult,
  type EnvironmentHistory,
} from '../../../server/src/protocol';
import type { ClientContext, Feature } from '../feature';
import { withForgeToken } from './token-retry';

/** The command's argument object. */
export interface DeployArguments {
  env?: string;
  mode?: 'pull-request' | 'commit' | 'apply';
  /** A rollback's revision (a commit, a prefix, a tag). */
  revision?: string;
  /** The environment's name typed: a protected environment's guardrail, and the consent (no modal is shown). */
  confirm?: string;
  prune?: boolean;
  /** The plan only: nothing is written. */
  dryRun?: boolean;
  /** Answers to the liftable guardrails; `false` refuses without asking. */
  override?: boolean;
  forceConflicts?: boolean;
  suspendAutoSync?: boolean;
  immediate?: boolean;
  /** A workspace folder path; the first one when absent. */
  folder?: string;
}

const PLAN_SCHEME = 'driftless-plan';

function isFailure(value: object): value is DeliveryFailure {
  return 'error' in value && 'kind' in value && !('outcome' in value);
}

/** The argument object, or what a view passes (an Environments view entry: { environment: { name }, root }). */
function argumentsOf(argument: unknown): DeployArguments {
  if (typeof argument !== 'object' || argument === null) return {};
  const entry = argument as { environment?: { name?: unknown }; root?: unknown };
  if (entry.environment && typeof entry.environment.name === 'string')
    return { env: entry.environment.name, ...(typeof entry.root === 'string' ? { folder: entry.root } : {}) };
  // A Drift view environment: { type: 'environment', entry: { environment, folder, context } }.
  const drift = argument as { type?: unknown; entry?: { environment?: unknown; folder?: unknown } };
  if (drift.type === 'environment' && drift.entry && typeof drift.entry.environment === 'string')
    return { env: drift.entry.environment, ...(typeof drift.entry.folder === 'string' ? { folder: drift.entry.folder } : {}) };
  const known = [
    'env',
    'mode',
    'revision',
    'confirm',
    'prune',
    'dryRun',
    'override',
    'forceConflicts',
    'suspendAutoSync',
    'immediate',
    'folder',
  ];
  return Object.fromEntries(Object.entries(argument).filter(([key]) => known.includes(key)));
}

/** The read-only plan documents, by URI. */
class PlanDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private count = 0;
  show(title: string, markdown: string): Thenable<unknown> {
    const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${title.replace(/[\\/]/g, '-')}.md`, query: String(++this.count) });
    this.texts.set(uri.toString(), markdown);
    return vscode.workspace
      .openTextDocument(uri)
      .then((document) => vscode.languages.setTextDocumentLanguage(document, 'markdown'))
      .then((document) => vscode.window.showTextDocument(document, { preview: true, preserveFocus: true }));
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

class Deployer {
  constructor(
    private readonly context: ClientContext,
    private readonly plans: PlanDocuments,
  ) {}

  private async client() {
    await this.context.server.ready();
    const client = this.context.server.languageClient;
    if (!client) throw new Error('The Driftless language server is not running.');
    return client;
  }

  private fail(message: string): undefined {
    void vscode.window.showErrorMessage(`Driftless: ${message}`);
    return undefined;
  }

  async pickEnvironment(title: string): Promise<{ name: string; folder?: string } | undefined> {
    const client = await this.client();
    const result = await client.sendRequest(EnvironmentsRequest.type);
    const items = result.folders.flatMap((folder) =>
      folder.environments.map((environment) => ({
        label: `${environment.protection === 'production' ? '$(shield)' : '$(server-environment)'} ${environment.name}`,
        description: `${environment.delivery?.mode ?? ''}${environment.cluster ? ` → ${environment.cluster}` : ''}`,
        name: environment.name,
        folder: folder.root,
      })),
    );
    const picked = await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true, matchOnDescription: true });
    return picked ? { name: picked.name, folder: picked.folder } : undefined;
  }

  async history(environment: string, folder: string | undefined): Promise<EnvironmentHistory | undefined> {
    const client = await this.client();
    const history = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Driftless: reading the history of ${environment}…` },
      () => client.sendRequest(DeployHistoryRequest.type, { environment, ...(folder ? { folder } : {}) }),
    );
    if (isFailure(history)) return this.fail(history.error);
    return history;
  }

  private async pickRevision(environment: string, folder: string | undefined): Promise<string | undefined> {
    const history = await this.history(environment, folder);
    if (!history) return undefined;
    if (!history.entries.length) return this.fail(`${environment} has no history to roll back to.`);
    const picked = await vscode.window.showQuickPick(
      history.entries.map((entry) => historyItem(entry, { runningNow: true })),
      { title: `Driftless: roll ${environment} back to…`, ignoreFocusOut: true, matchOnDetail: true },
    );
    return picked?.commit;
  }

  /** The guardrails the user may lift and has not answered: asked one by one; false when they declined one. */
  private async askLifts(
    plan: NonNullable<DeployResult['plan']>,
    args: DeployArguments,
    answers: DeployParams['answers'],
  ): Promise<boolean> {
    for (const guardrail of plan.guardrails.filter((g) => g.verdict === 'block' && !g.lifted)) {
      if (guardrail.lift === 'confirm') {
        if (args.confirm !== undefined) return false;
        const typed = await vscode.window.showInputBox({
          title: `Driftless: ${plan.environment} is protected`,
          prompt: `Type ${plan.environment} to ${plan.kind === 'rollback' ? 'roll it back' : 'deploy it'} (context ${plan.target.context ?? '?'}, ${plan.target.server ?? '?'}).`,
          ignoreFocusOut: true,
          validateInput: (value) => (value === plan.environment ? undefined : `Type the environment's name: ${plan.environment}`),
        });
        if (typed !== plan.environment) return false;
        answers.confirm = typed;
        continue;
      }
      const key =
        guardrail.lift === 'override'
          ? 'override'
          : guardrail.lift === 'force-conflicts'
            ? 'forceConflicts'
            : guardrail.lift === 'suspend'
              ? 'suspendAutoSync'
              : undefined;
      if (!key || args[key] === false) return false;
      const button =
        key === 'override' ? 'Override (Recorded)' : key === 'forceConflicts' ? 'Take the Fields (Recorded)' : 'Suspend Auto-Sync';
      const choice = await vscode.window.showWarningMessage(guardrail.message, { modal: true }, button);
      if (choice !== button) return false;
      answers[key] = true;
    }
    return true;
  }

  async run(kind: 'deploy' | 'rollback', argument: unknown): Promise<DeployResult | undefined> {
    const args = argumentsOf(argument);
    let environment = args.env;
    let folder = args.folder;
    if (!environment) {
      const picked = await this.pickEnvironment(
        kind === 'rollback' ? 'Driftless: roll back which environment?' : 'Driftless: deploy which environment?',
      );
      if (!picked) return undefined;
      environment = picked.name;
      folder ??= picked.folder;
    }
    let revision = args.revision;
    if (kind === 'rollback' && !revision) {
      revision = await this.pickRevision(environment, folder);
      if (!revision) return undefined;
    }
    const answers: DeployParams['answers'] = {
      ...(args.confirm !== undefined ? { confirm: args.confirm } : {}),
      ...(args.override ? { override: true } : {}),
      ...(args.forceConflicts ? { forceConflicts: true } : {}),
      ...(args.suspendAutoSync ? { suspendAutoSync: true } : {}),
    };
    const params: DeployParams = {
      environment,
      kind,
      answers,
      ...(folder ? { folder } : {}),
      ...(args.mode ? { mode: args.mode } : {}),
      ...(revision ? { revision } : {}),
      ...(args.prune ? { prune: true } : {}),
      ...(args.immediate ? { immediate: true } : {}),
    };
    const client = await this.client();

    // The plan first; asked again once the user lifted a guardrail (the plan then says so).
    const plan = async () => {
      const planned = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Driftless: planning the ${kind} of ${environment}…`, cancellable: true },
        (_, token) => client.sendRequest(DeployPlanRequest.type, params, token),
      );
      return planned;
    };
    // The server could not plan at all: said, and returned as the CLI's JSON would say it (outcome failed).
    const failed = (message: string): DeployResult => {
      this.fail(message);
      return { environment: environment, kind, outcome: 'failed', message, commits: [], applied: [], rollouts: [], known: [], steps: [] };
    };
    // An environment synced through argocd-server needs its token: the first plan says so (401), the token kept for
    // that server is handed over (or asked for), and a refused one is asked for anew — the forge-token machinery.
    const first = await withForgeToken(this.context.forgeTokens, async (argocdToken) => {
      if (argocdToken) params.argocdToken = argocdToken;
      const answer = await plan();
      if (isFailure(answer) || answer.needsToken?.kind !== 'argocd') return answer;
      return argocdToken ? { error: answer.message, kind: 'auth' } : { needsToken: answer.needsToken };
    });
    if (!first) return undefined;
    if ('needsToken' in first && !('outcome' in first)) return failed(`${first.needsToken.forge} still asks for a token.`);
    let planned = first;
    if (isFailure(planned)) return failed(planned.error);
    if (!planned.plan) {
      this.fail(planned.message);
      return strip(planned);
    }
    const title = `${kind === 'rollback' ? 'Roll back' : 'Deploy'} ${environment}`;
    await this.plans.show(title, planned.markdown ?? '');
    if (planned.outcome === 'refused') {
      if (!(await this.askLifts(planned.plan, args, answers))) {
        void vscode.window.showWarningMessage(`Driftless: ${planned.message}`);
        return strip(planned);
      }
      planned = await plan();
      if (isFailure(planned)) return failed(planned.error);
      if (!planned.plan) return this.fail(planned.message);
      await this.plans.show(title, planned.markdown ?? '');
      if (planned.outcome === 'refused') {
        void vscode.window.showWarningMessage(`Driftless: ${planned.message}`);
        return strip(planned);
      }
    }
    if (args.dryRun) return strip(planned);

    // Consent: the typed name given as an answer is it; otherwise a modal naming the context and cluster.
    const thePlan = planned.plan;
    if (args.confirm !== environment) {
      const button = kind === 'rollback' ? 'Roll Back' : 'Deploy';
      const choice = await vscode.window.showWarningMessage(
        `${title} (${thePlan.mode}${thePlan.direct ? ', directly to the cluster' : ''}) to context ${thePlan.target.context ?? '?'} at ${thePlan.target.server ?? '?'}?`,
        { modal: true, detail: thePlan.steps.map((step, i) => `${i + 1}. ${step}`).join('\n') },
        button,
      );
      if (choice !== button) return undefined;
    }

    const progressId = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const runOnce = (forgeToken: string | undefined) =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Driftless: ${title}`, cancellable: true },
        async (progress, cancel) => {
          const listener = client.onNotification(DeployProgressNotification.type, (note) => {
            if (note.progressId === progressId) progress.report({ message: note.message });
          });
          try {
            return await client.sendRequest(
              DeployRunRequest.type,
              { ...params, planDigest: thePlan.digest, progressId, ...(forgeToken ? { token: forgeToken } : {}) },
              cancel,
            );
          } finally {
            listener.dispose();
          }
        },
      );
    let result = await runOnce(undefined);
    // The forge wants a token (pull-request mode): VS Code's sign-in or SecretStorage, then the run again (what was
    // pushed is there already; the plan is the same).
    if (!isFailure(result) && result.needsToken && result.needsToken.kind !== 'argocd') {
      const forgeToken =
        (await this.context.forgeTokens.get(result.needsToken, false, true)) ?? (await this.context.forgeTokens.get(result.needsToken));
      if (forgeToken) result = await runOnce(forgeToken);
    }
    if (isFailure(result)) return this.fail(result.error);
    const say =
      result.outcome === 'succeeded'
        ? vscode.window.showInformationMessage
        : result.outcome === 'failed'
          ? vscode.window.showErrorMessage
          : vscode.window.showWarningMessage;
    void say(`Driftless: ${result.message}`);
    return result;
  }
}

/** The result as the CLI's JSON has it (without the editor's Markdown). */
function strip(result: DeployResult & { markdown?: string }): DeployResult {
  const { markdown: _markdown, ...rest } = result;
  return rest;
}

export const deployCommands: Feature = (context) => {
  const plans = new PlanDocuments();
  const deployer = new Deployer(context, plans);
  return [
    vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, plans),
    vscode.commands.registerCommand('driftless.deploy', (argument?: unknown) => deployer.run('deploy', argument)),
    vscode.commands.registerCommand('driftless.rollback', (argument?: unknown) => deployer.run('rollback', argument)),
    vscode.commands.registerCommand('driftless.deployHistory', async (argument?: unknown) => {
      const args = argumentsOf(argument);
      const environment = args.env ?? (await deployer.pickEnvironment('Driftless: history of which environment?'))?.name;
      if (!environment) return undefined;
      const history = await deployer.history(environment, args.folder);
      if (!history) return undefined;
      const picked = await vscode.window.showQuickPick(
        history.entries.map((entry) => historyItem(entry)),
        { title: `Driftless: history of ${environment} (pick one to roll back to it)`, matchOnDetail: true },
      );
      if (!picked) return history;
      return vscode.commands.executeCommand('driftless.rollback', {
        env: environment,
        revision: picked.commit,
        ...(args.folder ? { folder: args.folder } : {}),
      });
    }),
    vscode.commands.registerCommand('driftless.setArgoCdToken', async (argument?: { server?: string; token?: string }) => {
      // Scripts may pass { server, token }; people are asked. The token goes to SecretStorage only.
      const server = argument?.server ?? (await askArgoCdServer('Driftless: the argocd-server the token is for'));
      if (!server) return false;
      const token =
        argument?.token ??
        (await vscode.window.showInputBox({
          title: `Driftless: an Argo CD token for ${server}`,
          prompt: 'A token that may sync the Applications you deploy (argocd account generate-token). Kept in VS Code’s secret storage.',
          password: true,
          ignoreFocusOut: true,
        }));
      if (!token?.trim()) return false;
      await context.forgeTokens.store(server, token.trim(), 'argocd');
      return true;
    }),
    vscode.commands.registerCommand('driftless.clearArgoCdToken', async (argument?: { server?: string }) => {
      const server = argument?.server ?? (await askArgoCdServer('Driftless: forget the token of which argocd-server?'));
      if (!server) return false;
      await context.forgeTokens.forget(server, 'argocd');
      void vscode.window.showInformationMessage(`Driftless: the Argo CD token for ${server} is forgotten.`);
      return true;
    }),
  ];
};

/** An argocd-server URL, typed (as `.driftless.yaml` names it in controller.argocd.server). */
async function askArgoCdServer(title: string): Promise<string | undefined> {
  const typed = await vscode.window.showInputBox({
    title,
    prompt: 'The URL .driftless.yaml names in controller.argocd.server.',
    placeHolder: 'https://argocd.example.com',
    ignoreFocusOut: true,
    validateInput: (value) => (/^https?:\/\/[^\s/]+/.test(value.trim()) ? undefined : 'An http(s) URL, like https://argocd.example.com'),
  });
  return typed?.trim().replace(/\/+$/, '') || undefined;
}

/** A revision of an environment's history as a pick: commit and subject, when, and who deployed it how. */
function historyItem(entry: EnvironmentHistory['entries'][number], options: { runningNow?: boolean } = {}) {
  return {
    label: `${entry.current ? '$(debug-stackframe) ' : ''}${entry.commit.slice(0, 12)} ${entry.subject ?? ''}`,
    description: `${entry.date.slice(0, 16).replace('T', ' ')}${options.runningNow && entry.current ? ' · running now' : ''}`,
    detail: [
      entry.changedInputs ? 'changed its inputs' : undefined,
      ...entry.controller.map((d) => `${d.source} deployed it`),
      ...entry.records.map((r) => `${r.kind} ${r.outcome} (${r.mode}) by ${r.who.replace(/ <.*>$/, '')}`),
    ]
      .filter(Boolean)
      .join(' · '),
    commit: entry.commit,
  };
}
