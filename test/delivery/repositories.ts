// Real git repositories for the delivery tests: bare repositories as remotes (served by a forge or as plain paths),
// clones with their own identity and hooks, and a GitOps tree whose environments a change can touch.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { temporaryFolder } from '../helpers/temporary-folders';

/** git with an identity and no signing, as a user's configured git; hooks and everything else as git has them. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
  });
}

/**
 * git, not blocking this process: for talking to a forge stand-in served from this very process (a synchronous
 * child would keep it from answering).
 */
export function gitAsync(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      'git',
      args,
      { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' } },
      (error, stdout, stderr) => (error ? reject(new Error(`git ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout)),
    ),
  );
}

/** A folder of the test's own, removed when its top-level suite ends (test/helpers/temporary-folders.ts). */
export function scratch(prefix = 'driftless-delivery-'): string {
  return temporaryFolder(prefix);
}

export function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

export function read(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

/** A bare repository (`owner/name.git` under `root`) whose default branch is main. */
export function bareRepository(root: string, owner: string, name: string): string {
  const path = join(root, owner, `${name}.git`);
  mkdirSync(path, { recursive: true });
  git(path, 'init', '--quiet', '--bare', '--initial-branch', 'main');
  return path;
}

/** A `pre-receive` hook in a bare repository that refuses pushes to `branch`, as a protected branch does. */
export function protectBranch(bare: string, branch: string): void {
  const hook = join(bare, 'hooks', 'pre-receive');
  writeFileSync(
    hook,
    `#!/bin/sh\nwhile read old new ref; do\n  if [ "$ref" = "refs/heads/${branch}" ]; then\n    echo "GL-HOOK-ERR: ${branch} is a protected branch: changes reach it through pull requests." >&2\n    exit 1\n  fi\ndone\nexit 0\n`,
  );
  chmodSync(hook, 0o755);
}

/** Configures a working repository as a user would have it: identity, no signing, no global hooks. */
export function asUser(repository: string, name = 'Dana Developer'): void {
  git(repository, 'config', 'user.name', name);
  git(repository, 'config', 'user.email', 'dana@example.com');
  git(repository, 'config', 'commit.gpgsign', 'false');
}

/** A clone of `url` at `path`, configured as a user's. */
export async function cloneOf(url: string, path: string): Promise<string> {
  mkdirSync(dirname(path), { recursive: true });
  await gitAsync(dirname(path), '-c', 'init.defaultBranch=main', 'clone', '--quiet', url, path);
  asUser(path);
  return path;
}

/** A credential helper in a repository's config answering `token` as the password (what a user's helper does). */
export function storeCredentials(repository: string, user: string, token: string): void {
  git(repository, 'config', 'credential.helper', `!f() { echo username=${user}; echo password=${token}; }; f`);
}

const deployment = (image: string, memory: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
spec:
  replicas: 2
  selector:
    matchLabels: {app: cart}
  template:
    metadata:
      labels: {app: cart}
    spec:
      containers:
        - name: cart
          image: registry.example.com/shop/cart:${image}
          resources:
            limits: {memory: ${memory}}
            requests: {memory: ${memory}}
`;

/**
 * A GitOps tree: a cart base and two overlays nothing includes, the environments cart-prod and cart-staging
 * (.driftless.yaml refines cart-prod's delivery), plus a README no environment reads.
 */
export const GITOPS_TREE: Record<string, string> = {
  'README.md': '# fleet\n',
  '.driftless.yaml': `environments:
  - name: cart-prod
    delivery: {mode: pull-request, branch: main, pullRequest: {reviewers: [alice], labels: [production]}}
delivery:
  pullRequest: {labels: [gitops]}
`,
  'cart/base/kustomization.yaml': 'resources: [deployment.yaml]\n',
  'cart/base/deployment.yaml': deployment('1.0.0', '128Mi'),
  'cart-prod/kustomization.yaml':
    'resources: [../cart/base]\nnamespace: shop\nimages: [{name: registry.example.com/shop/cart, newTag: 1.0.0}]\n',
  'cart-staging/kustomization.yaml': 'resources: [../cart/base]\nnamespace: shop-staging\n',
};

/** The change the issue describes: cart 1.0.0 → 1.0.1 in prod, memory 128Mi → 256Mi in both. */
export function makeCartChange(root: string): void {
  writeTree(root, {
    'cart-prod/kustomization.yaml':
      'resources: [../cart/base]\nnamespace: shop\nimages: [{name: registry.example.com/shop/cart, newTag: 1.0.1}]\n',
    'cart/base/deployment.yaml': deployment('1.0.0', '256Mi'),
  });
}

/** Commits everything in `root` and pushes it to origin's main. */
export async function commitAndPushAll(root: string, message = 'fleet: cart in prod and staging'): Promise<void> {
  git(root, 'add', '--all');
  git(root, 'commit', '--quiet', '-m', message);
  await gitAsync(root, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
}

export function remove(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/** What `git status --porcelain` says, for comparing a repository before and after. */
export function status(root: string): string {
  return git(root, 'status', '--porcelain=v1', '--untracked-files=all');
}

export function headOf(root: string, ref = 'HEAD'): string {
  return git(root, 'rev-parse', ref).trim();
}
