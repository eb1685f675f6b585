// `driftless drift` as a process, where no API server is needed: an unreachable cluster (a closed port), kubeconfig
// and usage errors — each a clear message and exit 2, never a stack trace — and `validate` never loading the cluster
// client. The runs against a real API server are in test/cluster/drift.test.ts.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/engine';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { fileWriter } from '../helpers/write-files';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('CLI: driftless drift without a cluster', function () {
  this.timeout(60_000);
  let root: string;
  let kubectl: string;
  const write = fileWriter(() => root);

  before(async function () {
    kubectl = renderToolsOrSkip(this).kubectl;
    root = mkdtempSync(join(tmpdir(), 'driftless-drift-cli-'));
    write(
      '.driftless.yaml',
      'environments:\n  - name: shop\n    source: {directory: shop}\n    cluster: {context: nowhere, namespace: shop}\n',
    );
    write('shop/config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: "1"}\n');
    write('shop/secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: hunter2}\n');
    const port = await closedPort();
    write(
      'kubeconfig',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'nowhere', cluster: { server: `https://127.0.0.1:${port}` } }],
        users: [{ name: 'u', user: { token: 'not-a-real-token' } }],
        contexts: [{ name: 'nowhere', context: { cluster: 'nowhere', user: 'u' } }],
      }),
    );
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const run = (args: string[], env: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, [CLI, 'drift', '--kubectl', kubectl, ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: root, DRIFTLESS_NO_CODE_CACHE: '1', ...env },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('says the cluster cannot be reached, lists every object as unknown, exits 2, and shows no stack trace', function () {
    const result = run(['--kubeconfig', 'kubeconfig', '--format', 'json']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^driftless: shop: cannot reach the API server at https:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED/m);
    assert.doesNotMatch(result.stderr + result.stdout, /\n\s+at |hunter2/);
    const documents = JSON.parse(result.stdout) as { environment: string; context: string; objects: { status: string; name: string }[] }[];
    assert.equal(documents.length, 1);
    assert.equal(documents[0]!.context, 'nowhere');
    assert.deepEqual(
      documents[0]!.objects.map((o) => `${o.name} ${o.status}`),
      ['settings unknown', 'db unknown'],
    );
  });

  it('answers exactly the documented JSON shape for one environment', function () {
    const result = run(['--kubeconfig', 'kubeconfig', '--format', 'json', '--env', 'shop']);
    const document = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(document), ['environment', 'context', 'objects', 'summary']);
    const object = (document.objects as Record<string, unknown>[])[0]!;
    assert.deepEqual(Object.keys(object), ['apiVersion', 'kind', 'namespace', 'name', 'status', 'differences', 'error']);
    // The cluster never answered which kinds are namespaced: git's objects stay as written (no namespace).
    assert.equal(object.namespace, null);
    assert.deepEqual(document.summary, { inSync: 0, drifted: 0, missing: 0, extra: 0, unknown: 2 });
  });

  it('names what is wrong with the kubeconfig, the context or the arguments', function () {
    const noFile = run(['--kubeconfig', 'absent']);
    assert.equal(noFile.code, 2);
    assert.match(noFile.stderr, /driftless: shop: the kubeconfig .*absent does not exist\./);
    const noContext = run(['--kubeconfig', 'kubeconfig', '--context', 'elsewhere']);
    assert.equal(noContext.code, 2);
    assert.match(noContext.stderr, /there is no context "elsewhere" in /);
    const noEnv = run(['--kubeconfig', 'kubeconfig', '--env', 'staging']);
    assert.equal(noEnv.code, 2);
    assert.equal(noEnv.stderr.trim(), 'driftless: no environment named "staging". Environments: shop.');
    const format = run(['--format', 'yaml']);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /--format must be text or json/);
    for (const result of [noFile, noContext, noEnv, format]) assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('says an environment of another repository is not compared, and exits 2 when it is the one asked for', function () {
    write(
      'argocd/elsewhere.yaml',
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: elsewhere, namespace: argocd}\nspec:\n  project: default\n  source: {repoURL: https://github.com/example/other.git, path: apps}\n  destination: {server: https://kubernetes.default.svc, namespace: other}\n',
    );
    try {
      const named = run(['--kubeconfig', 'kubeconfig', '--env', 'elsewhere']);
      assert.equal(named.code, 2, named.stdout + named.stderr);
      assert.match(named.stderr, /^driftless: elsewhere: not compared: /m);
    } finally {
      rmSync(join(root, 'argocd'), { recursive: true, force: true });
    }
  });

  it('loads the cluster client for drift only: validate never requires dist/client-node.js', function () {
    // A preload that reports every read or require of the cluster client's bundle.
    const hook = join(root, 'hook.js');
    writeFileSync(
      hook,
      [
        "const fs = require('fs'); const Module = require('module');",
        "const report = (what) => { if (/client-node/.test(String(what))) process.stderr.write('LOADED ' + what + '\\n'); };",
        'const read = fs.readFileSync; fs.readFileSync = function (path, ...rest) { report(path); return read.call(this, path, ...rest); };',
        'const load = Module._load; Module._load = function (request, ...rest) { report(request); return load.call(this, request, ...rest); };',
      ].join('\n'),
    );
    const env = { PATH: process.env.PATH ?? '', HOME: root, DRIFTLESS_NO_CODE_CACHE: '1' };
    const validate = spawnSync(process.execPath, ['-r', hook, CLI, 'validate', 'shop'], { cwd: root, encoding: 'utf8', env });
    assert.equal(validate.status, 0, validate.stderr);
    assert.doesNotMatch(validate.stderr, /LOADED/);
    const drift = spawnSync(process.execPath, ['-r', hook, CLI, 'drift', '--kubeconfig', 'kubeconfig', '--kubectl', kubectl], {
      cwd: root,
      encoding: 'utf8',
      env,
    });
    assert.match(drift.stderr, /LOADED \S*dist\/client-node\.js/);
  });
});
