// A real Kubernetes API server for mocha suites: the test cluster (scripts/test-cluster.ts), built when needed and
// started once per mocha run, shared by every suite and stopped when the run exits; or the cluster that
// DRIFTLESS_TEST_KUBECONFIG names. Suites share it: each works in namespaces of its own.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildTestCluster, goProblem, startTestClusterProcess } from '../../scripts/test-cluster';

export interface TestCluster {
  kubeconfigPath: string;
  server: string;
  /** The context with every right (the current context). */
  adminContext: string;
  /** A context that reads namespaces `default` and `team-a` but no Secrets, nothing else (the test cluster's
   * `driftless-restricted`); with DRIFTLESS_TEST_KUBECONFIG, DRIFTLESS_TEST_RESTRICTED_CONTEXT or none. */
  restrictedContext: string | undefined;
  /** The test cluster's own (started here) or one the user named (DRIFTLESS_TEST_KUBECONFIG). */
  kind: 'test-cluster' | 'external';
  /** Stops a cluster that startTestCluster() started; the shared cluster and an external one are left running. */
  stop(): Promise<void>;
}

/** Build plus start of a cold machine: about 10 minutes of compiling on 2 cores (docs/test-cluster.md). */
export const CLUSTER_TIMEOUT_MS = 30 * 60_000;

let shared: Promise<TestCluster> | undefined;

/**
 * The cluster of this mocha run: DRIFTLESS_TEST_KUBECONFIG's, else the test cluster, started on first use (building it
 * if needed). Call it from a `before` hook with `this.timeout(CLUSTER_TIMEOUT_MS)`.
 */
export function sharedTestCluster(): Promise<TestCluster> {
  const external = process.env.DRIFTLESS_TEST_KUBECONFIG;
  shared ??= external ? Promise.resolve().then(() => externalCluster(external)) : startShared();
  return shared;
}

async function startShared(): Promise<TestCluster> {
  const cluster = await startTestCluster();
  // Left running for the next suite; the process's exit stops it.
  return { ...cluster, stop: () => Promise.resolve() };
}

/** A test cluster of the caller's own (e.g. to stop it halfway through a test); the caller stops it. */
export async function startTestCluster(): Promise<TestCluster> {
  const binary = await buildTestCluster((message) => console.log(`      [test-cluster] ${message}`));
  const dir = mkdtempSync(join(tmpdir(), 'driftless-test-cluster-'));
  const started = await startTestClusterProcess(binary, { kubeconfig: join(dir, 'kubeconfig'), logFile: join(dir, 'cluster.log') }).catch(
    (error: unknown) => {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    },
  );
  // Mocha may exit with the cluster running: it then gets SIGTERM, and its kubeconfig goes.
  started.unref();
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return {
    kubeconfigPath: started.kubeconfig,
    server: started.server,
    adminContext: started.adminContext,
    restrictedContext: started.restrictedContext,
    kind: 'test-cluster',
    stop: async () => {
      await started.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** DRIFTLESS_TEST_KUBECONFIG's cluster: its current context (or DRIFTLESS_TEST_CONTEXT) as the admin. */
function externalCluster(kubeconfigPath: string): TestCluster {
  const config = parse(readFileSync(kubeconfigPath, 'utf8')) as {
    'current-context'?: string;
    contexts?: { name: string; context: { cluster: string } }[];
    clusters?: { name: string; cluster: { server: string } }[];
  };
  const adminContext = process.env.DRIFTLESS_TEST_CONTEXT || config['current-context'];
  const context = config.contexts?.find((entry) => entry.name === adminContext);
  const cluster = config.clusters?.find((entry) => entry.name === context?.context.cluster);
  if (!adminContext || !cluster) {
    throw new Error(`DRIFTLESS_TEST_KUBECONFIG ${kubeconfigPath}: no context ${adminContext ?? '(no current context)'} with a cluster`);
  }
  return {
    kubeconfigPath,
    server: cluster.cluster.server,
    adminContext,
    restrictedContext: process.env.DRIFTLESS_TEST_RESTRICTED_CONTEXT || undefined,
    kind: 'external',
    stop: () => Promise.resolve(),
  };
}

/**
 * For a suite's `before` hook: the shared cluster, or the suite skipped with one line saying why it did not run (no
 * Go here and no DRIFTLESS_TEST_KUBECONFIG). A failing build or start fails the hook: that is a defect, not a skip.
 */
export async function testClusterOrSkip(context: Mocha.Context): Promise<TestCluster> {
  context.timeout(CLUSTER_TIMEOUT_MS);
  if (!process.env.DRIFTLESS_TEST_KUBECONFIG) {
    const problem = goProblem();
    if (problem) {
      console.log(`      not run: no cluster for these tests: ${problem}, and DRIFTLESS_TEST_KUBECONFIG is not set`);
      context.skip();
    }
  }
  return sharedTestCluster();
}
