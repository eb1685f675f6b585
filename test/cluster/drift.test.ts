// `driftless drift` against a real API server (the test cluster, or DRIFTLESS_TEST_KUBECONFIG's cluster): an
// environment applied with kubectl server-side is in sync; scaled, given a hotfix image, its Secret patched, an object
// deleted and another left behind, it drifts — each difference attributed to the manager that made it, the Secret's
// values shown nowhere, the cluster untouched by the drift run. A restricted user's forbidden kinds are unknown and
// the rest compared on the fields git sets; wrong credentials, a server stopped halfway and thousands of objects are
// handled, with the requests counted (DRIFTLESS_REQUEST_LOG).
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { REPO_ROOT } from '../helpers/engine';
import { skipWithReason } from '../helpers/skips';
import { startTestCluster, testClusterOrSkip, type TestCluster } from '../helpers/test-cluster';
import { fileWriter } from '../helpers/write-files';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const SECRET_IN_GIT = 'cart-db-password-in-git';
const SECRET_PATCHED = 'cart-db-password-patched';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface DriftDocument {
  environment: string;
  context: string | null;
  objects: {
    apiVersion: string;
    kind: string;
    namespace: string | null;
    name: string;
    status: string;
    differences: { path: string; desired: unknown; live: unknown; manager: string | null }[];
    error: string | null;
  }[];
  summary: { inSync: number; drifted: number; missing: number; extra: number; unknown: number };
}

/** A process run asynchronously (the test cluster may be this process's child: nothing here may block it). */
function run(command: string, args: string[], options: { cwd?: string; env: Record<string, string>; input?: string }): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A repository of one environment rendered by kustomize, and the means to drive kubectl and driftless at it. */
class Workbench {
  readonly root = mkdtempSync(join(tmpdir(), 'driftless-drift-cluster-'));
  readonly home = join(this.root, 'home');
  readonly repo = join(this.root, 'repo');
  readonly write = fileWriter(() => this.repo);

  constructor(
    readonly cluster: TestCluster,
    readonly kubectlPath: string,
  ) {
    execFileSync('git', ['init', '--quiet', this.repo]);
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return { PATH: process.env.PATH ?? '', HOME: this.home, DRIFTLESS_NO_CODE_CACHE: '1', ...extra };
  }

  kubectl(args: string[], input?: string, context = this.cluster.adminContext): Promise<Result> {
    return run(this.kubectlPath, ['--kubeconfig', this.cluster.kubeconfigPath, '--context', context, ...args], {
      env: this.env(),
      ...(input !== undefined ? { input } : {}),
    });
  }

  async ok(args: string[], input?: string): Promise<string> {
    const result = await this.kubectl(args, input);
    assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  }

  /** `driftless drift` in the repository; the request log read back when asked for. */
  drift(args: string[], options: { kubeconfig?: string; log?: boolean } = {}): Promise<Result & { requests: string[] }> {
    const log = join(this.root, `requests-${Date.now()}-${Math.random()}.log`);
    return run(
      process.execPath,
      [CLI, 'drift', '--kubectl', this.kubectlPath, '--kubeconfig', options.kubeconfig ?? this.cluster.kubeconfigPath, ...args],
      { cwd: this.repo, env: this.env(options.log ? { DRIFTLESS_REQUEST_LOG: log } : {}) },
    ).then((result) => ({ ...result, requests: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [] }));
  }

