// The world the deploy tests run in: the sample repository (test/fixtures/sample-repo) as a clone of a repository on
// the GitHub stand-in (real git over smart HTTP; its answers checked against GitHub's OpenAPI description), its
// namespaces made the suite's own, a kubeconfig whose contexts prod-eu and staging-eu reach the test cluster, the
// Argo CD Application and the Flux objects of the sample bootstrapped into the cluster, and the test controllers
// (test/controllers) playing Argo CD and Flux from the stand-in's bare repository.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import type { DeployRequest } from '../../server/src/node/deploy/deploy-plan';
import { startTestControllers, type RunningTestControllers } from '../controllers/test-controllers';
import { asUser, bareRepository, gitAsync } from '../delivery/repositories';
import { GitHubStandIn } from '../forges/github-stand-in';
import { REPO_ROOT } from '../helpers/engine';
import type { TestCluster } from '../helpers/test-cluster';
import { temporaryFolder } from '../helpers/temporary-folders';

export const SAMPLE_REPO = join(REPO_ROOT, 'test', 'fixtures', 'sample-repo');
/** The URLs the sample's Argo CD Applications and Flux GitRepository name. */
export const SAMPLE_URLS = ['https://github.com/example/driftless-sample-repo.git', 'ssh://git@github.com/example/driftless-sample-repo'];

