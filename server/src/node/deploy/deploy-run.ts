// A deploy or rollback, run as its plan says once the guardrails are satisfied: the Lease and the local lock taken,
// then per mode — pull-request: the revision pushed to a branch, its pull request opened and followed until merged;
// commit: the revision pushed to the environment's branch; apply: nothing in git (a rollback commits its restored
// inputs first) — then the controller synced to the revision (or, without one, the render applied and its rollouts
// waited for), the drift compared again, and the outcome recorded as a git note. Each step is checked for a cancel
// or a lost Lease before it starts; whatever stops it, the result says what was done, and the record says how it
// ended. The result is what `driftless deploy --format json` prints and the editor's command returns.
import { BRANCH_PREFIX, draftBranchName, freeBranchName } from '../../engine/delivery/branch-name';
import type { DeployResult, DeployStep, RunOutcome } from '../../engine/deploy/deploy-result';
import { NOTES_REF, type DeployOutcome, type DeployRecord } from '../../engine/deploy/deploy-record';
import { describeController } from '../../engine/deploy/deploy-target';
import { overridesOf, unliftedBlocks } from '../../engine/deploy/guardrails';
import { ROLLOUT_KINDS } from '../../engine/deploy/rollout-status';
import { isRecord, type Json } from '../../engine/json';
import { identityOf } from '../../engine/drift/object-identity';
import { DeliveryGitError } from '../delivery/delivery-git';
import { openPullRequest, pullRequestState } from '../delivery/pull-requests';
import { driftEnvironments } from '../drift/drift-environments';
import { applyObjects, ensureNamespaces, namespacesNeeded, pruneObjects, type AppliedObject } from './cluster-apply';
import type { SyncOutcome } from './controllers';
import { DeployLease, takeLocalLock } from './deploy-lock';
import { DEFAULT_TIMEOUT_MS, DeployError, planDeploy, type DeployRequest, type PlanContext } from './deploy-plan';
import { atRevision } from './revision-render';
import { waitForRollouts } from './rollouts';

export type { DeployResult, DeployStep, RunOutcome };

export const EXIT_CODES: Record<RunOutcome, number> = {
  succeeded: 0,
  planned: 0,
  refused: 1,
  'timed-out': 1,
  unhealthy: 1,
  failed: 2,
  cancelled: 130,
};

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** Why the run must stop at its next safe point: cancelled, or the Lease lost. */
class Stopper {
  reason: string | undefined;
  constructor(private readonly signal: AbortSignal | undefined) {}
  check(): string | undefined {
    if (this.signal?.aborted) this.reason ??= 'cancelled';
    return this.reason;
  }
}

export async function runDeploy(request: DeployRequest & { dryRun?: boolean }): Promise<DeployResult> {
  const blank = (fields: Partial<DeployResult> & Pick<DeployResult, 'outcome' | 'message'>): DeployResult => ({
    environment: request.environment,
    kind: request.kind,
    commits: [],
    applied: [],
    rollouts: [],
    known: [],
    steps: [],
    ...fields,
  });
  let context: PlanContext;
  try {
    context = await planDeploy(request);
  } catch (error) {
    if (error instanceof DeployError)
      return blank({ outcome: 'failed', message: error.message, ...(error.needsToken ? { needsToken: error.needsToken } : {}) });
    if (error instanceof DeliveryGitError) return blank({ outcome: 'failed', message: error.message });
    throw error;
  }
  const { plan } = context;
  try {
    const blocks = unliftedBlocks(plan.guardrails);
    if (blocks.length) {
      const refused = blank({ outcome: 'refused', mode: plan.mode, plan, message: `Refused: ${blocks.map((g) => g.message).join(' ')}` });
      // A refusal is recorded too (who tried what, and why it was refused); a dry run records nothing.
      if (!request.dryRun) await writeRecord(context, refused, 'refused', context.revision);
      return refused;
    }
    if (request.dryRun)
      return blank({
        outcome: 'planned',
        mode: plan.mode,
        plan,
        revision: plan.revision.commit,
        message: 'Planned only (dry run): nothing was done.',
      });
    if (request.planDigest && request.planDigest !== plan.digest)
      return blank({
        outcome: 'refused',
        mode: plan.mode,
        plan,
        message: 'The plan changed since it was shown (the repository or the cluster moved): look at the new plan and agree to it again.',
      });
    return await execute(request, context);
  } finally {
    if (context.ownConnections) context.connections.closeAll();
  }
}

