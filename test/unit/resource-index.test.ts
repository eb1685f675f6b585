import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { nameOffset, ResourceIndex, resourcesOfDocuments, type IndexedResource } from '../../server/src/engine/workspace/resource-index';
import { parseDocuments } from '../../server/src/engine/yaml/parse-documents';
import { repository } from '../helpers/engine';

const FILE = [
  '# a comment before the first document',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  labels:',
  '    name: not-this-one',
  '  name: settings',
  '  namespace: shop',
  '---',
  'apiVersion: v1',
  'kind: List',
  'items:',
  '  - {apiVersion: v1, kind: Secret, metadata: {name: token}}',
  '  - {apiVersion: v1, kind: Service, metadata: {name: web}}',
  '---',
  'kind: ConfigMap',
  'metadata: {name: no-api-version}',
  '---',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: "web"',
  '',
].join('\n');

function brief(resources: readonly IndexedResource[]): string[] {
  return resources.map((r) => `${r.kind} ${r.namespace ?? '-'}/${r.name}`);
}

describe('the resource index', () => {
  const resources = resourcesOfDocuments('/repo/app.yaml', parseDocuments(FILE));

  it('holds every named resource of a file, List items too, with the namespace written', () => {
    assert.deepEqual(brief(resources), ['ConfigMap shop/settings', 'Secret -/token', 'Service -/web', 'Deployment -/web']);
  });

  it('finds where each name is written, when asked (the document start when the name is inline)', () => {
    const lineOf = (r: IndexedResource) => FILE.slice(0, nameOffset(FILE, r)).split('\n').length;
    assert.deepEqual(resources.map(lineOf), [7, 10, 10, 22]);
    assert.ok(FILE.startsWith('name: "web"', nameOffset(FILE, resources[3]!)));
  });

  it('says whether an update changed which resources exist, not where they are written', () => {
    const index = new ResourceIndex();
    assert.equal(index.setFile('/repo/app.yaml', resources), true);
    const moved = resourcesOfDocuments('/repo/app.yaml', parseDocuments('\n\n' + FILE));
    assert.equal(index.setFile('/repo/app.yaml', moved), false);
    const renamed = resourcesOfDocuments('/repo/app.yaml', parseDocuments(FILE.replace('name: settings', 'name: config')));
    assert.equal(index.setFile('/repo/app.yaml', renamed), true);
    assert.equal(index.size, 4);
    assert.equal(index.setFile('/repo/app.yaml', undefined), true);
    assert.equal(index.size, 0);
  });

  it('says whether the labels of a workload’s pods changed, whether or not the document was parsed again', () => {
    const workload = (label: string, image: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web, tier: ${label}}}\n    spec: {containers: [{name: web, image: "${image}"}]}\n`;
    const index = new ResourceIndex();
    const documents = parseDocuments(workload('front', 'web:1'));
    index.setFile('/repo/web.yaml', resourcesOfDocuments('/repo/web.yaml', documents));
    assert.equal(index.setFile('/repo/web.yaml', resourcesOfDocuments('/repo/web.yaml', documents)), false, 'the same parse');
    assert.equal(
      index.setFile('/repo/web.yaml', resourcesOfDocuments('/repo/web.yaml', parseDocuments(workload('front', 'web:2')))),
      false,
    );
    assert.equal(index.setFile('/repo/web.yaml', resourcesOfDocuments('/repo/web.yaml', parseDocuments(workload('back', 'web:2')))), true);
  });

  it('searches names as editors match symbols: prefix, then substring, then letters in order', () => {
    const index = new ResourceIndex();
    const named = (name: string, kind = 'Service'): IndexedResource => ({
      file: `/repo/${name}.yaml`,
      documentIndex: 0,
      apiVersion: 'v1',
      kind,
      name,
      namespace: undefined,
      documentStart: 0,
      path: [],
      appliesUnseen: undefined,
      sourceUrl: undefined,
      podLabels: undefined,
      podSelector: undefined,
      references: [],
      produces: [],
    });
    for (const name of ['frontend', 'api-frontend', 'fe-redis', 'backend', 'front']) index.setFile(`/repo/${name}.yaml`, [named(name)]);
    assert.deepEqual(
      index.search('front', 10).map((r) => r.name),
      ['front', 'frontend', 'api-frontend'],
    );
    assert.deepEqual(
      index.search('FE', 10).map((r) => r.name),
      ['fe-redis', 'api-frontend', 'frontend'],
    );
    assert.deepEqual(
      index.search('kafka', 10).map((r) => r.name),
      [],
    );
    assert.deepEqual(
      index.search('serviceback', 10).map((r) => r.name),
      ['backend'],
    );
    assert.equal(index.search('', 2).length, 2);
  });

  it('indexes a repository’s manifests, not its kustomizations, charts or templates, and follows edits', () => {
    const { root, project } = repository({
      'app/kustomization.yaml': 'resources: [deployment.yaml]\npatches: [{path: patch.yaml}]\n',
      'app/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n',
      'app/patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n',
      'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 0.1.0\n',
      'chart/templates/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: {{ .Release.Name }}}\n',
      'chart/values.yaml': 'replicas: 1\n',
    });
    const files = () => [...project.resources.all()].map((r) => r.file.slice(root.length + 1)).sort();
    assert.deepEqual(files(), ['app/deployment.yaml', 'app/patch.yaml']);
    assert.equal(project.isPatch(join(root, 'app', 'patch.yaml')), true);
    project.indexFile(join(root, 'app', 'deployment.yaml'), undefined);
    assert.deepEqual(files(), ['app/patch.yaml']);
  });
});