  /** Applies the environment's render as GitOps tools do: kubectl apply --server-side. */
  async apply(folder: string): Promise<void> {
    const rendered = await this.ok(['kustomize', join(this.repo, folder)]);
    await this.ok(['apply', '--server-side', '-f', '-'], rendered);
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

function json(result: Result): DriftDocument {
  try {
    return JSON.parse(result.stdout) as DriftDocument;
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.stdout}\n${result.stderr}`);
  }
}

/** `ConfigMap/settings: missing`, `Deployment/cart: drifted` ... in the output's order. */
const statuses = (document: DriftDocument) => document.objects.map((o) => `${o.kind}/${o.name}: ${o.status}`);

function kubectlOrSkip(context: Mocha.Context): string {
  const tools = kubernetesTools();
  if ('missing' in tools) {
    skipWithReason(context, tools.missing);
  }
  return tools.kubectl;
}

const unique = () => `${process.pid}-${Math.random().toString(36).slice(2, 7)}`;

describe('driftless drift against a real API server', function () {
  this.timeout(120_000);

  describe('the cart flow: apply, in sync, changed by hand, drift found and attributed', function () {
    let bench: Workbench;
    const namespace = `drift-cart-${unique()}`;

    before(async function () {
      const kubectlPath = kubectlOrSkip(this);
      const cluster = await testClusterOrSkip(this);
      this.timeout(120_000);
      bench = new Workbench(cluster, kubectlPath);
      // An Argo CD Application of this repository: its folder is the environment, its ignoreDifferences apply, and
      // the objects Argo CD applied carry its tracking annotation.
      execFileSync('git', ['-C', bench.repo, 'remote', 'add', 'origin', 'https://github.com/example/cart.git']);
      bench.write(
        'argocd/cart.yaml',
        stringify({
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Application',
          metadata: { name: 'cart', namespace },
          spec: {
            project: 'default',
            source: { repoURL: 'https://github.com/example/cart.git', path: 'cart', targetRevision: 'main' },
            destination: { server: 'https://kubernetes.default.svc', namespace },
            ignoreDifferences: [{ kind: 'ConfigMap', jqPathExpressions: ['.data.rotated'] }],
          },
        }),
      );
      bench.write('.driftless.yaml', stringify({ environments: [{ name: 'cart', cluster: { context: cluster.adminContext } }] }));
      bench.write(
        'cart/kustomization.yaml',
        stringify({
          namespace,
          resources: ['deployment.yaml', 'service.yaml', 'settings.yaml', 'flags.yaml', 'secret.yaml'],
        }),
      );
      bench.write(
        'cart/deployment.yaml',
        stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'cart' },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'cart' } },
            template: {
              metadata: { labels: { app: 'cart' } },
              spec: {
                containers: [{ name: 'cart', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '500m' } } }],
              },
            },
          },
        }),
      );
      bench.write(
        'cart/service.yaml',
        stringify({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'cart' },
          spec: { selector: { app: 'cart' }, ports: [{ port: 80 }] },
        }),
      );
      bench.write(
        'cart/settings.yaml',
        stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { level: '1' } }),
      );
      bench.write(
        'cart/flags.yaml',
        stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flags' }, data: { checkout: 'enabled', rotated: 'a' } }),
      );
      bench.write(
        'cart/secret.yaml',
        stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: SECRET_IN_GIT } }),
      );
      await bench.ok(['create', 'namespace', namespace]);
      // As Argo CD applies them: each object with its own tracking id.
      const rendered = await bench.ok(['kustomize', join(bench.repo, 'cart')]);
      const objects = rendered
        .split(/^---$/m)
        .map(
          (document) =>
            parse(document) as { kind: string; apiVersion: string; metadata: { name: string; annotations: Record<string, string> } },
        )
        .filter(Boolean);
      for (const object of objects) {
        const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
        object.metadata.annotations = {
          ...object.metadata.annotations,
          'argocd.argoproj.io/tracking-id': `cart:${group}/${object.kind}:${namespace}/${object.metadata.name}`,
        };
      }
      await bench.ok(
        ['apply', '--server-side', '--field-manager', 'argocd-controller', '-f', '-'],
        JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
      );
      // The Application itself, with the status Argo CD would have written.
      await bench.ok(['apply', '--server-side', '-f', join(bench.repo, 'argocd', 'cart.yaml')]);
      await bench
        .ok(
          [
            'patch',
            '-n',
            namespace,
            'application',
            'cart',
            '--subresource=status',
            '--type=merge',
            '-p',
            JSON.stringify({ status: { sync: { status: 'Synced', revision: '1a2b3c4' }, health: { status: 'Healthy' } } }),
          ],
          undefined,
        )
        .catch(() =>
          bench.ok([
            'patch',
            '-n',
            namespace,
            'application',
            'cart',
            '--type=merge',
            '-p',
            JSON.stringify({ status: { sync: { status: 'Synced', revision: '1a2b3c4' }, health: { status: 'Healthy' } } }),
          ]),
        );
      await bench.ok(['rollout', 'status', '-n', namespace, 'deployment/cart', '--timeout=90s']);
    });

    after(async function () {
      if (!bench) return;
      await bench.kubectl(['delete', 'namespace', namespace, '--wait=false']);
      bench.cleanup();
    });

    it('is in sync right after the apply: exit 0, every object in sync, server defaults no drift', async function () {
      const result = await bench.drift(['--format', 'json', '--env', 'cart']);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const document = json(result);
      assert.equal(document.context, bench.cluster.adminContext);
      assert.deepEqual(statuses(document), [
        'ConfigMap/flags: in-sync',
        'ConfigMap/settings: in-sync',
        'Deployment/cart: in-sync',
        'Secret/db: in-sync',
        'Service/cart: in-sync',
      ]);
    });

    it('finds what people changed, names who changed it, never shows the Secret, and writes nothing', async function () {
      this.timeout(180_000);
      await bench.ok(['scale', '-n', namespace, 'deployment/cart', '--replicas=5']);
      await bench.ok(['set', 'image', '-n', namespace, 'deployment/cart', 'cart=nginx:1.28-hotfix']);
      await bench.ok(['patch', '-n', namespace, 'secret', 'db', '-p', JSON.stringify({ stringData: { password: SECRET_PATCHED } })]);
      await bench.ok(['delete', '-n', namespace, 'configmap', 'settings']);
      // Rotated by something else, but the Application ignores that field.
      await bench.ok(['patch', '-n', namespace, 'configmap', 'flags', '-p', JSON.stringify({ data: { rotated: 'b' } })]);
      // Left behind: still carrying the Application's tracking id, no longer in git.
      await bench.ok(
        ['apply', '--server-side', '--field-manager', 'argocd-controller', '-f', '-'],
        stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: 'old-settings',
            namespace,
            annotations: { 'argocd.argoproj.io/tracking-id': `cart:/ConfigMap:${namespace}/old-settings` },
          },
          data: { level: '0' },
        }),
      );
      await bench.ok(['rollout', 'status', '-n', namespace, 'deployment/cart', '--timeout=120s']);

      const before = await versions();
      const result = await bench.drift(['--format', 'json', '--env', 'cart'], { log: true });
      const after = await versions();
      assert.equal(result.code, 1, result.stdout + result.stderr);
      const document = json(result);
      assert.deepEqual(statuses(document), [
        'ConfigMap/flags: in-sync',
        'ConfigMap/old-settings: extra',
        'ConfigMap/settings: missing',
        'Deployment/cart: drifted',
        'Secret/db: drifted',
        'Service/cart: in-sync',
      ]);
      const differences = (name: string) =>
        document.objects
          .find((o) => o.name === name && o.status === 'drifted')!
          .differences.map((d) => [d.path, d.desired, d.live, d.manager]);
      assert.deepEqual(differences('cart'), [
        ['/spec/replicas', 2, 5, 'kubectl'],
        ['/spec/template/spec/containers/0/image', 'nginx:1.27', 'nginx:1.28-hotfix', 'kubectl-set'],
      ]);
      assert.deepEqual(differences('db'), [['/data/password', '***', '***', 'kubectl-patch']]);
      const everything = result.stdout + result.stderr;
      for (const value of [
        SECRET_IN_GIT,
        SECRET_PATCHED,
        Buffer.from(SECRET_IN_GIT).toString('base64'),
        Buffer.from(SECRET_PATCHED).toString('base64'),
      ])
        assert.ok(!everything.includes(value), `the Secret's value ${value} is shown`);
      // Read-only: every object of the namespace as it was, and no trace of the dry runs' field manager.
      assert.deepEqual(after, before);
      assert.ok(!JSON.stringify(after).includes('driftless-drift'));
      // Only reads and dry runs were sent.
      assert.ok(result.requests.length > 0);
      for (const request of result.requests) assert.match(request, /^(GET \S+|PATCH \S+[?&]dryRun=All\b\S*)$/, request);
    });

