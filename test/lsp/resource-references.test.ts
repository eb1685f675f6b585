// References between resources over the protocol: an unresolved one reported and cleared as the missing resource is
// written (unsaved), go to definition from a reference, and find references from a resource's name.
import assert from 'node:assert/strict';
import type { Location } from 'vscode-languageserver-protocol';
import { brief, FixtureWorkspace, rangeText, ServerSession } from './harness';

const DEPLOYMENT = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  selector: {matchLabels: {app: web}}',
  '  template:',
  '    metadata: {labels: {app: web}}',
  '    spec:',
  '      serviceAccountName: web',
  '      containers:',
  '        - name: web',
  '          image: nginx:1.27',
  '          envFrom:',
  '            - configMapRef:',
  '                name: web-config',
  '',
].join('\n');
const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata: {A: "1"}\n';
const WORKER = DEPLOYMENT.replace(/name: web$/m, 'name: worker').replace('serviceAccountName: web', 'serviceAccountName: worker');

describe('LSP: references between resources', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    workspace = FixtureWorkspace.create();
    workspace.write(
      'app/kustomization.yaml',
      'namespace: shop\nresources: [deployment.yaml, worker.yaml, configmap.yaml, service-account.yaml]\n',
    );
    workspace.write('app/deployment.yaml', DEPLOYMENT);
    workspace.write('app/worker.yaml', WORKER);
    workspace.write('app/configmap.yaml', CONFIG_MAP);
    server = await ServerSession.start(workspace);
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  const where = (locations: readonly Location[]) =>
    locations.map((l) => `${l.uri.slice(workspace.uri('').length + 1)}@${rangeText(l.range)}`);

  it('reports a ServiceAccount the build does not define, and clears it as soon as one is written', async function () {
    const published = await server.openUntil('app/deployment.yaml', DEPLOYMENT, (ds) => ds.length > 0);
    assert.deepEqual(brief(published), [{ code: 'unresolved-reference', severity: 2, range: '9:26-9:29' }]);
    assert.equal(
      published[0]!.message,
      'No ServiceAccount `web` in namespace `shop` is defined in the kustomize build of `app`, which applies this Deployment.',
    );
    // Unsaved, in another editor: the index follows the editor, and the Deployment is checked again.
    const cleared = server.nextDiagnostics('app/deployment.yaml', (ds) => ds.length === 0);
    await server.open('app/service-account.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n');
    assert.deepEqual(await cleared, []);
  });

  it('goes from a reference to the resource it names', async function () {
    const locations = (await server.definition('app/deployment.yaml', { line: 15, character: 22 })) as Location[];
    assert.deepEqual(where(locations), ['app/configmap.yaml@3:2-3:2']);
    const account = (await server.definition('app/deployment.yaml', { line: 9, character: 27 })) as Location[];
    assert.deepEqual(where(account), ['app/service-account.yaml@3:2-3:2']);
  });

  it('finds every reference to a resource from its name', async function () {
    await server.open('app/configmap.yaml', CONFIG_MAP);
    const found = await server.references('app/configmap.yaml', { line: 3, character: 9 }, true);
    assert.deepEqual(where(found).sort(), [
      'app/configmap.yaml@3:8-3:18',
      'app/deployment.yaml@15:22-15:32',
      'app/worker.yaml@15:22-15:32',
    ]);
    assert.deepEqual(await server.references('app/configmap.yaml', { line: 1, character: 3 }), []);
  });

  it('completes the name of a ConfigMap where a reference expects one', async function () {
    const typing = DEPLOYMENT.replace('name: web-config', 'name: we');
    await server.open('app/deployment.yaml', typing);
    const items = await server.completion('app/deployment.yaml', { line: 15, character: 24 });
    const item = items.find((i) => i.label === 'web-config');
    assert.ok(item, `web-config offered among ${items.map((i) => i.label).join(', ')}`);
    assert.equal(item.detail, 'ConfigMap in app/configmap.yaml');
    assert.deepEqual((item.textEdit as { range: unknown }).range, { start: { line: 15, character: 22 }, end: { line: 15, character: 24 } });
  });
});

describe('LSP: names a kustomize patch adds', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;
  const PATCH = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          envFrom:',
    '            - secretRef:',
    '                name: db',
    '',
  ].join('\n');
  const OVERLAY = 'namespace: shop\nresources: [../base]\npatches: [{path: patch.yaml}]\n';

  before(async function () {
    workspace = FixtureWorkspace.create();
    workspace.write('base/kustomization.yaml', 'resources: [deployment.yaml]\n');
    workspace.write(
      'base/deployment.yaml',
      DEPLOYMENT.replace(/\n {6}serviceAccountName: web/, '').replace(/\n {10}envFrom:[\s\S]*$/, '\n'),
    );
    workspace.write('overlay/kustomization.yaml', OVERLAY);
    workspace.write('overlay/patch.yaml', PATCH);
    server = await ServerSession.start(workspace);
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('reports a Secret the patch names that the build applying it lacks, and clears it when the build makes one', async function () {
    const published = await server.openUntil('overlay/patch.yaml', PATCH, (ds) => ds.length > 0);
    assert.deepEqual(brief(published), [{ code: 'unresolved-secret', severity: 3, range: '11:22-11:24' }]);
    assert.equal(
      published[0]!.message,
      'No Secret `db` in namespace `shop` is defined in the kustomize build of `overlay`, which applies this patch.',
    );
    const cleared = server.nextDiagnostics('overlay/patch.yaml', (ds) => ds.length === 0);
    await server.open('overlay/kustomization.yaml', `${OVERLAY}secretGenerator: [{name: db, literals: [P=x]}]\n`);
    assert.deepEqual(await cleared, []);
  });
});
