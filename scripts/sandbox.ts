// `npm run sandbox -- --kubeconfig FILE [--port N] [--state DIR]`: a real Kubernetes API server with controllers,
// scheduler, simulated nodes and the Argo CD and Flux CRDs on 127.0.0.1 (the test cluster, test/cluster/), built
// first if needed. Writes FILE (contexts driftless-admin, current, and driftless-restricted) and runs until Ctrl+C.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildTestCluster, clusterBinary, goProblem, startTestClusterProcess } from './test-cluster';

const LOG_FILE = join(__dirname, '..', '.cache', 'test-cluster', 'sandbox.log');

const USAGE = 'usage: npm run sandbox -- --kubeconfig FILE [--port N] [--state DIR]';

function say(message: string): void {
  process.stdout.write(`[sandbox] ${message}\n`);
}

function fail(message: string): never {
  process.stderr.write(`[sandbox] ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: { kubeconfig?: string; port?: string; state?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { kubeconfig: { type: 'string' }, port: { type: 'string' }, state: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    say(USAGE);
    return;
  }
  if (!values.kubeconfig) fail(`--kubeconfig FILE is required\n${USAGE}`);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) fail(`--port must be a port number, not ${values.port}`);
  const kubeconfig = resolve(values.kubeconfig);
  const state = values.state === undefined ? undefined : resolve(values.state);

  const problem = goProblem();
  if (problem) fail(`cannot build the test cluster: ${problem}`);
  if (!existsSync(clusterBinary())) say('the test cluster is not built yet (or its sources changed): building it now');
  let binary: string;
  try {
    binary = await buildTestCluster(say);
  } catch (error) {
    fail((error as Error).message);
  }
  const logFile = LOG_FILE;
  say(`starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler and 3 simulated nodes (log: ${logFile})`);
  const started = Date.now();
  let cluster;
  try {
    cluster = await startTestClusterProcess(binary, { kubeconfig, port, state, logFile });
  } catch (error) {
    fail((error as Error).message);
  }
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s: Kubernetes ${cluster.kubernetesVersion} at ${cluster.server}`);
  say(`kubeconfig: ${cluster.kubeconfig} (contexts ${cluster.adminContext}, the current one, and ${cluster.restrictedContext})`);
  say(`try:  kubectl --kubeconfig ${cluster.kubeconfig} get nodes`);
  say(
    `      kubectl --kubeconfig ${cluster.kubeconfig} --context ${cluster.restrictedContext} get secrets   # 403: read-only in default and team-a, no Secrets`,
  );
  say(state ? `etcd's data stays in ${state} for the next run` : 'the data goes when it stops (--state DIR keeps it)');
  say('Ctrl+C stops it');

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    say('stopping');
    void cluster.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  cluster.process.on('exit', (code, signal) => {
    if (stopping) return;
    fail(`the cluster stopped by itself (${signal ?? `exit ${code ?? '?'}`}); see ${logFile}`);
  });
}

void main();
