// Deploy requests: the plan (a dry run), the run (on the digest of the plan the user saw; cancellable, its progress
// sent as notifications), and an environment's history. Each delegates to node/deploy, with the workspace's project,
// the render tools of the settings, the server's environment (KUBECONFIG) and the forge token of the request; all are
// refused in an untrusted workspace (they use the kubeconfig's credentials, and the run writes).
import type { CancellationToken } from 'vscode-languageserver';
import { planMarkdown } from '../../engine/deploy/deploy-plan';
import { environmentHistory } from '../../node/deploy/deploy-history';
import { DeployError, type DeployRequest } from '../../node/deploy/deploy-plan';
import { runDeploy } from '../../node/deploy/deploy-run';
import type { Project } from '../../node/project';
import {
  DeployHistoryRequest,
  DeployPlanRequest,
  DeployProgressNotification,
  DeployRunRequest,
  type DeliveryFailure,
  type DeployParams,
} from '../../protocol';
import type { DocumentRequests } from '../document-requests';
import { kubeconfigSetting } from './drift';
import { toolsOf } from './render';
import { projectOfFolder, type WorkspaceRequestHost } from './workspace-requests';

export type DeployHost = WorkspaceRequestHost;

const UNTRUSTED: DeliveryFailure = {
  error: 'This workspace is not trusted: Driftless deploys, rolls back and reads clusters only in trusted workspaces.',
  kind: 'untrusted',
};

export function deployRequests(requests: DocumentRequests, host: DeployHost): void {
  const { connection } = requests;
  const requestOf = (project: Project, params: DeployParams, signal: AbortSignal): DeployRequest => ({
    root: project.root,
    environment: params.environment,
    kind: params.kind === 'rollback' ? 'rollback' : 'deploy',
    ...(params.mode ? { mode: params.mode } : {}),
    ...(params.revision ? { to: params.revision } : {}),
    ...(params.immediate ? { immediate: true } : {}),
    answers: {
      ...(typeof params.answers?.confirm === 'string' ? { confirm: params.answers.confirm } : {}),
      ...(params.answers?.override === true ? { override: true } : {}),
      ...(params.answers?.suspendAutoSync === true ? { suspendAutoSync: true } : {}),
      ...(params.answers?.forceConflicts === true ? { forceConflicts: true } : {}),
    },
    prune: params.prune === true,
    ...(typeof params.context === 'string' && params.context ? { context: params.context } : {}),
    // The driftless.kubeconfig setting (machine scope), as drift reads it; else KUBECONFIG, ~/.kube/config.
    ...(kubeconfigSetting(host.settings()) ? { kubeconfig: kubeconfigSetting(host.settings())! } : {}),
    env: process.env,
    cwd: project.root,
    tools: toolsOf(host.settings()),
    ...(typeof params.timeoutSeconds === 'number' && params.timeoutSeconds > 0 ? { timeoutMs: params.timeoutSeconds * 1000 } : {}),
    forge: {
      forges: (host.settings().forges ?? []).filter((f) => typeof f?.url === 'string' && ['github', 'gitlab', 'gitea'].includes(f.kind)),
      ...(params.token ? { token: params.token } : {}),
      environment: { GITHUB_TOKEN: process.env.GITHUB_TOKEN, GITLAB_TOKEN: process.env.GITLAB_TOKEN, GITEA_TOKEN: process.env.GITEA_TOKEN },
    },
    // argocd-server's token: the one the editor keeps for the server (SecretStorage), else the argocd CLI's variable.
    ...(typeof params.argocdToken === 'string' && params.argocdToken
      ? { argocd: { token: params.argocdToken } }
      : process.env.ARGOCD_AUTH_TOKEN
        ? { argocd: { token: process.env.ARGOCD_AUTH_TOKEN } }
        : {}),
    signal,
  });
  const handle = (dryRun: boolean) => async (params: DeployParams, token: CancellationToken) => {
    if (!host.trusted()) return UNTRUSTED;
    if (typeof params?.environment !== 'string' || !params.environment) return { error: 'Which environment?', kind: 'bad-input' };
    const project = await projectOfFolder(host, params.folder);
    if ('error' in project) return project;
    const abort = new AbortController();
    const listener = token.onCancellationRequested(() => abort.abort());
    try {
      const result = await runDeploy({
        ...requestOf(project, params, abort.signal),
        dryRun,
        ...(!dryRun && typeof params.planDigest === 'string' ? { planDigest: params.planDigest } : {}),
        ...(!dryRun && typeof params.progressId === 'string'
          ? {
              progress: (message: string) =>
                void connection.sendNotification(DeployProgressNotification.type, { progressId: params.progressId!, message }),
            }
          : {}),
      });
      return dryRun && result.plan ? { ...result, markdown: planMarkdown(result.plan) } : result;
    } catch (error) {
      host.log(`Driftless: ${error instanceof Error ? error.message : String(error)}`);
      return { error: `Driftless could not do this: ${error instanceof Error ? error.message : String(error)}`, kind: 'failed' };
    } finally {
      listener.dispose();
    }
  };
  connection.onRequest(DeployPlanRequest.type, handle(true));
  connection.onRequest(DeployRunRequest.type, handle(false));
  connection.onRequest(DeployHistoryRequest.type, async (params) => {
    if (!host.trusted()) return UNTRUSTED;
    const project = await projectOfFolder(host, params.folder);
    if ('error' in project) return project;
    try {
      return await environmentHistory({
        root: project.root,
        environment: params.environment,
        ...(kubeconfigSetting(host.settings()) ? { kubeconfig: kubeconfigSetting(host.settings())! } : {}),
        env: process.env,
        cwd: project.root,
        tools: toolsOf(host.settings()),
      });
    } catch (error) {
      if (error instanceof DeployError) return { error: error.message, kind: 'failed' };
      host.log(`Driftless: ${error instanceof Error ? error.message : String(error)}`);
      return { error: `Driftless could not read the history: ${error instanceof Error ? error.message : String(error)}`, kind: 'failed' };
    }
  });
}
