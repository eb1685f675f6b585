// An environment's history as `driftless history` and the editor's History pick show it: the commits that changed the
// files its render reads (at HEAD, and on the branch its controller follows), what its controller says it deployed
// (read from the cluster when one can be reached; without one, the history still shows git's side), and the deploy
// records of refs/notes/driftless (fetched from the remote first). Reads only.
import type { EnvironmentHistory } from '../../engine/deploy/deploy-result';
import { controllerDeployments, currentControllerCommit, mergeHistory, type InputCommit } from '../../engine/deploy/history';
import { deployTargetOf, describeController } from '../../engine/deploy/deploy-target';
import type { Json } from '../../engine/json';
import { ClusterClient } from '../cluster/cluster-client';
import { ClusterConnections } from '../cluster/cluster-connections';
import { Discovery } from '../cluster/discovery';
import { loadKubeconfig } from '../cluster/kubeconfig';
import { contextOf } from '../drift/drift-environments';
import { Project } from '../project';
import type { RenderTools } from '../render/render-environment';
import { SchemaFiles } from '../schema-files';
import { controllerDriver, readFailed } from './controllers';
import { DeployError } from './deploy-plan';
import { DeployGit } from './deploy-git';
import { atRevision } from './revision-render';

export interface HistoryRequest {
  root: string;
  environment: string;
  kubeconfig?: string;
  context?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  tools: RenderTools;
  project?: Project;
  requestTimeoutMs?: number;
  limit?: number;
  signal?: AbortSignal;
}

export type { EnvironmentHistory };

/** The history of one environment; throws DeployError when it has none to show (no such environment, no commit). */
export async function environmentHistory(request: HistoryRequest): Promise<EnvironmentHistory> {
  const project =
    request.project ??
    (() => {
      const loaded = new Project(request.root, new SchemaFiles());
      loaded.scan();
      return loaded;
    })();
  const environment = project.environments().find((e) => e.name === request.environment);
  if (!environment) {
    const names = project.environments().map((e) => e.name);
    throw new DeployError(`no environment named "${request.environment}".${names.length ? ` Environments: ${names.join(', ')}.` : ''}`);
  }
  const target = deployTargetOf(environment);
  const git = await DeployGit.open(project.root);
  const state = await git.git.state();
  if (!state.head) throw new DeployError('the repository has no commit yet.');
  const notes: string[] = [];
  const remote = await git.git.pushRemoteOf(state.branch);
  const branch = target.branch ?? (remote ? await git.git.remoteDefaultBranch(remote) : undefined);
  const refs = ['HEAD'];
  if (remote) {
    if (!(await git.fetchRecords(remote))) notes.push(`the deploy records of ${remote} could not be fetched: only local ones are shown.`);
    if (branch) {
      const tip = await git.git.fetchCommit(remote, `refs/heads/${branch}`, `refs/remotes/${remote}/${branch}`).catch(() => undefined);
      if (tip) refs.push(tip);
    }
  }

  // The files its render reads, as HEAD has them (a file it read once and no longer does is not followed).
  const view = await atRevision(
    { repository: git.root, projectRoot: project.root, commit: state.head, environment: environment.name, tools: request.tools },
    (v) => Promise.resolve({ inputs: v.inputs }),
  );
  const inputs = 'error' in view ? [] : view.inputs;
  if ('error' in view) notes.push(view.error);
  const commits = await git.commitsChanging(inputs, refs, request.limit ?? 50);
  const records = (await git.records()).filter((r) => r.environment === environment.name);

  // The controller's own history, when its cluster can be reached.
  let controllerObject: Json | undefined;
  let controller: EnvironmentHistory['controller'];
  if (target.controller) {
    const name = describeController(target.controller);
    const kubeconfig = loadKubeconfig({
      ...(request.kubeconfig ? { kubeconfig: request.kubeconfig } : {}),
      env: request.env,
      cwd: request.cwd,
    });
    const chosen =
      'error' in kubeconfig ? undefined : contextOf(environment, request.context ? { context: request.context } : {}, kubeconfig);
    if ('error' in kubeconfig || !chosen?.context) {
      controller = { name, read: false, problem: 'error' in kubeconfig ? kubeconfig.error : (chosen?.why ?? 'no context') };
    } else {
      const connections = new ClusterConnections({ timeoutMs: request.requestTimeoutMs ?? 15_000 });
      try {
        const client = await connections.connect(kubeconfig, chosen.context);
        const discovery = client instanceof ClusterClient ? await Discovery.load(client, request.signal) : client;
        if (!(client instanceof ClusterClient) || !(discovery instanceof Discovery))
          controller = { name, read: false, problem: (discovery as { message: string }).message };
        else {
          const read = await controllerDriver(target.controller, client, discovery, {}).read(request.signal);
          if (read === null) controller = { name, read: false, problem: 'not in the cluster' };
          else if (readFailed(read)) controller = { name, read: false, problem: read.error };
          else {
            controllerObject = read;
            controller = { name, read: true };
          }
        }
      } finally {
        connections.closeAll();
      }
    }
    if (controller && !controller.read) notes.push(`${name} could not be read (${controller.problem}): its own history is left out.`);
  }

  // Commits named only by the controller or a record get their subject and date from git, when git has them.
  const named = new Set([
    ...controllerDeployments(controllerObject).flatMap((d) => (d.commit ? [d.commit] : [])),
    ...records.map((r) => r.revision),
  ]);
  const described = new Map<string, InputCommit>();
  for (const commit of named) {
    if (commits.some((c) => c.commit === commit)) continue;
    const found = await git.describe(commit);
    if (found) described.set(commit, found);
  }
  const current = currentControllerCommit(controllerObject);
  const entries = mergeHistory({
    commits,
    controller: controllerDeployments(controllerObject),
    records,
    describe: (commit) => described.get(commit),
    ...(current ? { currentCommit: current } : {}),
    limit: request.limit ?? 50,
  });
  return {
    environment: environment.name,
    inputs,
    ...(controller ? { controller } : {}),
    ...(remote ? { remote } : {}),
    ...(branch ? { branch } : {}),
    entries,
    notes,
  };
}
