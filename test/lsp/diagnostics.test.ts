// Diagnostics over the protocol: what the server publishes on didOpen and after incremental didChange, where, with which
// rule codes, and what inline suppressions hide.
import assert from 'node:assert/strict';
import { DiagnosticSeverity, TextDocumentSyncKind } from 'vscode-languageserver-protocol';
import { brief, codes, FixtureWorkspace, messageOf, ServerSession, yaml } from './harness';

const { Error: ERROR } = DiagnosticSeverity;

/** A valid Deployment; tests swap single lines. */
const DEPLOYMENT_LINES = [
  'apiVersion: apps/v1', //  0
  'kind: Deployment', //  1
  'metadata:', //  2
  '  name: web', //  3
  'spec:', //  4
  '  replicas: 2', //  5
  '  selector:', //  6
  '    matchLabels:', //  7
  '      app: web', //  8
  '  template:', //  9
  '    metadata:', // 10
  '      labels:', // 11
  '        app: web', // 12
  '    spec:', // 13
  '      containers:', // 14
  '        - name: web', // 15
  '          image: nginx:1.27', // 16
];

function deployment(replace: Record<number, string> = {}): string {
  return yaml(...DEPLOYMENT_LINES.map((line, i) => replace[i] ?? line));
}

describe('LSP diagnostics on open', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    workspace = FixtureWorkspace.create({
      // A Helm chart: Chart.yaml next to templates/ makes the files under it Go templates.
      'charts/web/Chart.yaml': yaml('apiVersion: v2', 'name: web', 'version: 0.1.0'),
      'charts/web/values.yaml': yaml('x: web'),
    });
    server = await ServerSession.start(workspace);
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('declares incremental text sync', function () {
    assert.equal(server.lsp.initializeResult?.capabilities.textDocumentSync, TextDocumentSyncKind.Incremental);
  });

  it('reports a syntax error in document 1 and a schema error in document 2, each on its own line', async function () {
    const text = yaml(
      'apiVersion: v1', //  0
      'kind: ConfigMap', //  1
      'metadata:', //  2
      '  name: settings: extra', //  3  nested mapping in a compact one: a syntax error
      '---', //  4
      ...DEPLOYMENT_LINES.map((line) => (line === '  replicas: 2' ? '  replicas: "three"' : line)), // 5..21, replicas on 10
    );
    const published = await server.open('multi.yaml', text);
    assert.equal(published.version, 1);
    assert.deepEqual(brief(published.diagnostics), [
      { code: 'yaml-syntax', severity: ERROR, range: '3:8-3:9' },
      { code: 'schema-type', severity: ERROR, range: '10:12-10:19' },
    ]);
    for (const diagnostic of published.diagnostics) assert.equal(diagnostic.source, 'driftless');
    assert.match(messageOf(published.diagnostics[0]!), /^YAML syntax error: /);
    assert.match(messageOf(published.diagnostics[1]!), /`replicas` must be an integer, got the string "three"/);
  });

  it('reports a syntax error at the end of document 1 inside document 1, not on the next document’s `---`', async function () {
    const text = yaml(
      'apiVersion: v1', // 0
      'kind: ConfigMap', // 1
      'metadata:', // 2
      '  name: [settings', // 3  unterminated flow sequence
      '---', // 4
      'apiVersion: v1', // 5
      'kind: ServiceAccount', // 6
      'metadata:', // 7
      '  name: web', // 8
    );
    const published = await server.open('unterminated.yaml', text);
    assert.deepEqual(codes(published.diagnostics), ['yaml-syntax']);
    const { start, end } = published.diagnostics[0]!.range;
    assert.ok(
      start.line <= 3 && (end.line < 4 || (end.line === 4 && end.character === 0)),
      `the error of document 1 (lines 0-3) is shown at ${JSON.stringify(published.diagnostics[0]!.range)}, on document 2's \`---\``,
    );
  });

  it('counts characters in UTF-16 code units, as LSP does', async function () {
    const published = await server.open(
      'emoji.yaml',
      yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: emoji', 'data: {"😀😀": 1}'),
    );
    // `data: {"` is 8 units, each emoji 2, then `": ` 3: the number starts at 15.
    assert.deepEqual(brief(published.diagnostics), [{ code: 'schema-type', severity: ERROR, range: '4:15-4:16' }]);
  });

  it('publishes an empty list for a clean Deployment', async function () {
    const published = await server.open('clean.yaml', deployment());
    assert.equal(published.version, 1);
    assert.deepEqual(published.diagnostics, []);
  });

  it('leaves a GitHub Actions workflow alone', async function () {
    const published = await server.open(
      '.github/workflows/ci.yml',
      yaml(
        'name: CI',
        'on:',
        '  push:',
        '    branches: [main]',
        'jobs:',
        '  build:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '      - run: npm ci && npm test',
      ),
    );
    assert.deepEqual(published.diagnostics, []);
  });

  it('leaves a docker-compose file alone', async function () {
    const published = await server.open(
      'docker-compose.yml',
      yaml(
        'services:',
        '  web:',
        '    image: nginx:1.27',
        '    ports:',
        '      - "8080:80"',
        '    environment:',
        '      - MODE=dev',
        '    depends_on: [db]',
        '  db:',
        '    image: postgres:16',
      ),
    );
    assert.deepEqual(published.diagnostics, []);
  });

  it('leaves a template under a Helm chart’s templates/ alone', async function () {
    const template = yaml(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ .Values.x }}',
      '  labels:',
      '    {{- include "web.labels" . | nindent 4 }}',
      'spec:',
      '  replicas: {{ .Values.replicas }}',
    );
    const inChart = await server.open('charts/web/templates/deployment.yaml', template);
    assert.deepEqual(inChart.diagnostics, []);
    // The same text in a templates/ folder without a Chart.yaml is a manifest, and is checked as one.
    const outside = await server.open('not-a-chart/templates/deployment.yaml', template);
    assert.notDeepEqual(outside.diagnostics, []);
  });
});

