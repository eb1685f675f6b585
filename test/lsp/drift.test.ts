// driftless/drift over the protocol, where no cluster is needed: refused in an untrusted workspace (it would use the
// kubeconfig's credentials), an unknown environment named. The request against a real API server is in
// test/cluster/drift-lsp.test.ts.
import assert from 'node:assert/strict';
import { DriftRequest, WorkspaceTrustNotification, type DriftResult } from '../../server/src/protocol';
import { FixtureWorkspace, ServerSession } from './harness';

describe('LSP: driftless/drift without a cluster', function () {
  this.timeout(60_000);
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async () => {
    workspace = FixtureWorkspace.create({
      '.driftless.yaml': 'environments:\n  - name: shop\n    source: {directory: shop}\n    cluster: {context: nowhere}\n',
      'shop/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: "1"}\n',
    });
    server = await ServerSession.start(workspace);
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
});
