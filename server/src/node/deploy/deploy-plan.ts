// The plan of a deploy or rollback, made before anything is written: the committed revision rendered in a temporary
// worktree (uncommitted edits of its inputs named and left out), its validation, its drift against the cluster from
// server-side dry runs (node/drift: what would be created, changed and — with prune — deleted), the conflicts a direct
// apply would meet, the controller's state, the Lease, and the guardrails. For a rollback: the revision's render
// against today's, and the files a new commit restores. Reads only: git fetches, GETs, LISTs and dry runs.
import type { TokenNeeded } from '../../engine/delivery/delivery-reports';
import { createHash } from 'node:crypto';
import { join, relative, sep } from 'node:path';
import { canonicalPlan, type DeployPlan, type ObjectRef, type PlannedObject, type RollbackPart } from '../../engine/deploy/deploy-plan';
import { lastClusterRecord, type DeployRecord } from '../../engine/deploy/deploy-record';
import { deployTargetOf, describeController, type DeliveryMode, type DeployTarget } from '../../engine/deploy/deploy-target';
import { evaluateGuardrails, type DeployAnswers, type FieldConflict } from '../../engine/deploy/guardrails';
import { managedByOf } from '../../engine/deploy/managed-by';
import { argoAutoSync, describeControllerObject, fluxSuspended } from '../../engine/deploy/controller-sync';
import type { Environment } from '../../engine/environments/environment';
import { isRecord, type Json } from '../../engine/json';
import { diffRenders } from '../../engine/render/object-diff';
import { ClusterClient } from '../cluster/cluster-client';
import { ClusterConnections } from '../cluster/cluster-connections';
import { Discovery } from '../cluster/discovery';
import { loadKubeconfig, type Kubeconfig } from '../cluster/kubeconfig';
import type { ForgeAccess } from '../delivery/pull-requests';
import type { WorkingTreeState } from '../delivery/delivery-git';
import { contextOf, driftEnvironments, type EnvironmentDrift } from '../drift/drift-environments';
import { Project } from '../project';
import { touches } from '../render/environment-diff';
import type { RenderTools } from '../render/render-environment';
import { SchemaFiles } from '../schema-files';
import { serverSideApply } from './cluster-apply';
import { controllerDriver, readFailed, type ArgoCdServerAccess, type ControllerDriver } from './controllers';
import { leaseHolder } from './deploy-lock';
import { DeployGit } from './deploy-git';
import { atRevision } from './revision-render';

export interface DeployRequest {
  /** A folder of the repository (its project's root). */
  root: string;
  environment: string;
  kind: 'deploy' | 'rollback';
  /** Default: the environment's `delivery.mode`. */
  mode?: DeliveryMode;
  /** A rollback's revision (a commit, a prefix, a tag). */
  to?: string;
  /** A rollback without new commits: the controller synced to the revision, or its render applied. */
  immediate?: boolean;
  answers: DeployAnswers;
  prune?: boolean;
  /** A kubeconfig context instead of the environment's. */
  context?: string;
  kubeconfig?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  tools: RenderTools;
  /** The working tree's project when the caller keeps one (the editor). */
  project?: Project;
  connections?: ClusterConnections;
  /** How long each wait (merge, sync, rollouts) may take. Default 5 minutes. */
  timeoutMs?: number;
  /** The time limit of each request to an API server. */
  requestTimeoutMs?: number;
  forge?: ForgeAccess;
  argocd?: ArgoCdServerAccess;
  signal?: AbortSignal;
  progress?: (message: string) => void;
  /** The digest of the plan the user agreed to: the deploy is refused when the plan made now differs. */
  planDigest?: string;
  /** How often a pull request's state is asked for while waiting for its merge. */
  mergePollMs?: number;
}

/** A failure that leaves nothing done: a message for the user (exit 2); `needsToken`: a token would let it go on. */
export class DeployError extends Error {
  constructor(
    message: string,
    readonly needsToken?: TokenNeeded['needsToken'],
  ) {
    super(message);
  }
}

