// Rename of a resource over the protocol: from its name or from a reference, every reference where it is applied and
// the patches that target it change together; a name the API server would reject is refused.
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FixtureWorkspace, rangeText, ServerSession } from './harness';

const DEPLOYMENT = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: web}',
  'spec:',
  '  selector: {matchLabels: {app: web}}',
  '  template:',
  '    metadata: {labels: {app: web}}',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          image: nginx:1.27',
  '          envFrom:',
  '            - configMapRef:',
  '                name: "web-config"',
  '',
].join('\n');

describe('LSP: rename a resource', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    workspace = FixtureWorkspace.create();
    workspace.write('base/kustomization.yaml', 'resources: [deployment.yaml, configmap.yaml]\n');
    workspace.write('base/deployment.yaml', DEPLOYMENT);
    workspace.write('base/configmap.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata: {A: "1"}\n');
    workspace.write('overlay/kustomization.yaml', 'resources: [../base]\npatches:\n  - path: config-patch.yaml\n');
    workspace.write('overlay/config-patch.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata: {A: "2"}\n');
    // Another ConfigMap of the same name, in a build that does not apply the Deployment: not renamed.
    workspace.write('elsewhere/kustomization.yaml', 'namespace: other\nresources: [configmap.yaml, deployment.yaml]\n');
    workspace.write('elsewhere/configmap.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n');
    workspace.write('elsewhere/deployment.yaml', DEPLOYMENT.replace('name: web}', 'name: api}'));
    server = await ServerSession.start(workspace);
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  function summary(edit: Awaited<ReturnType<ServerSession['rename']>>): string[] {
    return Object.entries(edit?.changes ?? {})
      .flatMap(([uri, edits]) => edits.map((e) => `${relative(workspace.dir, fileURLToPath(uri))}@${rangeText(e.range)}=${e.newText}`))
      .sort();
  }

  it('renames a ConfigMap, its references where it is applied and the patch that targets it', async function () {
    await server.open('base/configmap.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata: {A: "1"}\n');
    assert.deepEqual(rangeText((await server.prepareRename('base/configmap.yaml', { line: 3, character: 10 })) as never), '3:8-3:18');
    const edit = await server.rename('base/configmap.yaml', { line: 3, character: 10 }, 'web-settings');
    assert.deepEqual(summary(edit), [
      'base/configmap.yaml@3:8-3:18=web-settings',
      'base/deployment.yaml@13:23-13:33=web-settings',
      'overlay/config-patch.yaml@3:8-3:18=web-settings',
    ]);
  });

  it('renames from a reference too', async function () {
    await server.open('base/deployment.yaml', DEPLOYMENT);
    const edit = await server.rename('base/deployment.yaml', { line: 13, character: 26 }, 'web-settings');
    assert.equal(summary(edit).length, 3);
  });

  it('refuses a name the API server would reject, and a place that names no resource', async function () {
    await assert.rejects(server.rename('base/configmap.yaml', { line: 3, character: 10 }, 'Web_Settings'), /not a valid ConfigMap name/);
    assert.equal(await server.prepareRename('base/configmap.yaml', { line: 1, character: 3 }), null);
  });
});
