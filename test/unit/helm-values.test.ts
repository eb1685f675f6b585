import { strict as assert } from 'node:assert';
import type { Finding } from '../../server/src/engine/validate/finding';
import { checkHelmValues } from '../../server/src/engine/helm/helm-values-checks';
import { parseDocuments, type DocumentContent } from '../../server/src/engine/yaml/parse-documents';
import { locatePath } from '../../server/src/engine/yaml/locate';
import { yaml } from '../helpers/engine';

const content = (text: string): DocumentContent => parseDocuments(text)[0]!.content;

const SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['image'],
  properties: {
    replicaCount: { type: 'integer', minimum: 1 },
    image: {
      type: 'object',
      required: ['repository'],
      additionalProperties: false,
      properties: {
        repository: { type: 'string' },
        tag: { type: 'string' },
        pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
      },
    },
    service: {
      type: 'object',
      properties: {
        type: { type: 'string' },
        port: { oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+$' }] },
      },
    },
    resources: { oneOf: [{ $ref: '#/definitions/sized' }, { $ref: '#/definitions/preset' }] },
    hosts: { type: 'array', items: { type: 'string' } },
  },
  definitions: {
    sized: { type: 'object', required: ['cpu'], properties: { cpu: { type: 'string' } } },
    preset: { type: 'string', enum: ['small', 'large'] },
  },
};

const DEFAULTS_TEXT = yaml`
  replicaCount: 1
  image:
    repository: nginx
    tag: "1.27"
    pullPolicy: IfNotPresent
  service:
    type: ClusterIP
    port: 80
  hosts: [a.example.com]
`;
const DEFAULTS = content(DEFAULTS_TEXT).value;

function check(text: string, schema: unknown = SCHEMA, override = false): Finding[] {
  return checkHelmValues(content(text), schema, { chartName: 'backend', ...(override ? { merged: true, defaults: DEFAULTS } : {}) });
}

function messages(findings: Finding[]): string[] {
  return findings.map((f) => f.message);
}

