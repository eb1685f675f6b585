// Deploying and rolling back a Flux HelmRelease environment (commit mode) against the real API server: the sample's
// backend chart released from the GitRepository by the Flux test controller playing helm-controller (the real `helm
// template`, applied as `helm-controller`, the HelmRelease's status validated by the real CRD). The deploy pushes a
// change of the chart, reconciles the chart's source then the HelmRelease (as `flux reconcile helmrelease
// --with-source`), and waits for Ready; a change of the HelmRelease's own values goes through the Kustomization that
// applies it first; the rollback makes a new commit restoring both and goes the same way.
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { runDeploy, type DeployResult } from '../../server/src/node/deploy/deploy-run';
import { gitAsync } from '../delivery/repositories';
import { skipWithReason } from '../helpers/skips';
import { testClusterOrSkip } from '../helpers/test-cluster';
import { DeployWorkbench } from './deploy-workbench';

const ENV = 'backend';
const RELEASE_FILE = 'clusters/staging/releases/backend.yaml';
const CHART_VALUES = 'charts/backend/values.yaml';

function summary(result: DeployResult): string {
  return JSON.stringify({ outcome: result.outcome, message: result.message, steps: result.steps, known: result.known }, null, 2);
}

interface ReleaseStatus {
  conditions?: { type: string; status: string; reason: string; message: string }[];
  history?: { version: number; status: string; chartName: string; chartVersion: string; configDigest: string }[];
  lastAttemptedRevision?: string;
  lastAttemptedReleaseAction?: string;
  lastHandledReconcileAt?: string;
}

