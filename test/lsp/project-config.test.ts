// What the workspace around a document changes over the protocol: CRDs in the workspace (on disk and unsaved edits),
// .driftless.yaml (Kubernetes version, rule severities, its own problems) and the editor's `driftless` settings
// pulled with workspace/configuration.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-protocol';
import { brief, BUNDLED_KUBERNETES, codes, FixtureWorkspace, messageOf, ServerSession, yaml } from './harness';

const { Error: ERROR, Warning: WARNING } = DiagnosticSeverity;

const CRD = yaml(
  'apiVersion: apiextensions.k8s.io/v1', //  0
  'kind: CustomResourceDefinition', //  1
  'metadata:', //  2
  '  name: widgets.example.com', //  3
  'spec:', //  4
  '  group: example.com', //  5
  '  names:', //  6
  '    kind: Widget', //  7
  '    listKind: WidgetList', //  8
  '    plural: widgets', //  9
  '    singular: widget', // 10
  '  scope: Namespaced', // 11
  '  versions:', // 12
  '    - name: v1', // 13
  '      served: true', // 14
  '      storage: true', // 15
  '      schema:', // 16
  '        openAPIV3Schema:', // 17
  '          type: object', // 18
  '          properties:', // 19
  '            spec:', // 20
  '              type: object', // 21
  '              properties:', // 22
  '                size:', // 23
  '                  type: string', // 24
  '                  enum: [small, large]', // 25
);

const WIDGET = yaml('apiVersion: example.com/v1', 'kind: Widget', 'metadata:', '  name: gadget', 'spec:', '  size: medium');

const hasEnumError = (diagnostics: Diagnostic[]) => diagnostics.some((d) => d.code === 'schema-enum');

/** The pluto data the server ships: when policy/v1beta1 PodDisruptionBudget was deprecated and removed. */
const PDB_DEPRECATION = (
  JSON.parse(readFileSync(resolve(__dirname, '../../schemas/deprecations.json'), 'utf8')) as {
    apiVersion: string;
    kind: string;
    deprecatedIn?: string;
    removedIn?: string;
  }[]
).find((e) => e.apiVersion === 'policy/v1beta1' && e.kind === 'PodDisruptionBudget')!;

const PDB = yaml(
  'apiVersion: policy/v1beta1',
  'kind: PodDisruptionBudget',
  'metadata:',
  '  name: web',
  'spec:',
  '  minAvailable: 1',
  '  selector:',
  '    matchLabels: {app: web}',
  // The pods it protects, so that the budget selects something.
  '---',
  'apiVersion: v1',
  'kind: Pod',
  'metadata: {name: web, labels: {app: web}}',
  'spec: {containers: [{name: web, image: nginx:1.27}]}',
);
const PDB_API_VERSION = '0:12-0:26';

/** A version at which the API is deprecated but still served, and the first at which it is removed. */
const DEPRECATED_AT = '1.24';
const REMOVED_AT = '1.25';

describe('LSP workspace CRDs', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    assert.ok(
      PDB_DEPRECATION.deprecatedIn === '1.21' && PDB_DEPRECATION.removedIn === '1.25',
      `the tests assume pluto's 1.21/1.25 for policy/v1beta1 PodDisruptionBudget: ${JSON.stringify(PDB_DEPRECATION)}`,
    );
    workspace = FixtureWorkspace.create({ 'crds/widget.yaml': CRD });
    server = await ServerSession.start(workspace);
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('validates a custom resource against the CRD on disk (enum violation reported)', async function () {
    const diagnostics = await server.openUntil('widget.yaml', WIDGET, hasEnumError);
    assert.deepEqual(brief(diagnostics), [{ code: 'schema-enum', severity: ERROR, range: '5:8-5:14' }]);
    assert.match(messageOf(diagnostics[0]!), /small, large/);
    const status = await server.documentStatus('widget.yaml');
    assert.deepEqual(status?.schemaSources, ['CRD from crds/widget.yaml']);
  });

  it('takes an unsaved edit of the open CRD: adding the value to the enum clears the other document’s diagnostic', async function () {
    const opened = await server.open('crds/widget.yaml', CRD);
    assert.deepEqual(opened.diagnostics, []);
    const cleared = server.nextDiagnostics('widget.yaml', (d) => !hasEnumError(d));
    const crdPublished = await server.edit('crds/widget.yaml', [
      server.replace('crds/widget.yaml', 'small, large', 'small, medium, large'),
    ]);
    assert.equal(crdPublished.version, 2);
    assert.deepEqual(await cleared, []);
  });

  it('goes back to the CRD on disk when the edited CRD is closed unsaved', async function () {
    const restored = server.nextDiagnostics('widget.yaml', hasEnumError);
    server.close('crds/widget.yaml');
    assert.deepEqual(brief(await restored), [{ code: 'schema-enum', severity: ERROR, range: '5:8-5:14' }]);
  });
});

