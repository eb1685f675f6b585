// A direct apply (apply mode) against the real API server when things go wrong or go away: the connection to the API
// server cut halfway through the apply (an HTTP CONNECT proxy in the kubeconfig's proxy-url, cut as a network would
// be) — a clear message, exit 2, what was applied and what was not, a record saying so, the Lease left to expire
// (it cannot be released through a dead connection) and then taken over; and `--prune`: an object removed from git
// is listed in the plan one by one and deleted only when prune is asked for, and never an object the environment
// does not own.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { parseRecords } from '../../server/src/engine/deploy/deploy-record';
import { LEASE_SECONDS, leaseNameOf } from '../../server/src/node/deploy/deploy-lock';
import { EXIT_CODES, runDeploy, type DeployResult } from '../../server/src/node/deploy/deploy-run';
import { CuttableProxy } from '../helpers/cuttable-proxy';
import { skipWithReason } from '../helpers/skips';
import { testClusterOrSkip } from '../helpers/test-cluster';
import { DeployWorkbench } from './deploy-workbench';

const DIRECT = 'apps/overlays/production';
const SETTINGS = Array.from({ length: 12 }, (_, i) => `setting-${String(i + 1).padStart(2, '0')}`);

function summary(result: DeployResult): string {
  return JSON.stringify({ outcome: result.outcome, message: result.message, steps: result.steps, applied: result.applied }, null, 2);
}

