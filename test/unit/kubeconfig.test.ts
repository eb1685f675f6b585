// kubeconfig read as kubectl reads it: KUBECONFIG's files merged first-wins, the first current-context, paths relative
// to the file that names them, missing files skipped (an explicit --kubeconfig must exist), errors in words.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { loadKubeconfig, type Kubeconfig } from '../../server/src/node/cluster/kubeconfig';
import { fileWriter } from '../helpers/write-files';

describe('kubeconfig', function () {
  let root: string;
  const write = fileWriter(() => root);
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'driftless-kubeconfig-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const config = (entries: { clusters?: object[]; users?: object[]; contexts?: object[]; current?: string }) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: entries.clusters ?? [],
      users: entries.users ?? [],
      contexts: entries.contexts ?? [],
      ...(entries.current !== undefined ? { 'current-context': entries.current } : {}),
    });
  const load = (env: Record<string, string>, kubeconfig?: string) => {
    const loaded = loadKubeconfig({ env, cwd: root, ...(kubeconfig ? { kubeconfig } : {}) });
    return loaded;
  };
  const ok = (loaded: ReturnType<typeof load>): Kubeconfig => {
    assert.ok(!('error' in loaded), 'error' in loaded ? loaded.error : '');
    return loaded;
  };

  it('merges KUBECONFIG’s files as kubectl: the first to name an entry wins it, the first current-context is current', function () {
    write(
      'a/config',
      config({
        clusters: [{ name: 'prod', cluster: { server: 'https://prod.example:6443', 'certificate-authority': 'ca.crt' } }],
        users: [{ name: 'admin', user: { 'token-file': 'token' } }],
        contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'admin', namespace: 'shop' } }],
      }),
    );
    write('a/ca.crt', 'not really a certificate');
    write('a/token', 'token-from-a');
    write(
      'b/config',
      config({
        clusters: [{ name: 'prod', cluster: { server: 'https://other.example:6443' } }],
        contexts: [
          { name: 'prod', context: { cluster: 'prod', user: 'nobody' } },
          { name: 'dev', context: { cluster: 'prod', user: 'admin' } },
        ],
        current: 'dev',
      }),
    );
    const files = [join(root, 'missing'), join(root, 'a', 'config'), join(root, 'b', 'config')];
    const kubeconfig = ok(load({ KUBECONFIG: files.join(delimiter) }));
    // a has no current-context: b's is the first one set.
    assert.equal(kubeconfig.currentContext, 'dev');
    assert.deepEqual(kubeconfig.files, files.slice(1));
    assert.deepEqual(
      kubeconfig.contexts.map((c) => [c.name, c.user, c.namespace, c.server]),
      [
        ['prod', 'admin', 'shop', 'https://prod.example:6443'],
        ['dev', 'admin', undefined, 'https://prod.example:6443'],
      ],
    );
    const prod = kubeconfig.forContext('prod');
    assert.ok(prod.ok);
    assert.equal(prod.namespace, 'shop');
    // Relative paths are relative to the file that names them (not to the working folder).
    assert.equal(prod.config.getCurrentCluster()?.caFile, join(root, 'a', 'ca.crt'));
    assert.equal(prod.config.getCurrentUser()?.token, 'token-from-a');
  });

  it('takes --kubeconfig alone, and says what is wrong in words', function () {
    write(
      'one',
      config({ clusters: [{ name: 'c', cluster: { server: 'https://c:6443' } }], contexts: [{ name: 'x', context: { cluster: 'c' } }] }),
    );
    write('other', config({ contexts: [{ name: 'y', context: { cluster: 'c' } }], current: 'y' }));
    const one = ok(load({ KUBECONFIG: join(root, 'other') }, 'one'));
    assert.deepEqual(
      one.contexts.map((c) => c.name),
      ['x'],
    );
    assert.equal(one.currentContext, undefined);
    assert.deepEqual(load({}, 'nothing-here'), { error: `the kubeconfig ${join(root, 'nothing-here')} does not exist.` });
    write('broken', 'clusters: [unclosed');
    assert.match((load({}, 'broken') as { error: string }).error, /^the kubeconfig .*broken is not valid YAML: /);
    assert.deepEqual(one.forContext('y'), { ok: false, error: `there is no context "y" in ${join(root, 'one')}.` });
    write('dangling', config({ contexts: [{ name: 'z', context: { cluster: 'gone', user: 'u' } }] }));
    const dangling = ok(load({}, 'dangling')).forContext('z');
    assert.deepEqual(dangling, { ok: false, error: 'the context "z" names a cluster "gone" no kubeconfig file defines.' });
    assert.match((load({ HOME: join(root, 'home') }) as { error: string }).error, /^no kubeconfig found .*home\/\.kube\/config/);
  });

  it('resolves an exec plugin’s command with a folder against its file, and leaves a bare command to PATH', function () {
    write(
      'config',
      config({
        clusters: [{ name: 'c', cluster: { server: 'https://c:6443' } }],
        users: [
          { name: 'relative', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './bin/get-token' } } },
          { name: 'bare', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'aws' } } },
        ],
        contexts: [
          { name: 'r', context: { cluster: 'c', user: 'relative' } },
          { name: 'b', context: { cluster: 'c', user: 'bare' } },
        ],
      }),
    );
    const kubeconfig = ok(load({}, 'config'));
    const command = (context: string) => {
      const resolved = kubeconfig.forContext(context);
      assert.ok(resolved.ok);
      return (resolved.config.getCurrentUser()?.exec as { command: string }).command;
    };
    assert.equal(command('r'), join(root, 'bin', 'get-token'));
    assert.equal(command('b'), 'aws');
  });

  it('reads an empty file as no entries', function () {
    writeFileSync(join(root, 'empty'), '');
    assert.deepEqual(ok(load({}, 'empty')).contexts, []);
  });
});
