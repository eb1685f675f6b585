// Workspace Trust over the protocol, observed by counting the tool runs (kubectl and helm wrappers that log each):
// a server started untrusted — or by a client that says nothing about trust — runs no kustomize or helm, refuses the
// rendered preview and the Changes view, and renders in the background once the client says the workspace is
// trusted. The untrusted wait is longer than a trusted server takes to render, so its count of zero means something.
import assert from 'node:assert/strict';
import { ChangesRequest, RenderRequest, WorkspaceTrustNotification } from '../../server/src/protocol';
import { loggingTools, renderToolsOrSkip } from '../helpers/render-tools';
import { FixtureWorkspace, messageOf, ServerSession, yaml } from './harness';

const UNTRUSTED = 'This workspace is not trusted: Driftless runs no kustomize or helm here. Trust the workspace to render.';

const VALUES = 'replicaCount: three\n';

function chartWorkspace(): FixtureWorkspace {
  return FixtureWorkspace.create({
    'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'charts/web/values.yaml': 'replicaCount: 2\n',
    'charts/web/values-prod.yaml': VALUES,
    'charts/web/templates/deployment.yaml': yaml(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: "{{ .Release.Name }}"}',
      'spec:',
      '  replicas: {{ .Values.replicaCount }}',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec: {containers: [{name: web, image: "nginx:1.27"}]}',
    ),
    'app/kustomization.yaml': 'resources: [cm.yaml]\n',
    'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {k: v}\n',
    '.driftless.yaml': yaml(
      'environments:',
      '  - name: web-prod',
      '    source:',
      '      chart: charts/web',
      '      valuesFiles: [charts/web/values-prod.yaml]',
    ),
  });
}

const rendered = (diagnostics: { code?: unknown; message: unknown }[]) =>
  diagnostics.some((d) => d.code === 'schema-type' && messageOf(d as Parameters<typeof messageOf>[0]).includes('as rendered for'));

describe('LSP: Workspace Trust, counted in tool runs', function () {
  this.timeout(60_000);

  for (const trust of ['untrusted', 'not-sent'] as const) {
    it(`a server started ${trust === 'untrusted' ? 'untrusted' : 'without a trust option'} runs nothing until trusted, then renders`, async function () {
      const tools = loggingTools(renderToolsOrSkip(this));
      const workspace = chartWorkspace();
      const server = await ServerSession.start(workspace, { trust, settings: { kubectlPath: tools.kubectl, helmPath: tools.helm } });
      try {
        await server.settled();
        assert.deepEqual(await server.render('web-prod'), { ok: false, error: UNTRUSTED });
        assert.deepEqual(await server.lsp.request(RenderRequest.type, { path: workspace.path('app') }), { ok: false, error: UNTRUSTED });
        assert.deepEqual(await server.lsp.request(ChangesRequest.type, {}), { error: UNTRUSTED });
        const own = await server.open('charts/web/values-prod.yaml', VALUES);
        assert.ok(!rendered(own.diagnostics));
        // The background pass would have rendered by now (it starts 0.4 s after the index; a trusted one finishes in
        // the time measured below).
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        assert.deepEqual(tools.runs(), [], 'a tool ran in an untrusted workspace');
        assert.ok(!rendered(server.latest('charts/web/values-prod.yaml') ?? []));

        const trusted = Date.now();
        const found = server.nextDiagnostics('charts/web/values-prod.yaml', rendered);
        server.lsp.notify(WorkspaceTrustNotification.method, { trusted: true });
        await found;
        const took = Date.now() - trusted;
        assert.ok(tools.runs().length >= 1, 'trusted, and still no tool ran');
        assert.ok(took < 3_000, `a trusted render took ${took} ms, longer than the untrusted wait: that zero proves nothing`);
        const preview = await server.render('web-prod');
        assert.ok(preview.ok, JSON.stringify(preview));
      } finally {
        await server.stop();
        workspace.dispose();
        tools.dispose();
      }
    });
  }

  it('a workspace trusted, then untrusted, stops rendering: an edit saved meanwhile is not rendered', async function () {
    const tools = loggingTools(renderToolsOrSkip(this));
    const workspace = chartWorkspace();
    const server = await ServerSession.start(workspace, { settings: { kubectlPath: tools.kubectl, helmPath: tools.helm } });
    try {
      await server.settled();
      await server.openUntil('charts/web/values-prod.yaml', VALUES, rendered);
      const cleared = server.nextDiagnostics('charts/web/values-prod.yaml', (d) => !rendered(d));
      server.lsp.notify(WorkspaceTrustNotification.method, { trusted: false });
      await cleared;
      const before = tools.runs().length;
      workspace.write('charts/web/values.yaml', 'replicaCount: 2\nimage: changed\n');
      server.filesChanged([{ relative: 'charts/web/values.yaml', type: 'changed' }]);
      assert.deepEqual(await server.lsp.request(ChangesRequest.type, {}), { error: UNTRUSTED });
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      assert.equal(tools.runs().length, before, 'a tool ran after trust was withdrawn');
    } finally {
      await server.stop();
      workspace.dispose();
      tools.dispose();
    }
  });
});