    it('names each manager in the text output, and shows the Application’s own status beside', async function () {
      const result = await bench.drift(['--env', 'cart']);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stdout, /\/spec\/replicas: git 2, live 5 — by kubectl \(Update through \/scale/);
      assert.match(
        result.stdout,
        /\/spec\/template\/spec\/containers\/0\/image: git "nginx:1\.27", live "nginx:1\.28-hotfix" — by kubectl-set \(Update at /,
      );
      assert.match(result.stdout, /\/data\/password: git "\*\*\*", live "\*\*\*" — by kubectl-patch/);
      assert.match(result.stdout, new RegExp(`Application ${namespace}/cart says: Synced, Healthy, revision 1a2b3c4`));
    });

    /**
     * Every object of the namespace (and the Application) with its resourceVersion and managers; a Deployment's
     * generation instead of its resourceVersion, as its controller may still write its status after the rollout.
     */
    async function versions(): Promise<Record<string, unknown>> {
      const list = JSON.parse(
        await bench.ok([
          'get',
          '-n',
          namespace,
          'configmaps,secrets,services,deployments,applications.argoproj.io',
          '-o',
          'json',
          '--show-managed-fields',
        ]),
      ) as {
        items: {
          kind: string;
          metadata: { name: string; resourceVersion: string; generation?: number; managedFields?: { manager: string }[] };
        }[];
      };
      return Object.fromEntries(
        list.items.map(({ kind, metadata }) => [
          `${kind}/${metadata.name}`,
          {
            ...(kind === 'Deployment' ? { generation: metadata.generation } : { resourceVersion: metadata.resourceVersion }),
            managers: (metadata.managedFields ?? []).map((m) => m.manager).sort(),
          },
        ]),
      );
    }
  });

  describe('a restricted user, wrong credentials', function () {
    let bench: Workbench;
    const id = unique();
    // The test cluster's restricted user reads `team-a` (no Secrets) and may write nothing; another cluster's
    // restricted user reads DRIFTLESS_TEST_RESTRICTED_NAMESPACE, else a namespace of this run's own is made.
    let namespace = 'team-a';
    let ownNamespace = false;

    before(async function () {
      const kubectlPath = kubectlOrSkip(this);
      const cluster = await testClusterOrSkip(this);
      this.timeout(120_000);
      bench = new Workbench(cluster, kubectlPath);
      if (cluster.kind === 'external') {
        namespace = process.env.DRIFTLESS_TEST_RESTRICTED_NAMESPACE ?? `drift-team-${id}`;
        ownNamespace = !process.env.DRIFTLESS_TEST_RESTRICTED_NAMESPACE;
        if (ownNamespace) await bench.ok(['create', 'namespace', namespace]);
      }
      bench.write(
        '.driftless.yaml',
        stringify({
          environments: [{ name: 'team', source: { kustomization: 'team' }, cluster: { context: cluster.adminContext, namespace } }],
        }),
      );
      bench.write(
        'team/kustomization.yaml',
        stringify({ namespace, labels: [{ pairs: { 'drift-test': id } }], resources: ['objects.yaml'] }),
      );
      bench.write(
        'team/objects.yaml',
        [
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `settings-${id}` }, data: { level: '1' } },
          { apiVersion: 'v1', kind: 'Secret', metadata: { name: `db-${id}` }, stringData: { password: SECRET_IN_GIT } },
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: `api-${id}` },
            spec: {
              replicas: 1,
              selector: { matchLabels: { app: `api-${id}` } },
              template: { metadata: { labels: { app: `api-${id}` } }, spec: { containers: [{ name: 'api', image: 'nginx:1.27' }] } },
            },
          },
        ]
          .map((object) => stringify(object))
          .join('---\n'),
      );
      await bench.apply('team');
      await bench.ok(['scale', '-n', namespace, `deployment/api-${id}`, '--replicas=3']);
    });

    after(async function () {
      if (!bench) return;
      if (ownNamespace) await bench.kubectl(['delete', 'namespace', namespace, '--wait=false']);
      else await bench.kubectl(['delete', '-n', namespace, 'configmap,secret,deployment', '-l', `drift-test=${id}`, '--wait=false']);
      bench.cleanup();
    });

    it('reports the kinds it may not read as unknown, and compares the rest on the fields git sets', async function () {
      if (!bench.cluster.restrictedContext) skipWithReason(this, 'no restricted context (DRIFTLESS_TEST_RESTRICTED_CONTEXT)');
      const result = await bench.drift(['--format', 'json', '--env', 'team', '--context', bench.cluster.restrictedContext], { log: true });
      assert.equal(result.code, 2, result.stdout + result.stderr);
      const document = json(result);
      assert.equal(document.context, bench.cluster.restrictedContext);
      assert.deepEqual(statuses(document), [
        `ConfigMap/settings-${id}: in-sync`,
        `Deployment/api-${id}: drifted`,
        `Secret/db-${id}: unknown`,
      ]);
      const secret = document.objects.find((o) => o.kind === 'Secret')!;
      assert.match(secret.error!, /secrets is forbidden: User .* cannot list resource "secrets"/);
      const deployment = document.objects.find((o) => o.kind === 'Deployment')!;
      assert.deepEqual(
        deployment.differences.map((d) => [d.path, d.desired, d.live, d.manager]),
        [['/spec/replicas', 1, 3, 'kubectl']],
      );
      // The dry run was forbidden (the user may not patch): said once, on stderr beside the JSON.
      assert.match(
        result.stderr,
        /Deployment objects in \S+: compared on the fields git sets only, as no dry run is allowed \(.*forbidden/,
      );
      assert.match(result.stderr, /^driftless: team: secrets is forbidden/m);
      assert.equal(result.requests.filter((r) => r.startsWith('PATCH')).length, 1);
      assert.doesNotMatch(result.stdout + result.stderr, new RegExp(`${SECRET_IN_GIT}|\\n\\s+at `));
    });

    it('authenticates as kubectl does: a token file, an exec plugin, through an HTTP CONNECT proxy', async function () {
      if (!bench.cluster.restrictedContext) skipWithReason(this, 'no restricted context (DRIFTLESS_TEST_RESTRICTED_CONTEXT)');
      const kubeconfig = parse(readFileSync(bench.cluster.kubeconfigPath, 'utf8')) as {
        contexts: { name: string; context: { cluster: string; user: string } }[];
        clusters: { name: string; cluster: Record<string, unknown> }[];
        users: { name: string; user: { token?: string } }[];
      };
      const context = kubeconfig.contexts.find((c) => c.name === bench.cluster.restrictedContext)!.context;
      const token = kubeconfig.users.find((u) => u.name === context.user)?.user.token;
      if (!token) skipWithReason(this, 'the restricted context authenticates without a token');
      const cluster = kubeconfig.clusters.find((c) => c.name === context.cluster)!;
      bench.write('../auth/token', token);
      bench.write(
        '../auth/bin/credential',
        `#!/bin/sh\necho '${JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } })}'\n`,
      );
      execFileSync('chmod', ['+x', join(bench.root, 'auth', 'bin', 'credential')]);
      // A proxy that tunnels TLS as corporate proxies do, and counts what it tunnels.
      let tunnels = 0;
      const proxy = createServer();
      proxy.on('connect', (request: { url?: string }, client: Socket, head: Buffer) => {
        tunnels++;
        const [host, port] = (request.url ?? '').split(':');
        const upstream = connect(Number(port), host, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.write(head);
          upstream.pipe(client);
          client.pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      try {
        const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
        // Relative paths: relative to the kubeconfig file, as kubectl reads them.
        writeFileSync(
          join(bench.root, 'auth', 'kubeconfig'),
          stringify({
            apiVersion: 'v1',
            kind: 'Config',
            clusters: [cluster, { name: 'proxied', cluster: { ...cluster.cluster, 'proxy-url': proxyUrl } }],
            users: [
              { name: 'from-file', user: { 'token-file': 'token' } },
              {
                name: 'from-plugin',
                user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './bin/credential', interactiveMode: 'Never' } },
              },
            ],
            contexts: [
              { name: 'file', context: { cluster: cluster.name, user: 'from-file' } },
              { name: 'plugin', context: { cluster: 'proxied', user: 'from-plugin' } },
            ],
          }),
        );
        for (const name of ['file', 'plugin']) {
          const result = await bench.drift(['--format', 'json', '--env', 'team', '--context', name], {
            kubeconfig: join(bench.root, 'auth', 'kubeconfig'),
          });
          assert.equal(result.code, 2, result.stdout + result.stderr);
          // The restricted user's view: its Secrets unknown, the rest compared.
          assert.deepEqual(
            statuses(json(result)),
            [`ConfigMap/settings-${id}: in-sync`, `Deployment/api-${id}: drifted`, `Secret/db-${id}: unknown`],
            name,
          );
        }
        assert.ok(tunnels > 0, 'nothing went through the proxy');
      } finally {
        proxy.close();
      }
    });

    it('says the credentials were refused (401), exits 2, and shows no stack trace', async function () {
      const kubeconfig = parse(readFileSync(bench.cluster.kubeconfigPath, 'utf8')) as {
        contexts: { name: string; context: { cluster: string } }[];
        clusters: { name: string }[];
      };
      const cluster = kubeconfig.contexts.find((c) => c.name === bench.cluster.adminContext)!.context.cluster;
      const wrong = join(bench.root, 'wrong-kubeconfig');
      writeFileSync(
        wrong,
        stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: kubeconfig.clusters.filter((c) => c.name === cluster),
          users: [{ name: 'someone', user: { token: 'not-a-token-this-cluster-knows' } }],
          contexts: [{ name: 'wrong', context: { cluster, user: 'someone' } }],
          'current-context': 'wrong',
        }),
      );
      const result = await bench.drift(['--env', 'team', '--context', 'wrong'], { kubeconfig: wrong });
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(
        result.stderr,
        /^driftless: team: the API server at https:\/\/\S+ refused the credentials of context "wrong" \(401 Unauthorized\)/m,
      );
      assert.match(result.stdout, new RegExp(`\\? v1 ConfigMap (\\S+/)?settings-${id}: unknown: .*401 Unauthorized`));
      assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at /);
    });
  });

  describe('thousands of objects', function () {
    let bench: Workbench;
    const namespace = `drift-bulk-${unique()}`;
    const COUNT = 2000;

    before(async function () {
      const kubectlPath = kubectlOrSkip(this);
      const cluster = await testClusterOrSkip(this);
      this.timeout(600_000);
      bench = new Workbench(cluster, kubectlPath);
      bench.write(
        '.driftless.yaml',
        stringify({
          environments: [{ name: 'bulk', source: { directory: 'bulk' }, cluster: { context: cluster.adminContext, namespace } }],
        }),
      );
      const objects = Array.from({ length: COUNT }, (_, i) =>
        stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `settings-${i}`, labels: { bulk: namespace } },
          data: { index: String(i) },
        }),
      );
      bench.write('bulk/configmaps.yaml', objects.join('\n---\n'));
      await bench.ok(['create', 'namespace', namespace]);
      // Applied in four parts at once (kubectl sends one request per object).
      await Promise.all(
        [0, 1, 2, 3].map((part) =>
          bench.ok(['apply', '--server-side', '-n', namespace, '-f', '-'], objects.filter((_, i) => i % 4 === part).join('\n---\n')),
        ),
      );
    });

    after(async function () {
      if (!bench) return;
      await bench.kubectl(['delete', 'namespace', namespace, '--wait=false']);
      bench.cleanup();
    });

    it('reads them in pages of one LIST per kind and namespace, and dry-runs only what differs', async function () {
      const inSync = await bench.drift(['--format', 'json', '--env', 'bulk'], { log: true });
      assert.equal(inSync.code, 0, inSync.stderr);
      assert.equal(json(inSync).summary.inSync, COUNT);
      const pages = inSync.requests.filter((r) => r.startsWith(`GET /api/v1/namespaces/${namespace}/configmaps?`));
      // Theirs, and the namespace's own kube-root-ca.crt.
      assert.equal(pages.length, Math.ceil((COUNT + 1) / 500));
      assert.ok(pages.every((page) => /[?&]limit=500\b/.test(page)));
      assert.equal(pages.filter((page) => /[?&]continue=/.test(page)).length, pages.length - 1);
      // Besides: discovery (GET /api, /apis), one page for each kind looked through for objects only in the
      // cluster, and no GET of a single object.
      const lists = inSync.requests.filter((r) => !pages.includes(r));
      assert.deepEqual(lists.slice(0, 2), ['GET /api', 'GET /apis']);
      const perKind = new Map<string, number>();
      for (const request of lists.slice(2)) {
        const match = new RegExp(`^GET /apis?/(?:[^/]+/)?[^/]+/namespaces/${namespace}/([a-z]+)\\?`).exec(request);
        assert.ok(match, `not a LIST in ${namespace}: ${request}`);
        perKind.set(match[1]!, (perKind.get(match[1]!) ?? 0) + 1);
      }
      assert.ok(
        [...perKind.values()].every((count) => count === 1),
        JSON.stringify([...perKind]),
      );

      // Three changed by someone else: three dry runs, nothing more.
      for (const i of [7, 700, 1999])
        await bench.ok(['patch', '-n', namespace, 'configmap', `settings-${i}`, '-p', JSON.stringify({ data: { index: 'changed' } })]);
      const drifted = await bench.drift(['--format', 'json', '--env', 'bulk'], { log: true });
      assert.equal(drifted.code, 1, drifted.stderr);
      assert.equal(json(drifted).summary.drifted, 3);
      const patches = drifted.requests.filter((r) => r.startsWith('PATCH'));
      assert.equal(patches.length, 3);
      assert.ok(patches.every((patch) => /[?&]dryRun=All\b/.test(patch) && /[?&]fieldManager=driftless-drift\b/.test(patch)));
      assert.equal(drifted.requests.length, inSync.requests.length + 3);
    });
  });

  describe('a server stopped halfway', function () {
    it('says the connection was lost, prints what it compared, exits 2, and shows no stack trace', async function () {
      const kubectlPath = kubectlOrSkip(this);
      const shared = await testClusterOrSkip(this);
      if (shared.kind === 'external') {
        skipWithReason(this, 'stopping a cluster needs the test cluster of its own, not DRIFTLESS_TEST_KUBECONFIG’s', 'by-design');
      }
      this.timeout(600_000);
      const cluster = await startTestCluster();
      const bench = new Workbench(cluster, kubectlPath);
      try {
        const namespace = 'halfway';
        bench.write(
          '.driftless.yaml',
          stringify({
            environments: [{ name: 'halfway', source: { directory: 'objects' }, cluster: { context: cluster.adminContext, namespace } }],
          }),
        );
        const configMaps = (value: string) =>
          Array.from({ length: 300 }, (_, i) =>
            stringify({
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: `c-${i}`, namespace, labels: { part: 'halfway' } },
              data: { value },
            }),
          ).join('\n---\n');
        bench.write('objects/configmaps.yaml', configMaps('git'));
        await bench.ok(['create', 'namespace', namespace]);
        // Live, every one differs from git: each needs a dry run.
        await bench.ok(['apply', '--server-side', '-f', '-'], configMaps('changed'));
        const log = join(bench.root, 'halfway.log');
        const running = run(
          process.execPath,
          [CLI, 'drift', '--format', 'json', '--kubeconfig', cluster.kubeconfigPath, '--kubectl', kubectlPath],
          {
            cwd: bench.repo,
            env: bench.env({ DRIFTLESS_REQUEST_LOG: log }),
          },
        );
        // Stopped as soon as the first LIST went out.
        while (!(existsSync(log) && /configmaps\?/.test(readFileSync(log, 'utf8')))) await new Promise((resolve) => setTimeout(resolve, 5));
        await cluster.stop();
        const result = await running;
        assert.equal(result.code, 2, result.stdout + result.stderr);
        assert.match(
          result.stderr,
          /^driftless: halfway: .*(cannot reach the API server|the connection to the API server at \S+ was lost)/m,
        );
        assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at /);
        // What could be compared is printed: every object, with the reason for those it could not finish.
        const [document] = JSON.parse(result.stdout) as DriftDocument[];
        assert.equal(document!.objects.length, 300);
        assert.ok(
          document!.objects.some((o) => o.error),
          'no object says what failed',
        );
      } finally {
        await cluster.stop();
        bench.cleanup();
      }
    });
  });
});
