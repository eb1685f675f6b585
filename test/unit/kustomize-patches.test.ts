import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { kustomizationReferences } from '../../server/src/engine/kustomize/kustomization-references';
import { repository, summary, validate } from '../helpers/engine';

const PATCH =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: web\n          volumeMounts: [{name: cache, mountPath: /cache}]\n';

describe('kustomize patches are judged as the partial objects they are', () => {
  it('reads the patch files a kustomization names, not inline patches', () => {
    assert.deepEqual(
      kustomizationReferences({
        patches: [{ path: 'replicas.yaml', target: { kind: 'Deployment' } }, { patch: '- op: remove\n  path: /spec/replicas' }],
        patchesStrategicMerge: ['memory.yaml', 'apiVersion: apps/v1\nkind: Deployment\n', '{"kind":"Deployment"}'],
        patchesJson6902: [{ path: 'ops.json', target: { kind: 'Ingress', name: 'web' } }],
      })
        .filter((reference) => reference.field === 'patches')
        .map((reference) => reference.entry),
      ['replicas.yaml', 'ops.json', 'memory.yaml'],
    );
  });

  it('does not ask a strategic-merge patch for what the base has (selector, template labels, image, volumes)', () => {
    const { root, project } = repository({
      'overlay/kustomization.yaml': 'resources: [../base]\npatches:\n  - path: deployment-patch.yaml\n',
      'overlay/deployment-patch.yaml': PATCH,
    });
    assert.deepEqual(validate(PATCH, { project, path: join(root, 'overlay', 'deployment-patch.yaml') }), []);
    // The same text as a whole resource is missing its selector, and mounts a volume it does not define.
    assert.deepEqual(summary(validate(PATCH)).sort(), ['schema-required@5', 'undefined-volume@11'].sort());
  });

  it('still reports what is wrong in a patch, and allows $patch directives', () => {
    const { root, project } = repository({
      'kustomization.yaml': 'resources: [deployment.yaml]\npatchesStrategicMerge:\n  - fix.yaml\n',
      'fix.yaml': '',
    });
    const text =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: "3"\n  template:\n    spec:\n      $setElementOrder/containers: [{name: web}]\n      containers:\n        - name: sidecar\n          $patch: delete\n        - name: web\n          imagePullPolicy: always\n';
    assert.deepEqual(summary(validate(text, { project, path: join(root, 'fix.yaml') })), ['schema-type@6', 'schema-enum@14']);
  });

  it('notices when a kustomization starts or stops naming a file as a patch', () => {
    const { root, project } = repository({ 'kustomization.yaml': 'resources: []\n', 'p.yaml': '' });
    const path = join(root, 'p.yaml');
    assert.notDeepEqual(validate(PATCH, { project, path }), []);
    assert.equal(project.indexFile(join(root, 'kustomization.yaml'), 'patches:\n  - path: p.yaml\n'), true);
    assert.deepEqual(validate(PATCH, { project, path }), []);
    assert.equal(project.indexFile(join(root, 'kustomization.yaml'), 'patches:\n  - path: p.yaml\n'), false);
    assert.equal(project.indexFile(join(root, 'kustomization.yaml'), undefined), true);
    assert.notDeepEqual(validate(PATCH, { project, path }), []);
  });
});

describe('a kustomization that sets namespace: renames the Namespace objects it takes in', () => {
  it('accepts a placeholder Namespace name in its resources, through bases and components', () => {
    const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: _\n';
    const { root, project } = repository({
      'apps/web/kustomization.yaml': 'namespace: web\nresources: [namespace.yaml]\n',
      'apps/web/namespace.yaml': namespace,
      'components/namespace/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [namespace.yaml]\n',
      'components/namespace/namespace.yaml': namespace,
      'personal/db/kustomization.yaml': 'namespace: db\ncomponents: [../../components/namespace]\n',
      'orphan/namespace.yaml': namespace,
    });
    assert.deepEqual(validate(namespace, { project, path: join(root, 'apps/web/namespace.yaml') }), []);
    assert.deepEqual(validate(namespace, { project, path: join(root, 'components/namespace/namespace.yaml') }), []);
    assert.deepEqual(summary(validate(namespace, { project, path: join(root, 'orphan/namespace.yaml') })), ['invalid-name@4']);
  });
});
