// The test cluster is a real, usable Kubernetes for the real clients: the bundled kubectl applies, diffs, scales,
// patches and deletes; Deployments roll out on the simulated nodes; garbage collection, RBAC (403s for the restricted
// user) and the Argo CD and Flux CRDs with their status subresources work. Runs against DRIFTLESS_TEST_KUBECONFIG's
// cluster instead when that is set.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { kubernetesRelease } from '../../scripts/test-cluster';
import { testClusterOrSkip, type TestCluster } from '../helpers/test-cluster';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface KubeObject {
  metadata: {
    name: string;
    uid: string;
    ownerReferences?: { kind: string; name: string; uid: string }[];
    managedFields?: { manager: string; operation: string; subresource?: string }[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

describe('test cluster: a real API server for kubectl', function () {
  let cluster: TestCluster;
  let kubectlPath: string;
  let home: string;
  // A namespace of this run's own: the cluster is shared with other suites (and may be a real one).
  const namespace = `cluster-test-${process.pid}`;

  before(async function () {
    const tools = kubernetesTools();
    if ('missing' in tools) {
      console.log(`      not run: ${tools.missing}`);
      this.skip();
    }
    kubectlPath = tools.kubectl;
    cluster = await testClusterOrSkip(this);
    // kubectl caches discovery under $HOME/.kube: a fresh one per run, never the user's.
    home = mkdtempSync(join(tmpdir(), 'driftless-kubectl-home-'));
    const created = await kubectl(['create', 'namespace', namespace]);
    assert.equal(created.code, 0, created.stderr);
  });

  after(async function () {
    if (!home) return;
    this.timeout(60_000);
    await kubectl(['delete', 'namespace', namespace, '--wait=false']);
    rmSync(home, { recursive: true, force: true });
  });

  /** Runs the bundled kubectl against the cluster (admin context unless --context is given), asynchronously. */
  function kubectl(args: string[], input?: string, context = cluster.adminContext): Promise<Result> {
    return new Promise((resolve, reject) => {
      const child = spawn(kubectlPath, ['--kubeconfig', cluster.kubeconfigPath, '--context', context, ...args], {
        env: { PATH: process.env.PATH ?? '', HOME: home },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input ?? '');
    });
  }

  async function getJson<T>(args: string[]): Promise<T> {
    const result = await kubectl(['get', '-o', 'json', ...args]);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as T;
  }

  function deployment(replicas: number, image = 'nginx:1.27'): string {
    return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ${image}
          ports: [{ containerPort: 80 }]
`;
  }

  it('serves the Kubernetes release it is built from, with three Ready nodes', async function () {
    if (cluster.kind === 'external') this.skip();
    const version = await kubectl(['version', '-o', 'json']);
    assert.equal(version.code, 0, version.stderr);
    const server = (JSON.parse(version.stdout) as { serverVersion: { gitVersion: string } }).serverVersion;
    assert.equal(server.gitVersion, kubernetesRelease());
    const nodes = await getJson<{ items: { status: { conditions: { type: string; status: string }[] } }[] }>(['nodes']);
    assert.equal(nodes.items.length, 3);
    for (const node of nodes.items) {
      assert.ok(node.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'));
    }
  });

  it('rolls a Deployment out: apply --server-side, rollout status, pods Running and Ready, a ReplicaSet and Events', async function () {
    this.timeout(120_000);
    const applied = await kubectl(['apply', '--server-side', '-f', '-'], deployment(2));
    assert.equal(applied.code, 0, applied.stderr);
    const rollout = await kubectl(['rollout', 'status', 'deployment/web', '-n', namespace, '--timeout=90s']);
    assert.equal(rollout.code, 0, rollout.stdout + rollout.stderr);
    assert.match(rollout.stdout, /successfully rolled out/);

    const pods = await getJson<{
      items: (KubeObject & { status: { phase: string; podIP?: string; conditions: { type: string; status: string }[] } })[];
    }>(['pods', '-n', namespace, '-l', 'app=web']);
    assert.equal(pods.items.length, 2);
    for (const pod of pods.items) {
      assert.equal(pod.status.phase, 'Running');
      assert.ok(
        pod.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
        JSON.stringify(pod.status),
      );
      assert.match(pod.status.podIP ?? '', /^\d+\.\d+\.\d+\.\d+$/);
      assert.equal(pod.metadata.ownerReferences?.[0]?.kind, 'ReplicaSet');
    }
    const replicaSets = await getJson<{ items: KubeObject[] }>(['replicasets', '-n', namespace, '-l', 'app=web']);
    assert.equal(replicaSets.items.length, 1);
    assert.equal(replicaSets.items[0]?.metadata.ownerReferences?.[0]?.kind, 'Deployment');
    const events = await getJson<{ items: { reason: string; source?: { component?: string } }[] }>(['events', '-n', namespace]);
    const reasons = new Set(events.items.map((event) => event.reason));
    assert.ok(reasons.has('ScalingReplicaSet'), [...reasons].join(', '));
    assert.ok(reasons.has('Scheduled'), [...reasons].join(', '));
  });

  it('diffs server-side: exit 0 without a change, 1 with one', async function () {
    const same = await kubectl(['diff', '--server-side', '-f', '-'], deployment(2));
    assert.equal(same.code, 0, same.stdout + same.stderr);
    const changed = await kubectl(['diff', '--server-side', '-f', '-'], deployment(2, 'nginx:1.28'));
    assert.equal(changed.code, 1, changed.stderr);
    assert.match(changed.stdout, /\+\s+- image: nginx:1\.28|\+\s+image: nginx:1\.28/);
  });

  it('records kubectl scale in managedFields under the manager kubectl, and rolls the new replica out', async function () {
    this.timeout(120_000);
    const scaled = await kubectl(['scale', 'deployment/web', '-n', namespace, '--replicas=3']);
    assert.equal(scaled.code, 0, scaled.stderr);
    const live = await getJson<KubeObject>(['deployment/web', '-n', namespace, '--show-managed-fields']);
    assert.equal(live.spec?.replicas, 3);
    const entry = live.metadata.managedFields?.find((field) => field.manager === 'kubectl' && field.subresource === 'scale');
    assert.ok(entry, JSON.stringify(live.metadata.managedFields));
    const rollout = await kubectl(['rollout', 'status', 'deployment/web', '-n', namespace, '--timeout=90s']);
    assert.equal(rollout.code, 0, rollout.stdout + rollout.stderr);
    const status = (await getJson<KubeObject>(['deployment/web', '-n', namespace])).status;
    assert.equal(status?.readyReplicas, 3);
  });

  it('rolls a patched template out to a new ReplicaSet, and collects the old pods', async function () {
    this.timeout(120_000);
    const patch = JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } });
    const patched = await kubectl(['patch', 'deployment/web', '-n', namespace, '--type=strategic', '-p', patch]);
    assert.equal(patched.code, 0, patched.stderr);
    const rollout = await kubectl(['rollout', 'status', 'deployment/web', '-n', namespace, '--timeout=90s']);
    assert.equal(rollout.code, 0, rollout.stdout + rollout.stderr);
    const replicaSets = await getJson<{ items: (KubeObject & { spec: { replicas: number } })[] }>(['replicasets', '-n', namespace]);
    assert.deepEqual(replicaSets.items.map((rs) => rs.spec.replicas).sort(), [0, 3]);
    const pods = await waitFor(async () => {
      const list = await getJson<{ items: { spec: { containers: { image: string }[] } }[] }>(['pods', '-n', namespace, '-l', 'app=web']);
      return list.items.every((pod) => pod.spec.containers[0]?.image === 'nginx:1.28') ? list : undefined;
    });
    assert.equal(pods.items.length, 3);
  });

  it('collects the ReplicaSets and pods of a deleted Deployment (garbage collection)', async function () {
    this.timeout(120_000);
    const deleted = await kubectl(['delete', 'deployment/web', '-n', namespace]);
    assert.equal(deleted.code, 0, deleted.stderr);
    await waitFor(async () => {
      const left = await getJson<{ items: unknown[] }>(['replicasets,pods', '-n', namespace, '-l', 'app=web']);
      return left.items.length === 0 ? true : undefined;
    });
  });

  it('answers the restricted user 403 on Secrets and on other namespaces, and lets it read what it may', async function () {
    if (!cluster.restrictedContext) this.skip();
    const context = cluster.restrictedContext;
    const secrets = await kubectl(['get', 'secrets', '-n', 'default'], undefined, context);
    assert.equal(secrets.code, 1);
    assert.match(secrets.stderr, /Forbidden.*cannot list resource "secrets"/);
    const elsewhere = await kubectl(['get', 'pods', '-n', namespace], undefined, context);
    assert.equal(elsewhere.code, 1);
    assert.match(elsewhere.stderr, /Forbidden/);
    const write = await kubectl(['create', 'configmap', 'nope', '-n', 'default'], undefined, context);
    assert.match(write.stderr, /forbidden: User "driftless-restricted" cannot create/);
    const allowed = await kubectl(['get', 'pods,deployments,configmaps', '-n', 'default'], undefined, context);
    assert.equal(allowed.code, 0, allowed.stderr);
  });

  it('accepts an Argo CD Application and a Flux Kustomization, validates them, and stores their status', async function () {
    const application = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: shop, namespace: ${namespace} }
spec:
  project: default
  source: { repoURL: 'https://example.com/shop.git', path: deploy, targetRevision: main }
  destination: { server: 'https://kubernetes.default.svc', namespace: shop }
`;
    const kustomization = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: { name: shop, namespace: ${namespace} }
spec:
  interval: 5m
  path: ./deploy
  prune: true
  sourceRef: { kind: GitRepository, name: shop }
`;
    const applied = await kubectl(['apply', '--server-side', '-f', '-'], `${application}---\n${kustomization}`);
    assert.equal(applied.code, 0, applied.stderr);
    // The CRDs' schemas are enforced: a Kustomization without its required sourceRef is refused.
    const invalid = await kubectl(
      ['apply', '--server-side', '-f', '-'],
      kustomization.replace(/^ {2}sourceRef.*\n/m, '').replace('name: shop', 'name: broken'),
    );
    assert.notEqual(invalid.code, 0);
    assert.match(invalid.stderr, /sourceRef: Required value/);

    const applicationStatus = { status: { sync: { status: 'Synced', revision: 'abc123' }, health: { status: 'Healthy' } } };
    const readyCondition = {
      type: 'Ready',
      status: 'True',
      reason: 'ReconciliationSucceeded',
      message: 'Applied revision: main@sha1:abc123',
      lastTransitionTime: '2026-01-01T00:00:00Z',
    };
    const kustomizationStatus = { status: { lastAppliedRevision: 'main@sha1:abc123', conditions: [readyCondition] } };
    // Argo CD's Application CRD has no status subresource (its controller patches the object itself); Flux's
    // Kustomization has one, which kubectl writes with --subresource=status.
    const writes = [
      ['application.argoproj.io/shop', applicationStatus, []],
      ['kustomization.kustomize.toolkit.fluxcd.io/shop', kustomizationStatus, ['--subresource=status']],
    ] as const;
    for (const [resource, status, subresource] of writes) {
      const written = await kubectl(['patch', resource, '-n', namespace, ...subresource, '--type=merge', '-p', JSON.stringify(status)]);
      assert.equal(written.code, 0, written.stderr);
    }
    const liveApplication = await getJson<KubeObject>(['application.argoproj.io/shop', '-n', namespace]);
    assert.deepEqual(liveApplication.status, applicationStatus.status);
    const liveKustomization = await getJson<KubeObject>(['kustomization.kustomize.toolkit.fluxcd.io/shop', '-n', namespace]);
    assert.equal(liveKustomization.status?.lastAppliedRevision, 'main@sha1:abc123');
  });

  it('writes a kubeconfig whose current context is the admin', function () {
    if (cluster.kind === 'external') this.skip();
    const kubeconfig = readFileSync(cluster.kubeconfigPath, 'utf8');
    assert.match(kubeconfig, /current-context: driftless-admin/);
    assert.match(kubeconfig, /name: driftless-restricted/);
  });
});

/** Polls check until it returns a value (the controllers work asynchronously), for at most 60 s. */
async function waitFor<T>(check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
