// The Drift view's requests over the protocol against a real API server: an Argo CD Application's environment applied
// (as Argo CD does: server-side, its instance label on every object), then changed by hand. One side of an object for
// the diff editor (normalized, a Secret's values `***`); a watch that tells the editor when `kubectl scale` changes the
// drift; "Take the live value into git" as an edit of the patch line and of the manifest line (and where it comes
// from when kustomize's `images:` sets it, never for a Secret); "Ignore this field" as an edit of .driftless.yaml and
// of the Application — each edit applied as the editor would, after which the difference is gone. The kubeconfig
// comes from the driftless.kubeconfig setting.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import {
  DriftChangedNotification,
  DriftDocumentRequest,
  DriftRequest,
  IgnoreFieldRequest,
  KubeContextsRequest,
  TakeLiveValueRequest,
  WatchDriftNotification,
  type DriftActionResult,
  type DriftChangedParams,
  type DriftObjectRef,
  type DriftResult,
} from '../../server/src/protocol';
import { skipWithReason } from '../helpers/skips';
import { testClusterOrSkip, type TestCluster } from '../helpers/test-cluster';
import { FixtureWorkspace, ServerSession } from '../lsp/harness';

const SECRET_IN_GIT = 'view-secret-in-git';
const SECRET_PATCHED = 'view-secret-patched';
const LONG_MS = 90_000;

