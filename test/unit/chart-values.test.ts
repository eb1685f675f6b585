import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Project } from '../../server/src/node/project';
import { repository, summary, validate, type Found } from '../helpers/engine';

function check(root: string, project: Project, file: string): Found[] {
  const path = join(root, file);
  return validate(readFileSync(path, 'utf8'), { project, path }).filter((f) => f.rule === 'helm-values-schema');
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

  it('follows the schema as it changes on disk, and leaves values files of charts without one alone', () => {
    const { root, project } = repository({
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
      'charts/web/values.schema.json': SCHEMA,
      'charts/web/values.yaml': 'image:\n  repository: nginx\n',
      'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
      'charts/api/values.yaml': 'replicaCount: three\n',
    });
    assert.deepEqual(check(root, project, 'charts/web/values.yaml'), []);
    writeFileSync(join(root, 'charts/web/values.schema.json'), JSON.stringify({ type: 'object', required: ['service'] }) + '\n\n');
    assert.deepEqual(summary(check(root, project, 'charts/web/values.yaml')), ['helm-values-schema@1']);
    assert.deepEqual(check(root, project, 'charts/api/values.yaml'), []);
  });
});