export function run(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { cwd: options.cwd, encoding: 'utf8', env: options.env ?? process.env, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => (error ? reject(new Error(`${command} ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout)),
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** Every text file under `folder`, with `replace` applied. */
function rewriteTree(folder: string, replace: (text: string, path: string) => string): void {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) rewriteTree(path, replace);
    else if (/\.(ya?ml|json|md|tpl|txt)$/.test(name)) writeFileSync(path, replace(readFileSync(path, 'utf8'), path));
  }
}

export class DeployWorkbench {
  readonly root: string;
  readonly repo: string;
  readonly home: string;
  readonly kubeconfig: string;
  readonly bare: string;
  readonly namespaces: { prod: string; staging: string; argocd: string; flux: string };
  readonly kubectlPath: string;
  readonly helmPath: string;
  controllers!: RunningTestControllers;
  readonly log: string[] = [];

  private constructor(
    readonly cluster: TestCluster,
    readonly forge: GitHubStandIn,
    root: string,
    prefix: string,
    kubectl: string,
    helm: string,
  ) {
    this.root = root;
    this.repo = join(root, 'fleet');
    this.home = join(root, 'home');
    this.kubeconfig = join(root, 'kubeconfig');
    this.bare = join(root, 'remotes', 'acme', 'fleet.git');
    this.namespaces = { prod: `${prefix}-prod`, staging: `${prefix}-staging`, argocd: `${prefix}-argocd`, flux: `${prefix}-flux` };
    this.kubectlPath = kubectl;
    this.helmPath = helm;
  }

  /** `root`: a folder of the caller's (the VS Code runner); default: one of the mocha run's, removed after the suite. */
  static async create(cluster: TestCluster, prefix: string, root?: string): Promise<DeployWorkbench> {
    const tools = kubernetesTools();
    if ('missing' in tools) throw new Error(tools.missing);
    root ??= temporaryFolder(`driftless-deploy-${prefix}-`);
    bareRepository(join(root, 'remotes'), 'acme', 'fleet');
    const forge = await new GitHubStandIn(join(root, 'remotes')).start();
    const bench = new DeployWorkbench(cluster, forge, root, prefix, tools.kubectl, tools.helm);
    await bench.prepareRepository();
    bench.writeKubeconfig();
    return bench;
  }

  /** The sample, its namespaces the suite's, its deliberate staging mistake fixed, committed and pushed to main. */
  private async prepareRepository(): Promise<void> {
    const n = this.namespaces;
    cpSync(SAMPLE_REPO, this.repo, { recursive: true });
    rewriteTree(this.repo, (text, path) => {
      let out = text.replaceAll('shop-production', n.prod).replaceAll('shop-staging', n.staging);
      if (path.includes(`${join('argocd')}/`) || path.includes('/argocd/'))
        out = out.replace(/namespace: argocd\b/g, `namespace: ${n.argocd}`);
      if (path.includes('/clusters/')) out = out.replace(/namespace: flux-system\b/g, `namespace: ${n.flux}`);
      return out.replace('imagePullPolicy: always', 'imagePullPolicy: Always');
    });
    writeFileSync(join(this.repo, '.driftless.yaml'), this.config());
    await run('git', ['-c', 'init.defaultBranch=main', 'init', '--quiet'], { cwd: this.repo });
    asUser(this.repo);
    await gitAsync(this.repo, 'remote', 'add', 'origin', `${this.forge.url}/acme/fleet.git`);
    // The remote the sample's Applications name: their paths are this repository's (never pushed to).
    await gitAsync(this.repo, 'remote', 'add', 'upstream', SAMPLE_URLS[0]!);
    await gitAsync(this.repo, 'config', 'credential.helper', `!f() { echo username=driftless-bot; echo password=${this.forge.token}; }; f`);
    await gitAsync(this.repo, 'add', '--all');
    await gitAsync(this.repo, 'commit', '--quiet', '-m', 'The shop: frontend overlays, backend chart, Argo CD and Flux');
    await gitAsync(this.repo, 'push', '--quiet', '--set-upstream', 'origin', 'main');
  }

  /** `.driftless.yaml`: the three modes, the cluster each must be at. */
  config(extra = ''): string {
    const server = this.cluster.server;
    return `kubernetesVersion: "1.31"
environments:
  - name: frontend-production
    cluster: {context: prod-eu, namespace: ${this.namespaces.prod}, server: ${server}}
    delivery: {mode: pull-request, branch: main}
    protection: production
  - name: apps
    cluster: {context: staging-eu, server: ${server}}
    delivery: {mode: commit, branch: main}
  - name: apps/overlays/production
    source: {kustomization: apps/overlays/production}
    cluster: {context: prod-eu, namespace: ${this.namespaces.prod}, server: ${server}}
    delivery: {mode: apply}
${extra}`;
  }

  /** The test cluster's admin credentials under the sample's context names (and a repointed one). */
  private writeKubeconfig(): void {
    const config = parse(readFileSync(this.cluster.kubeconfigPath, 'utf8')) as {
      contexts: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
      clusters: { name: string; cluster: Record<string, unknown> }[];
      users: unknown[];
    };
    const admin = config.contexts.find((c) => c.name === this.cluster.adminContext)!;
    const elsewhere = config.clusters.find((c) => c.name === admin.context.cluster)!;
    const contexts = [
      admin,
      { name: 'prod-eu', context: { ...admin.context } },
      { name: 'staging-eu', context: { ...admin.context } },
      // The same credentials at another address of the same server: a context "prod-eu" someone repointed.
      { name: 'repointed', context: { ...admin.context, cluster: 'other' } },
    ];
    const other = {
      name: 'other',
      cluster: { ...elsewhere.cluster, server: String(elsewhere.cluster.server).replace('127.0.0.1', 'localhost') },
    };
    writeFileSync(
      this.kubeconfig,
      stringify({ ...config, contexts, clusters: [...config.clusters, other], 'current-context': this.cluster.adminContext }),
    );
  }

  /** A copy of the kubeconfig whose clusters are reached through an HTTP CONNECT proxy (its proxy-url); its path. */
  kubeconfigThrough(proxyUrl: string): string {
    const config = parse(readFileSync(this.kubeconfig, 'utf8')) as { clusters: { cluster: Record<string, unknown> }[] };
    for (const entry of config.clusters) entry.cluster['proxy-url'] = proxyUrl;
    const path = join(this.root, 'kubeconfig-proxied');
    writeFileSync(path, stringify(config));
    return path;
  }

  kubectl(args: string[], input?: string): Promise<string> {
    return run(this.kubectlPath, ['--kubeconfig', this.kubeconfig, '--context', this.cluster.adminContext, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: this.home },
      ...(input !== undefined ? { input } : {}),
    });
  }

  async json(args: string[]): Promise<Record<string, unknown>> {
    return JSON.parse(await this.kubectl([...args, '-o', 'json'])) as Record<string, unknown>;
  }

  /**
   * Namespaces, the Argo CD Application and the Flux objects as a bootstrap leaves them; then the test controllers,
   * unless `testControllers` is false (a suite running real ones).
   */
  async bootstrap({ testControllers = true } = {}): Promise<void> {
    const n = this.namespaces;
    for (const namespace of Object.values(n))
      await this.kubectl(
        ['apply', '--server-side', '-f', '-'],
        stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }),
      );
    if (!testControllers) return;
    this.controllers = startTestControllers({
      kubeconfig: this.kubeconfig,
      context: this.cluster.adminContext,
      kubectl: this.kubectlPath,
      helm: this.helmPath,
      repositories: Object.fromEntries(SAMPLE_URLS.map((url) => [url, this.bare])),
      argocdNamespace: n.argocd,
      // The sample's HelmRelease lives in the staging namespace.
      fluxNamespaces: [n.flux, n.staging],
      pollMs: 250,
      log: (message) => this.log.push(message),
    });
  }

  /** An object of the repository as it goes into the cluster (finalizers and dependencies a bootstrap would not wait on, gone). */
  controllerObjects(file: string, pick: (object: Record<string, unknown>) => boolean): string {
    const objects = parseAllDocuments(readFileSync(join(this.repo, file), 'utf8'))
      .map((d) => d.toJS() as Record<string, unknown>)
      .filter((o) => o && pick(o));
    for (const object of objects) {
      const metadata = object.metadata as Record<string, unknown>;
      delete metadata.finalizers;
      const spec = object.spec as Record<string, unknown> | undefined;
      if (spec) delete spec.dependsOn;
    }
    return objects.map((o) => stringify(o)).join('---\n');
  }

  /** A deploy request as the CLI would make it, for this repository. */
  request(fields: Partial<DeployRequest> & Pick<DeployRequest, 'environment' | 'kind'>): DeployRequest {
    return {
      root: this.repo,
      answers: {},
      kubeconfig: this.kubeconfig,
      env: { PATH: process.env.PATH, HOME: this.home },
      cwd: this.repo,
      tools: { kubectl: this.kubectlPath, helm: this.helmPath },
      forge: { forges: [{ url: this.forge.url, kind: 'github' }], token: this.forge.token },
      timeoutMs: 90_000,
      mergePollMs: 200,
      ...fields,
    };
  }

  /** `driftless ARGS` (the built CLI) as a child process in the repository, with the kubeconfig and kubectl given. */
  cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [join(REPO_ROOT, 'dist', 'cli.js'), ...args, '--kubeconfig', this.kubeconfig, '--kubectl', this.kubectlPath],
        {
          cwd: this.repo,
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', HOME: this.home, DRIFTLESS_NO_CODE_CACHE: '1', ...env },
          maxBuffer: 64 << 20,
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout: stdout.trimEnd(), stderr }),
      );
      child.stdin?.end();
    });
  }

  git(...args: string[]): Promise<string> {
    return gitAsync(this.repo, ...args);
  }

  /** Edits a file of the repository and commits it (on the current branch); returns the new commit. */
  async commit(path: string, edit: (text: string) => string, message: string): Promise<string> {
    const file = join(this.repo, path);
    const before = readFileSync(file, 'utf8');
    const after = edit(before);
    if (after === before) throw new Error(`the edit of ${path} changed nothing`);
    writeFileSync(file, after);
    await this.git('add', '--', path);
    await this.git('commit', '--quiet', '-m', message);
    return (await this.git('rev-parse', 'HEAD')).trim();
  }

  /** Server-side applies YAML as the test (field manager `test-bootstrap`, or the one given). */
  apply(yaml: string, manager = 'test-bootstrap', force = false): Promise<string> {
    return this.kubectl(['apply', '--server-side', `--field-manager=${manager}`, ...(force ? ['--force-conflicts'] : []), '-f', '-'], yaml);
  }

  /** Polls `probe` until it returns something truthy (or the time runs out: the last value is thrown with `what`). */
  async waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const value = await probe();
        if (value) return value;
        last = value;
      } catch (error) {
        last = error;
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  /** Merges the next pull request opened on the stand-in (as a reviewer would press the button); returns its number. */
  async mergeNextPullRequest(timeoutMs = 60_000): Promise<{ number: number; head: string; mergeCommit: string }> {
    const pull = await this.waitFor(
      'a pull request to merge',
      () => Promise.resolve(this.forge.pulls.get('acme/fleet')?.find((p) => p.state === 'open')),
      timeoutMs,
    );
    const mergeCommit = this.forge.merge('acme/fleet', pull.number);
    return { number: pull.number, head: pull.head, mergeCommit };
  }

  async cleanup(): Promise<void> {
    await this.controllers?.stop();
    // What the controllers did, to read after a failure (test-results/ is the run's, not committed).
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    writeFileSync(join(REPO_ROOT, 'test-results', 'deploy-controllers.log'), this.log.join('\n') + '\n');
    for (const namespace of Object.values(this.namespaces))
      await this.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']).catch(() => undefined);
    await this.forge.stop();
  }
}
