// Hostile and unusual input over the protocol: an alias bomb, very deep nesting, a 5 MB file, binary garbage, a file
// over driftless.maxFileSizeMB. Each must get its diagnostics, and the server must keep answering afterwards.
import assert from 'node:assert/strict';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-protocol';
import { brief, FixtureWorkspace, ServerSession, yaml } from './harness';
import { RULE_IDS } from '../../server/src/engine/rules';

const { Error: ERROR, Warning: WARNING } = DiagnosticSeverity;

const CLEAN = yaml(
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  replicas: 2',
  '  selector: {matchLabels: {app: web}}',
  '  template:',
  '    metadata: {labels: {app: web}}',
  '    spec: {containers: [{name: web, image: nginx}]}',
);

/** 40 levels of anchors, each aliasing the one before twice: 2^40 leaves if expanded. */
function aliasBomb(levels = 40): string {
  const lines = ['a0: &a0 [lol, lol]'];
  for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}]`);
  return yaml(...lines);
}

/** A deterministic pseudo-random generator, so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

/** Bytes 0-255 read as Latin-1, plus NULs, lone surrogates, BOMs and YAML indicators. */
function garbage(length: number, seed: number): string {
  const next = random(seed);
  const specials = [
    '\u0000',
    '\ud800',
    '\udfff',
    '\ufeff',
    '\ufffd',
    '\r',
    '\n',
    '\t',
    '{{',
    '[',
    '&a',
    '*a',
    '!!binary',
    '---\n',
    '%YAML',
  ];
  let text = '';
  while (text.length < length) {
    text += next() < 0.1 ? specials[Math.floor(next() * specials.length)]! : String.fromCharCode(Math.floor(next() * 256));
  }
  return text;
}

function assertWellFormed(diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) {
    assert.equal(d.source, 'driftless');
    assert.ok(typeof d.code === 'string' && (RULE_IDS as string[]).includes(d.code), `unknown rule code ${String(d.code)}`);
    assert.ok(d.range.start.line >= 0 && d.range.start.character >= 0, JSON.stringify(d.range));
  }
}

describe('LSP bad input', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    workspace = FixtureWorkspace.create();
    server = await ServerSession.start(workspace);
    await server.open('clean.yaml', CLEAN);
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  /** The server still answers: a hover on the clean document. */
  async function assertStillAnswering(): Promise<void> {
    const hover = await server.hover('clean.yaml', { line: 5, character: 4 });
    assert.match(JSON.stringify(hover?.contents), /replicas/);
  }

  it('a 40-level alias bomb: one yaml-alias-limit diagnostic, and the server keeps answering', async function () {
    const published = await server.open('bomb.yaml', aliasBomb());
    assert.deepEqual(brief(published.diagnostics), [{ code: 'yaml-alias-limit', severity: ERROR, range: '0:0-0:3' }]);
    assert.equal(published.diagnostics[0]!.source, 'driftless');
    // Requests on the bomb itself must not expand it either.
    await server.hover('bomb.yaml', { line: 39, character: 12 });
    await server.completion('bomb.yaml', { line: 39, character: 0 });
    await server.symbols('bomb.yaml');
    await assertStillAnswering();
  });

  it('a 5 MB file is validated within the timeout, and an edit at its end too', async function () {
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 5 * 1024 * 1024; i++) {
      const part = yaml(
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        `  name: settings-${i}`,
        'data:',
        `  value: "${'x'.repeat(200)}"`,
      );
      parts.push(part);
      size += part.length;
    }
    const lastLine = parts.length * 7;
    parts.push(yaml('---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: last', 'data:', '  count: 5'));
    const text = parts.join('');
    assert.ok(text.length > 5 * 1024 * 1024);
    const published = await server.open('big.yaml', text);
    assert.deepEqual(brief(published.diagnostics), [
      { code: 'schema-type', severity: ERROR, range: `${lastLine + 6}:9-${lastLine + 6}:10` },
    ]);
    const fixed = await server.edit('big.yaml', [server.replace('big.yaml', 'count: 5', 'count: "5"', 'name: last')]);
    assert.equal(fixed.version, 2);
    assert.deepEqual(fixed.diagnostics, []);
    await assertStillAnswering();
  });

  it('binary-ish garbage does not crash the server', async function () {
    for (let seed = 1; seed <= 5; seed++) {
      const file = `garbage-${seed}.yaml`;
      const published = await server.open(file, garbage(4000, seed));
      assert.equal(published.version, 1);
      assertWellFormed(published.diagnostics);
      await server.hover(file, { line: 0, character: 3 });
      await server.completion(file, { line: 1, character: 1 });
      await server.symbols(file);
    }
    // Garbage typed into a valid document.
    await server.open('typed-garbage.yaml', CLEAN);
    const edited = await server.edit('typed-garbage.yaml', [
      { range: { start: { line: 3, character: 8 }, end: { line: 3, character: 8 } }, text: garbage(500, 99) },
    ]);
    assert.equal(edited.version, 2);
    assertWellFormed(edited.diagnostics);
    await assertStillAnswering();
  });
});

describe('LSP deeply nested input', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  // A server of its own: what happens at the stack limit depends on what ran before, and a fresh server is what a
  // user opening such a file meets.
  before(async function () {
    workspace = FixtureWorkspace.create();
    server = await ServerSession.start(workspace);
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('documents nested thousands deep: yaml-too-deep, and the server survives them and hovers and completions on them', async function () {
    this.timeout(60_000);
    const shapes = [
      (depth: number) => '['.repeat(depth),
      (depth: number) => `a: ${'['.repeat(depth)}${']'.repeat(depth)}`,
      (depth: number) => `a: ${'{a: '.repeat(depth)}${'}'.repeat(depth)}`,
    ];
    for (const depth of [5_000, 20_000]) {
      for (const [shape, text] of shapes.map((make) => make(depth)).entries()) {
        const file = `deep-${depth}-${shape}.yaml`;
        const published = await server.open(file, text);
        assert.deepEqual(
          published.diagnostics.map((d) => d.code),
          ['yaml-too-deep'],
          file,
        );
        await server.hover(file, { line: 0, character: 2 });
        await server.completion(file, { line: 0, character: 2 });
      }
    }
    await server.open('clean.yaml', CLEAN);
    const hover = await server.hover('clean.yaml', { line: 5, character: 4 });
    assert.match(JSON.stringify(hover?.contents), /replicas/);
  });
});

describe('LSP driftless.maxFileSizeMB', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    workspace = FixtureWorkspace.create();
    server = await ServerSession.start(workspace, { settings: { maxFileSizeMB: 1 } });
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('a file over the limit gets one file-too-large diagnostic instead of validation', async function () {
    const text = yaml(
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: big',
      'data:',
      `  blob: "${'x'.repeat(2 * 1024 * 1024)}"`,
      '  n: 1',
    );
    const published = await server.open('big.yaml', text);
    // A warning: a file that was not validated is a gap a gate can fail on.
    assert.deepEqual(brief(published.diagnostics), [{ code: 'file-too-large', severity: WARNING, range: '0:0-0:0' }]);
    assert.equal(published.diagnostics[0]!.source, 'driftless');
  });
});
