// Delivery requests: plan a commit, commit, push, open a pull request, list and check out pull requests. Each
// delegates to node/delivery; all are refused in an untrusted workspace (they run git and write, or reach a forge).
// Tokens arrive per request and are used for that request only; when none came, the forge's environment variable
// (GITHUB_TOKEN, GITLAB_TOKEN, GITEA_TOKEN, as the CLI reads them) is the fallback.
import { commitChange, planCommit } from '../../node/delivery/commit-plan';
import { checkoutPullRequest, listPullRequests, openPullRequest, pushBranch } from '../../node/delivery/pull-requests';
import type { Project } from '../../node/project';
import { DiffCache } from '../../node/render/environment-diff';
import {
  CheckoutPullRequestRequest,
  CommitRequest,
  CreatePullRequestRequest,
  PlanCommitRequest,
  PullRequestsRequest,
  PushRequest,
  type DeliveryFailure,
  type DeliveryParams,
} from '../../protocol';
import type { DocumentRequests } from '../document-requests';
import { toolsOf } from './render';
import { projectOfFolder, type WorkspaceRequestHost } from './workspace-requests';

export type DeliveryHost = WorkspaceRequestHost;

const UNTRUSTED: DeliveryFailure = {
  error: 'This workspace is not trusted: Driftless commits, pushes and opens pull requests only in trusted workspaces.',
  kind: 'untrusted',
};

export function deliveryRequests(requests: DocumentRequests, host: DeliveryHost): void {
  const { connection } = requests;
  /** Renders kept between plans of one project (a plan renders what the commit changes). */
  const caches = new Map<string, DiffCache>();
  const access = (token: string | undefined) => ({
    forges: (host.settings().forges ?? []).filter((f) => typeof f?.url === 'string' && ['github', 'gitlab', 'gitea'].includes(f.kind)),
    ...(token ? { token } : {}),
    environment: { GITHUB_TOKEN: process.env.GITHUB_TOKEN, GITLAB_TOKEN: process.env.GITLAB_TOKEN, GITEA_TOKEN: process.env.GITEA_TOKEN },
  });
  /** Runs a request in a trusted workspace on its project; an unexpected failure is logged and said. */
  const handle = <P extends DeliveryParams, R>(run: (project: Project, params: P) => Promise<R>) => {
    return async (params: P): Promise<R | DeliveryFailure> => {
      if (!host.trusted()) return UNTRUSTED;
      const project = await projectOfFolder(host, params.folder);
      if ('error' in project) return project;
      try {
        return await run(project, params);
      } catch (error) {
        host.log(`Driftless: ${error instanceof Error ? error.message : String(error)}`);
        return { error: `Driftless could not do this: ${error instanceof Error ? error.message : String(error)}`, kind: 'failed' };
      }
    };
  };

  connection.onRequest(
    PlanCommitRequest.type,
    handle(async (project) => {
      let cache = caches.get(project.root);
      if (!cache) caches.set(project.root, (cache = new DiffCache()));
      return planCommit(project, { tools: toolsOf(host.settings()), cache, current: project.indexComplete });
    }),
  );
  connection.onRequest(
    CommitRequest.type,
    handle(async (project, params) =>
      commitChange(project, {
        files: params.files,
        message: params.message,
        ...(params.branch ? { branch: params.branch } : {}),
        ...(params.override ? { override: true } : {}),
      }),
    ),
  );
  connection.onRequest(
    PushRequest.type,
    handle(async (project, params) =>
      pushBranch(project.root, {
        ...(params.branch ? { branch: params.branch } : {}),
        ...(params.remote ? { remote: params.remote } : {}),
      }),
    ),
  );
  connection.onRequest(
    CreatePullRequestRequest.type,
    handle(async (project, params) => {
      const opened = await openPullRequest({
        ...access(params.token),
        root: project.root,
        tools: toolsOf(host.settings()),
        ...(params.head ? { head: params.head } : {}),
        ...(params.base ? { base: params.base } : {}),
        ...(params.title ? { title: params.title } : {}),
        ...(params.draft !== undefined ? { draft: params.draft } : {}),
      });
      if ('pullRequest' in opened) {
        const { pushed: _pushed, ...rest } = opened;
        return rest;
      }
      return opened;
    }),
  );
  connection.onRequest(
    PullRequestsRequest.type,
    handle(async (project, params) => listPullRequests(project.root, access(params.token))),
  );
  connection.onRequest(
    CheckoutPullRequestRequest.type,
    handle(async (project, params) =>
      checkoutPullRequest({
        root: project.root,
        remote: params.remote,
        number: params.number,
        head: params.head,
        headRef: params.headRef,
        base: params.base,
        ...(params.keepChangesOn ? { keepChangesOn: params.keepChangesOn } : {}),
      }),
    ),
  );
}