describe('deploy and roll back a Flux HelmRelease environment (real API server, helm-controller played)', function () {
  this.timeout(10 * 60_000);
  let bench: DeployWorkbench;
  let start: string;

  const release = async () => (await bench.json(['get', 'helmrelease', 'backend', '-n', bench.namespaces.staging])).status as ReleaseStatus;
  const level = async () => {
    const deployment = await bench.json(['get', 'deployment', 'backend', '-n', bench.namespaces.staging]);
    const command = (deployment.spec as { template: { spec: { containers: { command?: string[] }[] } } }).template.spec.containers[0]!
      .command;
    return command?.find((a) => a.startsWith('--level='));
  };
  const image = async () => {
    const deployment = await bench.json(['get', 'deployment', 'backend', '-n', bench.namespaces.staging]);
    return (deployment.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image;
  };

  before(async function () {
    if ('missing' in kubernetesTools()) skipWithReason(this, `no kubectl here: ${(kubernetesTools() as { missing: string }).missing}`);
    const cluster = await testClusterOrSkip(this);
    bench = await DeployWorkbench.create(cluster, `dhr${process.pid}`);
    await bench.bootstrap();
    const n = bench.namespaces;
    // The backend chart released from the repository itself (helm-controller makes a HelmChart from the GitRepository).
    mkdirSync(join(bench.repo, 'clusters/staging/releases'));
    writeFileSync(
      join(bench.repo, RELEASE_FILE),
      `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: backend
  namespace: ${n.staging}
spec:
  interval: 30m
  releaseName: backend
  chart:
    spec:
      chart: ./charts/backend
      reconcileStrategy: Revision
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: ${n.flux}
  values:
    replicaCount: 1
    logLevel: debug
`,
    );
    await bench.commit(
      '.driftless.yaml',
      () =>
        bench.config(`  - name: ${ENV}
    cluster: {context: staging-eu, namespace: ${n.staging}, server: ${cluster.server}}
    delivery: {mode: commit, branch: main}
`),
      'backend: released by Flux from this repository',
    );
    // The sample's HelmRelease (from a chart repository, which cannot be reached here) gives way to this one.
    await bench.git('rm', '--quiet', '--', 'clusters/staging/backend.yaml');
    await bench.git('add', '--', RELEASE_FILE);
    await bench.git('commit', '--quiet', '-m', 'backend: the chart from the GitRepository');
    await bench.git('push', '--quiet', 'origin', 'main');
    await bench.apply(bench.controllerObjects('clusters/staging/flux-system/gotk-sync.yaml', (o) => o.kind === 'GitRepository'));
    // The HelmRelease itself comes from git through a Kustomization, as a bootstrap's flux-system applies it.
    await bench.apply(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: releases, namespace: ${n.flux}}
spec:
  interval: 10m
  path: ./clusters/staging/releases
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
`);
    await bench.waitFor(
      'the HelmRelease to be Ready',
      async () => (await release().catch(() => undefined))?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      120_000,
    );
    start = (await bench.git('rev-parse', 'HEAD')).trim();
  });

  after(async function () {
    if (!bench) return;
    const errors = bench.controllers?.errors() ?? [];
    await bench.cleanup();
    assert.deepEqual(errors, [], 'the test controllers met no error (every status the API server took)');
  });

  it('installed by the helm-controller stand-in as helm-controller v2 reports it', async function () {
    const status = await release();
    assert.equal(status.lastAttemptedReleaseAction, 'install');
    // reconcileStrategy Revision: the chart's version carries the commit.
    const chartVersion = `0.3.0+${start.slice(0, 12)}`;
    assert.equal(status.lastAttemptedRevision, chartVersion);
    assert.deepEqual(
      status.history?.map((h) => [h.version, h.status, h.chartName, h.chartVersion]),
      [[1, 'deployed', 'backend', chartVersion]],
    );
    assert.equal(
      status.conditions?.find((c) => c.type === 'Ready')?.message,
      `Helm install succeeded for release ${bench.namespaces.staging}/backend.v1 with chart backend@${chartVersion}`,
    );
    assert.equal(await image(), 'ghcr.io/stefanprodan/podinfo:6.7.0');
  });

  it('deploys a change of the chart: pushed, the source then the HelmRelease reconciled, Ready, upgraded', async function () {
    const change = await bench.commit(CHART_VALUES, (text) => text.replace('  tag: ""', '  tag: "6.7.1"'), 'backend: podinfo 6.7.1');
    const result = await runDeploy(bench.request({ environment: ENV, kind: 'deploy' }));
    assert.equal(result.outcome, 'succeeded', summary(result));
    assert.deepEqual(result.push, { remote: 'origin', branch: 'main', commit: change });
    assert.equal((await gitAsync(bench.bare, 'rev-parse', 'main')).trim(), change);
    assert.match(result.controller?.name ?? '', /Flux HelmRelease/);
    assert.equal(result.controller?.ready, 'True');
    assert.equal(await image(), 'ghcr.io/stefanprodan/podinfo:6.7.1');
    const status = await release();
    assert.equal(status.lastAttemptedReleaseAction, 'upgrade');
    assert.deepEqual(
      status.history?.map((h) => [h.version, h.status]),
      [
        [2, 'deployed'],
        [1, 'superseded'],
      ],
    );
    // The chart's source was asked first (--with-source): the GitRepository handled a request and has the commit.
    const source = (await bench.json(['get', 'gitrepository', 'flux-system', '-n', bench.namespaces.flux])).status as {
      lastHandledReconcileAt?: string;
      artifact?: { revision?: string };
    };
    assert.ok(source.lastHandledReconcileAt, JSON.stringify(source));
    assert.match(source.artifact?.revision ?? '', new RegExp(`sha1:${change}$`));
    assert.equal(result.drift?.drifted, 0, JSON.stringify(result.drift));
    assert.equal(result.record?.mode, 'commit');
  });

  it("deploys a change of the HelmRelease's own values: its parent Kustomization applies it first", async function () {
    const change = await bench.commit(RELEASE_FILE, (text) => text.replace('logLevel: debug', 'logLevel: warn'), 'backend: less logging');
    const result = await runDeploy(bench.request({ environment: ENV, kind: 'deploy' }));
    assert.equal(result.outcome, 'succeeded', summary(result));
    assert.equal(result.push?.commit, change);
    assert.equal(await level(), '--level=warn');
    const parent = (await bench.json(['get', 'kustomization', 'releases', '-n', bench.namespaces.flux])).status as {
      lastAppliedRevision?: string;
      lastHandledReconcileAt?: string;
    };
    assert.match(parent.lastAppliedRevision ?? '', new RegExp(`sha1:${change}$`));
    // Asked by the deploy (not only moved by the source): it applied before the HelmRelease was judged.
    assert.ok(parent.lastHandledReconcileAt, JSON.stringify(parent));
    // A new release at least (the new commit is a new chart version too: helm-controller may release twice).
    assert.ok((await release()).history![0]!.version >= 3, JSON.stringify((await release()).history));
  });

  it('rolls back with a new commit restoring the chart and the values; the HelmRelease upgrades to them', async function () {
    const result = await runDeploy(bench.request({ environment: ENV, kind: 'rollback', to: start }));
    assert.equal(result.outcome, 'succeeded', summary(result));
    assert.equal(result.commits.length, 1);
    assert.deepEqual(result.plan!.rollback!.files.map((f) => f.path).sort(), [CHART_VALUES, RELEASE_FILE]);
    assert.equal((await gitAsync(bench.bare, 'rev-parse', 'main')).trim(), result.commits[0]!.commit);
    await gitAsync(bench.bare, 'merge-base', '--is-ancestor', start, 'main');
    assert.equal(await image(), 'ghcr.io/stefanprodan/podinfo:6.7.0');
    assert.equal(await level(), '--level=debug');
    const status = await release();
    assert.ok(status.history![0]!.version >= 4, JSON.stringify(status.history));
    assert.equal(status.history![0]!.status, 'deployed');
    assert.equal(result.controller?.ready, 'True');
    assert.equal(result.record?.kind, 'rollback');
  });
});
