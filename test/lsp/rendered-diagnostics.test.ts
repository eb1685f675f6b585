// Findings of rendered output over the protocol: the server renders each environment in the background with the
// configured kubectl and helm and shows what a render would have rejected on the source line that causes it: an
// overlay's patch line, a values key. They follow saves on disk, stop when the workspace is not trusted or the
// setting is off, and a finding the file itself already shows is not said twice.
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver/node';
import { WorkspaceTrustNotification } from '../../server/src/protocol';
import { loggingTools, renderToolsOrSkip } from '../helpers/render-tools';
import { codes, FixtureWorkspace, messageOf, ServerSession, yaml } from './harness';

const PATCH = yaml(
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          resources:',
  '            requests:',
  '              memory: 1Gi',
);

const rendered = (rule: string) => (diagnostics: Diagnostic[]) =>
  diagnostics.some((d) => d.code === rule && messageOf(d).includes('as rendered for'));

describe('LSP: findings of rendered output on their source lines', function () {
  this.timeout(60_000);
  let tools: ReturnType<typeof loggingTools>;
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    // Wrappers that log each run: the trust test below counts them.
    tools = loggingTools(renderToolsOrSkip(this));
    workspace = FixtureWorkspace.create();
    workspace.write('base/kustomization.yaml', 'resources: [deployment.yaml]\n');
    workspace.write(
      'base/deployment.yaml',
      yaml(
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: web',
        'spec:',
        '  selector:',
        '    matchLabels: {app: web}',
        '  template:',
        '    metadata:',
        '      labels: {app: web}',
        '    spec:',
        '      containers:',
        '        - name: web',
        '          image: nginx:1.27',
        '          resources:',
        '            limits: {memory: 512Mi}',
      ),
    );
    workspace.write('overlays/prod/kustomization.yaml', 'resources: [../../base]\npatches:\n  - path: memory.yaml\n');
    workspace.write('overlays/prod/memory.yaml', PATCH);
    workspace.write('charts/web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
    workspace.write('charts/web/values.yaml', 'replicaCount: 2\n');
    workspace.write('charts/web/values-prod.yaml', 'replicaCount: three\n');
    workspace.write(
      'charts/web/templates/deployment.yaml',
      yaml(
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
    );
    workspace.write(
      '.driftless.yaml',
      yaml(
        'environments:',
        '  - name: web-prod',
        '    source:',
        '      chart: charts/web',
        '      valuesFiles: [charts/web/values-prod.yaml]',
      ),
    );
    server = await ServerSession.start(workspace, { settings: { kubectlPath: tools.kubectl, helmPath: tools.helm } });
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
    tools?.dispose();
  });

  it('shows the overlay patch line that raises the request above the base limit', async () => {
    const diagnostics = await server.openUntil('overlays/prod/memory.yaml', PATCH, rendered('requests-exceed-limits'));
    const finding = diagnostics.find((d) => d.code === 'requests-exceed-limits')!;
    assert.deepEqual(finding.range, { start: { line: 11, character: 22 }, end: { line: 11, character: 25 } });
    assert.match(messageOf(finding), /\(Deployment web, as rendered for overlays\/prod\)$/);
  });

  it('shows the values key the template reads', async () => {
    const diagnostics = await server.openUntil('charts/web/values-prod.yaml', 'replicaCount: three\n', rendered('schema-type'));
    const finding = diagnostics.find((d) => d.code === 'schema-type')!;
    assert.equal(finding.range.start.line, 0);
    assert.equal(finding.range.start.character, 'replicaCount: '.length);
  });

  it('takes the finding back once the fix is saved', async () => {
    const cleared = server.nextDiagnostics('overlays/prod/memory.yaml', (d) => !d.some((x) => x.code === 'requests-exceed-limits'));
    workspace.write('overlays/prod/memory.yaml', PATCH.replace('memory: 1Gi', 'memory: 256Mi'));
    server.filesChanged([{ relative: 'overlays/prod/memory.yaml', type: 'changed' }]);
    await cleared;
  });

  it('renders nothing in an untrusted workspace, and again once trusted', async () => {
    const cleared = server.nextDiagnostics('charts/web/values-prod.yaml', (d) => d.length === 0);
    server.lsp.notify(WorkspaceTrustNotification.method, { trusted: false });
    await cleared;
    // An edit saved while untrusted: not rendered now, and rendered (not answered from a cache) once trusted.
    const before = tools.runs().length;
    workspace.write('charts/web/values-prod.yaml', 'replicaCount: four\n');
    server.filesChanged([{ relative: 'charts/web/values-prod.yaml', type: 'changed' }]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(tools.runs().length, before, 'a tool ran in an untrusted workspace');
    const back = server.nextDiagnostics('charts/web/values-prod.yaml', (d) =>
      d.some((x) => x.code === 'schema-type' && messageOf(x).includes('"four"')),
    );
    server.lsp.notify(WorkspaceTrustNotification.method, { trusted: true });
    await back;
    assert.ok(tools.runs().length > before, 'trusted again, and nothing rendered');
  });

  it('renders nothing when driftless.validateRenderedOutput is off', async () => {
    const cleared = server.nextDiagnostics('charts/web/values-prod.yaml', (d) => d.length === 0);
    server.settingsChanged({ ...server.settings, validateRenderedOutput: false });
    await cleared;
  });
});

describe('LSP: rendered findings without the tools', function () {
  this.timeout(60_000);

  it('tells the user once what to install, reports nothing on the repository, and validation goes on', async () => {
    const workspace = FixtureWorkspace.create();
    try {
      workspace.write('base/kustomization.yaml', 'resources: [cm.yaml]\n');
      workspace.write('base/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
      workspace.write('overlays/a/kustomization.yaml', 'resources: [../../base]\n');
      workspace.write('overlays/b/kustomization.yaml', 'resources: [../../base]\n');
      const server = await ServerSession.start(workspace, {
        settings: { kubectlPath: '/nonexistent/kubectl', kustomizePath: '/nonexistent/kustomize' },
      });
      try {
        await server.settled();
        // The paths set lead nowhere: said as such, not as a tool missing from PATH.
        const shown = await until(() => server.lsp.shownMessages.find((m) => m.includes('the kustomize path /nonexistent/kustomize')));
        assert.match(shown, /does not exist or is not executable: fix driftless\.kustomizePath/);
        const diagnostics = await server.open('overlays/a/kustomization.yaml', 'resources: [../../base]\n');
        assert.deepEqual(diagnostics.diagnostics, []);
        const broken = await server.openUntil(
          'base/cm.yaml',
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: C}\n',
          (d) => d.length > 0,
          1,
        );
        assert.deepEqual(codes(broken), ['invalid-name']);
        assert.equal(server.lsp.shownMessages.filter((m) => m.includes('the kustomize path')).length, 1);
      } finally {
        await server.stop();
      }
    } finally {
      workspace.dispose();
    }
  });
});

async function until<T>(probe: () => T | undefined, ms = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() - started > ms) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
