// What the Drift view's actions write, on text written here: an ignore rule appended to a YAML list as the smallest
// edit (the list, the keys above it, or the file made), the rule's field as a jq path that selects list items by name
// (read back by the engine's own jq subset to the very path it came from) or a JSON pointer, the live path mapped into
// git's render, and a scalar quoted as the one it replaces where kubectl reads it the same.
import { strict as assert } from 'node:assert';
import { parse as parseYaml } from 'yaml';
import { ignoreRuleFor, jqPathOf, renderedPathOf, scalarText, scalarValueOf } from '../../server/src/engine/drift/drift-edits';
import { parseJqPaths, pathsOf } from '../../server/src/engine/drift/jq-paths';
import type { TextEdit } from '../../server/src/engine/language/quick-fixes';
import { appendListItem } from '../../server/src/engine/yaml/append-list-item';
import { parseDocuments } from '../../server/src/engine/yaml/parse-documents';

/** The YAML read back, as the shape these tests write. */
function parse(text: string): { drift: { ignore: unknown[]; other?: unknown } } & Record<string, unknown> {
  return parseYaml(text) as { drift: { ignore: unknown[] } };
}

function applied(text: string, edits: TextEdit[]): string {
  return [...edits].sort((a, b) => b.start - a.start).reduce((out, e) => out.slice(0, e.start) + e.newText + out.slice(e.end), text);
}

function append(text: string, path: string[], item: unknown, documentIndex?: number): string {
  const documents = parseDocuments(text);
  const document = documentIndex === undefined ? documents.find((d) => !d.content.empty) : documents[documentIndex];
  const result = appendListItem(text, document, path, item);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return applied(text, result.edits);
}

const RULE = { kind: 'Deployment', name: 'web', jsonPointers: ['/spec/replicas'] };