describe('LSP workspace CRDs, document opened after the server has settled', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    workspace = FixtureWorkspace.create({ 'crds/widget.yaml': CRD });
    server = await ServerSession.start(workspace);
    // As when the user opens the first YAML file some time after the window: settings pulled, nothing open yet.
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('validates the custom resource against the CRD on disk', async function () {
    const first = await server.open('widget.yaml', WIDGET);
    // Either at once or in a later publish once the CRDs are read; a wait bounded by WAIT_MS either way.
    const diagnostics = hasEnumError(first.diagnostics) ? first.diagnostics : await server.nextDiagnostics('widget.yaml', hasEnumError);
    assert.deepEqual(brief(diagnostics), [{ code: 'schema-enum', severity: ERROR, range: '5:8-5:14' }]);
  });
});

describe('LSP .driftless.yaml', function () {
  let workspace: FixtureWorkspace | undefined;
  let server: ServerSession | undefined;

  async function startWith(config: string): Promise<ServerSession> {
    workspace = FixtureWorkspace.create({ '.driftless.yaml': config });
    server = await ServerSession.start(workspace);
    return server;
  }

  afterEach(async function () {
    await server?.stop();
    workspace?.dispose();
    server = undefined;
    workspace = undefined;
  });

  it(`kubernetesVersion "${DEPRECATED_AT}": policy/v1beta1 PodDisruptionBudget is a deprecated-api-version warning`, async function () {
    const s = await startWith(`kubernetesVersion: "${DEPRECATED_AT}"\n`);
    const published = await s.open('pdb.yaml', PDB);
    assert.deepEqual(brief(published.diagnostics), [{ code: 'deprecated-api-version', severity: WARNING, range: PDB_API_VERSION }]);
    assert.match(
      messageOf(published.diagnostics[0]!),
      /deprecated since Kubernetes 1\.21 and will be removed in 1\.25\. Use policy\/v1 instead\./,
    );
    const hover = await s.hover('pdb.yaml', { line: 0, character: 15 });
    assert.match(JSON.stringify(hover?.contents), /\*\*Deprecated\*\* since 1\.21, removed in 1\.25\./);
    const { index, ...status } = (await s.documentStatus('pdb.yaml'))!;
    assert.equal(typeof index.complete, 'boolean');
    assert.deepEqual(status, {
      kubernetesVersion: DEPRECATED_AT,
      versionSource: 'config',
      schemaSources: [`Kubernetes ${DEPRECATED_AT}`],
      configFile: workspace!.path('.driftless.yaml'),
      bundledVersions: BUNDLED_KUBERNETES.versions,
    });
  });

  it(`kubernetesVersion "${REMOVED_AT}": it is a removed-api-version error`, async function () {
    const s = await startWith(`kubernetesVersion: "${REMOVED_AT}"\n`);
    const published = await s.open('pdb.yaml', PDB);
    assert.deepEqual(brief(published.diagnostics), [{ code: 'removed-api-version', severity: ERROR, range: PDB_API_VERSION }]);
    assert.match(messageOf(published.diagnostics[0]!), /was removed in Kubernetes 1\.25; the target is Kubernetes 1\.25\./);
  });

  it('the .driftless.yaml itself is clean when it is valid', async function () {
    const config = `kubernetesVersion: "${DEPRECATED_AT}"\n`;
    const s = await startWith(config);
    assert.deepEqual((await s.open('.driftless.yaml', config)).diagnostics, []);
  });

  it('`rules: {removed-api-version: off}` silences the finding, and .driftless.yaml written so has no problems', async function () {
    const config = yaml('rules:', '  removed-api-version: off');
    const s = await startWith(config);
    assert.deepEqual((await s.open('pdb.yaml', PDB)).diagnostics, []);
    // `off` is how the config schema's enum spells it, and the server reads it as the string "off" (it works, above).
    assert.deepEqual(brief((await s.open('.driftless.yaml', config)).diagnostics), []);
  });

  it('an unknown rule id is reported on .driftless.yaml, at the rule', async function () {
    const config = yaml('rules:', '  removed-api-version: warning', '  no-such-rule: error');
    const s = await startWith(config);
    const published = await s.open('.driftless.yaml', config);
    assert.deepEqual(brief(published.diagnostics), [{ code: 'schema-unknown-field', severity: ERROR, range: '2:2-2:14' }]);
    assert.match(messageOf(published.diagnostics[0]!), /no-such-rule/);
    // The known rule still applies.
    const pdb = await s.open('pdb.yaml', PDB);
    assert.deepEqual(brief(pdb.diagnostics), [{ code: 'removed-api-version', severity: WARNING, range: PDB_API_VERSION }]);
  });

  it('an unsaved edit of the open .driftless.yaml re-validates the other open documents', async function () {
    const config = `kubernetesVersion: "${DEPRECATED_AT}"\n`;
    const s = await startWith(config);
    assert.deepEqual(codes((await s.open('pdb.yaml', PDB)).diagnostics), ['deprecated-api-version']);
    await s.open('.driftless.yaml', config);
    const republished = s.nextDiagnostics('pdb.yaml', (d) => d.some((x) => x.code === 'removed-api-version'));
    await s.edit('.driftless.yaml', [s.replace('.driftless.yaml', DEPRECATED_AT, REMOVED_AT)]);
    assert.deepEqual(brief(await republished), [{ code: 'removed-api-version', severity: ERROR, range: PDB_API_VERSION }]);
  });
});

