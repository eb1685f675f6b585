// The folders the VS Code runs open, made fresh in a temporary folder for each run from the committed fixtures.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/code-server';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { applyAsArgoCd, kubectlOn, leftBehind, type SampleCluster } from '../helpers/sample-repo-cluster';
import { giteaForge, standInForge } from '../delivery/forges';
import { commitAndPushAll, GITOPS_TREE, writeTree } from '../delivery/repositories';
import { DeployWorkbench } from '../cluster/deploy-workbench';
import { assertArgoCdExchangesConform } from '../controllers/argocd-server-openapi';
import { ArgoCdServerStandIn } from '../controllers/argocd-server-stand-in';
import type { TestCluster } from '../helpers/test-cluster';

export const SAMPLE_REPO = join(REPO_ROOT, 'test', 'fixtures', 'sample-repo');
const FIXTURES = join(REPO_ROOT, 'test', 'vscode', 'fixtures');
/** An extension with nothing in it, loaded as the development extension when testing the installed .vsix. */
export const TESTS_HOST_EXTENSION = join(FIXTURES, 'tests-host');

/**
 * The main suite's multi-root workspace: `sample-repo` (its .driftless.yaml sets Kubernetes 1.31) and `no-config`
 * (no .driftless.yaml, so the driftless.kubernetesVersion setting decides). Returns the .code-workspace file.
 */
export function mainWorkspace(root: string): string {
  cpSync(SAMPLE_REPO, join(root, 'sample-repo'), { recursive: true });
  cpSync(join(FIXTURES, 'no-config'), join(root, 'no-config'), { recursive: true });
  const file = join(root, 'driftless-tests.code-workspace');
  // The real kubectl and helm, for rendering (where this platform has them; the render test says so otherwise).
  const tools = kubernetesTools();
  const settings = 'missing' in tools ? {} : { 'driftless.kubectlPath': tools.kubectl, 'driftless.helmPath': tools.helm };
  writeFileSync(file, JSON.stringify({ folders: [{ path: 'sample-repo' }, { path: 'no-config' }], settings }, null, 2) + '\n');
  return file;
}

/** A folder for the Workspace Trust run, which nobody has trusted. */
export function untrustedFolder(root: string): string {
  const folder = join(root, 'untrusted');
  cpSync(join(FIXTURES, 'untrusted'), folder, { recursive: true });
  return folder;
}

/**
 * kubectl and helm wrappers that log each run to `log` (outside the folder) and then run the real tools (or fail,
 * where there are none): the Workspace Trust run configures them as user settings and counts the runs, which must be
 * none. Returns the settings and the log's path (the suite reads DRIFTLESS_TOOL_LOG).
 */
export function countedTools(root: string): { settings: Record<string, string>; log: string } {
  const folder = join(root, 'counted-tools');
  mkdirSync(folder, { recursive: true });
  const log = join(folder, 'runs.log');
  const tools = kubernetesTools();
  const wrapper = (name: 'kubectl' | 'helm') => {
    const real = 'missing' in tools ? `/nonexistent/${name}` : tools[name];
    const path = join(folder, name);
    writeFileSync(path, `#!/bin/sh\necho "${name} $*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
    return path;
  };
  return { settings: { 'driftless.kubectlPath': wrapper('kubectl'), 'driftless.helmPath': wrapper('helm') }, log };
}

/** A folder with one manifest and nothing that activates the extension at start-up (the .vsix run measures activation). */
export function firstOpenFolder(root: string): string {
  const folder = join(root, 'first-open');
  cpSync(join(FIXTURES, 'first-open'), folder, { recursive: true });
  return folder;
}

/** The namespace the drift suite's environment is delivered to (the suite reads it from DRIFTLESS_VSCODE_DRIFT_NAMESPACE). */
export const DRIFT_NAMESPACE = 'drift-suite';
/** The Secret value git holds in the drift suite's repository: the suite checks it is shown nowhere. */
export const DRIFT_SECRET = 'drift-suite-secret-in-git';
export const DRIFT_SECRET_PATCHED = 'drift-suite-secret-patched';

/**
 * The drift suite's folder: a git repository (its Argo CD Application renders from it: its remote is the repoURL)
 * whose environment `shop` is delivered to the cluster as Argo CD would, then drifted by hand — a hotfix image, a
 * ConfigMap's value and a Secret's value patched, the Service deleted, a ConfigMap left behind; its .driftless.yaml
 * names the cluster's context. The environment `apps/staging` has no context.
 */
export async function driftWorkspace(root: string, cluster: SampleCluster, kubectlPath: string): Promise<string> {
  const folder = join(root, 'drift-repo');
  cpSync(join(FIXTURES, 'drift-repo'), folder, { recursive: true });
  writeFileSync(
    join(folder, '.driftless.yaml'),
    `# The drift suite's settings.\nenvironments:\n  - name: shop\n    cluster:\n      context: ${cluster.context}\n      namespace: ${DRIFT_NAMESPACE}\n`,
  );
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', folder, '-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args]);
  git('init', '--quiet', '--initial-branch', 'main');
  git('remote', 'add', 'origin', 'https://example.com/drift-suite.git');
  git('add', '--all');
  git('commit', '--quiet', '-m', 'The shop, delivered by Argo CD');
  const home = join(root, 'kubectl-home');
  mkdirSync(home, { recursive: true });
  const kubectl = kubectlOn(cluster, kubectlPath, home, folder);
  // Left from an earlier run on the same cluster (DRIFTLESS_TEST_KUBECONFIG's): started afresh.
  await kubectl(['delete', 'namespace', DRIFT_NAMESPACE, '--ignore-not-found', '--wait=true', '--timeout=60s']);
  await kubectl(['create', 'namespace', DRIFT_NAMESPACE]);
  await applyAsArgoCd(kubectl, 'shop', DRIFT_NAMESPACE, await kubectl(['kustomize', join(folder, 'apps', 'shop')]));
  await kubectl(['-n', DRIFT_NAMESPACE, 'set', 'image', 'deployment/web', 'web=nginx:1.28-hotfix']);
  await kubectl(['-n', DRIFT_NAMESPACE, 'patch', 'configmap', 'settings', '-p', '{"data":{"level":"9"}}']);
  await kubectl(['-n', DRIFT_NAMESPACE, 'patch', 'secret', 'db', '-p', JSON.stringify({ stringData: { password: DRIFT_SECRET_PATCHED } })]);
  await kubectl(['-n', DRIFT_NAMESPACE, 'delete', 'service', 'web']);
  const leftover = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'leftover', namespace: DRIFT_NAMESPACE },
    data: { old: 'yes' },
  };
  await kubectl(['apply', '--server-side', '--field-manager', 'kubectl-create', '-f', '-'], JSON.stringify(leftBehind('shop', leftover)));
  return folder;
}