async function execute(request: DeployRequest, c: PlanContext): Promise<DeployResult> {
  const { plan, git } = c;
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const stopper = new Stopper(request.signal);
  const result: DeployResult = {
    environment: plan.environment,
    kind: plan.kind,
    mode: plan.mode,
    outcome: 'succeeded',
    message: '',
    plan,
    commits: [],
    applied: [],
    rollouts: [],
    known: [],
    steps: [],
  };
  const step = (name: string, status: DeployStep['status'], detail?: string) => {
    result.steps.push({ step: name, status, ...(detail ? { detail } : {}) });
    request.progress?.(detail ? `${name}: ${detail}` : name);
  };
  const end = (outcome: RunOutcome, message: string) => {
    result.outcome = outcome;
    result.message = message;
    return result;
  };

  // One deploy per environment: the local lock, then the Lease.
  const gitDir = (await git.git.raw(['rev-parse', '--git-common-dir'])).trim();
  const lock = takeLocalLock(gitDir.startsWith('/') ? gitDir : `${git.root}/${gitDir}`, plan.environment);
  const refuse = async (message: string) => {
    end('refused', message);
    await writeRecord(c, result, 'refused', c.revision);
    return result;
  };
  if ('heldBy' in lock) return refuse(`Another deploy of ${plan.environment} is running (${lock.heldBy}): wait for it to finish.`);
  const lease = await DeployLease.take(c.client, c.leaseNamespace, plan.environment, {
    onLost: (why) => (stopper.reason ??= `the deploy Lease was lost (${why})`),
  });
  if (!(lease instanceof DeployLease)) {
    lock.release();
    if ('heldBy' in lease)
      return refuse(
        `Another deploy of ${plan.environment} is running (${lease.heldBy}${lease.since ? `, since ${lease.since}` : ''}): wait for it to finish.`,
      );
    return end('failed', lease.error);
  }
  step(`took the Lease ${c.leaseNamespace}/${lease.name}`, 'done');

  let revision = c.revision;
  let recordOutcome: DeployOutcome | undefined;
  try {
    const outcome = await steps(request, c, result, stopper, step, (r) => (revision = r), timeoutMs);
    recordOutcome = outcome.record;
    result.revision = revision;
    end(outcome.outcome, outcome.message);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    recordOutcome = 'failed';
    result.revision = revision;
    end('failed', message);
  } finally {
    await lease.release().catch(() => undefined);
    lock.release();
  }

  if (recordOutcome) await writeRecord(c, result, recordOutcome, revision);
  return result;
}

/** The record of what was done (or refused), on the revision it concerns; pushed to the remote when there is one. */
async function writeRecord(c: PlanContext, result: DeployResult, outcome: DeployOutcome, revision: string): Promise<void> {
  const { plan, git } = c;
  const record: DeployRecord = {
    environment: plan.environment,
    kind: plan.kind,
    who: await git.who(),
    when: new Date().toISOString(),
    mode: plan.mode,
    revision,
    planDigest: plan.digest,
    outcome,
    context: c.cluster.context,
    server: c.cluster.server,
    ...(c.cluster.clusterId ? { clusterId: c.cluster.clusterId } : {}),
    ...(c.rollback ? { to: c.rollback.to } : {}),
    ...(overridesOf(plan.guardrails).length ? { overrides: overridesOf(plan.guardrails) } : {}),
    message: result.message.slice(0, 300),
  };
  try {
    await git.addRecord(record);
    const pushed = c.remote ? await git.pushRecords(c.remote) : { pushed: false, message: 'no remote' };
    result.record = {
      ...record,
      ref: NOTES_REF,
      pushed: pushed.pushed,
      ...(pushed.message && c.remote ? { problem: pushed.message } : {}),
    };
  } catch (error) {
    result.record = { ...record, ref: NOTES_REF, pushed: false, problem: `not written: ${(error as Error).message}` };
  }
}

type StepOutcome = { outcome: RunOutcome; message: string; record: DeployOutcome };

