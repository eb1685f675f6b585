// The Drift view's live updates against a real API server: an environment's listed scopes watched from their list's
// resourceVersion (node/drift/drift-watches), through an HTTP CONNECT proxy that can cut every connection, as a
// network does. A change to an object git declares is told; a watch that drops is seen (its response closes without
// ending), the scope is listed again once the server can be reached, and what changed meanwhile is told; stopped,
// nothing is watched any more.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { ClusterClient } from '../../server/src/node/cluster/cluster-client';
import { ClusterConnections } from '../../server/src/node/cluster/cluster-connections';
import { Discovery } from '../../server/src/node/cluster/discovery';
import { loadKubeconfig } from '../../server/src/node/cluster/kubeconfig';
import { listScopes } from '../../server/src/node/cluster/live-objects';
import { DriftWatches } from '../../server/src/node/drift/drift-watches';
import { CuttableProxy } from '../helpers/cuttable-proxy';
import { skipWithReason } from '../helpers/skips';
import { temporaryFolder } from '../helpers/temporary-folders';
import { testClusterOrSkip, type TestCluster } from '../helpers/test-cluster';

describe('the Drift view’s watches against a real API server', function () {
  let cluster: TestCluster;
  let kubectlPath: string;
  let proxy: CuttableProxy;
  let connections: ClusterConnections;
  let client: ClusterClient;
  let home: string;
  /** Every request the client sent (method and path), in order. */
  const requests: string[] = [];
  const namespace = `drift-watch-${process.pid}`;

  const kubectl = (...args: string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = spawn(kubectlPath, ['--kubeconfig', cluster.kubeconfigPath, '--context', cluster.adminContext, ...args], {
        env: { PATH: process.env.PATH ?? '', HOME: home },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`))));
    });

  /** Resolves once what `read` gives holds an entry `accept` accepts; rejects after 30 s with what it held. */
  const until = async (read: () => readonly string[], accept: (entry: string) => boolean, what: string) => {
    for (let waited = 0; !read().some(accept); waited += 50) {
      if (waited > 30_000) throw new Error(`nothing about ${what} within 30 s; got: ${JSON.stringify(read())}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  /** The watches of this test, following the namespace's ConfigMaps (`settings` is git's) from a LIST of them. */
  const watching = async (told: string[]): Promise<DriftWatches> => {
    const discovery = await Discovery.load(client);
    if (!(discovery instanceof Discovery)) assert.fail(discovery.message);
    const resource = discovery.anyVersionOf('', 'ConfigMap')!;
    const listed = await listScopes(client, [{ resource, namespace }]);
    assert.equal(listed.listed.length, 1);
    const watches = new DriftWatches((_key, reason) => told.push(reason), { debounceMs: 50, pauseMs: 200, maxPauseMs: 1000 });
    watches.listed('shop', {
      client,
      scopes: listed.listed,
      objects: listed.objects,
      relevant: (object) => (object.metadata as { name?: string } | undefined)?.name === 'settings',
    });
    watches.watchOnly(['shop']);
    return watches;
  };

  before(async function () {
    const tools = kubernetesTools();
    if ('missing' in tools) skipWithReason(this, tools.missing);
    kubectlPath = tools.kubectl;
    cluster = await testClusterOrSkip(this);
    this.timeout(120_000);
    home = temporaryFolder('driftless-drift-watch-');
    await kubectl('create', 'namespace', namespace);
    await kubectl('-n', namespace, 'create', 'configmap', 'settings', '--from-literal=level=1');
    await kubectl('-n', namespace, 'create', 'configmap', 'other', '--from-literal=level=1');
    proxy = new CuttableProxy();
    const proxyUrl = await proxy.listen();
    // The cluster's kubeconfig with its cluster reached through the proxy.
    const config = parse(readFileSync(cluster.kubeconfigPath, 'utf8')) as {
      contexts: { name: string; context: { cluster: string } }[];
      clusters: { name: string; cluster: Record<string, unknown> }[];
    };
    const own = config.contexts.find((c) => c.name === cluster.adminContext)!;
    for (const entry of config.clusters) if (entry.name === own.context.cluster) entry.cluster['proxy-url'] = proxyUrl;
    const kubeconfig = join(home, 'kubeconfig');
    writeFileSync(kubeconfig, stringify(config));
    const loaded = loadKubeconfig({ kubeconfig, env: {}, cwd: home });
    assert.ok(!('error' in loaded), JSON.stringify(loaded));
    connections = new ClusterConnections({ timeoutMs: 10_000, log: (method, path) => requests.push(`${method} ${path}`) });
    const connected = await connections.connect(loaded, cluster.adminContext);
    if (!(connected instanceof ClusterClient)) assert.fail(connected.message);
    client = connected;
  });

  after(async function () {
    this.timeout(60_000);
    connections?.closeAll();
    proxy?.close();
    if (cluster) await kubectl('delete', 'namespace', namespace, '--wait=false').catch(() => undefined);
  });

  it('tells a change of an object git declares, through the watch', async function () {
    this.timeout(60_000);
    const told: string[] = [];
    const watches = await watching(told);
    try {
      assert.equal(watches.watchCount, 1);
      await kubectl('-n', namespace, 'patch', 'configmap', 'settings', '-p', '{"data":{"level":"2"}}');
      await until(
        () => told,
        (reason) => reason === 'ConfigMap settings changed',
        'the patch',
      );
    } finally {
      watches.stopAll();
    }
    assert.equal(watches.watchCount, 0);
  });

  it('sees a dropped watch, lists again once the server answers, and tells what changed meanwhile', async function () {
    this.timeout(90_000);
    const told: string[] = [];
    const watches = await watching(told);
    try {
      const tunnels = proxy.tunnels;
      const watchRequest = (request: string) => request.startsWith(`GET /api/v1/namespaces/${namespace}/configmaps?watch=true`);
      const listRequest = (request: string) => request.startsWith(`GET /api/v1/namespaces/${namespace}/configmaps?limit=`);
      // The watch is there: a change comes through it.
      await kubectl('-n', namespace, 'patch', 'configmap', 'settings', '-p', '{"data":{"level":"5"}}');
      await until(
        () => told,
        (reason) => reason === 'ConfigMap settings changed',
        'a change through the first watch',
      );
      told.length = 0;
      // Dropped while the server can be reached: the response closes without ending, so the scope is listed again
      // (a watch the server ended is asked again from its last resourceVersion, without a LIST).
      const before = requests.length;
      proxy.cut();
      await until(() => requests.slice(before), listRequest, 'a LIST after the drop');
      await until(() => requests.slice(before), watchRequest, 'a watch from the new LIST');
      // Down: every connection cut, no new one let through; meanwhile git's object changes.
      proxy.refusing = true;
      proxy.cut();
      await kubectl('-n', namespace, 'patch', 'configmap', 'settings', '-p', '{"data":{"level":"3"}}');
      await until(
        () => told,
        (reason) => reason.startsWith('the watch of ConfigMap failed: '),
        'the failed LIST',
      );
      assert.ok(!told.includes('ConfigMap settings changed'), 'the change cannot have come through the cut watch');
      // Up again: listed again, the change found, and the watch goes on from the new list.
      proxy.refusing = false;
      await until(
        () => told,
        (reason) => reason === 'objects changed while the watch was down',
        'the change made while it was down',
      );
      assert.ok(proxy.tunnels > tunnels, 'no new connection after the cut');
      told.length = 0;
      await kubectl('-n', namespace, 'patch', 'configmap', 'settings', '-p', '{"data":{"level":"4"}}');
      // Through the new watch, or — when a loaded API server's watch cache lags the LIST's resourceVersion and the
      // watch fails once — through the LIST that follows: either way the change is told.
      await until(
        () => told,
        (reason) => reason === 'ConfigMap settings changed' || reason === 'objects changed while the watch was down',
        'a change after the new watch',
      );
    } finally {
      proxy.refusing = false;
      watches.stopAll();
    }
  });
});