/**
 * The delivery run's folder: a clone of a repository on a local forge — a real Gitea when its binary is built, else
 * the GitLab stand-in served from the runner's process — holding the delivery tests' GitOps tree on main.
 */
export async function deliveryWorkspace(root: string): Promise<{
  folder: string;
  forge: { kind: 'gitea' | 'gitlab'; url: string; token: string; fullName: string; label: string };
  stop(): Promise<void>;
}> {
  const real = await giteaForge(root);
  const forge = 'missing' in real ? await standInForge('gitlab', root) : real;
  const folder = await forge.clone(join(root, 'fleet'));
  writeTree(folder, GITOPS_TREE);
  await commitAndPushAll(folder);
  return {
    folder,
    forge: { kind: forge.kind as 'gitea' | 'gitlab', url: forge.url, token: forge.token, fullName: forge.fullName, label: forge.label },
    stop: () => forge.stop(),
  };
}

/** The deploy suite's environment synced through argocd-server's REST API. */
const ARGOCD_SERVER_ENVIRONMENT = 'frontend-through-argocd-server';

/**
 * The deploy suite's world, on the run's cluster: the sample repository cloned from the
 * GitHub stand-in with the Argo CD Application bootstrapped into the cluster, and the test controllers playing Argo CD
 * and Flux in this process. `missing`: what this machine lacks to run it (Go, kubectl).
 */
export async function deployWorkspace(
  root: string,
  cluster: TestCluster,
): Promise<
  | { missing: string }
  | {
      folder: string;
      settings: Record<string, unknown>;
      env: Record<string, string>;
      stop(): Promise<void>;
    }
> {
  const tools = kubernetesTools();
  if ('missing' in tools) return { missing: tools.missing };
  mkdirSync(root, { recursive: true });
  const bench = await DeployWorkbench.create(cluster, `dvsc${process.pid}`, root);
  await bench.bootstrap();
  await bench.apply(bench.controllerObjects('argocd/frontend-production.yaml', () => true));
  // argocd-server (the stand-in) in front of the same Application, for an environment synced through its REST API.
  const argocdToken = `vscode-argocd-${process.pid}-token`;
  const argocd = await new ArgoCdServerStandIn(bench.kubeconfig, cluster.adminContext, bench.namespaces.argocd, {
    [argocdToken]: { account: 'vscode-user', canSync: true },
  }).start();
  await bench.commit(
    '.driftless.yaml',
    () =>
      bench.config(`  - name: ${ARGOCD_SERVER_ENVIRONMENT}
    source: {kustomization: apps/overlays/production}
    cluster: {context: prod-eu, namespace: ${bench.namespaces.prod}, server: ${cluster.server}}
    delivery: {mode: commit, branch: main}
    controller: {argocd: {application: frontend-production, namespace: ${bench.namespaces.argocd}, server: ${argocd.url}}}
`),
    'frontend through argocd-server too',
  );
  await bench.git('push', '--quiet', 'origin', 'main');
  return {
    folder: bench.repo,
    settings: {
      'driftless.forges': [{ url: bench.forge.url, kind: 'github' }],
      'driftless.validateRenderedOutput': false,
      'driftless.kubectlPath': tools.kubectl,
      'driftless.helmPath': tools.helm,
    },
    // The language server reads the kubeconfig and the forge token from its environment, as the CLI does.
    env: {
      KUBECONFIG: bench.kubeconfig,
      GITHUB_TOKEN: bench.forge.token,
      DRIFTLESS_VSCODE_DEPLOY: JSON.stringify({
        kubeconfig: bench.kubeconfig,
        context: cluster.adminContext,
        kubectl: bench.kubectlPath,
        namespaces: bench.namespaces,
        forge: { url: bench.forge.url, token: bench.forge.token },
        argocd: { url: argocd.url, token: argocdToken, environment: ARGOCD_SERVER_ENVIRONMENT },
      }),
    },
    stop: async () => {
      await argocd.stop();
      await bench.cleanup();
      assertArgoCdExchangesConform(argocd.requests);
    },
  };
}