describe('appending an ignore rule to a YAML list', function () {
  it('appends after the last item, at its indentation, leaving comments and the rest as written', function () {
    const text = [
      '# Team settings.',
      'kubernetesVersion: "1.31"',
      'drift:',
      '  ignore:   # noise we accept',
      '  - kind: ConfigMap',
      "    name: 'x'",
      'rules: {}',
      '',
    ].join('\n');
    const out = append(text, ['drift', 'ignore'], RULE);
    assert.equal(
      out,
      [
        '# Team settings.',
        'kubernetesVersion: "1.31"',
        'drift:',
        '  ignore:   # noise we accept',
        '  - kind: ConfigMap',
        "    name: 'x'",
        '  - kind: Deployment',
        '    name: web',
        '    jsonPointers:',
        '      - /spec/replicas',
        'rules: {}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(parse(out).drift.ignore[1], RULE);
  });

  it('adds the keys that are missing: the whole block, `ignore` under `drift`, the list under an empty key', function () {
    assert.equal(append('kubernetesVersion: "1.31"', ['drift', 'ignore'], RULE).split('\n')[1], 'drift:');
    assert.deepEqual(parse(append('kubernetesVersion: "1.31"', ['drift', 'ignore'], RULE)).drift.ignore, [RULE]);
    assert.deepEqual(parse(append('drift:\n  other: 1\nx: 2\n', ['drift', 'ignore'], RULE)), { drift: { other: 1, ignore: [RULE] }, x: 2 });
    for (const empty of ['drift:\n  ignore:\n', 'drift:\n  ignore: []  # none yet\n', 'drift: {}\n', 'drift: null\n']) {
      const out = append(empty, ['drift', 'ignore'], RULE);
      assert.deepEqual(parse(out).drift.ignore, [RULE], `${JSON.stringify(empty)} became ${JSON.stringify(out)}`);
    }
    assert.match(append('drift:\n  ignore: []  # none yet\n', ['drift', 'ignore'], RULE), /^drift:\n {2}ignore: # none yet\n/);
  });

  it('makes the file when there is none, and keeps CRLF line endings', function () {
    assert.deepEqual(parse(append('', ['drift', 'ignore'], RULE)), { drift: { ignore: [RULE] } });
    const crlf = append('drift:\r\n  ignore:\r\n    - kind: A\r\n', ['drift', 'ignore'], RULE);
    assert.ok(!/[^\r]\n/.test(crlf), JSON.stringify(crlf));
    assert.deepEqual(parse(crlf).drift.ignore, [{ kind: 'A' }, RULE]);
  });

  it('writes into the named document of a file of several (an Application beside others)', function () {
    const text = 'kind: AppProject\nspec: {}\n---\nkind: Application\nspec:\n  ignoreDifferences:\n    - kind: Service\n  project: shop\n';
    const out = append(text, ['spec', 'ignoreDifferences'], RULE, 1);
    const documents = out.split('---\n').map((d) => parseYaml(d) as { spec: Record<string, unknown> });
    assert.deepEqual(documents[0], { kind: 'AppProject', spec: {} });
    assert.deepEqual(documents[1]!.spec, { ignoreDifferences: [{ kind: 'Service' }, RULE], project: 'shop' });
  });

  it('refuses what it cannot edit safely: a flow list with items, a list where a mapping should be, a broken file', function () {
    const refused = (text: string) => {
      const documents = parseDocuments(text);
      return appendListItem(text, documents[0], ['drift', 'ignore'], RULE);
    };
    assert.match(JSON.stringify(refused('drift:\n  ignore: [{kind: A}]\n')), /not a block list/);
    assert.match(JSON.stringify(refused('drift:\n  - a\n')), /not a block mapping/);
    assert.match(JSON.stringify(refused('drift: [\n')), /does not parse/);
  });
});

describe('the rule and the value the Drift view’s actions write', function () {
  const live = {
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'sidecar', image: 'envoy' },
            { name: 'web', image: 'nginx:1.28-hotfix', env: [{ name: 'A/B', value: '1' }] },
          ],
        },
      },
    },
  };

  it('names list items by name in a jq path the engine reads back to the very same path', function () {
    const path = ['spec', 'template', 'spec', 'containers', 1, 'image'];
    const jq = jqPathOf(live, path)!;
    assert.equal(jq, '.spec.template.spec.containers[] | select(.name == "web") | .image');
    const parsed = parseJqPaths(jq);
    assert.ok(parsed.ok);
    assert.deepEqual(pathsOf(parsed, live), [path]);
    const nested = ['spec', 'template', 'spec', 'containers', 1, 'env', 0, 'value'];
    const nestedJq = jqPathOf(live, nested)!;
    const nestedParsed = parseJqPaths(nestedJq);
    assert.ok(nestedParsed.ok, nestedJq);
    assert.deepEqual(pathsOf(nestedParsed, live), [nested]);
  });

  it('writes a JSON pointer when no named item is on the way, with the environment for .driftless.yaml only', function () {
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };
    assert.deepEqual(ignoreRuleFor(ref, '/spec/replicas', ['spec', 'replicas'], live, { environment: 'prod' }), {
      group: 'apps',
      kind: 'Deployment',
      name: 'web',
      namespace: 'shop',
      environment: 'prod',
      jsonPointers: ['/spec/replicas'],
    });
    // Argo CD reads an absent group as the core group.
    assert.deepEqual(ignoreRuleFor({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c' }, '/data/a~1b', ['data', 'a/b'], {}), {
      kind: 'ConfigMap',
      name: 'c',
      jsonPointers: ['/data/a~1b'],
    });
  });

  it('finds the live value’s place in git’s render by item name, and nothing where git does not set it', function () {
    const rendered = { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } };
    assert.deepEqual(renderedPathOf(rendered, live, ['spec', 'template', 'spec', 'containers', 1, 'image']), [
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'image',
    ]);
    assert.equal(renderedPathOf(rendered, live, ['spec', 'template', 'spec', 'containers', 0, 'image']), undefined);
    assert.equal(renderedPathOf(rendered, live, ['spec', 'replicas']), undefined);
  });

  it('quotes a scalar as the one it replaces when kubectl reads it the same, else in double quotes', function () {
    assert.equal(scalarText('nginx:1.28', 'nginx:1.27'), 'nginx:1.28');
    assert.equal(scalarText('nginx:1.28', '"nginx:1.27"'), '"nginx:1.28"');
    assert.equal(scalarText("it's", "'a'"), "'it''s'");
    assert.equal(scalarText(5, '3'), '5');
    assert.equal(scalarText(true, 'false'), 'true');
    // Plain text that kubectl would read as something else stays a string.
    for (const value of ['yes', '1', '0755', 'null', '1.0', 'a #b', ' padded', 'on']) {
      const text = scalarText(value, 'x');
      assert.equal(scalarValueOf(text), value, `${value} written as ${text}`);
    }
    assert.equal(scalarText('yes', 'x'), '"yes"');
  });
});