describe('LSP: the Drift view’s requests against a real API server', function () {
  let cluster: TestCluster;
  let kubectlPath: string;
  let workspace: FixtureWorkspace;
  let server: ServerSession;
  const namespace = `drift-view-${process.pid}`;
  const changes: DriftChangedParams[] = [];

  const kubectl = (args: string[], input = ''): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = spawn(kubectlPath, ['--kubeconfig', cluster.kubeconfigPath, '--context', cluster.adminContext, ...args], {
        env: { PATH: process.env.PATH ?? '', HOME: workspace.dir },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`))));
      child.stdin.end(input);
    });

  const drift = async (): Promise<Extract<DriftResult, { objects: unknown }>> => {
    const result = await server.lsp.request(DriftRequest.type, { environment: 'shop', folder: workspace.dir }, LONG_MS);
    assert.ok('objects' in result, JSON.stringify(result));
    return result;
  };
  const object = (result: Extract<DriftResult, { objects: unknown }>, kind: string, name: string) => {
    const found = result.objects.find((o) => o.kind === kind && o.name === name);
    assert.ok(found, `${kind} ${name} is not in ${JSON.stringify(result.objects.map((o) => `${o.kind} ${o.name}`))}`);
    return found;
  };
  const ref = (kind: string, name: string, apiVersion = kind === 'Deployment' ? 'apps/v1' : 'v1'): DriftObjectRef => ({
    apiVersion,
    kind,
    name,
    namespace,
  });

  /** Applies a WorkspaceEdit to the files on disk, as the editor would, and tells the server they changed. */
  const apply = (edit: WorkspaceEdit): string[] => {
    const touched: string[] = [];
    for (const change of edit.documentChanges ?? []) {
      if ('kind' in change) {
        assert.equal(change.kind, 'create');
        const file = fileURLToPath(change.uri);
        if (!existsSync(file)) writeFileSync(file, '');
        continue;
      }
      const documentEdit = change;
      const file = fileURLToPath(documentEdit.textDocument.uri);
      const document = TextDocument.create(documentEdit.textDocument.uri, 'yaml', 0, readFileSync(file, 'utf8'));
      writeFileSync(
        file,
        TextDocument.applyEdits(
          document,
          documentEdit.edits.filter((e): e is TextEdit => 'newText' in e),
        ),
      );
      touched.push(file.slice(workspace.dir.length + 1));
    }
    server.filesChanged(touched.map((relative) => ({ relative, type: 'changed' as const })));
    return touched;
  };
  const edited = (result: DriftActionResult) => {
    assert.ok('edit' in result, JSON.stringify(result));
    return result;
  };

  before(async function () {
    const tools = kubernetesTools();
    if ('missing' in tools) {
      skipWithReason(this, tools.missing);
    }
    kubectlPath = tools.kubectl;
    cluster = await testClusterOrSkip(this);
    this.timeout(180_000);
    workspace = FixtureWorkspace.create({
      '.driftless.yaml': `# The shop's settings.\nenvironments:\n  - name: shop\n    cluster:\n      context: ${cluster.adminContext}\n      namespace: ${namespace}\n`,
      'argocd/shop.yaml': [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Application',
        'metadata:',
        '  name: shop',
        '  namespace: argocd',
        'spec:',
        '  project: default',
        '  source:',
        '    repoURL: https://example.com/shop.git',
        '    targetRevision: main',
        '    path: apps/shop',
        '  destination:',
        '    server: https://kubernetes.default.svc',
        `    namespace: ${namespace}`,
        '',
      ].join('\n'),
      'apps/shop/kustomization.yaml': [
        'resources:',
        '  - deployment.yaml',
        '  - settings.yaml',
        '  - secret.yaml',
        'images:',
        '  - name: nginx',
        '    newTag: "1.27"',
        'patches:',
        '  - path: replicas-patch.yaml',
        '',
      ].join('\n'),
      'apps/shop/deployment.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: web',
        'spec:',
        '  replicas: 1',
        '  selector:',
        '    matchLabels: {app: web}',
        '  template:',
        '    metadata:',
        '      labels: {app: web}',
        '    spec:',
        '      containers:',
        '        - name: web',
        '          image: nginx:1.26',
        '',
      ].join('\n'),
      'apps/shop/replicas-patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n',
      'apps/shop/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: "1"\n  mode: fast\n',
      'apps/shop/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${SECRET_IN_GIT}\n`,
    });
    // Rendered from this repository: the Application's repoURL is its remote.
    execFileSync('git', ['init', '--quiet', workspace.dir]);
    execFileSync('git', ['-C', workspace.dir, 'remote', 'add', 'origin', 'https://example.com/shop.git']);
    await kubectl(['create', 'namespace', namespace]);
    // Applied as Argo CD applies it (server-side, its tracking label on each object).
    const rendered = await kubectl(['kustomize', workspace.path('apps/shop')]);
    const labelled = rendered.replace(/^metadata:\n/gm, 'metadata:\n  labels: {app.kubernetes.io/instance: shop}\n');
    await kubectl(['apply', '--server-side', '--field-manager', 'argocd-controller', '-n', namespace, '-f', '-'], labelled);
    await kubectl(['-n', namespace, 'set', 'image', 'deployment/web', 'web=nginx:1.28-hotfix']);
    await kubectl(['-n', namespace, 'patch', 'configmap', 'settings', '-p', '{"data":{"level":"9"}}']);
    await kubectl(['-n', namespace, 'patch', 'secret', 'db', '-p', JSON.stringify({ stringData: { password: SECRET_PATCHED } })]);
    server = await ServerSession.start(workspace, { settings: { kubeconfig: cluster.kubeconfigPath, kubectlPath } });
    server.lsp.onNotification(DriftChangedNotification.type, (params) => changes.push(params));
    await server.settled();
  });

  after(async function () {
    this.timeout(60_000);
    if (server) server.lsp.notify(WatchDriftNotification.method, { environments: [] });
    await server?.stop();
    if (cluster && workspace) await kubectl(['delete', 'namespace', namespace, '--wait=false']).catch(() => undefined);
    workspace?.dispose();
  });

  it('lists the kubeconfig’s contexts from the driftless.kubeconfig setting', async function () {
    const contexts = await server.lsp.request(KubeContextsRequest.type, {});
    assert.ok('contexts' in contexts, JSON.stringify(contexts));
    assert.deepEqual(contexts.files, [cluster.kubeconfigPath]);
    assert.ok(contexts.contexts.some((c) => c.name === cluster.adminContext && c.server === cluster.server));
  });

  it('serves each side of an object for the diff editor: git’s and the cluster’s, normalized, no Secret value', async function () {
    this.timeout(LONG_MS);
    const result = await drift();
    assert.equal(object(result, 'Deployment', 'web').status, 'drifted');
    assert.equal(object(result, 'ConfigMap', 'settings').status, 'drifted');
    assert.equal(object(result, 'Secret', 'db').status, 'drifted');
    assert.equal(object(result, 'Deployment', 'web').liveObject, undefined, 'the view’s answer carries no documents');
    const side = async (kind: string, name: string, which: 'git' | 'live') => {
      const answer = await server.lsp.request(DriftDocumentRequest.type, {
        environment: 'shop',
        folder: workspace.dir,
        object: ref(kind, name),
        side: which,
      });
      assert.ok('text' in answer, JSON.stringify(answer));
      return answer.text;
    };
    const [git, live] = [await side('Deployment', 'web', 'git'), await side('Deployment', 'web', 'live')];
    assert.match(git, /^apiVersion: apps\/v1\nkind: Deployment\nmetadata:\n/);
    assert.match(git, /image: nginx:1\.27\n/);
    assert.match(live, /image: nginx:1\.28-hotfix\n/);
    for (const text of [git, live]) {
      assert.doesNotMatch(text, /managedFields|resourceVersion|creationTimestamp|uid:|^status:/m);
    }
    const secrets = [await side('Secret', 'db', 'git'), await side('Secret', 'db', 'live')];
    for (const text of secrets) {
      assert.match(text, /password: "\*\*\*"/);
      assert.ok(!text.includes(SECRET_IN_GIT) && !text.includes(SECRET_PATCHED), text);
      assert.ok(
        !text.includes(Buffer.from(SECRET_IN_GIT).toString('base64')) && !text.includes(Buffer.from(SECRET_PATCHED).toString('base64')),
        text,
      );
    }
  });

  it('tells the editor when `kubectl scale` changes a watched environment’s drift', async function () {
    this.timeout(LONG_MS);
    await drift();
    server.lsp.notify(WatchDriftNotification.method, { environments: [{ environment: 'shop', folder: workspace.dir }] });
    const seen = changes.length;
    await kubectl(['-n', namespace, 'scale', 'deployment', 'web', '--replicas=4']);
    const deadline = Date.now() + 30_000;
    while (!changes.slice(seen).some((c) => c.environment === 'shop')) {
      if (Date.now() > deadline) throw new Error(`no driftless/driftChanged for shop within 30 s (got ${JSON.stringify(changes)})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const told = changes.slice(seen).find((c) => c.environment === 'shop')!;
    assert.equal(told.folder, workspace.dir);
    assert.match(told.reason, /Deployment web changed/);
    const replicas = object(await drift(), 'Deployment', 'web').differences.find((d) => d.path === '/spec/replicas');
    assert.deepEqual([replicas?.desired, replicas?.live, replicas?.manager], [2, 4, 'kubectl']);
  });

  it('takes a live value into git: the kustomize patch’s line, the manifest’s line; after that, no difference', async function () {
    this.timeout(LONG_MS);
    const replicas = edited(
      await server.lsp.request(
        TakeLiveValueRequest.type,
        { environment: 'shop', folder: workspace.dir, object: ref('Deployment', 'web'), path: '/spec/replicas' },
        LONG_MS,
      ),
    );
    assert.deepEqual(apply(replicas.edit), ['apps/shop/replicas-patch.yaml']);
    assert.equal(
      readFileSync(workspace.path('apps/shop/replicas-patch.yaml'), 'utf8'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n',
    );
    assert.match(replicas.description, /replicas-patch\.yaml:6: 2 → 4/);
    const level = edited(
      await server.lsp.request(
        TakeLiveValueRequest.type,
        { environment: 'shop', folder: workspace.dir, object: ref('ConfigMap', 'settings'), path: '/data/level' },
        LONG_MS,
      ),
    );
    assert.deepEqual(apply(level.edit), ['apps/shop/settings.yaml']);
    // Quoted as it was: a plain 9 would be a number, which a ConfigMap refuses.
    assert.match(readFileSync(workspace.path('apps/shop/settings.yaml'), 'utf8'), /\n {2}level: "9"\n {2}mode: fast\n$/);
    const after = await drift();
    assert.equal(object(after, 'ConfigMap', 'settings').status, 'in-sync');
    assert.deepEqual(
      object(after, 'Deployment', 'web').differences.map((d) => d.path),
      ['/spec/template/spec/containers/0/image'],
    );
  });

  it('says where a value comes from when writing it would not change the render, and never copies a Secret', async function () {
    this.timeout(LONG_MS);
    const image = await server.lsp.request(
      TakeLiveValueRequest.type,
      { environment: 'shop', folder: workspace.dir, object: ref('Deployment', 'web'), path: '/spec/template/spec/containers/0/image' },
      LONG_MS,
    );
    assert.ok('where' in image, JSON.stringify(image));
    assert.match(
      image.where,
      /kustomize changes the value written at apps\/shop\/deployment\.yaml:15 \(nginx:1\.26\) to "nginx:1\.27": `images` in apps\/shop\/kustomization\.yaml sets it/,
    );
    assert.equal(image.location?.uri, `${server.uri('apps/shop/kustomization.yaml')}`);
    assert.equal(image.location?.range.start.line, 4);
    const secret = await server.lsp.request(
      TakeLiveValueRequest.type,
      { environment: 'shop', folder: workspace.dir, object: ref('Secret', 'db'), path: '/data/password' },
      LONG_MS,
    );
    assert.ok('error' in secret, JSON.stringify(secret));
    assert.match(secret.error, /Secret values are never copied into files/);
  });

  it('ignores a field in .driftless.yaml, or in the Application, as the user picks; the object is then in sync', async function () {
    this.timeout(LONG_MS);
    const image = edited(
      await server.lsp.request(
        IgnoreFieldRequest.type,
        {
          environment: 'shop',
          folder: workspace.dir,
          object: ref('Deployment', 'web'),
          path: '/spec/template/spec/containers/0/image',
          into: 'config',
        },
        LONG_MS,
      ),
    );
    assert.deepEqual(apply(image.edit), ['.driftless.yaml']);
    const config = readFileSync(workspace.path('.driftless.yaml'), 'utf8');
    assert.ok(config.startsWith("# The shop's settings.\nenvironments:\n"), config);
    assert.deepEqual((parse(config) as { drift: unknown }).drift, {
      ignore: [
        {
          group: 'apps',
          kind: 'Deployment',
          name: 'web',
          namespace,
          environment: 'shop',
          jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "web") | .image'],
        },
      ],
    });
    const password = edited(
      await server.lsp.request(
        IgnoreFieldRequest.type,
        { environment: 'shop', folder: workspace.dir, object: ref('Secret', 'db'), path: '/data/password', into: 'application' },
        LONG_MS,
      ),
    );
    assert.deepEqual(apply(password.edit), ['argocd/shop.yaml']);
    assert.deepEqual(
      (parse(readFileSync(workspace.path('argocd/shop.yaml'), 'utf8')) as { spec: Record<string, unknown> }).spec.ignoreDifferences,
      [{ kind: 'Secret', name: 'db', namespace, jsonPointers: ['/data/password'] }],
    );
    const after = await drift();
    assert.deepEqual(
      after.objects.filter((o) => o.status !== 'in-sync').map((o) => `${o.kind} ${o.name}: ${o.status}`),
      [],
    );
  });
});
