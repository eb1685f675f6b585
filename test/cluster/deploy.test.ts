// Deploying and rolling back the sample's environments against a real API server, in all three modes, with real git
// against bare remotes (a GitHub stand-in's) and the test controllers playing Argo CD and Flux: apply (a server-side
// apply as `driftless`, rollouts waited for), pull-request (the pull request opened, merged on the forge, the
// Application synced), commit (pushed to main, the Kustomization reconciled). Each ends with the drift at zero and a
// record in refs/notes/driftless; each rollback makes new commits and never rewrites history. The faults: a field
// owned by another manager (shown, not forced unless chosen), a rollout that never finishes (timed out, with what is
// known), a Lease held by another deploy and one lost halfway, a refused direct apply of objects Argo CD manages, a
// protected environment without its name typed, a rejected push, a rollback target that no longer renders.
import { strict as assert } from 'node:assert';
import { parseRecords, type DeployRecord } from '../../server/src/engine/deploy/deploy-record';
import { leaseNameOf } from '../../server/src/node/deploy/deploy-lock';
import type { DeployRequest } from '../../server/src/node/deploy/deploy-plan';
import { runDeploy, type DeployResult } from '../../server/src/node/deploy/deploy-run';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { cloneOf, asUser, gitAsync } from '../delivery/repositories';
import { assertGitHubAnswersConform } from '../forges/github-openapi';
import { skipWithReason } from '../helpers/skips';
import { testClusterOrSkip } from '../helpers/test-cluster';
import { temporaryFolder } from '../helpers/temporary-folders';
import { DeployWorkbench } from './deploy-workbench';
import { join } from 'node:path';

function summary(result: DeployResult): string {
  return JSON.stringify(
    { outcome: result.outcome, message: result.message, steps: result.steps, known: result.known, guardrails: result.plan?.guardrails },
    null,
    2,
  );
}

const DIRECT = 'apps/overlays/production';
const PROTECTED = 'frontend-production';
const FLUX = 'apps';

