// Workloads over the protocol: best-practice policies judged with the patches of their build (and their quick fix),
// Services that select no pod, the same object twice in a build.
import assert from 'node:assert/strict';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-protocol';
import { brief, changesOf, FixtureWorkspace, ServerSession } from './harness';

const { Error: ERROR, Warning: WARNING } = DiagnosticSeverity;

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
  '          securityContext: {privileged: true}',
  '',
].join('\n');

const LIMITS_PATCH = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: web}',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          resources: {limits: {memory: 256Mi}}',
  '',
].join('\n');

describe('LSP: workloads', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;
  let afterPatch: Diagnostic[] = [];

  before(async function () {
    workspace = FixtureWorkspace.create();
    workspace.write('base/kustomization.yaml', 'resources: [deployment.yaml]\n');
    workspace.write('base/deployment.yaml', DEPLOYMENT);
    workspace.write('overlay/kustomization.yaml', 'resources: [../base, service.yaml]\npatches:\n  - path: limits.yaml\n');
    workspace.write('overlay/limits.yaml', LIMITS_PATCH.replace('256Mi', '""'));
    workspace.write(
      'overlay/service.yaml',
      'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: wbe}, ports: [{port: 80}]}\n',
    );
    server = await ServerSession.start(workspace, { policies: true });
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('reports policies on what the build applies, and follows the patch as it is edited', async function () {
    const published = await server.open('base/deployment.yaml', DEPLOYMENT);
    assert.deepEqual(brief(published.diagnostics), [
      { code: 'no-memory-limit', severity: WARNING, range: '9:10-9:19' },
      { code: 'privileged-container', severity: WARNING, range: '11:40-11:44' },
    ]);
    const cleared = server.nextDiagnostics('base/deployment.yaml');
    await server.open('overlay/limits.yaml', LIMITS_PATCH);
    afterPatch = await cleared;
    assert.deepEqual(
      afterPatch.map((d) => d.code),
      ['privileged-container'],
    );
  });

  it('turns privileged off with its quick fix', async function () {
    const privileged = afterPatch.filter((d) => d.code === 'privileged-container');
    const [fix] = (await server.codeActions('base/deployment.yaml', privileged)).filter((a) => a.title === 'Set `privileged: false`');
    assert.ok(fix, 'a quick fix sets privileged: false');
    const fixed = await server.edit('base/deployment.yaml', changesOf(fix, server.uri('base/deployment.yaml')));
    assert.deepEqual(fixed.diagnostics, []);
  });

  it('reports a Service that selects no pod of its build, and an object defined twice in it', async function () {
    const service = await server.open(
      'overlay/service.yaml',
      'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: wbe}, ports: [{port: 80}]}\n',
    );
    assert.deepEqual(brief(service.diagnostics), [{ code: 'unmatched-selector', severity: WARNING, range: '3:7-3:15' }]);
    assert.match(service.diagnostics[0]!.message as string, /Deployment `web` has `app: web`\.$/);
    const twice = await server.open('overlay/copy.yaml', DEPLOYMENT);
    assert.deepEqual(
      twice.diagnostics.filter((d) => d.code === 'duplicate-object'),
      [],
    ); // not in the build yet
    const kustomization = server.nextDiagnostics('overlay/copy.yaml', (d) => d.some((x) => x.code === 'duplicate-object'));
    await server.open('overlay/kustomization.yaml', 'resources: [../base, service.yaml, copy.yaml]\npatches:\n  - path: limits.yaml\n');
    const duplicate = (await kustomization).filter((d) => d.code === 'duplicate-object');
    assert.deepEqual(brief(duplicate), [{ code: 'duplicate-object', severity: ERROR, range: '2:17-2:20' }]);
  });
});