/** "line:column" (1-based) of where the finding is shown. */
function where(text: string, f: Finding): string {
  const doc = content(text);
  const span = locatePath(doc.positional, doc.text, f.path!, f.target!);
  const before = text.slice(0, span.start).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

describe('Helm values against values.schema.json', () => {
  it('accepts the chart defaults when they fit', () => {
    assert.deepEqual(check(DEFAULTS_TEXT), []);
  });

  it('reports a wrong type at the value, naming the chart', () => {
    const text = yaml`
      replicaCount: three
      image: {repository: nginx, tag: 1.27}
    `;
    const findings = check(text);
    assert.deepEqual(messages(findings), [
      '`replicaCount` must be an integer, got the string "three" (values.schema.json of chart `backend`).',
      '`tag` must be a string, got the number 1.27 (values.schema.json of chart `backend`). Quote it to keep it a string.',
    ]);
    assert.ok(findings.every((f) => f.rule === 'helm-values-schema' && f.severity === undefined && f.target === 'value'));
    assert.equal(where(text, findings[0]!), '1:15');
    assert.equal(where(text, findings[1]!), '2:33');
  });

  it('reports a value outside an enum, with a suggestion', () => {
    const findings = check('image: {repository: nginx, pullPolicy: always}\n');
    assert.deepEqual(messages(findings), [
      '`pullPolicy` must be one of Always, IfNotPresent, Never; got the string "always" (values.schema.json of chart `backend`). Did you mean "Always"?',
    ]);
    assert.deepEqual(findings[0]!.fixes, [
      { kind: 'replace-value', path: ['image', 'pullPolicy'], value: 'Always', title: 'Change to "Always"' },
    ]);
  });

  it('reports an unknown key at the key, with a suggestion', () => {
    const text = yaml`
      replicaCont: 2
      image:
        repository: nginx
        tga: latest
    `;
    const findings = check(text);
    assert.deepEqual(messages(findings), [
      'Unknown field `replicaCont` (values.schema.json of chart `backend`). Did you mean `replicaCount`?',
      'Unknown field `tga` in `image` (values.schema.json of chart `backend`). Did you mean `tag`?',
    ]);
    assert.deepEqual(findings[1]!.path, ['image', 'tga']);
    assert.equal(findings[1]!.target, 'key');
    assert.deepEqual(findings[1]!.fixes, [{ kind: 'rename-key', path: ['image', 'tga'], to: 'tag' }]);
    assert.equal(where(text, findings[0]!), '1:1');
    assert.equal(where(text, findings[1]!), '4:3');
  });

  it('reports a missing required field on the chart defaults at its parent key, or the document root', () => {
    const text = yaml`
      replicaCount: 1
      image:
        tag: "1"
    `;
    const findings = check(text);
    assert.deepEqual(messages(findings), ['`image` is missing the required field `repository` (values.schema.json of chart `backend`).']);
    assert.deepEqual(findings[0]!.path, ['image']);
    assert.equal(findings[0]!.target, 'key');
    assert.equal(where(text, findings[0]!), '2:1');
    const root = check('replicaCount: 1\n');
    assert.deepEqual(messages(root), ['The values are missing the required field `image` (values.schema.json of chart `backend`).']);
    assert.deepEqual(root[0]!.path, []);
  });

  it('does not blame an override for what the chart defaults lack', () => {
    const schema = { ...SCHEMA, required: ['image', 'licenseKey'], properties: { ...SCHEMA.properties, licenseKey: { type: 'string' } } };
    // values.yaml lacks licenseKey: the chart's own file is told; an override that sets it is clean.
    assert.deepEqual(messages(checkHelmValues(content(DEFAULTS_TEXT), schema, { chartName: 'backend' })), [
      'The values are missing the required field `licenseKey` (values.schema.json of chart `backend`).',
    ]);
    const options = { chartName: 'backend', merged: true, defaults: DEFAULTS };
    assert.deepEqual(checkHelmValues(content('licenseKey: abc\n'), schema, options), []);
    // An override whose `image` mapping merges with the defaults' has its repository from values.yaml.
    assert.deepEqual(checkHelmValues(content('licenseKey: abc\nimage: {tag: "2"}\n'), schema, options), []);
    // Removing a required field with null is the override's doing.
    assert.deepEqual(messages(check('image: {repository: null}\n', SCHEMA, true)), [
      '`image` is missing the required field `repository` (values.schema.json of chart `backend`).',
    ]);
  });

  it('blames an override for a wrong value it sets, and not for the defaults it does not touch', () => {
    const broken = content('replicaCount: 0\nimage: {repository: nginx}\nservice: {port: eighty}\n').value;
    const options = { chartName: 'backend', merged: true, defaults: broken };
    // The override sets the port right and leaves replicaCount (wrong in values.yaml) alone: clean.
    assert.deepEqual(checkHelmValues(content('service:\n  port: 8080\n'), SCHEMA, options), []);
    // The override sets a wrong replica count: blamed at its own line.
    const text = yaml`
      service:
        port: 8080
      replicaCount: "2"
    `;
    const findings = checkHelmValues(content(text), SCHEMA, options);
    assert.deepEqual(messages(findings), [
      '`replicaCount` must be an integer, got the string "2" (values.schema.json of chart `backend`).',
    ]);
    assert.equal(where(text, findings[0]!), '3:15');
  });

  it('replaces lists and scalars, merges maps, and deletes keys an override sets to null', () => {
    // A list replaces the default list wholesale: its items are the override's.
    assert.deepEqual(messages(check('hosts: [a.example.com, 42]\n', SCHEMA, true)), [
      '`hosts[1]` must be a string, got the number 42 (values.schema.json of chart `backend`). Quote it to keep it a string.',
    ]);
    // null removes `service.port` (which would be fine anyway) and the top-level `hosts`: nothing to judge.
    assert.deepEqual(check('service: {port: null}\nhosts: null\n', SCHEMA, true), []);
    // In the chart's own values.yaml a null stays, and Helm's validator judges it.
    assert.deepEqual(messages(check('image: {repository: nginx, tag: null}\n')), [
      '`tag` must be a string, got null (values.schema.json of chart `backend`).',
    ]);
  });

  it('reports one finding for a failed oneOf, not one per branch', () => {
    const findings = check('image: {repository: nginx}\nresources: {memory: 1Gi}\n');
    assert.deepEqual(messages(findings), ['`resources` matches none of the allowed shapes (values.schema.json of chart `backend`).']);
    assert.equal(findings[0]!.target, 'key');
    // Branches that only differ in type read as a type error.
    assert.deepEqual(messages(check('image: {repository: nginx}\nservice: {port: [80]}\n')), [
      '`port` must be an integer or a string, got a list (values.schema.json of chart `backend`).',
    ]);
    assert.deepEqual(messages(check('image: {repository: nginx}\nservice: {port: http}\n')), [
      '`port` matches none of the allowed shapes (values.schema.json of chart `backend`).',
    ]);
    // Branches that each require a field read as a choice of fields; the union's own type stays a finding of its own.
    const schema = { type: 'object', properties: { x: { type: 'object', anyOf: [{ required: ['a'] }, { required: ['b'] }] } } };
    assert.deepEqual(messages(checkHelmValues(content('x: {c: 1}\n'), schema, { chartName: 'c' })), [
      '`x` must set at least one of `a`, `b` (values.schema.json of chart `c`).',
    ]);
    const typed = { properties: { x: { type: 'object', anyOf: [{ type: 'object', required: ['a'] }, { type: 'object' }] } } };
    assert.deepEqual(messages(checkHelmValues(content('x: str\n'), typed, { chartName: 'c' })), [
      '`x` must be a mapping, got the string "str" (values.schema.json of chart `c`).',
    ]);
  });

  it('does not judge placeholders filled in later', () => {
    const text = yaml`
      replicaCount: "{{ .Values.global.replicas }}"
      image:
        repository: nginx
        pullPolicy: \${PULL_POLICY}
      service: {port: "{{ .Values.port }}"}
    `;
    assert.deepEqual(check(text), []);
  });

  it('validates an empty file as an empty mapping', () => {
    assert.deepEqual(messages(check('# nothing yet\n')), [
      'The values are missing the required field `image` (values.schema.json of chart `backend`).',
    ]);
    assert.deepEqual(check('# nothing yet\n', SCHEMA, true), []);
    // A file with syntax errors is left to the YAML checks.
    assert.deepEqual(check('image: {repository: nginx\nreplicaCount: [\n'), []);
  });

  it('warns once, without throwing, when the schema cannot be compiled', () => {
    const schema = { type: 'object', properties: { a: { type: 'text' } } };
    const findings = checkHelmValues(content('a: 1\n'), schema, { chartName: 'web' });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.rule, 'helm-values-schema');
    assert.equal(findings[0]!.severity, 'warning');
    assert.deepEqual(findings[0]!.path, []);
    assert.equal(findings[0]!.target, 'key');
    assert.match(findings[0]!.message, /^The values\.schema\.json of chart `web` cannot be used: type must be JSONType/);
    const unresolved = checkHelmValues(content('a: 1\n'), { $ref: '#/definitions/nope' }, { chartName: 'web' });
    assert.match(unresolved[0]!.message, /can't resolve reference/);
    assert.equal(checkHelmValues(content('a: 1\n'), [1, 2], { chartName: 'web' })[0]!.severity, 'warning');
  });

  it('follows the draft a schema declares (2020-12 prefixItems, draft-04 exclusive bounds)', () => {
    const schema2020 = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }] } },
      unevaluatedProperties: false,
    };
    assert.deepEqual(messages(checkHelmValues(content('pair: [a, b]\nextra: 1\n'), schema2020, { chartName: 'c' })), [
      '`pair[1]` must be an integer, got the string "b" (values.schema.json of chart `c`).',
      'Unknown field `extra` (values.schema.json of chart `c`).',
    ]);
    const schema04 = {
      $schema: 'http://json-schema.org/draft-04/schema#',
      properties: { port: { type: 'integer', maximum: 65536, exclusiveMaximum: true } },
    };
    assert.deepEqual(messages(checkHelmValues(content('port: 65536\n'), schema04, { chartName: 'c' })), [
      '`port` must be less than 65536, got the number 65536 (values.schema.json of chart `c`).',
    ]);
  });

  it('compiles a schema object once and tolerates Go-style regex escapes', () => {
    const schema = { properties: { name: { type: 'string', pattern: '^[a-z\\_]+$' } } };
    const options = { chartName: 'c' };
    assert.deepEqual(checkHelmValues(content('name: a_b\n'), schema, options), []);
    assert.deepEqual(messages(checkHelmValues(content('name: A-B\n'), schema, options)), [
      '`name` must match the pattern `^[a-z\\_]+$`, got the string "A-B" (values.schema.json of chart `c`).',
    ]);
    // The same object is not compiled again (the caller hands a new object when the file changes).
    schema.properties.name.pattern = '^[A-Z-]+$';
    assert.equal(checkHelmValues(content('name: A-B\n'), schema, options).length, 1);
    assert.deepEqual(checkHelmValues(content('name: A-B\n'), structuredClone(schema), options), []);
  });
});