describe('LSP diagnostics after incremental edits', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;
  const FILE = 'deployment.yaml';

  before(async function () {
    workspace = FixtureWorkspace.create();
    server = await ServerSession.start(workspace);
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('reports the error of the opened text', async function () {
    const published = await server.open(FILE, deployment({ 5: '  replicas: "three"' }));
    assert.deepEqual(brief(published.diagnostics), [{ code: 'schema-type', severity: ERROR, range: '5:12-5:19' }]);
  });

  it('clears the error when a ranged change fixes it, and the publish carries the new version', async function () {
    const published = await server.edit(FILE, [server.replace(FILE, '"three"', '3')]);
    assert.equal(published.version, 2);
    assert.deepEqual(published.diagnostics, []);
    assert.equal(server.text(FILE), deployment({ 5: '  replicas: 3' }));
  });

  it('adds an error when a ranged insertion introduces one', async function () {
    const at = { line: 17, character: 0 };
    const published = await server.edit(FILE, [{ range: { start: at, end: at }, text: '          imagePullPolicy: always\n' }]);
    assert.equal(published.version, 3);
    assert.deepEqual(brief(published.diagnostics), [{ code: 'schema-enum', severity: ERROR, range: '17:27-17:33' }]);
  });

  it('applies several changes of one didChange in order', async function () {
    // First delete line 17 (the bad imagePullPolicy), then, in the text that leaves, insert a bad field on line 6.
    const published = await server.edit(FILE, [
      { range: { start: { line: 17, character: 0 }, end: { line: 18, character: 0 } }, text: '' },
      { range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, text: '  paused: "no"\n' },
    ]);
    assert.equal(published.version, 4);
    assert.deepEqual(brief(published.diagnostics), [{ code: 'schema-type', severity: ERROR, range: '6:10-6:14' }]);
  });

  it('validates a burst of keystrokes at its last version', async function () {
    // Retype the value as `true`, one keystroke per didChange, without waiting in between.
    server.sendEdit(FILE, [server.replace(FILE, '"no"', '')]);
    let version = 0;
    for (const [i, char] of [...'true'].entries()) {
      const at = { line: 6, character: 10 + i };
      version = server.sendEdit(FILE, [{ range: { start: at, end: at }, text: char }]);
    }
    assert.equal(version, 9);
    const published = await server.waitForPublish(FILE, { version });
    assert.equal(published.params.version, 9);
    assert.deepEqual(published.params.diagnostics, []);
  });

  it('clears the diagnostics of a closed document', async function () {
    await server.edit(FILE, [server.replace(FILE, 'true', '"yes"')]);
    assert.deepEqual(codes(server.latest(FILE) ?? []), ['schema-type']);
    const cleared = server.nextDiagnostics(FILE);
    server.close(FILE);
    assert.deepEqual(await cleared, []);
  });
});

describe('LSP inline suppressions', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    workspace = FixtureWorkspace.create();
    server = await ServerSession.start(workspace);
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('`# driftless-disable-next-line schema-type` hides the next line’s finding', async function () {
    const text = deployment({ 5: '  # driftless-disable-next-line schema-type\n  replicas: "three"' });
    const published = await server.open('suppressed.yaml', text);
    assert.deepEqual(published.diagnostics, []);
  });

  it('skips blank and comment lines between the directive and the line it covers', async function () {
    const text = deployment({ 5: '  # driftless-disable-next-line schema-type\n\n  # replicas as a word\n  replicas: "three"' });
    const published = await server.open('suppressed-gap.yaml', text);
    assert.deepEqual(published.diagnostics, []);
  });

  it('hides only the rules it names, and only on the next line', async function () {
    const text = deployment({
      5: '  # driftless-disable-next-line schema-enum\n  replicas: "three"\n  paused: "no"',
    });
    const published = await server.open('other-rule.yaml', text);
    assert.deepEqual(brief(published.diagnostics), [
      { code: 'schema-type', severity: ERROR, range: '6:12-6:19' },
      { code: 'schema-type', severity: ERROR, range: '7:10-7:14' },
    ]);
  });

  it('an edit that adds the directive clears the finding', async function () {
    const published = await server.edit('other-rule.yaml', [server.replace('other-rule.yaml', 'schema-enum', 'schema-type')]);
    assert.deepEqual(brief(published.diagnostics), [{ code: 'schema-type', severity: ERROR, range: '7:10-7:14' }]);
  });
});