describe('deploy and roll back the sample environments (real API server, test controllers)', function () {
  this.timeout(10 * 60_000);
  let bench: DeployWorkbench;

  /** The records the notes ref holds for a commit. */
  async function recordsOn(commit: string): Promise<DeployRecord[]> {
    return parseRecords(await bench.git('notes', '--ref=refs/notes/driftless', 'show', commit).catch(() => ''));
  }
  /** The newest record of an environment, wherever it hangs. */
  async function lastRecord(environment: string): Promise<DeployRecord | undefined> {
    const list = await bench.git('notes', '--ref=refs/notes/driftless', 'list');
    const records: DeployRecord[] = [];
    for (const line of list.split('\n').filter(Boolean)) records.push(...(await recordsOn(line.split(' ')[1]!)));
    return records.filter((r) => r.environment === environment).sort((a, b) => Date.parse(b.when) - Date.parse(a.when))[0];
  }
  /** A deploy whose pull request the test merges once it is open (as a reviewer would); a deploy that ends first fails. */
  async function deployAndMerge(request: DeployRequest) {
    const running = runDeploy(request);
    const merged = await Promise.race([
      bench.mergeNextPullRequest(),
      running.then((r) => {
        throw new Error(`the deploy ended before a pull request was merged: ${summary(r)}`);
      }),
    ]);
    return { result: await running, merged };
  }
  const image = async (namespace: string) => {
    const deployment = await bench.json(['get', 'deployment', 'frontend', '-n', namespace]);
    return (deployment.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image;
  };

  before(async function () {
    if ('missing' in kubernetesTools()) skipWithReason(this, `no kubectl here: ${(kubernetesTools() as { missing: string }).missing}`);
    const cluster = await testClusterOrSkip(this);
    bench = await DeployWorkbench.create(cluster, `dpl${process.pid}`);
    await bench.bootstrap();
  });

  after(async function () {
    if (!bench) return;
    const errors = bench.controllers?.errors() ?? [];
    await bench.cleanup();
    assert.deepEqual(errors, [], 'the test controllers met no error');
    assertGitHubAnswersConform(bench.forge.requests);
  });

  describe(`apply mode: ${DIRECT} (no controller)`, function () {
    let deployed: string;
    it('plans first (dry run): the objects to create, prune off, the cluster checked, nothing written', async function () {
      const planned = await runDeploy({ ...bench.request({ environment: DIRECT, kind: 'deploy' }), dryRun: true });
      assert.equal(planned.outcome, 'planned', summary(planned));
      const plan = planned.plan!;
      assert.equal(plan.mode, 'apply');
      assert.equal(plan.target.context, 'prod-eu');
      assert.equal(plan.target.server, bench.cluster.server);
      assert.ok(
        plan.diff.objects.some((o) => o.kind === 'Deployment' && o.name === 'frontend' && o.action === 'create'),
        JSON.stringify(plan.diff),
      );
      assert.equal(plan.prune.enabled, false);
      assert.equal(plan.guardrails.find((g) => g.id === 'cluster')?.verdict, 'pass', JSON.stringify(plan.guardrails));
      const deployments = await bench.json(['get', 'deployments', '-n', bench.namespaces.prod]);
      assert.deepEqual(deployments.items, []);
      assert.equal(await recordsOn('HEAD').then((r) => r.length), 0, 'a dry run records nothing');
    });

    it('applies the committed render server-side as driftless, waits for the rollout, drift at zero, a record', async function () {
      const result = await runDeploy(bench.request({ environment: DIRECT, kind: 'deploy' }));
      assert.equal(result.outcome, 'succeeded', summary(result));
      deployed = result.revision!;
      assert.ok(result.applied.some((o) => o.kind === 'Deployment' && o.action === 'created'));
      assert.ok(result.rollouts.length > 0 && result.rollouts.every((r) => r.done), JSON.stringify(result.rollouts));
      assert.deepEqual(result.drift, { inSync: result.drift!.inSync, drifted: 0, missing: 0, extra: 0, unknown: 0 });
      const deployment = await bench.json(['get', 'deployment', 'frontend', '-n', bench.namespaces.prod, '--show-managed-fields']);
      const managers = ((deployment.metadata as { managedFields: { manager: string; operation: string }[] }).managedFields ?? []).map(
        (m) => `${m.manager}/${m.operation}`,
      );
      assert.ok(managers.includes('driftless/Apply'), managers.join(', '));
      const [record] = await recordsOn('HEAD');
      assert.equal(record?.environment, DIRECT);
      assert.equal(record?.outcome, 'succeeded');
      assert.equal(record?.mode, 'apply');
      assert.equal(record?.planDigest, result.plan!.digest);
      assert.equal(record?.server, bench.cluster.server);
      assert.match(record.who, /Dana Developer/);
      assert.equal(result.record?.pushed, true, JSON.stringify(result.record));
      assert.match(await gitAsync(bench.bare, 'notes', '--ref=refs/notes/driftless', 'show', deployed), /Driftless-Deploy: /);
    });

    it('shows a field another manager owns and does not force it; taking it is a choice, recorded', async function () {
      // Someone scaled the Deployment with a server-side apply of their own: they own .spec.replicas now.
      await bench.apply(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: frontend, namespace: ${bench.namespaces.prod}}\nspec: {replicas: 5}\n`,
        'platform-team',
        true,
      );
      const refused = await runDeploy(bench.request({ environment: DIRECT, kind: 'deploy' }));
      assert.equal(refused.outcome, 'refused', summary(refused));
      assert.match(refused.message, /owned by another field manager.*\.spec\.replicas by platform-team/s);
      const conflicted = refused.plan!.diff.objects.find((o) => o.kind === 'Deployment');
      assert.deepEqual(conflicted?.conflicts, [{ field: '.spec.replicas', manager: 'platform-team' }]);
      assert.equal(
        ((await bench.json(['get', 'deployment', 'frontend', '-n', bench.namespaces.prod])).spec as { replicas: number }).replicas,
        5,
      );
      assert.equal((await lastRecord(DIRECT))?.outcome, 'refused');

      const forced = await runDeploy(bench.request({ environment: DIRECT, kind: 'deploy', answers: { forceConflicts: true } }));
      assert.equal(forced.outcome, 'succeeded', summary(forced));
      assert.equal(
        ((await bench.json(['get', 'deployment', 'frontend', '-n', bench.namespaces.prod])).spec as { replicas: number }).replicas,
        3,
      );
      assert.deepEqual(forced.record?.overrides, ['force-conflicts']);
    });

    let unschedulable: string;
    it('a deploy that never becomes healthy times out with what is known (conditions, events), recorded', async function () {
      unschedulable = await bench.commit(
        'apps/overlays/production/deployment-patch.yaml',
        (text) =>
          text.replace(
            '    spec:\n      topologySpreadConstraints:',
            '    spec:\n      nodeSelector:\n        driftless.test/pool: none\n      topologySpreadConstraints:',
          ),
        'frontend: pin to the none pool',
      );
      const result = await runDeploy(bench.request({ environment: DIRECT, kind: 'deploy', timeoutMs: 15_000 }));
      assert.equal(result.outcome, 'timed-out', summary(result));
      assert.match(result.message, /Not rolled out within 15 s: Deployment frontend/);
      const known = result.known.join('\n');
      assert.match(known, /FailedScheduling|didn't match Pod's node affinity\/selector/, known);
      assert.match(known, /Progressing|Available/, known);
      assert.equal(result.record?.outcome, 'timed-out');
      assert.equal(result.record?.revision, unschedulable);
    });

    it('refuses while another deploy holds the Lease, and says who', async function () {
      const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
      const name = leaseNameOf(DIRECT);
      await bench.apply(
        `apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: ${name}, namespace: ${bench.namespaces.prod}}\nspec: {holderIdentity: "sam@ci-runner-7 (pid 42)", leaseDurationSeconds: 300, acquireTime: "${now}", renewTime: "${now}"}\n`,
      );
      try {
        const result = await runDeploy(bench.request({ environment: DIRECT, kind: 'deploy' }));
        assert.equal(result.outcome, 'refused', summary(result));
        assert.match(result.message, /Another deploy of apps\/overlays\/production is running \(sam@ci-runner-7 \(pid 42\)/);
        assert.equal(result.record?.outcome, 'refused');
      } finally {
        await bench.kubectl(['delete', 'lease', name, '-n', bench.namespaces.prod]);
      }
    });

    it('stops at the next safe point when its Lease is taken away, and says what was done', async function () {
      const name = leaseNameOf(DIRECT);
      const running = runDeploy(bench.request({ environment: DIRECT, kind: 'deploy', timeoutMs: 120_000 }));
      // Once it holds the Lease and waits for the rollout that cannot finish, someone takes the Lease over.
      await bench.waitFor('the deploy to hold its Lease', () =>
        bench.json(['get', 'lease', name, '-n', bench.namespaces.prod]).catch(() => undefined),
      );
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await bench.kubectl([
        'patch',
        'lease',
        name,
        '-n',
        bench.namespaces.prod,
        '--type=merge',
        '-p',
        '{"spec":{"holderIdentity":"someone-else"}}',
      ]);
      const result = await running;
      assert.equal(result.outcome, 'cancelled', summary(result));
      assert.match(result.message, /the deploy Lease was lost \(.*held by someone-else now\)/);
      assert.ok(result.steps.some((s) => s.step.startsWith('took the Lease') && s.status === 'done'));
      assert.equal(result.record?.outcome, 'cancelled');
      await bench.kubectl(['delete', 'lease', name, '-n', bench.namespaces.prod, '--ignore-not-found']);
    });

    it('a cancelled deploy stops at its next safe point, says what was done, and is recorded', async function () {
      const abort = new AbortController();
      const name = leaseNameOf(DIRECT);
      const running = runDeploy({ ...bench.request({ environment: DIRECT, kind: 'deploy', timeoutMs: 120_000 }), signal: abort.signal });
      await bench.waitFor('the deploy to hold its Lease', () =>
        bench.json(['get', 'lease', name, '-n', bench.namespaces.prod]).catch(() => undefined),
      );
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      abort.abort();
      const result = await running;
      assert.equal(result.outcome, 'cancelled', summary(result));
      assert.match(result.message, /^Stopped \(cancelled\)/);
      assert.ok(result.steps.some((s) => s.step.startsWith('took the Lease') && s.status === 'done'));
      assert.equal(result.record?.outcome, 'cancelled');
      // The Lease is released: the next deploy is not refused.
      const holder = await bench.json(['get', 'lease', name, '-n', bench.namespaces.prod]).catch(() => undefined);
      assert.ok(!holder || !(holder.spec as { holderIdentity?: string }).holderIdentity, JSON.stringify(holder));
    });

    it('rolls back with a new commit on the branch (history kept), applies it, and it rolls out', async function () {
      const before = (await bench.git('rev-parse', 'HEAD')).trim();
      const result = await runDeploy(bench.request({ environment: DIRECT, kind: 'rollback', to: deployed }));
      assert.equal(result.outcome, 'succeeded', summary(result));
      assert.equal(result.plan!.rollback!.to.commit, deployed);
      assert.deepEqual(result.plan!.rollback!.files, [{ path: 'apps/overlays/production/deployment-patch.yaml', action: 'restore' }]);
      assert.equal(result.commits.length, 1);
      const head = (await bench.git('rev-parse', 'HEAD')).trim();
      assert.equal(head, result.commits[0]!.commit);
      assert.equal((await bench.git('rev-parse', 'HEAD~1')).trim(), before, 'a new commit on top: nothing rewritten');
      assert.match(await bench.git('log', '-1', '--format=%B'), /Driftless-Rollback: apps\/overlays\/production [0-9a-f]{40}/);
      assert.ok(result.rollouts.every((r) => r.done));
      const spec = (await bench.json(['get', 'deployment', 'frontend', '-n', bench.namespaces.prod])).spec as {
        template: { spec: { nodeSelector?: unknown } };
      };
      assert.equal(spec.template.spec.nodeSelector, undefined);
      assert.equal(result.record?.kind, 'rollback');
      assert.equal(result.record?.to, deployed);
    });

    it('refuses a rollback target that no longer renders, and records the refusal', async function () {
      const broken = await bench.commit(
        'apps/overlays/production/kustomization.yaml',
        (text) => text.replace('  - ../../base\n', '  - ../../base\n  - gone.yaml\n'),
        'frontend: a resource that is not there',
      );
      await bench.commit('apps/overlays/production/kustomization.yaml', (text) => text.replace('  - gone.yaml\n', ''), 'frontend: fixed');
      const result = await runDeploy(bench.request({ environment: DIRECT, kind: 'rollback', to: broken.slice(0, 10) }));
      assert.equal(result.outcome, 'refused', summary(result));
      assert.match(result.message, new RegExp(`the rollback target ${broken.slice(0, 12)} no longer renders: .*gone\\.yaml`));
      assert.equal(result.commits.length, 0);
      assert.equal(result.record?.outcome, 'refused');
      void unschedulable;
    });
  });

  describe(`pull-request mode: ${PROTECTED} (Argo CD, protected)`, function () {
    let first: string;
    before(async function () {
      // Argo CD arrives: its Application, auto-synced to main, takes over the objects of the direct applies.
      await bench.apply(bench.controllerObjects('argocd/frontend-production.yaml', () => true));
      await bench.waitFor(
        'the Application to be synced',
        async () => {
          const status = (await bench.json(['get', 'application', PROTECTED, '-n', bench.namespaces.argocd])).status as
            { sync?: { status?: string; revision?: string }; operationState?: { phase?: string } } | undefined;
          return status?.operationState?.phase === 'Succeeded' && status.sync?.status === 'Synced' ? status.sync.revision : undefined;
        },
        120_000,
      );
      first = (await bench.git('rev-parse', 'HEAD')).trim();
    });

    it('refuses a direct apply of objects Argo CD manages (go through git)', async function () {
      const result = await runDeploy(bench.request({ environment: DIRECT, kind: 'deploy' }));
      assert.equal(result.outcome, 'refused', summary(result));
      assert.match(
        result.message,
        /managed by Argo CD Application .*change them through git, not by a direct apply the controller would undo/,
      );
    });

    it('refuses a protected environment until its name is typed', async function () {
      const none = await runDeploy(bench.request({ environment: PROTECTED, kind: 'deploy' }));
      assert.equal(none.outcome, 'refused', summary(none));
      assert.match(none.message, /frontend-production is protected \(production\): type its name to go on/);
      const wrong = await runDeploy(bench.request({ environment: PROTECTED, kind: 'deploy', answers: { confirm: 'frontend-prod' } }));
      assert.equal(wrong.outcome, 'refused');
      assert.match(wrong.message, /"frontend-prod" is not its name/);
      assert.equal(bench.forge.pulls.get('acme/fleet')?.length ?? 0, 0, 'no pull request was opened');
    });

    let change: string;
    let deployedMerge: string;
    it('pushes a branch, opens the pull request, follows it until merged, syncs the Application: drift zero', async function () {
      change = await bench.commit(
        'apps/overlays/production/kustomization.yaml',
        (text) => text.replace('newTag: 6.7.1', 'newTag: 6.7.2'),
        'frontend: podinfo 6.7.2 in production',
      );
      const { result, merged } = await deployAndMerge(
        bench.request({ environment: PROTECTED, kind: 'deploy', answers: { confirm: PROTECTED } }),
      );
      assert.equal(result.outcome, 'succeeded', summary(result));
      assert.equal(result.pullRequest?.number, merged.number);
      assert.equal(result.pullRequest?.merged, true);
      assert.equal(result.revision, merged.mergeCommit);
      deployedMerge = merged.mergeCommit;
      assert.equal(result.controller?.sync, 'Synced');
      assert.equal(result.controller?.health, 'Healthy');
      assert.equal(await image(bench.namespaces.prod), 'ghcr.io/stefanprodan/podinfo:6.7.2');
      assert.equal(result.drift?.drifted, 0, JSON.stringify(result.drift));
      assert.equal(result.drift?.missing, 0);
      const application = await bench.json(['get', 'application', PROTECTED, '-n', bench.namespaces.argocd]);
      const history = (application.status as { history: { revision: string; initiatedBy: { username?: string } }[] }).history;
      assert.ok(
        history.some((h) => h.revision === merged.mergeCommit && h.initiatedBy.username?.includes('Dana Developer')),
        JSON.stringify(history),
      );
      assert.equal((await recordsOn(merged.mergeCommit))[0]?.outcome, 'succeeded');
      void change;
    });

    it('rolls back through a new pull request restoring the inputs, then the sync', async function () {
      const { result, merged } = await deployAndMerge(
        bench.request({ environment: PROTECTED, kind: 'rollback', to: first, answers: { confirm: PROTECTED } }),
      );
      assert.equal(result.outcome, 'succeeded', summary(result));
      assert.match(merged.head, /^driftless\/rollback-/);
      assert.equal(result.commits.length, 1);
      assert.ok(
        result.plan!.rollback!.changes.some((c) => c.change === 'changed' && /Deployment/.test(c.id)),
        JSON.stringify(result.plan!.rollback!.changes),
      );
      assert.equal(await image(bench.namespaces.prod), 'ghcr.io/stefanprodan/podinfo:6.7.1');
      assert.equal(result.controller?.health, 'Healthy');
      // History kept: main holds the deploy's merge and the rollback's.
      await bench.git('fetch', '--quiet', 'origin');
      await bench.git('merge-base', '--is-ancestor', result.commits[0]!.commit, 'origin/main');
      assert.equal(result.record?.kind, 'rollback');
    });

    it('an immediate rollback names the auto-sync that would undo it, and suspends it when asked (with how to resume it)', async function () {
      const request = { environment: PROTECTED, kind: 'rollback' as const, to: deployedMerge, immediate: true };
      const refused = await runDeploy(bench.request({ ...request, answers: { confirm: PROTECTED } }));
      assert.equal(refused.outcome, 'refused', summary(refused));
      assert.match(refused.message, /syncs automatically \(syncPolicy\.automated\): it would undo a change made behind its back/);
      const result = await runDeploy(bench.request({ ...request, answers: { confirm: PROTECTED, suspendAutoSync: true } }));
      assert.equal(result.outcome, 'succeeded', summary(result));
      assert.deepEqual(result.commits, [], 'no new commit: git still says otherwise');
      assert.match(result.message, /Auto-sync of Argo CD Application .* is suspended: resume it/);
      assert.ok(result.suspended?.resume, JSON.stringify(result.suspended));
      const application = await bench.json(['get', 'application', PROTECTED, '-n', bench.namespaces.argocd]);
      assert.equal(((application.spec as { syncPolicy?: { automated?: unknown } }).syncPolicy ?? {}).automated ?? null, null);
      assert.equal(await image(bench.namespaces.prod), 'ghcr.io/stefanprodan/podinfo:6.7.2');
      assert.deepEqual(result.record?.overrides, ['suspend-auto-sync']);
    });
  });

  describe(`commit mode: ${FLUX} (Flux Kustomization)`, function () {
    let start: string;
    const level = async () => {
      const maps = await bench.json(['get', 'configmaps', '-n', bench.namespaces.staging]);
      const map = (maps.items as { metadata: { name: string }; data?: Record<string, string> }[]).find((m) =>
        m.metadata.name.startsWith('frontend-config'),
      );
      return map?.data?.PODINFO_LEVEL;
    };
    before(async function () {
      await bench.git('pull', '--quiet', '--ff-only', 'origin', 'main');
      await bench.apply(bench.controllerObjects('clusters/staging/flux-system/gotk-sync.yaml', (o) => o.kind === 'GitRepository'));
      await bench.apply(bench.controllerObjects('clusters/staging/apps.yaml', () => true));
      await bench.waitFor(
        'the Kustomization to be Ready',
        async () => {
          const status = (await bench.json(['get', 'kustomization', FLUX, '-n', bench.namespaces.flux])).status as
            { conditions?: { type: string; status: string }[]; lastAppliedRevision?: string } | undefined;
          return status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? status.lastAppliedRevision : undefined;
        },
        120_000,
      );
      start = (await bench.git('rev-parse', 'HEAD')).trim();
    });

    it('pushes to the branch Flux follows, reconciles the source then the Kustomization, Ready at the revision', async function () {
      const change = await bench.commit(
        'apps/overlays/staging/kustomization.yaml',
        (text) => text.replace('PODINFO_LEVEL=debug', 'PODINFO_LEVEL=info'),
        'frontend: less logging in staging',
      );
      const result = await runDeploy(bench.request({ environment: FLUX, kind: 'deploy' }));
      assert.equal(result.outcome, 'succeeded', summary(result));
      assert.deepEqual(result.push, { remote: 'origin', branch: 'main', commit: change });
      assert.equal((await gitAsync(bench.bare, 'rev-parse', 'main')).trim(), change);
      assert.equal(result.controller?.ready, 'True');
      assert.match(result.controller?.revision ?? '', new RegExp(`sha1:${change}$`));
      assert.equal(await level(), 'info');
      assert.equal(result.drift?.drifted, 0, JSON.stringify(result.drift));
      assert.equal((await recordsOn(change))[0]?.mode, 'commit');
    });

    it('a rejected push (someone pushed first) says so, leaves the local commit, and is recorded', async function () {
      const other = temporaryFolder('driftless-deploy-other-');
      const clone = await cloneOf(`${bench.forge.url}/acme/fleet.git`, join(other, 'fleet'));
      asUser(clone, 'Sam Someone');
      await gitAsync(clone, 'config', 'credential.helper', `!f() { echo username=x; echo password=${bench.forge.token}; }; f`);
      await gitAsync(clone, 'commit', '--quiet', '--allow-empty', '-m', 'someone else first');
      await gitAsync(clone, 'push', '--quiet', 'origin', 'main');
      const mine = await bench.commit(
        'apps/overlays/staging/kustomization.yaml',
        (text) => text.replace('PODINFO_LEVEL=info', 'PODINFO_LEVEL=warn'),
        'frontend: warn',
      );
      const result = await runDeploy(bench.request({ environment: FLUX, kind: 'deploy' }));
      assert.equal(result.outcome, 'failed', summary(result));
      assert.match(result.message, /git push to origin\/main was rejected/);
      assert.equal((await bench.git('rev-parse', 'HEAD')).trim(), mine, 'the local commit stays');
      assert.equal(result.record?.outcome, 'failed');
      assert.equal(await level(), 'info', 'nothing reached the cluster');
      // The way out the message gives: bring the other commit in, then deploy again (done by the rollback below).
      await bench.git('pull', '--quiet', '--no-rebase', '--no-edit', 'origin', 'main');
    });

    it('rolls back with a new commit pushed to the branch; Flux applies it', async function () {
      const result = await runDeploy(bench.request({ environment: FLUX, kind: 'rollback', to: start }));
      assert.equal(result.outcome, 'succeeded', summary(result));
      assert.equal(result.commits.length, 1);
      assert.equal((await gitAsync(bench.bare, 'rev-parse', 'main')).trim(), result.commits[0]!.commit);
      await gitAsync(bench.bare, 'merge-base', '--is-ancestor', start, 'main');
      assert.equal(await level(), 'debug');
      assert.equal(result.controller?.ready, 'True');
      assert.equal(result.record?.kind, 'rollback');
    });
  });
});