export interface PlanContext {
  plan: DeployPlan;
  project: Project;
  environment: Environment;
  target: DeployTarget;
  git: DeployGit;
  state: WorkingTreeState;
  remote?: string;
  /** The tip of the environment's branch on the remote (fetched). */
  branchTip?: string;
  kubeconfig: Kubeconfig;
  context: string;
  client: ClusterClient;
  discovery: Discovery;
  connections: ClusterConnections;
  ownConnections: boolean;
  driver?: ControllerDriver;
  cluster: { context: string; server: string; clusterId?: string };
  leaseNamespace: string;
  /** What is deployed: the head (deploy), or the rollback's target. */
  revision: string;
  rollback?: { to: string; from: string; files: RollbackPart['files'] };
  /** Where namespaced objects without a namespace go. */
  defaultNamespace: string;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function refOf(object: { apiVersion: string; kind: string; namespace?: string; name: string }): ObjectRef {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.namespace ? { namespace: object.namespace } : {}),
    name: object.name,
  };
}

/** The kube-system namespace's uid: what tells one cluster from another behind any URL or context name. */
async function clusterIdOf(client: ClusterClient, signal?: AbortSignal): Promise<string | undefined> {
  const response = await client.request('GET', '/api/v1/namespaces/kube-system', signal ? { signal } : {});
  const metadata = response.ok && isRecord(response.body) && isRecord(response.body.metadata) ? response.body.metadata : {};
  return text(metadata.uid);
}

export function digestOf(plan: Omit<DeployPlan, 'digest'>): string {
  // What the user agrees to, not what moves on its own: the controller's health words and notes are left out.
  const { notes: _notes, controller, ...rest } = plan;
  const stable = { ...rest, ...(controller ? { controller: { ...controller, state: '' } } : {}) };
  return createHash('sha256')
    .update(canonicalPlan(stable as DeployPlan))
    .digest('hex');
}

function plannedObjects(
  drift: EnvironmentDrift,
  controllerOfEnvironment: DeployTarget['controller'],
): { objects: PlannedObject[]; extras: ObjectRef[] } {
  const objects: PlannedObject[] = [];
  const extras: ObjectRef[] = [];
  for (const object of drift.objects) {
    if (object.status === 'extra') {
      extras.push(refOf(object));
      continue;
    }
    const managedBy = object.liveObject ? managedByOf(object.liveObject, controllerOfEnvironment) : undefined;
    objects.push({
      ...refOf(object),
      action:
        object.status === 'missing'
          ? 'create'
          : object.status === 'drifted'
            ? 'update'
            : object.status === 'in-sync'
              ? 'unchanged'
              : 'unknown',
      differences: object.differences,
      ...(managedBy ? { managedBy } : {}),
      ...(object.error ? { error: object.error } : {}),
    });
  }
  return { objects, extras };
}

/** The steps of a run, in words (what the plan promises). */
function stepsOf(c: {
  target: DeployTarget;
  kind: 'deploy' | 'rollback';
  immediate: boolean;
  remote?: string;
  branch?: string;
  revision: string;
  branchHas: boolean;
  prune: boolean;
  pruneCount: number;
  suspend: boolean;
  timeoutS: number;
}): string[] {
  const steps: string[] = [];
  const { target } = c;
  const short = c.revision.slice(0, 12);
  const controller = target.controller;
  steps.push(`take the deploy Lease of ${target.environment} (and the local lock)`);
  if (c.suspend && controller) steps.push(`suspend the auto-sync of ${describeController(controller)} (resume it afterwards)`);
  if (c.kind === 'rollback' && !c.immediate) {
    if (target.mode === 'apply')
      steps.push(`commit the restored inputs on the current branch (a new commit; the branch moves forward only)`);
    else
      steps.push(
        `commit the restored inputs on top of ${c.remote}/${c.branch}${target.mode === 'pull-request' ? ' on a new branch, push it' : ` and push it to ${c.remote}/${c.branch}`} (never forced)`,
      );
  }
  if (!c.immediate && target.mode === 'pull-request') {
    if (c.kind === 'deploy' && c.branchHas) steps.push(`${c.remote}/${c.branch} has ${short} already: no pull request needed`);
    else {
      if (c.kind === 'deploy') steps.push(`push ${short} to a branch of ${c.remote} (never forced)`);
      steps.push(`open a pull request into ${c.branch} (or link the open one), and wait until it is merged (up to ${c.timeoutS} s)`);
    }
  }
  if (!c.immediate && target.mode === 'commit' && c.kind === 'deploy')
    steps.push(
      c.branchHas
        ? `${c.remote}/${c.branch} has ${short} already: nothing to push`
        : `push ${short} to ${c.remote}/${c.branch} (never forced)`,
    );
  const applies = target.mode === 'apply' || !controller || (c.immediate && controller.kind === 'flux');
  if (applies) {
    steps.push(`server-side apply the render (field manager driftless${c.kind === 'rollback' && c.immediate ? `, of ${short}` : ''})`);
    if (c.prune && c.pruneCount) steps.push(`prune ${c.pruneCount} object${c.pruneCount === 1 ? '' : 's'}`);
    steps.push(`wait for Deployments, StatefulSets and DaemonSets to roll out (up to ${c.timeoutS} s)`);
  } else
    steps.push(
      controller.kind === 'argocd'
        ? `sync ${describeController(controller)} to the ${c.immediate ? short : 'revision deployed'}${c.prune ? ' with prune' : ''}, and wait until it is Synced and Healthy (up to ${c.timeoutS} s)`
        : `reconcile ${controller.source ? `${controller.source.kind} ${controller.source.name}, then ` : ''}${describeController(controller)}, and wait until it is Ready at the revision deployed (up to ${c.timeoutS} s)`,
    );
  steps.push('compare git with the cluster again (the drift should be zero)');
  steps.push(`record the ${c.kind} as a git note (refs/notes/driftless)${c.remote ? ` and push it to ${c.remote}` : ''}`);
  return steps;
}