describe('LSP workspace/configuration', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    workspace = FixtureWorkspace.create(); // no .driftless.yaml
    server = await ServerSession.start(workspace, { settings: { kubernetesVersion: DEPRECATED_AT } });
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('asks for the section "driftless"', function () {
    assert.deepEqual(server.configurationRequests[0], { section: 'driftless' });
  });

  it(`answering {kubernetesVersion: "${DEPRECATED_AT}"} makes policy/v1beta1 PodDisruptionBudget deprecated, not removed`, async function () {
    const published = await server.open('pdb.yaml', PDB);
    assert.deepEqual(brief(published.diagnostics), [{ code: 'deprecated-api-version', severity: WARNING, range: PDB_API_VERSION }]);
    const status = await server.documentStatus('pdb.yaml');
    assert.equal(status?.kubernetesVersion, DEPRECATED_AT);
    assert.equal(status?.versionSource, 'settings');
    assert.equal(status?.configFile, undefined);
  });

  it('pulls the settings again on didChangeConfiguration and re-validates', async function () {
    const asked = server.configurationRequests.length;
    const removed = server.nextDiagnostics('pdb.yaml', (d) => d.some((x) => x.code === 'removed-api-version'));
    server.settingsChanged({ kubernetesVersion: REMOVED_AT });
    assert.deepEqual(brief(await removed), [{ code: 'removed-api-version', severity: ERROR, range: PDB_API_VERSION }]);
    assert.deepEqual(server.configurationRequests.slice(asked), [{ section: 'driftless' }]);
  });

  it('takes rule severities from the settings', async function () {
    const silenced = server.nextDiagnostics('pdb.yaml', (d) => d.length === 0);
    server.settingsChanged({ kubernetesVersion: REMOVED_AT, rules: { 'removed-api-version': 'off' } });
    assert.deepEqual(await silenced, []);
  });
});
