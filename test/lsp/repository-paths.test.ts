// The paths a kustomization names, over the protocol: missing ones reported and fixed, the report following files as
// they appear and go on disk, and links and go-to-definition to what they name.
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { brief, changesOf, FixtureWorkspace, rangeText, ServerSession } from './harness';

const { Error: ERROR } = DiagnosticSeverity;
const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n';
const OVERLAY = 'resources:\n  - ../base\n  - servce.yaml\nconfigMapGenerator:\n  - name: conf\n    files: [conf/app.ini]\n';

describe('LSP: paths in kustomizations', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    workspace = FixtureWorkspace.create();
    workspace.write('base/kustomization.yaml', 'resources: [deployment.yaml]\n');
    workspace.write('base/deployment.yaml', DEPLOYMENT);
    workspace.write('overlay/service.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n');
    server = await ServerSession.start(workspace);
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('reports a missing path on its entry and offers the closest existing name', async function () {
    const published = await server.open('overlay/kustomization.yaml', OVERLAY);
    assert.deepEqual(brief(published.diagnostics), [
      { code: 'missing-path', severity: ERROR, range: '2:4-2:15' },
      { code: 'missing-path', severity: ERROR, range: '5:12-5:24' },
    ]);
    assert.equal(
      published.diagnostics[0]!.message,
      '`servce.yaml` does not exist, so `kustomize build` fails here. Did you mean `service.yaml`?',
    );
    const actions = await server.codeActions('overlay/kustomization.yaml', [published.diagnostics[0]!]);
    const fix = actions.find((a) => a.title === 'Change to `service.yaml`');
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    const fixed = await server.edit('overlay/kustomization.yaml', changesOf(fix, server.uri('overlay/kustomization.yaml')));
    assert.deepEqual(brief(fixed.diagnostics), [{ code: 'missing-path', severity: ERROR, range: '5:12-5:24' }]);
  });

  it('drops the finding when the file appears on disk, and brings it back when it goes', async function () {
    workspace.write('overlay/conf/app.ini', 'debug = false\n');
    const cleared = server.nextDiagnostics('overlay/kustomization.yaml');
    server.filesChanged([{ relative: 'overlay/conf/app.ini', type: 'created' }]);
    assert.deepEqual(await cleared, []);

    renameSync(workspace.path('overlay/conf'), workspace.path('overlay/config'));
    const back = server.nextDiagnostics('overlay/kustomization.yaml');
    server.filesChanged([
      { relative: 'overlay/conf', type: 'deleted' },
      { relative: 'overlay/config', type: 'created' },
    ]);
    assert.deepEqual(brief(await back), [{ code: 'missing-path', severity: ERROR, range: '5:12-5:24' }]);
    renameSync(workspace.path('overlay/config'), workspace.path('overlay/conf'));
    const again = server.nextDiagnostics('overlay/kustomization.yaml');
    server.filesChanged([{ relative: 'overlay/conf', type: 'created' }]);
    assert.deepEqual(await again, []);
  });

  it('links every existing path, and goes to the file or the base’s kustomization', async function () {
    const links = await server.documentLinks('overlay/kustomization.yaml');
    assert.deepEqual(
      links.map((l) => [rangeText(l.range), l.target]),
      [
        ['1:4-1:11', pathToFileURL(workspace.path('base/kustomization.yaml')).href],
        ['2:4-2:16', pathToFileURL(workspace.path('overlay/service.yaml')).href],
        ['5:12-5:24', pathToFileURL(workspace.path('overlay/conf/app.ini')).href],
      ],
    );
    const definition = await server.definition('overlay/kustomization.yaml', { line: 1, character: 7 });
    assert.deepEqual(definition, [
      {
        uri: pathToFileURL(workspace.path('base/kustomization.yaml')).href,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      },
    ]);
    assert.deepEqual(await server.definition('overlay/kustomization.yaml', { line: 0, character: 3 }), []);
  });
});

describe('LSP: paths that Flux and Argo CD read', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;
  const FLUX = [
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata: {name: apps, namespace: flux-system}',
    'spec:',
    '  interval: 10m',
    '  path: ./apps/production',
    '  prune: true',
    '  sourceRef: {kind: GitRepository, name: flux-system}',
    '',
  ].join('\n');

  before(async function () {
    workspace = FixtureWorkspace.create();
    workspace.write('apps/staging/kustomization.yaml', 'resources: []\n');
    server = await ServerSession.start(workspace);
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('reports a missing Flux path, clears it when the folder appears, and then links to its kustomization', async function () {
    const published = await server.open('clusters/production/apps.yaml', FLUX);
    assert.deepEqual(brief(published.diagnostics), [{ code: 'missing-path', severity: ERROR, range: '5:8-5:25' }]);
    assert.match(published.diagnostics[0]!.message as string, /which the Flux Kustomization `apps` reads: Flux cannot build it\.$/);
    assert.deepEqual(await server.documentLinks('clusters/production/apps.yaml'), []);

    workspace.write('apps/production/kustomization.yaml', 'resources: []\n');
    const cleared = server.nextDiagnostics('clusters/production/apps.yaml');
    server.filesChanged([{ relative: 'apps/production', type: 'created' }]);
    assert.deepEqual(await cleared, []);
    const target = pathToFileURL(workspace.path('apps/production/kustomization.yaml')).href;
    const links = await server.documentLinks('clusters/production/apps.yaml');
    assert.deepEqual(
      links.map((l) => [rangeText(l.range), l.target]),
      [['5:8-5:25', target]],
    );
    const definition = (await server.definition('clusters/production/apps.yaml', { line: 5, character: 12 })) as { uri: string }[];
    assert.deepEqual(
      definition.map((d) => d.uri),
      [target],
    );
  });
});
