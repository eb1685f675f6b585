// `driftless deploy` through argocd-server's REST API (an environment whose controller names the server's URL), as a
// process against the real API server: the argocd-server stand-in (test/controllers) checks the bearer token and sets
// the Application's operation, the Argo CD test controller syncs it. The token comes from ARGOCD_AUTH_TOKEN. A
// missing or expired token (401) and a token without the right to sync (403) end with the driver's message and exit
// 2, the token never printed; so does a server that cannot be reached. Every request the driver made and every answer
// the stand-in gave is checked against Argo CD's OpenAPI description.
import { strict as assert } from 'node:assert';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { DeployWorkbench } from '../cluster/deploy-workbench';
import { assertArgoCdExchangesConform } from '../controllers/argocd-server-openapi';
import { ArgoCdServerStandIn } from '../controllers/argocd-server-stand-in';
import { gitAsync } from '../delivery/repositories';
import { skipWithReason } from '../helpers/skips';
import { testClusterOrSkip } from '../helpers/test-cluster';

const ENV = 'frontend-production';
const TOKENS = {
  ci: 'ci-token-7f3a9c1e5b',
  expired: 'expired-token-2b8d4f6a0c',
  viewer: 'viewer-token-9e1c3a5b7d',
};

describe('CLI: driftless deploy through argocd-server (REST API, bearer token)', function () {
  this.timeout(6 * 60_000);
  let bench: DeployWorkbench;
  let argocd: ArgoCdServerStandIn;

  const deploy = (token?: string) =>
    bench.cli(
      ['deploy', '--env', ENV, '--confirm', ENV, '--timeout', '120', '--format', 'json'],
      token ? { ARGOCD_AUTH_TOKEN: token } : {},
    );
  const image = async () => {
    const deployment = await bench.json(['get', 'deployment', 'frontend', '-n', bench.namespaces.prod]);
    return (deployment.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image;
  };
  const remoteMain = async () => (await gitAsync(bench.bare, 'rev-parse', 'main')).trim();
  const noToken = (text: string) => {
    for (const token of Object.values(TOKENS)) assert.ok(!text.includes(token), 'a token was printed');
  };

  before(async function () {
    if ('missing' in kubernetesTools()) skipWithReason(this, `no kubectl here: ${(kubernetesTools() as { missing: string }).missing}`);
    const cluster = await testClusterOrSkip(this);
    bench = await DeployWorkbench.create(cluster, `dargo${process.pid}`);
    await bench.bootstrap();
    argocd = await new ArgoCdServerStandIn(bench.kubeconfig, cluster.adminContext, bench.namespaces.argocd, {
      [TOKENS.ci]: { account: 'ci-deployer', canSync: true },
      [TOKENS.expired]: { account: 'ci-deployer', canSync: true, expired: true },
      [TOKENS.viewer]: { account: 'viewer', canSync: false },
    }).start();
    // frontend-production delivered by commit, its Application synced through argocd-server.
    const config = bench
      .config()
      .replace(
        'delivery: {mode: pull-request, branch: main}',
        `delivery: {mode: commit, branch: main}\n    controller: {argocd: {application: ${ENV}, namespace: ${bench.namespaces.argocd}, server: ${argocd.url}}}`,
      );
    await bench.commit('.driftless.yaml', () => config, 'frontend-production: synced through argocd-server');
    await bench.git('push', '--quiet', 'origin', 'main');
    await bench.apply(bench.controllerObjects('argocd/frontend-production.yaml', () => true));
    await bench.waitFor(
      'the Application to be synced',
      async () => {
        const status = (await bench.json(['get', 'application', ENV, '-n', bench.namespaces.argocd])).status as
          { sync?: { status?: string }; operationState?: { phase?: string } } | undefined;
        return status?.operationState?.phase === 'Succeeded' && status.sync?.status === 'Synced';
      },
      120_000,
    );
  });

  after(async function () {
    if (!bench) return;
    await argocd?.stop();
    const errors = bench.controllers?.errors() ?? [];
    await bench.cleanup();
    assert.deepEqual(errors, [], 'the test controllers met no error');
    if (argocd) assertArgoCdExchangesConform(argocd.requests);
  });

  it('without a token: exit 2, says how to give one, nothing pushed', async function () {
    const before = await remoteMain();
    await bench.commit(
      'apps/overlays/production/kustomization.yaml',
      (text) => text.replace('newTag: 6.7.1', 'newTag: 6.7.2'),
      'podinfo 6.7.2',
    );
    const run = await deploy();
    assert.equal(run.code, 2, run.stdout + run.stderr);
    const result = JSON.parse(run.stdout) as { outcome: string; message: string; steps: unknown[] };
    assert.equal(result.outcome, 'failed');
    assert.match(
      result.message,
      new RegExp(`argocd-server at ${argocd.url} needs a token \\(401: no session information\\): set ARGOCD_AUTH_TOKEN`),
    );
    assert.deepEqual(result.steps, []);
    assert.equal(await remoteMain(), before, 'nothing was pushed');
    const text = await bench.cli(['deploy', '--env', ENV, '--confirm', ENV]);
    assert.equal(text.code, 2);
    assert.match(text.stderr, /^driftless: argocd-server at .* needs a token \(401/m);
    assert.doesNotMatch(text.stderr, /\n\s+at /, 'no stack trace');
  });

  it('an expired token (401): exit 2, the driver says it is expired, the token is not printed, nothing pushed', async function () {
    const before = await remoteMain();
    const run = await deploy(TOKENS.expired);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    const result = JSON.parse(run.stdout) as { outcome: string; message: string };
    assert.equal(result.outcome, 'failed');
    assert.match(
      result.message,
      /refused the token \(401: invalid session: token has invalid claims: token is expired\): it is expired or revoked — make a new one with argocd account generate-token/,
    );
    noToken(run.stdout + run.stderr);
    assert.equal(await remoteMain(), before, 'nothing was pushed');
  });

  it('deploys through the REST API with ARGOCD_AUTH_TOKEN: exit 0, synced by the token account, Healthy', async function () {
    const head = (await bench.git('rev-parse', 'HEAD')).trim();
    const asked = argocd.requests.length;
    const run = await deploy(TOKENS.ci);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    noToken(run.stdout + run.stderr);
    const result = JSON.parse(run.stdout) as {
      outcome: string;
      push?: { commit: string };
      controller?: { name: string; sync?: string; health?: string };
      record?: { outcome: string };
    };
    assert.equal(result.outcome, 'succeeded', run.stdout);
    assert.equal(result.push?.commit, head);
    assert.match(result.controller?.name ?? '', new RegExp(`through ${argocd.url.replace(/[.]/g, '\\.')}`));
    assert.equal(result.controller?.sync, 'Synced');
    assert.equal(result.controller?.health, 'Healthy');
    assert.equal(await image(), 'ghcr.io/stefanprodan/podinfo:6.7.2');
    // The sync went through the stand-in, with the token, and the Application says who asked.
    const asks = argocd.requests.slice(asked).filter((r) => r.method === 'POST' && r.operation.endsWith('/sync'));
    // An auto-sync of the push may have started first: argocd-server then refuses (400), and the driver asks again.
    const syncs = asks.filter((r) => r.reply.status === 200);
    assert.equal(syncs.length, 1, JSON.stringify(argocd.requests.slice(asked).map((r) => `${r.method} ${r.path} ${r.reply.status}`)));
    for (const refused of asks.filter((r) => r.reply.status !== 200))
      assert.match(JSON.stringify(refused.reply.body), /another operation is already in progress/);
    assert.equal(syncs[0]!.authorization, `Bearer ${TOKENS.ci}`);
    assert.deepEqual((syncs[0]!.body as { revision: string }).revision, head);
    const application = await bench.json(['get', 'application', ENV, '-n', bench.namespaces.argocd]);
    const history = (application.status as { history: { revision: string; initiatedBy: { username?: string } }[] }).history;
    assert.ok(
      history.some((h) => h.revision === head && h.initiatedBy.username === 'ci-deployer'),
      JSON.stringify(history),
    );
    assert.equal(result.record?.outcome, 'succeeded');
  });

  it('a token that may not sync (403): exit 2, the driver says so, recorded as failed', async function () {
    const change = await bench.commit(
      'apps/overlays/production/kustomization.yaml',
      (text) => text.replace('newTag: 6.7.2', 'newTag: 6.7.3'),
      'podinfo 6.7.3',
    );
    const run = await deploy(TOKENS.viewer);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    noToken(run.stdout + run.stderr);
    const result = JSON.parse(run.stdout) as { outcome: string; message: string; record?: { outcome: string }; push?: { commit: string } };
    assert.equal(result.outcome, 'failed');
    assert.match(
      result.message,
      /argocd-server does not let this token sync frontend-production \(403: permission denied: applications, sync, shop\/frontend-production, sub: viewer/,
    );
    // The commit was pushed (the way an Argo CD deploy goes), the sync was refused: both said.
    assert.equal(result.push?.commit, change);
    assert.equal(result.record?.outcome, 'failed');
  });

  it('an argocd-server that cannot be reached: exit 2, a clear message, no stack trace', async function () {
    await argocd.stop();
    const run = await bench.cli(['deploy', '--env', ENV, '--confirm', ENV], { ARGOCD_AUTH_TOKEN: TOKENS.ci });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(
      run.stderr,
      new RegExp(`^driftless: argocd-server at ${argocd.url.replace(/[.]/g, '\\.')} cannot be reached \\(ECONNREFUSED\\)`, 'm'),
    );
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    noToken(run.stdout + run.stderr);
  });
});