/** The steps after the Lease; returns how it ended. */
async function steps(
  request: DeployRequest,
  c: PlanContext,
  result: DeployResult,
  stopper: Stopper,
  step: (name: string, status: DeployStep['status'], detail?: string) => void,
  setRevision: (revision: string) => void,
  timeoutMs: number,
): Promise<StepOutcome> {
  const { plan, target, git } = c;
  const immediate = plan.rollback?.immediate === true;
  const stopped = (): StepOutcome | undefined => {
    const why = stopper.check();
    if (!why) return undefined;
    const done = result.steps.filter((s) => s.status === 'done').map((s) => s.step);
    return {
      outcome: 'cancelled',
      record: 'cancelled',
      message: `Stopped (${why}) before the next step. Done: ${done.length ? done.join('; ') : 'nothing'}.`,
    };
  };
  let revision = c.revision;

  // Auto-sync suspended, when the user chose to.
  const autoSync = plan.guardrails.find((g) => g.id === 'auto-sync' && g.lifted);
  if (autoSync && c.driver) {
    const suspended = await c.driver.suspend();
    if ('error' in suspended) {
      step('suspend auto-sync', 'failed', suspended.error);
      return { outcome: 'failed', record: 'failed', message: suspended.error };
    }
    result.suspended = { controller: describeController(c.driver.controller), resume: suspended.resume };
    step(`suspended the auto-sync of ${describeController(c.driver.controller)}`, 'done', `resume it: ${suspended.resume}`);
  }

  // Git: a rollback's new commit; the push; the pull request and its merge.
  if (plan.kind === 'rollback' && !immediate && c.rollback) {
    const halt = stopped();
    if (halt) return halt;
    const to = plan.rollback!.to;
    const message = `Roll back ${plan.environment} to ${to.commit.slice(0, 12)}: ${to.subject}\n\nRestores the inputs ${plan.environment} had at ${to.commit}.\n\nDriftless-Rollback: ${plan.environment} ${to.commit}`;
    if (target.mode === 'apply') {
      // On the current branch: made in a worktree on HEAD, then the branch moved forward to it (only forward).
      const made = await git.commitRestore({ base: c.state.head!, to: c.rollback.to, files: c.rollback.files, message });
      if (c.state.branch) await git.git.raw(['merge', '--ff-only', '--quiet', made.commit]);
      else await git.git.raw(['switch', '--quiet', '--detach', made.commit]);
      revision = made.commit;
      result.commits.push({ commit: made.commit, subject: message.split('\n')[0]!, ...(c.state.branch ? { branch: c.state.branch } : {}) });
      step(`committed the rollback ${made.commit.slice(0, 12)}${c.state.branch ? ` on ${c.state.branch}` : ''}`, 'done');
    } else {
      const localBranches = await git.git.localBranches();
      const branch =
        target.mode === 'pull-request'
          ? freeBranchName(`${BRANCH_PREFIX}rollback-${slug(plan.environment)}-${to.commit.slice(0, 8)}`, localBranches)
          : undefined;
      const made = await git.commitRestore({
        base: c.branchTip!,
        to: c.rollback.to,
        files: c.rollback.files,
        message,
        ...(branch ? { branch } : {}),
      });
      revision = made.commit;
      result.commits.push({ commit: made.commit, subject: message.split('\n')[0]!, ...(branch ? { branch } : {}) });
      step(
        `committed the rollback ${made.commit.slice(0, 12)}${branch ? ` on a new branch ${branch}` : ` on top of ${c.remote}/${target.branch ?? plan.git?.branch}`}`,
        'done',
      );
    }
    // What the new commit renders, before it goes anywhere.
    const check = await atRevision(
      { repository: git.root, projectRoot: c.project.root, commit: revision, environment: plan.environment, tools: request.tools },
      (view) => Promise.resolve(view.render),
    );
    if ('error' in check || !check.ok) {
      const why = 'error' in check ? check.error : (check as { error: string }).error;
      step('render the rollback commit', 'failed', why);
      return {
        outcome: 'failed',
        record: 'failed',
        message: `The restored inputs do not render (${why}): the commit ${revision.slice(0, 12)} was not pushed.`,
      };
    }
  }
  setRevision(revision);

  const branch = plan.git?.branch;
  if (!immediate && target.mode === 'commit' && c.remote && branch) {
    const halt = stopped();
    if (halt) return halt;
    if (c.branchTip && (await git.contains(c.branchTip, revision)) && c.branchTip === revision)
      step(`${c.remote}/${branch} has ${revision.slice(0, 12)} already`, 'skipped');
    else {
      const pushed = await git.git.push(c.remote, branch, { commit: revision });
      if (!pushed.pushed) {
        step(`push ${revision.slice(0, 12)} to ${c.remote}/${branch}`, 'failed', pushed.reason);
        return {
          outcome: 'failed',
          record: 'failed',
          message: `git push to ${c.remote}/${branch} was rejected (${pushed.reason}):\n${pushed.gitMessage}\n${pushed.wayOut}`,
        };
      }
      result.push = { remote: c.remote, branch, commit: revision };
      step(`pushed ${revision.slice(0, 12)} to ${c.remote}/${branch}`, 'done');
    }
  }

  if (!immediate && target.mode === 'pull-request' && c.remote && branch) {
    const tip = await git.git.fetchCommit(c.remote, `refs/heads/${branch}`, `refs/remotes/${c.remote}/${branch}`);
    if (await git.contains(tip, revision)) {
      step(`${c.remote}/${branch} has ${revision.slice(0, 12)} already: no pull request`, 'skipped');
      revision = tip;
    } else {
      const halt = stopped();
      if (halt) return halt;
      // The head: the rollback's branch, the current branch when it is at the revision (and is not the target), else a new one.
      let head = result.commits[0]?.branch;
      if (!head) {
        head = c.state.branch && c.state.branch !== branch && c.state.head === revision ? c.state.branch : undefined;
        if (!head) {
          head = freeBranchName(`${BRANCH_PREFIX}deploy-${slug(plan.environment)}-${revision.slice(0, 8)}`, await git.git.localBranches());
          await git.git.raw(['branch', head, revision]);
        }
      }
      const pushed = await git.git.push(c.remote, head);
      if (!pushed.pushed) {
        step(`push ${head}`, 'failed', pushed.reason);
        return {
          outcome: 'failed',
          record: 'failed',
          message: `git push of ${head} was rejected (${pushed.reason}):\n${pushed.gitMessage}\n${pushed.wayOut}`,
        };
      }
      result.push = { remote: c.remote, branch: head, commit: revision };
      step(`pushed ${head} to ${c.remote}`, 'done');
      const opened = await openPullRequest({
        ...(request.forge ?? { forges: [] }),
        root: c.project.root,
        head,
        base: branch,
        remote: c.remote,
        tools: request.tools,
        ...(plan.kind === 'rollback' ? { title: `Roll back ${plan.environment} to ${plan.rollback!.to.commit.slice(0, 12)}` } : {}),
      });
      if ('needsToken' in opened) {
        result.needsToken = opened.needsToken;
        return {
          outcome: 'failed',
          record: 'failed',
          message: `${opened.needsToken.repository} is on ${opened.needsToken.forge}: a token is needed to open the pull request (${opened.needsToken.variable}). ${head} was pushed.`,
        };
      }
      if ('error' in opened) {
        step('open the pull request', 'failed', opened.error);
        return {
          outcome: 'failed',
          record: 'failed',
          message: `The pull request could not be opened: ${opened.error} (${head} was pushed).`,
        };
      }
      result.pullRequest = { url: opened.pullRequest.url, number: opened.pullRequest.number, merged: false };
      step(`${opened.created ? 'opened' : 'linked the open'} pull request #${opened.pullRequest.number}`, 'done', opened.pullRequest.url);
      // Followed on the forge until merged.
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const state = await pullRequestState(c.project.root, opened.pullRequest.number, {
          ...(request.forge ?? { forges: [] }),
          remote: c.remote,
        });
        if ('state' in state && state.state === 'merged') {
          const merged = await git.git.fetchCommit(c.remote, `refs/heads/${branch}`, `refs/remotes/${c.remote}/${branch}`);
          revision = state.mergeCommit && (await git.contains(merged, state.mergeCommit)) ? state.mergeCommit : merged;
          result.pullRequest = { ...result.pullRequest, merged: true, mergeCommit: revision };
          step(`pull request #${opened.pullRequest.number} merged`, 'done', revision.slice(0, 12));
          break;
        }
        if ('state' in state && state.state === 'closed') {
          step(`pull request #${opened.pullRequest.number}`, 'failed', 'closed without merging');
          return {
            outcome: 'failed',
            record: 'failed',
            message: `Pull request #${opened.pullRequest.number} was closed without being merged: nothing was deployed.`,
          };
        }
        if (!('state' in state))
          request.progress?.(`the pull request's state cannot be read: ${'error' in state ? state.error : 'a token is needed'}`);
        else request.progress?.(`waiting for pull request #${opened.pullRequest.number} to be merged (${opened.pullRequest.url})`);
        const halt = stopped();
        if (halt) return { ...halt, message: `${halt.message} Pull request #${opened.pullRequest.number} stays open.` };
        if (Date.now() >= deadline)
          return {
            outcome: 'timed-out',
            record: 'timed-out',
            message: `Pull request #${opened.pullRequest.number} was not merged within ${Math.round(timeoutMs / 1000)} s: it stays open (${opened.pullRequest.url}); deploy again once it is merged.`,
          };
        await sleep(request.mergePollMs ?? 5_000, request.signal);
      }
    }
  }
  setRevision(revision);

  // The sync: the controller, or a direct apply.
  const halt = stopped();
  if (halt) return halt;
  const applying = target.mode === 'apply' || !c.driver || (immediate && c.driver.controller.kind !== 'argocd');
  if (!applying && c.driver) {
    const named = describeController(c.driver.controller);
    const synced = await c.driver.sync({
      revision,
      prune: request.prune === true,
      who: await git.who(),
      deadline: Date.now() + timeoutMs,
      ...(request.signal ? { signal: request.signal } : {}),
      stop: () => stopper.check(),
      ...(request.progress ? { progress: (m: string) => request.progress!(`${named}: ${m}`) } : {}),
    });
    if ('error' in synced) {
      step(`sync ${named}`, 'failed', synced.error);
      return { outcome: 'failed', record: 'failed', message: synced.error };
    }
    result.controller = controllerSummary(named, synced);
    return await afterSync(request, c, result, synced, step, revision, timeoutMs);
  }

  const rendered = await atRevision(
    { repository: git.root, projectRoot: c.project.root, commit: revision, environment: plan.environment, tools: request.tools },
    (view) => Promise.resolve(view.render),
  );
  if ('error' in rendered || !rendered.ok) {
    const why = 'error' in rendered ? rendered.error : (rendered as { error: string }).error;
    step('render', 'failed', why);
    return { outcome: 'failed', record: 'failed', message: `${plan.environment} cannot be rendered at ${revision.slice(0, 12)}: ${why}` };
  }
  const objects = namespaced(rendered.objects, c);
  const namespaces = await ensureNamespaces(c.client, namespacesNeeded(objects), request.signal);
  if (namespaces.created.length)
    step(`created namespace${namespaces.created.length > 1 ? 's' : ''} ${namespaces.created.join(', ')}`, 'done');
  if (namespaces.failure) {
    step('create namespaces', 'failed', namespaces.failure.message);
    return { outcome: 'failed', record: 'failed', message: `Nothing was applied: ${namespaces.failure.message}` };
  }
  const applied = await applyObjects(c.client, c.discovery, objects, {
    force: request.answers.forceConflicts === true,
    ...(request.signal ? { signal: request.signal } : {}),
    stop: () => stopper.check(),
    ...(request.progress ? { progress: request.progress } : {}),
  });
  result.applied = applied.objects;
  const counts = (action: AppliedObject['action']) => applied.objects.filter((o) => o.action === action).length;
  if (applied.stopped) {
    const done = applied.objects.filter((o) => o.action !== 'failed' && o.action !== 'not-tried').length;
    step('server-side apply', applied.stopped === 'cancelled' || stopper.reason ? 'stopped' : 'failed', applied.stopped);
    const conflicts = applied.objects.flatMap((o) => o.conflicts ?? []);
    const known = `${done} of ${applied.objects.length} objects were applied (${counts('created')} created, ${counts('configured')} configured, ${counts('unchanged')} unchanged); ${counts('failed')} failed; ${counts('not-tried')} not tried.`;
    if (stopper.reason || applied.stopped === 'cancelled')
      return {
        outcome: 'cancelled',
        record: 'cancelled',
        message: `Stopped (${stopper.reason ?? 'cancelled'}) during the apply. ${known}`,
      };
    return {
      outcome: conflicts.length ? 'refused' : 'failed',
      record: 'failed',
      message: `${conflicts.length ? `A field is owned by another manager (${conflicts.map((x) => `${x.field} by ${x.manager}`).join(', ')}): not forced. ` : ''}The apply stopped: ${applied.stopped}. ${known}`,
    };
  }
  step('server-side apply', 'done', `${counts('created')} created, ${counts('configured')} configured, ${counts('unchanged')} unchanged`);
  if (request.prune && plan.prune.objects.length) {
    const halt2 = stopped();
    if (halt2) return halt2;
    const pruned = await pruneObjects(c.client, c.discovery, plan.prune.objects, request.signal);
    result.applied.push(...pruned);
    const failures = pruned.filter((p) => p.action === 'failed');
    step(
      'prune',
      failures.length ? 'failed' : 'done',
      `${pruned.length - failures.length} deleted${failures.length ? `, ${failures.length} failed: ${failures[0]!.error}` : ''}`,
    );
  }
  const workloads = applied.objects.filter((o) => ROLLOUT_KINDS.has(o.kind));
  const rollouts = await waitForRollouts(c.client, c.discovery, workloads, {
    timeoutMs,
    ...(request.signal ? { signal: request.signal } : {}),
    stop: () => stopper.check(),
    ...(request.progress ? { progress: request.progress } : {}),
  });
  result.rollouts = rollouts.workloads;
  result.known = rollouts.workloads.flatMap((w) =>
    (w.known ?? []).map((line) => `${w.kind} ${w.namespace ? `${w.namespace}/` : ''}${w.name}: ${line}`),
  );
  if (rollouts.outcome === 'stopped')
    return {
      outcome: 'cancelled',
      record: 'cancelled',
      message: `Stopped (${rollouts.stopped}) while waiting for rollouts; the objects were applied.`,
    };
  if (rollouts.outcome !== 'done') {
    const waiting = rollouts.workloads.filter((w) => !w.done).map((w) => `${w.kind} ${w.name}: ${w.message}`);
    step('rollouts', 'failed', waiting.join('; '));
    return rollouts.outcome === 'timed-out'
      ? {
          outcome: 'timed-out',
          record: 'timed-out',
          message: `Not rolled out within ${Math.round(timeoutMs / 1000)} s: ${waiting.join('; ')}`,
        }
      : { outcome: 'unhealthy', record: 'failed', message: `The rollout failed: ${waiting.join('; ')}` };
  }
  step('rollouts', 'done', `${rollouts.workloads.length} workload${rollouts.workloads.length === 1 ? '' : 's'} rolled out`);
  return finish(request, c, result, step, revision);
}

