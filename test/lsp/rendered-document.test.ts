// The rendered document over the protocol: driftless/render gives its objects with their lines and its findings on
// their lines; driftless/renderedSource traces a field (a patched value) to the patch line, and an object to the line
// of its resource file that names it.
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { RenderedSourceRequest, type RenderedSourceResult } from '../../server/src/protocol';
import { FixtureWorkspace, ServerSession } from './harness';

const DEPLOYMENT =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n' +
  '    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.25\n' +
  '          ports: [{containerPort: 8080}]\n';
const PATCH =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n' +
  '        - name: web\n          ports: [{containerPort: 70000}]\n';

describe('LSP: the rendered document: outline, findings and Go to source', function () {
  this.timeout(30_000);
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    const tools = renderToolsOrSkip(this);
    workspace = FixtureWorkspace.create();
    workspace.write('base/kustomization.yaml', 'resources: [config.yaml, web.yaml]\n');
    workspace.write('base/config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata: {level: info}\n');
    workspace.write('base/web.yaml', DEPLOYMENT);
    workspace.write('prod/kustomization.yaml', 'resources: [../base]\nnamespace: prod\npatches: [{path: port.yaml}]\n');
    workspace.write('prod/port.yaml', PATCH);
    server = await ServerSession.start(workspace, { settings: { kubectlPath: tools.kubectl, validateRenderedOutput: false } });
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('lists the objects with their lines, and the findings on the rendered line', async () => {
    const rendered = await server.render('prod');
    assert.ok(rendered.ok, JSON.stringify(rendered));
    const lines = rendered.yaml.split('\n');
    assert.deepEqual(
      rendered.objects.map((o) => [o.kind, o.name, o.namespace, lines[o.startLine]]),
      [
        ['ConfigMap', 'settings', 'prod', 'apiVersion: v1'],
        ['Deployment', 'web', 'prod', '---'],
      ],
    );
    const port = rendered.findings.find((f) => f.rule === 'invalid-port');
    assert.ok(port, JSON.stringify(rendered.findings));
    assert.equal(port.severity, 'error');
    assert.match(lines[port.range.start.line]!, /containerPort: 70000/);
  });

  it('traces a patched field to the patch line, and an object to the line naming it in its resource file', async () => {
    const rendered = await server.render('prod');
    assert.ok(rendered.ok);
    const trace = (needle: string, object?: boolean): Promise<RenderedSourceResult> =>
      server.lsp.request(RenderedSourceRequest.type, {
        environment: 'prod',
        yaml: rendered.yaml,
        offset: rendered.yaml.indexOf(needle),
        ...(object ? { object } : {}),
      });
    const field = await trace('70000');
    assert.ok(!('error' in field), JSON.stringify(field));
    assert.equal(field.location.uri, pathToFileURL(workspace.path('prod/port.yaml')).href);
    assert.equal(field.location.range.start.line, 8);
    assert.equal(field.via, 'patch');
    const object = await trace('kind: Deployment', true);
    assert.ok(!('error' in object), JSON.stringify(object));
    assert.equal(object.location.uri, pathToFileURL(workspace.path('base/web.yaml')).href);
    assert.equal(object.location.range.start.line, 3);
    assert.equal(object.traced, 'Deployment web');
    const nothing = await server.lsp.request(RenderedSourceRequest.type, { environment: 'nowhere', yaml: rendered.yaml, offset: 0 });
    assert.deepEqual(nothing, { error: 'No environment named "nowhere".' });
  });
});
