// driftless/drift and the Drift view's other requests over the protocol, where no cluster is needed: all refused in an
// untrusted workspace (they would use the kubeconfig's credentials), an unknown environment named, the contexts of the
// driftless.kubeconfig setting's file, the environments a file is rendered into. The requests against a real API
// server are in test/cluster/drift-lsp.test.ts and test/cluster/drift-view-lsp.test.ts.
import assert from 'node:assert/strict';
import {
  DriftDocumentRequest,
  DriftRequest,
  FileEnvironmentsRequest,
  IgnoreFieldRequest,
  KubeContextsRequest,
  TakeLiveValueRequest,
  WorkspaceTrustNotification,
  type DriftResult,
} from '../../server/src/protocol';
import { FixtureWorkspace, ServerSession } from './harness';

describe('LSP: driftless/drift without a cluster', function () {
  this.timeout(60_000);
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async () => {
    workspace = FixtureWorkspace.create({
      '.driftless.yaml': 'environments:\n  - name: shop\n    source: {directory: shop}\n    cluster: {context: nowhere}\n',
      'shop/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: "1"}\n',
      'elsewhere/other.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n',
      'kube/config': [
        'apiVersion: v1',
        'kind: Config',
        'current-context: staging',
        'clusters:',
        '  - {name: staging, cluster: {server: "https://127.0.0.1:1"}}',
        '  - {name: prod, cluster: {server: "https://127.0.0.1:2"}}',
        'users: [{name: me, user: {token: not-a-real-token}}]',
        'contexts:',
        '  - {name: staging, context: {cluster: staging, user: me, namespace: shop}}',
        '  - {name: prod, context: {cluster: prod, user: me}}',
        '',
      ].join('\n'),
    });
    server = await ServerSession.start(workspace, { settings: { kubeconfig: workspace.path('kube/config') } });
    await server.settled();
  });
  after(async () => {
    await server?.stop();
    workspace?.dispose();
  });

  it('refuses in an untrusted workspace, and answers again once trusted', async () => {
    server.lsp.notify(WorkspaceTrustNotification.method, { trusted: false });
    const refused: DriftResult = await server.lsp.request(DriftRequest.type, { environment: 'shop' });
    assert.ok(!('objects' in refused), JSON.stringify(refused));
    assert.match(refused.error, /not trusted: Driftless reads no cluster here/);
    server.lsp.notify(WorkspaceTrustNotification.method, { trusted: true });
    const unknown: DriftResult = await server.lsp.request(DriftRequest.type, { environment: 'staging' });
    assert.deepEqual(unknown, { error: 'no environment named "staging". Environments: shop.' });
  });

  it('refuses the Drift view’s other requests in an untrusted workspace too', async () => {
    server.lsp.notify(WorkspaceTrustNotification.method, { trusted: false });
    try {
      const object = { apiVersion: 'v1', kind: 'ConfigMap', name: 'settings' };
      const answers = [
        await server.lsp.request(KubeContextsRequest.type, {}),
        await server.lsp.request(DriftDocumentRequest.type, { environment: 'shop', object, side: 'live' }),
        await server.lsp.request(IgnoreFieldRequest.type, { environment: 'shop', object, path: '/data/level', into: 'config' }),
        await server.lsp.request(TakeLiveValueRequest.type, { environment: 'shop', object, path: '/data/level' }),
      ];
      for (const answer of answers)
        assert.match((answer as { error?: string }).error ?? JSON.stringify(answer), /not trusted: Driftless reads no cluster here/);
    } finally {
      server.lsp.notify(WorkspaceTrustNotification.method, { trusted: true });
    }
  });

  it('lists the contexts of the driftless.kubeconfig setting’s file, and the environments a file is rendered into', async () => {
    const contexts = await server.lsp.request(KubeContextsRequest.type, {});
    assert.deepEqual(contexts, {
      files: [workspace.path('kube/config')],
      current: 'staging',
      contexts: [
        { name: 'staging', cluster: 'staging', user: 'me', namespace: 'shop', server: 'https://127.0.0.1:1' },
        { name: 'prod', cluster: 'prod', user: 'me', server: 'https://127.0.0.1:2' },
      ],
    });
    assert.deepEqual(await server.lsp.request(FileEnvironmentsRequest.type, { uri: server.uri('shop/settings.yaml') }), {
      folder: workspace.dir,
      environments: ['shop'],
    });
    assert.deepEqual(await server.lsp.request(FileEnvironmentsRequest.type, { uri: server.uri('elsewhere/other.yaml') }), {
      folder: workspace.dir,
      environments: [],
    });
  });
});