/** The plan, and what running it needs. Throws DeployError when no plan can be made (nothing was done). */
export async function planDeploy(request: DeployRequest): Promise<PlanContext> {
  const project = request.project ?? loadProject(request.root);
  const environment = project.environments().find((e) => e.name === request.environment);
  if (!environment) {
    const names = project.environments().map((e) => e.name);
    throw new DeployError(`no environment named "${request.environment}".${names.length ? ` Environments: ${names.join(', ')}.` : ''}`);
  }
  const target = deployTargetOf(environment, request.mode);
  const immediate = request.kind === 'rollback' && request.immediate === true;
  if (immediate && target.controller?.kind === 'flux' && target.mode !== 'apply')
    throw new DeployError(
      `${describeController(target.controller)} has no immediate rollback: Flux applies what its source's branch holds. Roll back through git (new commits).`,
    );
  const git = await DeployGit.open(project.root);
  const state = await git.git.state();
  if (!state.head) throw new DeployError('the repository has no commit yet: a deploy deploys committed states.');
  if (state.operation) throw new DeployError(`the repository is in the middle of ${state.operation}: finish or abort it first.`);
  request.progress?.('reading git');

  // The remote and the branch the controller follows.
  const throughGit = !immediate && target.mode !== 'apply';
  let remote = await git.git.pushRemoteOf(state.branch);
  if (throughGit && !remote)
    throw new DeployError(`${target.mode} mode needs a remote to push to: the repository has none (git remote add origin URL).`);
  const branch = target.branch ?? (remote ? await git.git.remoteDefaultBranch(remote) : undefined) ?? (throughGit ? 'main' : undefined);
  let branchTip: string | undefined;
  if (remote && branch && throughGit) {
    branchTip = await git.git.fetchCommit(remote, `refs/heads/${branch}`, `refs/remotes/${remote}/${branch}`).catch((error: unknown) => {
      if (target.mode === 'pull-request' || request.kind === 'rollback')
        throw new DeployError(
          `${remote} has no branch ${branch} to ${target.mode === 'pull-request' ? 'propose into' : 'roll back'}: ${(error as Error).message}`,
        );
      return undefined;
    });
  }
  if (remote) await git.fetchRecords(remote);
  else remote = undefined;
  const records: DeployRecord[] = await git.records().catch(() => []);

  // The revisions: what is deployed, and for a rollback what runs now.
  let revision = state.head;
  let rollbackFrom: string | undefined;
  if (request.kind === 'rollback') {
    if (!request.to) throw new DeployError('which revision to roll back to? (--to REV)');
    const to = await git.resolve(request.to);
    if (!to) throw new DeployError(`"${request.to}" names no commit of this repository.`);
    revision = to;
    rollbackFrom = throughGit ? (branchTip ?? state.head) : state.head;
  }

  // The cluster: the context, its server and id.
  const kubeconfig = loadKubeconfig({
    ...(request.kubeconfig ? { kubeconfig: request.kubeconfig } : {}),
    env: request.env,
    cwd: request.cwd,
  });
  if ('error' in kubeconfig) throw new DeployError(kubeconfig.error);
  const chosen = contextOf(environment, { ...(request.context ? { context: request.context } : {}) }, kubeconfig);
  if (!chosen.context) throw new DeployError(chosen.why);
  const context = chosen.context;
  const connections =
    request.connections ?? new ClusterConnections({ ...(request.requestTimeoutMs ? { timeoutMs: request.requestTimeoutMs } : {}) });
  const ownConnections = !request.connections;
  const connected = await connections.connect(kubeconfig, context);
  if (!(connected instanceof ClusterClient)) {
    if (ownConnections) connections.closeAll();
    throw new DeployError(`the cluster of context "${context}" cannot be used: ${connected.message}`);
  }
  const client = connected;
  request.progress?.(`reading the cluster of context ${context}`);
  const discovery = await Discovery.load(client, request.signal);
  if (!(discovery instanceof Discovery)) {
    if (ownConnections) connections.closeAll();
    throw new DeployError(`the cluster of context "${context}" cannot be read: ${discovery.message}`);
  }
  await discovery.ensure(['v1', 'coordination.k8s.io/v1', 'apps/v1'], request.signal);
  const cluster = {
    context,
    server: client.server,
    ...(await clusterIdOf(client, request.signal).then((id) => (id ? { clusterId: id } : {}))),
  };
  const kubeContext = kubeconfig.contexts.find((c) => c.name === context);
  const defaultNamespace = environment.cluster?.namespace ?? kubeContext?.namespace ?? 'default';

  const fail = (error: unknown): never => {
    if (ownConnections) connections.closeAll();
    throw error;
  };
  try {
    // argocd-server first, before the render: a deploy whose controller cannot be reached (no token, an expired one,
    // the server down) does nothing, not even a push; the editor asks for a token and plans again.
    const driver = target.controller ? controllerDriver(target.controller, client, discovery, request.argocd ?? {}) : undefined;
    if (target.controller?.kind === 'argocd' && target.controller.server && driver) {
      const reached = await driver.read(request.signal);
      if (readFailed(reached))
        throw new DeployError(
          reached.error,
          reached.needsToken
            ? {
                kind: 'argocd',
                forge: 'argocd-server',
                webUrl: target.controller.server,
                repository: target.controller.application,
                variable: 'ARGOCD_AUTH_TOKEN',
              }
            : undefined,
        );
    }

    // The revision deployed: rendered, validated, compared with the cluster.
    request.progress?.(`rendering ${environment.name} at ${revision.slice(0, 12)}`);
    const options = {
      repository: git.root,
      projectRoot: project.root,
      environment: environment.name,
      tools: request.tools,
      ...(request.signal ? { signal: request.signal } : {}),
    };
    const deployed = await atRevision({ ...options, commit: revision }, async (view) => {
      const drift = view.render.ok
        ? await driftEnvironments({
            root: view.project.root,
            project: view.project,
            environment: environment.name,
            context,
            ...(request.kubeconfig ? { kubeconfig: request.kubeconfig } : {}),
            env: request.env,
            cwd: request.cwd,
            tools: request.tools,
            connections,
            documents: true,
            ...(request.signal ? { signal: request.signal } : {}),
          })
        : undefined;
      return { render: view.render, inputs: view.inputs, validation: view.validation, drift };
    });
    if ('error' in deployed)
      throw new DeployError(request.kind === 'rollback' ? `the rollback target no longer renders: ${deployed.error}` : deployed.error);
    // A rollback target that no longer renders (a tool or a base moved on) is a refusal the plan shows, and records.
    const renderError = deployed.render.ok
      ? undefined
      : request.kind === 'rollback'
        ? `the rollback target ${revision.slice(0, 12)} no longer renders: ${deployed.render.error}`
        : deployed.render.error;
    const drift = deployed.drift && 'environments' in deployed.drift ? deployed.drift.environments[0] : undefined;
    const notes: string[] = [];
    if (deployed.drift && 'error' in deployed.drift) notes.push(deployed.drift.error);
    if (drift?.error) notes.push(`comparing with the cluster: ${drift.error}`);
    notes.push(...(drift?.notes ?? []));
    const planned = drift ? plannedObjects(drift, target.controller) : { objects: [], extras: [] };

    // A rollback: what runs now, the files restored, who else reads them.
    let rollback: RollbackPart | undefined;
    let rollbackFiles: RollbackPart['files'] = [];
    let inputs = deployed.inputs;
    if (request.kind === 'rollback' && rollbackFrom) {
      const now = await atRevision({ ...options, commit: rollbackFrom }, (view) =>
        Promise.resolve({ render: view.render, inputs: view.inputs }),
      );
      const nowYaml = 'error' in now || !now.render.ok ? '' : now.render.yaml;
      inputs = [...new Set([...deployed.inputs, ...('error' in now ? [] : now.inputs)])];
      rollbackFiles = await git.differingFiles(rollbackFrom, revision, inputs);
      const changes = diffRenders(nowYaml, deployed.render.ok ? deployed.render.yaml : '', { base: 'now', head: revision.slice(0, 12) });
      const absolute = new Set(rollbackFiles.map((f) => join(git.root, f.path)));
      const alsoChanges = project
        .environments()
        .filter((e) => e.name !== environment.name)
        .filter((e) => {
          const plan = project.renderPlanOf(e);
          return plan.kind !== 'none' && touches(absolute, e, plan, project);
        })
        .map((e) => e.name);
      const [toCommit, fromCommit] = await Promise.all([git.describe(revision), git.describe(rollbackFrom)]);
      rollback = {
        to: { commit: revision, subject: toCommit?.subject ?? '', ...(toCommit ? { date: toCommit.date } : {}) },
        from: { commit: rollbackFrom, subject: fromCommit?.subject ?? '' },
        immediate,
        files: rollbackFiles,
        alsoChanges,
        changes: Array.isArray(changes) ? changes : [],
      };
      if (!Array.isArray(changes)) notes.push(`the renders cannot be compared: ${changes.error}`);
      if (!immediate && !rollbackFiles.length)
        throw new DeployError(
          `${environment.name}'s inputs are the same at ${revision.slice(0, 12)} as now: there is nothing to roll back.`,
        );
    }

    // Uncommitted edits of its inputs: named, left out.
    const uncommitted = state.changed.filter((path) => inputs.some((input) => path === input || path.startsWith(`${input}/`)));

    // A direct apply: the fields other managers own that it would take.
    const direct = target.mode === 'apply' || immediate;
    const applying = target.mode === 'apply' || !target.controller || (immediate && target.controller.kind !== 'argocd');
    const conflicts: { object: string; conflicts: FieldConflict[] }[] = [];
    if (applying && deployed.render.ok && drift) {
      // Every live object, changed or not: the drift engine leaves out fields others are meant to own (an HPA's
      // replicas), and applying still takes them when git sets them.
      const updates = planned.objects.filter((o) => o.action === 'update' || o.action === 'unchanged');
      const desired = deployed.render.objects;
      for (const object of updates) {
        const source = desired.find((d) => {
          const metadata = isRecord(d.metadata) ? d.metadata : {};
          return (
            d.kind === object.kind &&
            metadata.name === object.name &&
            (metadata.namespace ?? defaultNamespace) === (object.namespace ?? defaultNamespace)
          );
        });
        if (!source) continue;
        const copy = structuredClone(source);
        if (object.namespace) (copy.metadata as Json).namespace = object.namespace;
        const tried = await serverSideApply(client, discovery, copy, {
          force: false,
          dryRun: true,
          ...(request.signal ? { signal: request.signal } : {}),
        });
        if (!tried.ok && 'conflicts' in tried && tried.conflicts?.length) {
          object.conflicts = tried.conflicts;
          conflicts.push({
            object: `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`,
            conflicts: tried.conflicts,
          });
        }
      }
    }

    // The controller, and the Lease.
    const controllerRead = driver ? await driver.read(request.signal) : undefined;
    const controllerObject = controllerRead === undefined || readFailed(controllerRead) ? undefined : controllerRead;
    if (readFailed(controllerRead)) notes.push(`the controller cannot be read: ${controllerRead.error}`);
    const namespaceExists = target.namespace
      ? (await client.request('GET', `/api/v1/namespaces/${encodeURIComponent(target.namespace)}`)).ok
      : false;
    const leaseNamespace = namespaceExists ? target.namespace! : 'default';
    const heldBy = await leaseHolder(client, leaseNamespace, environment.name, request.signal);

    const guardrails = evaluateGuardrails(
      {
        target,
        direct,
        cluster,
        ...(lastClusterRecord(records, environment.name) ? { lastRecord: lastClusterRecord(records, environment.name)! } : {}),
        ...(renderError ? { renderError } : {}),
        validationErrors: deployed.validation.errors,
        managed: applying
          ? planned.objects
              .filter((o) => o.managedBy)
              .map((o) => ({ object: `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`, by: o.managedBy! }))
          : [],
        ...(controllerObject !== undefined ? { controllerObject } : {}),
        conflicts,
        uncommitted,
        ...(heldBy ? { heldBy } : {}),
      },
      request.answers,
    );
    const branchHas = !!branchTip && (await git.contains(branchTip, revision));
    const summary = drift?.summary ?? { inSync: 0, drifted: 0, missing: 0, extra: 0, unknown: 0 };
    const described = await git.describe(revision);
    const timeoutS = Math.round((request.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000);
    const autoSync = controllerObject
      ? target.controller?.kind === 'argocd'
        ? argoAutoSync(controllerObject)
        : !fluxSuspended(controllerObject)
      : false;
    const withoutDigest: Omit<DeployPlan, 'digest'> = {
      kind: request.kind,
      environment: environment.name,
      mode: target.mode,
      direct,
      revision: { commit: revision, subject: described?.subject ?? '' },
      target: {
        context,
        server: client.server,
        contextFrom: chosen.why,
        ...(cluster.clusterId ? { clusterId: cluster.clusterId } : {}),
        ...(target.namespace ? { namespace: target.namespace } : {}),
      },
      ...(remote || branch ? { git: { ...(remote ? { remote } : {}), ...(branch ? { branch } : {}), pushed: branchHas } } : {}),
      validation: { errors: deployed.validation.errors, warnings: deployed.validation.warnings, files: deployed.validation.files },
      diff: { summary, objects: planned.objects },
      prune: { enabled: request.prune === true, objects: planned.extras },
      ...(target.controller
        ? {
            controller: {
              name: describeController(target.controller),
              state: controllerObject
                ? describeControllerObject(controllerObject)
                : controllerObject === null
                  ? 'not in the cluster'
                  : 'unknown',
              autoSync,
              willDo: applying
                ? autoSync
                  ? 'it would undo a direct apply unless its auto-sync is suspended'
                  : 'it is not asked to do anything'
                : target.controller.kind === 'argocd'
                  ? `sync to the revision deployed${request.prune ? ', pruning' : ''}`
                  : 'reconcile its source, then apply the revision deployed',
            },
          }
        : {}),
      steps: stepsOf({
        target,
        kind: request.kind,
        immediate,
        ...(remote ? { remote } : {}),
        ...(branch ? { branch } : {}),
        revision,
        branchHas,
        prune: request.prune === true,
        pruneCount: planned.extras.length,
        suspend: request.answers.suspendAutoSync === true && autoSync && direct,
        timeoutS,
      }),
      uncommitted,
      guardrails,
      notes,
      ...(rollback ? { rollback } : {}),
    };
    const plan: DeployPlan = { ...withoutDigest, digest: digestOf(withoutDigest) };
    return {
      plan,
      project,
      environment,
      target,
      git,
      state,
      ...(remote ? { remote } : {}),
      ...(branchTip ? { branchTip } : {}),
      kubeconfig,
      context,
      client,
      discovery,
      connections,
      ownConnections,
      ...(driver ? { driver } : {}),
      cluster,
      leaseNamespace,
      revision,
      ...(request.kind === 'rollback' && rollbackFrom ? { rollback: { to: revision, from: rollbackFrom, files: rollbackFiles } } : {}),
      defaultNamespace,
    };
  } catch (error) {
    return fail(error);
  }
}

export const DEFAULT_TIMEOUT_MS = 300_000;

function loadProject(root: string): Project {
  const project = new Project(root, new SchemaFiles());
  project.scan();
  return project;
}

/** A path relative to the repository, with `/`. */
export function repositoryRelative(repository: string, path: string): string {
  return relative(repository, path).split(sep).join('/');
}