describe('deploy faults in apply mode: a cluster lost halfway, and prune (real API server)', function () {
  this.timeout(10 * 60_000);
  let bench: DeployWorkbench;
  let proxy: CuttableProxy;

  const exists = async (kind: string, name: string) =>
    bench.kubectl(['get', kind, name, '-n', bench.namespaces.prod, '-o', 'name']).then(
      () => true,
      (error: Error) => (/NotFound/.test(error.message) ? false : Promise.reject(error)),
    );

  before(async function () {
    if ('missing' in kubernetesTools()) skipWithReason(this, `no kubectl here: ${(kubernetesTools() as { missing: string }).missing}`);
    const cluster = await testClusterOrSkip(this);
    bench = await DeployWorkbench.create(cluster, `dflt${process.pid}`);
    await bench.bootstrap();
    proxy = new CuttableProxy();
    // Twelve more objects in the environment, so that a cut halfway leaves some applied and some not.
    writeFileSync(
      join(bench.repo, 'apps/overlays/production/settings.yaml'),
      SETTINGS.map((name) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${name}"\n`).join('---\n'),
    );
    await bench.git('add', '--', 'apps/overlays/production/settings.yaml');
    await bench.commit(
      'apps/overlays/production/kustomization.yaml',
      (text) => text.replace('  - ../../base\n', '  - ../../base\n  - settings.yaml\n'),
      'frontend: settings',
    );
  });

  after(async function () {
    proxy?.close();
    if (bench) await bench.cleanup();
  });

  it('the API server lost halfway through the apply: exit 2, what was applied and what not, recorded, the Lease left to expire', async function () {
    const kubeconfig = bench.kubeconfigThrough(await proxy.listen());
    const result = await runDeploy({
      ...bench.request({ environment: DIRECT, kind: 'deploy', kubeconfig, requestTimeoutMs: 10_000 }),
      // The network goes the moment the fifth object is about to be applied.
      progress: (message) => {
        if (/^applying 5\//.test(message)) {
          proxy.refusing = true;
          proxy.cut();
        }
      },
    });
    assert.equal(result.outcome, 'failed', summary(result));
    assert.equal(EXIT_CODES[result.outcome], 2);
    const total = result.applied.length;
    assert.ok(total >= 5 + SETTINGS.length, summary(result));
    assert.deepEqual(
      result.applied.map((o) => o.action),
      [...Array<string>(4).fill('created'), 'failed', ...Array<string>(total - 5).fill('not-tried')],
      summary(result),
    );
    const failed = result.applied[4]!;
    assert.match(
      result.message,
      new RegExp(
        `^The apply stopped: ${failed.kind} ${failed.namespace}/${failed.name} failed: .+\\. 4 of ${total} objects were applied \\(4 created, 0 configured, 0 unchanged\\); 1 failed; ${total - 5} not tried\\.$`,
      ),
    );
    assert.match(failed.error ?? '', /reach|connect|ECONNRESET|socket|closed/i, failed.error);
    assert.doesNotMatch(JSON.stringify(result), /\\n\s+at /, 'no stack trace');
    assert.ok(
      result.steps.some((s) => s.step === 'server-side apply' && s.status === 'failed'),
      summary(result),
    );
    // The cluster is as the result says: the four are there, the rest are not.
    for (const object of result.applied.slice(0, 4)) assert.ok(await exists(object.kind, object.name), `${object.kind} ${object.name}`);
    for (const object of result.applied.slice(4))
      assert.equal(await exists(object.kind, object.name), false, `${object.kind} ${object.name}`);
    // Recorded (git note on the commit, pushed to the remote), saying what happened.
    assert.equal(result.record?.outcome, 'failed');
    assert.equal(result.record?.pushed, true, JSON.stringify(result.record));
    const [record] = parseRecords(await bench.git('notes', '--ref=refs/notes/driftless', 'show', 'HEAD'));
    assert.equal(record?.outcome, 'failed');
    assert.match(record?.message ?? '', /^The apply stopped: .* 4 of \d+ objects were applied/);
    // The Lease could not be given back through a dead connection: it is left to expire.
    const lease = (await bench.json(['get', 'lease', leaseNameOf(DIRECT), '-n', bench.namespaces.prod])).spec as {
      holderIdentity: string;
      leaseDurationSeconds: number;
    };
    assert.match(lease.holderIdentity, new RegExp(`\\(pid ${process.pid}\\)`));
    assert.equal(lease.leaseDurationSeconds, LEASE_SECONDS);
  });

  it('the next deploy waits for that Lease to expire, then applies everything', async function () {
    proxy.refusing = false;
    const refused = await runDeploy(bench.request({ environment: DIRECT, kind: 'deploy' }));
    assert.equal(refused.outcome, 'refused', summary(refused));
    assert.match(refused.message, /Another deploy of apps\/overlays\/production is running/);
    const result = await bench.waitFor(
      'the Lease to expire and the deploy to go through',
      async () => {
        const tried = await runDeploy(bench.request({ environment: DIRECT, kind: 'deploy' }));
        return tried.outcome === 'refused' ? undefined : tried;
      },
      (LEASE_SECONDS + 60) * 1000,
    );
    assert.equal(result.outcome, 'succeeded', summary(result));
    for (const name of SETTINGS) assert.ok(await exists('configmap', name), name);
  });

  it('--prune: what git no longer declares is listed one by one, deleted only when asked, and nothing the environment does not own', async function () {
    // Someone else's ConfigMap in the same namespace, without the environment's labels.
    await bench.apply(
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: someone-elses, namespace: ${bench.namespaces.prod}}\ndata: {a: b}\n`,
      'platform-team',
    );
    await bench.commit(
      'apps/overlays/production/kustomization.yaml',
      (text) => text.replace('  - settings.yaml\n', ''),
      'frontend: no settings any more',
    );
    const planned = await runDeploy({ ...bench.request({ environment: DIRECT, kind: 'deploy' }), dryRun: true });
    assert.equal(planned.outcome, 'planned', summary(planned));
    const listed = planned.plan!.prune.objects.map((o) => `${o.kind} ${o.name}`);
    for (const name of SETTINGS) assert.ok(listed.includes(`ConfigMap ${name}`), `${name} in ${listed.join(', ')}`);
    assert.ok(!listed.includes('ConfigMap someone-elses'), listed.join(', '));
    assert.equal(planned.plan!.prune.enabled, false);

    const kept = await runDeploy(bench.request({ environment: DIRECT, kind: 'deploy' }));
    assert.equal(kept.outcome, 'succeeded', summary(kept));
    assert.ok(!kept.applied.some((o) => o.action === 'pruned'), summary(kept));
    for (const name of SETTINGS) assert.ok(await exists('configmap', name), `${name} is kept without --prune`);

    const pruned = await runDeploy(bench.request({ environment: DIRECT, kind: 'deploy', prune: true }));
    assert.equal(pruned.outcome, 'succeeded', summary(pruned));
    assert.equal(pruned.plan!.prune.enabled, true);
    const deleted = pruned.applied.filter((o) => o.action === 'pruned').map((o) => o.name);
    for (const name of SETTINGS) assert.ok(deleted.includes(name), `${name} pruned: ${deleted.join(', ')}`);
    assert.ok(
      pruned.steps.some((s) => s.step === 'prune' && s.status === 'done'),
      summary(pruned),
    );
    for (const name of SETTINGS) assert.equal(await exists('configmap', name), false, `${name} is deleted`);
    assert.ok(await exists('configmap', 'someone-elses'), 'someone else’s ConfigMap is left alone');
    assert.ok(await exists('deployment', 'frontend'), 'what git declares stays');
    assert.equal(pruned.drift?.extra, 0, JSON.stringify(pruned.drift));
  });
});
