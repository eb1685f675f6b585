// driftless/drift over the protocol against a real API server, as the Drift view will ask it: one environment's
// objects with their differences, each with the manager's operation and subresource, both compared sides when asked
// (Secret values masked), the requests sent; the server's KUBECONFIG is the one VS Code was started with.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { DriftRequest, type DriftResult } from '../../server/src/protocol';
import { skipWithReason } from '../helpers/skips';
import { testClusterOrSkip, type TestCluster } from '../helpers/test-cluster';
import { FixtureWorkspace, ServerSession } from '../lsp/harness';

describe('LSP: driftless/drift against a real API server', function () {
  let cluster: TestCluster;
  let kubectlPath: string;
  let workspace: FixtureWorkspace;
  let server: ServerSession;
  const namespace = `drift-lsp-${process.pid}`;

  const kubectl = (args: string[], input = ''): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = spawn(kubectlPath, ['--kubeconfig', cluster.kubeconfigPath, '--context', cluster.adminContext, ...args], {
        env: { PATH: process.env.PATH ?? '', HOME: workspace.dir },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`))));
      child.stdin.end(input);
    });

  before(async function () {
    const tools = kubernetesTools();
    if ('missing' in tools) {
      skipWithReason(this, tools.missing);
    }
    kubectlPath = tools.kubectl;
    cluster = await testClusterOrSkip(this);
    this.timeout(120_000);
    const objects = `apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ${namespace}, labels: {team: shop}}
data: {level: "1"}
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: ${namespace}, labels: {team: shop}}
stringData: {password: lsp-secret-in-git}
`;
    workspace = FixtureWorkspace.create({
      '.driftless.yaml': `environments:\n  - name: shop\n    source: {directory: shop}\n    cluster: {context: ${cluster.adminContext}, namespace: ${namespace}}\n`,
      'shop/objects.yaml': objects,
    });
    await kubectl(['create', 'namespace', namespace]);
    await kubectl(['apply', '--server-side', '-f', '-'], objects);
    await kubectl(['patch', '-n', namespace, 'configmap', 'settings', '-p', '{"data":{"level":"9"}}']);
    await kubectl(['patch', '-n', namespace, 'secret', 'db', '-p', '{"stringData":{"password":"lsp-secret-patched"}}']);
    const previous = process.env.KUBECONFIG;
    process.env.KUBECONFIG = cluster.kubeconfigPath;
    try {
      server = await ServerSession.start(workspace);
    } finally {
      if (previous === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = previous;
    }
    await server.settled();
  });

  after(async function () {
    this.timeout(60_000);
    await server?.stop();
    if (cluster) await kubectl(['delete', 'namespace', namespace, '--wait=false']).catch(() => undefined);
    workspace?.dispose();
  });

  it('answers the environment’s drift with each change’s details and both sides, Secret values masked', async function () {
    this.timeout(60_000);
    const result: DriftResult = await server.lsp.request(DriftRequest.type, { environment: 'shop', documents: true });
    assert.ok('objects' in result, JSON.stringify(result));
    assert.equal(result.context, cluster.adminContext);
    assert.deepEqual(result.summary, { inSync: 0, drifted: 2, missing: 0, extra: 0, unknown: 0 });
    const settings = result.objects.find((o) => o.name === 'settings')!;
    assert.deepEqual(settings.differences, [
      {
        path: '/data/level',
        desired: '1',
        live: '9',
        manager: 'kubectl-patch',
        change: { operation: 'Update', time: settings.differences[0]!.change!.time },
      },
    ]);
    assert.equal(settings.comparedBy, 'dry-run');
    assert.equal((settings.liveObject?.data as Record<string, string>).level, '9');
    const secret = result.objects.find((o) => o.name === 'db')!;
    assert.deepEqual(secret.liveObject?.data, { password: '***' });
    assert.ok(!JSON.stringify(result).includes('lsp-secret'), 'a Secret value is in the answer');
    assert.ok(result.requests > 2);
  });
});
