import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { pathLinks } from '../../server/src/engine/language/path-links';
import { parseDocuments } from '../../server/src/engine/yaml/parse-documents';
import type { ProjectModel } from '../../server/src/engine/project/project-model';
import { repository, validateFile, summary, validate, type Found } from '../helpers/engine';

function check(root: string, project: ProjectModel, file: string): Found[] {
  const path = join(root, file);
  return validateFile(project, path).filter((f) => f.rule === 'helm-values-schema');
}

const SCHEMA = JSON.stringify({
  type: 'object',
  required: ['image'],
  properties: {
    replicaCount: { type: 'integer', minimum: 1 },
    image: { type: 'object', required: ['repository'], properties: { repository: { type: 'string' }, tag: { type: 'string' } } },
  },
});

describe('a chart’s values files against its values.schema.json', () => {
  it('checks values.yaml, and an environment’s values file merged over it, blaming only what the file sets', () => {
    const { root, project } = repository({
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
      'charts/web/values.schema.json': SCHEMA,
      'charts/web/values.yaml': 'replicaCount: 1\nimage:\n  repository: nginx\n  tag: "1.27"\n',
      'charts/web/values-production.yaml': 'replicaCount: three\n',
      'charts/web/values-staging.yaml': 'image:\n  tag: "1.28"\n',
      'charts/web/templates/deployment.yaml': 'kind: Deployment\nspec:\n  replicas: {{ .Values.replicaCount }}\n',
    });
    assert.deepEqual(check(root, project, 'charts/web/values.yaml'), []);
    const production = check(root, project, 'charts/web/values-production.yaml');
    assert.deepEqual(summary(production), ['helm-values-schema@1']);
    assert.equal(production[0]!.message, '`replicaCount` must be an integer, got the string "three" (values.schema.json of chart `web`).');
    assert.equal(production[0]!.column, 15);
    assert.deepEqual(check(root, project, 'charts/web/values-staging.yaml'), []);
  });

  it('follows the schema as it changes, and leaves values files of charts without one alone', () => {
    const { root, project, files } = repository({
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
      'charts/web/values.schema.json': SCHEMA,
      'charts/web/values.yaml': 'image:\n  repository: nginx\n',
      'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
      'charts/api/values.yaml': 'replicaCount: three\n',
    });
    assert.deepEqual(check(root, project, 'charts/web/values.yaml'), []);
    files.write(join(root, 'charts/web/values.schema.json'), JSON.stringify({ type: 'object', required: ['service'] }) + '\n\n');
    assert.deepEqual(summary(check(root, project, 'charts/web/values.yaml')), ['helm-values-schema@1']);
    assert.deepEqual(check(root, project, 'charts/api/values.yaml'), []);
  });
});

describe('a chart’s local dependencies', () => {
  it('reports a file:// dependency that does not exist or holds no chart, and links one that does', () => {
    const chart = [
      'apiVersion: v2',
      'name: web',
      'version: 1.0.0',
      'dependencies:',
      '  - name: common',
      '    version: 1.0.0',
      '    repository: file://../commons', // 7: ../common exists
      '  - name: lib',
      '    version: 1.0.0',
      '    repository: file://../lib', // 10: a folder without Chart.yaml
      '  - name: ok',
      '    version: 1.0.0',
      '    repository: file://../common',
      '  - name: remote',
      '    version: 1.0.0',
      '    repository: https://charts.example.com',
      '',
    ].join('\n');
    const { root, project } = repository({
      'charts/web/Chart.yaml': chart,
      'charts/common/Chart.yaml': 'apiVersion: v2\nname: common\nversion: 1.0.0\n',
      'charts/lib/': '',
    });
    const path = join(root, 'charts/web/Chart.yaml');
    const found = validate(chart, { project, path }).filter((f) => f.rule === 'missing-path');
    assert.deepEqual(summary(found), ['missing-path@7', 'missing-path@10']);
    assert.equal(found[0]!.message, '`../commons` does not exist, so `helm dependency build` fails here. Did you mean `file://../common`?');
    assert.equal(found[1]!.message, '`../lib` holds no Chart.yaml, so `helm dependency build` cannot package it.');
    const links = pathLinks(path, parseDocuments(chart), project.deliveredPaths);
    assert.deepEqual(
      links.map((l) => [chart.slice(l.start, l.end), l.target.slice(root.length + 1)]),
      [['../common', 'charts/common/Chart.yaml']],
    );
  });
});
