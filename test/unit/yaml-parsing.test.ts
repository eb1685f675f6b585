import { strict as assert } from 'node:assert';
import { DocumentCache, DocumentContent, parseDocuments } from '../../server/src/engine/yaml/parse-documents';
import { parsePositional, parseValueFast, positionalValue } from '../../server/src/engine/yaml/parsers';
import { summary, validate, yaml } from '../helpers/engine';

describe('YAML parsing', () => {
  describe('scalars resolve as kubectl reads them (YAML 1.1 booleans, Go integers), in both parsers', () => {
    const cases: [string, unknown][] = [
      ['yes', true],
      ['No', false],
      ['on', true],
      ['OFF', false],
      ['y', true],
      ['n', false],
      ['true', true],
      ['~', null],
      ['null', null],
      ['', null],
      ['0755', 493],
      ['0o17', 15],
      ['0x1F', 31],
      ['1_000', 1000],
      ['08', 8],
      ['-3', -3],
      ['1.5', 1.5],
      ['.5', 0.5],
      ['1e3', 1000],
      ['.inf', Infinity],
      ['2024-01-02', '2024-01-02'],
      ['12:30', '12:30'],
      ['0.1.2', '0.1.2'],
      ['"yes"', 'yes'],
      ["'0755'", '0755'],
      ['nginx:1.25', 'nginx:1.25'],
    ];
    for (const [source, expected] of cases) {
      it(`k: ${source}`, () => {
        const fast = (parseValueFast(`k: ${source}\n`) as { k: unknown }).k;
        const positional = (positionalValue(parsePositional(`k: ${source}\n`)) as { k: unknown }).k;
        assert.deepEqual(fast, expected);
        assert.deepEqual(positional, expected);
      });
    }
  });

  it('applies merge keys in both parsers', () => {
    const text = 'base: &b {x: 1}\nm:\n  <<: *b\n  z: 2\n';
    assert.deepEqual((parseValueFast(text) as { m: unknown }).m, { x: 1, z: 2 });
    assert.deepEqual((positionalValue(parsePositional(text)) as { m: unknown }).m, { x: 1, z: 2 });
  });

  it('reads a plain `y` or `on` key as the boolean true, as kubectl does (the key becomes "true")', () => {
    assert.deepEqual(parseValueFast('on: push\n'), { true: 'push' });
    assert.deepEqual(positionalValue(parsePositional('y: 1\n')), { true: 1 });
  });

  it('reports a syntax error in one document and still validates the others', () => {
    const found = validate(yaml`
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: broken
      data: [unclosed
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: three
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: web, image: nginx}]}
    `);
    assert.deepEqual(
      summary(found).map((s) => s.replace(/@\d+/, '')),
      ['yaml-syntax', 'schema-type'],
    );
    assert.equal(found[1]!.line, 12);
    assert.match(found[1]!.message, /`replicas` must be an integer, got the string "three"/);
  });

  it('reports duplicate keys as the API server does', () => {
    const found = validate('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n');
    assert.deepEqual(summary(found), ['duplicate-key@5']);
  });

  it('says tabs cannot indent', () => {
    const found = validate('apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: a\n');
    assert.equal(found[0]!.rule, 'yaml-syntax');
    assert.equal(found[0]!.line, 4);
  });

  it('stops an alias bomb with one finding, quickly', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 12; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const started = Date.now();
    const found = validate(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\n${levels.join('\n')}\n`);
    assert.deepEqual(summary(found), ['yaml-alias-limit@1']);
    assert.ok(Date.now() - started < 5000, 'the alias bomb must not take long');
  });

  it('reports a key that is a sequence or mapping, which Kubernetes rejects, without a warning on stderr', () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keys\ndata:\n';
      const explicit = validate(`${head}  ? [a, b]\n  : c\n`);
      assert.deepEqual(summary(explicit), ['yaml-syntax@6']);
      assert.equal(explicit[0]!.message, 'This key is a sequence; Kubernetes reads every key as a string and rejects it.');
      assert.equal(explicit[0]!.column, 5);
      assert.deepEqual(summary(validate(`${head}  {x: 1}: c\n`)), ['yaml-syntax@6']);
      // Flow collections as values, and a question mark inside a value, are no such keys.
      assert.deepEqual(validate(`${head}  a: '[x]: y'\n  b: "{y}: z"\n  c: why?\n`), []);
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings, []);
  });

  it('names an alias without an anchor on the alias, not as an alias bomb', () => {
    const found = validate('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  one: &one x\n  two: *tow\n');
    assert.deepEqual(summary(found), ['yaml-syntax@7']);
    assert.equal(found[0]!.message, 'The alias `*tow` refers to no anchor `&tow` set before it.');
    assert.equal(found[0]!.column, 8);
  });

  it('reports a document nested too deeply instead of overflowing the stack', () => {
    const deep = 'a: ' + '['.repeat(20000) + ']'.repeat(20000) + '\n';
    const found = validate(deep);
    assert.equal(found.length, 1);
    assert.match(found[0]!.rule, /yaml-too-deep|yaml-syntax/);
  });

  it('reuses unchanged documents after an edit', () => {
    const cache = new DocumentCache();
    const before = cache.parse('a: 1\n---\nb: 2\n---\nc: 3\n');
    const after = cache.parse('a: 1\n---\nb: 20\n---\nc: 3\n');
    assert.equal(after[0]!.content, before[0]!.content);
    assert.notEqual(after[1]!.content, before[1]!.content);
    assert.equal(after[2]!.content, before[2]!.content);
  });

  it('parses a 10 MB file document by document in bounded time', () => {
    const doc = yaml`
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: big
      data:
        key: value
    `;
    const text = Array(Math.ceil((10 * 1024 * 1024) / doc.length))
      .fill(doc)
      .join('---\n');
    const started = Date.now();
    const documents = parseDocuments(text);
    assert.ok(documents.length > 50_000);
    assert.ok(Date.now() - started < 20_000);
  });

  it('marks empty and comment-only documents as empty', () => {
    assert.equal(DocumentContent.parse('# only a comment\n').empty, true);
    assert.equal(DocumentContent.parse('---\n').empty, true);
    assert.equal(DocumentContent.parse('a: 1\n').empty, false);
  });
});