async function afterSync(
  request: DeployRequest,
  c: PlanContext,
  result: DeployResult,
  synced: SyncOutcome,
  step: (name: string, status: DeployStep['status'], detail?: string) => void,
  revision: string,
  timeoutMs: number,
): Promise<StepOutcome> {
  const named = result.controller!.name;
  if (synced.outcome === 'stopped')
    return {
      outcome: 'cancelled',
      record: 'cancelled',
      message: `Stopped (${synced.stopped ?? 'cancelled'}) while following ${named}: the sync was asked for and may still run.`,
    };
  if (synced.outcome !== 'healthy') {
    // What is known: the controller's words, and the rollouts of the render's workloads.
    const workloads = await renderedWorkloads(request, c, revision);
    const rollouts = await waitForRollouts(c.client, c.discovery, workloads, { timeoutMs: 0 });
    result.rollouts = rollouts.workloads;
    result.known = [
      ...(synced.known ?? []),
      ...rollouts.workloads.flatMap((w) =>
        (w.known ?? []).map((line) => `${w.kind} ${w.namespace ? `${w.namespace}/` : ''}${w.name}: ${line}`),
      ),
    ];
    step(`sync ${named}`, 'failed', synced.state.message);
    return synced.outcome === 'timed-out'
      ? {
          outcome: 'timed-out',
          record: 'timed-out',
          message: `${named} was not healthy within ${Math.round(timeoutMs / 1000)} s: ${synced.state.message}`,
        }
      : { outcome: 'unhealthy', record: 'failed', message: `${named}: ${synced.state.message}` };
  }
  step(`synced ${named}`, 'done', synced.state.message);
  return finish(request, c, result, step, revision);
}

/** Drift compared again at the revision deployed; the end of a successful run. */
async function finish(
  request: DeployRequest,
  c: PlanContext,
  result: DeployResult,
  step: (name: string, status: DeployStep['status'], detail?: string) => void,
  revision: string,
): Promise<StepOutcome> {
  const drift = await atRevision(
    { repository: c.git.root, projectRoot: c.project.root, commit: revision, environment: c.plan.environment, tools: request.tools },
    (view) =>
      driftEnvironments({
        root: view.project.root,
        project: view.project,
        environment: c.plan.environment,
        context: c.context,
        ...(request.kubeconfig ? { kubeconfig: request.kubeconfig } : {}),
        env: request.env,
        cwd: request.cwd,
        tools: request.tools,
        connections: c.connections,
      }),
  );
  const summary = !('error' in drift) && 'environments' in drift ? drift.environments[0]?.summary : undefined;
  if (summary) {
    result.drift = summary;
    const left = summary.drifted + summary.missing + (c.plan.prune.enabled ? summary.extra : 0);
    step('drift', 'done', left ? `${left} objects still differ from git` : 'none: the cluster matches git');
  }
  const named = result.suspended
    ? ` Auto-sync of ${result.suspended.controller} is suspended: resume it (${result.suspended.resume}).`
    : '';
  const what =
    c.plan.kind === 'rollback'
      ? `Rolled back ${c.plan.environment} to ${c.plan.rollback!.to.commit.slice(0, 12)}`
      : `Deployed ${c.plan.environment}`;
  return { outcome: 'succeeded', record: 'succeeded', message: `${what} at ${revision.slice(0, 12)}.${named}` };
}

/** The render's objects, namespaced as they are applied (the environment's namespace, else the context's, else default). */
function namespaced(objects: readonly Json[], c: PlanContext): Json[] {
  return objects.map((source) => {
    const object = structuredClone(source);
    const identity = identityOf(object);
    if (!identity) return object;
    const resource = c.discovery.resourceFor(identity.apiVersion, identity.kind);
    const metadata = isRecord(object.metadata) ? object.metadata : (object.metadata = {});
    if ('why' in resource) return object;
    if (!resource.namespaced) delete metadata.namespace;
    else if (typeof metadata.namespace !== 'string' || !metadata.namespace) metadata.namespace = c.defaultNamespace;
    return object;
  });
}

async function renderedWorkloads(request: DeployRequest, c: PlanContext, revision: string) {
  const rendered = await atRevision(
    { repository: c.git.root, projectRoot: c.project.root, commit: revision, environment: c.plan.environment, tools: request.tools },
    (view) => Promise.resolve(view.render),
  ).catch(() => undefined);
  if (!rendered || 'error' in rendered || !rendered.ok) return [];
  return namespaced(rendered.objects, c)
    .filter((o) => ROLLOUT_KINDS.has(String(o.kind)))
    .map((o) => {
      const identity = identityOf(o)!;
      return {
        apiVersion: identity.apiVersion,
        kind: identity.kind,
        ...(identity.namespace ? { namespace: identity.namespace } : {}),
        name: identity.name,
      };
    });
}

function controllerSummary(name: string, synced: SyncOutcome): NonNullable<DeployResult['controller']> {
  const state = synced.state;
  return {
    name,
    phase: synced.outcome,
    message: state.message,
    ...(state.revision ? { revision: state.revision } : {}),
    ...(state.sync ? { sync: state.sync } : {}),
    ...(state.health ? { health: state.health } : {}),
    ...(state.ready ? { ready: state.ready } : {}),
  };
}

function slug(name: string): string {
  return (
    draftBranchName([{ name, changes: [] }], [])
      .replace(/^driftless\//, '')
      .slice(0, 40) || 'environment'
  );
}
