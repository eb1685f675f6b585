// Argo CD Application source options as a render applies them: image overrides as `kustomize edit set image` reads
// them, kustomize options as the fields of a wrapping kustomization, Helm parameters as helm arguments.
import assert from 'node:assert/strict';
import { argoHelmSets, argoKustomizeFields, imageEntry } from '../../server/src/engine/argo/argo-options';

describe('Argo CD source options', () => {
  it('reads image overrides the way kustomize edit set image does', () => {
    assert.deepEqual(imageEntry('nginx:1.27'), { name: 'nginx', newTag: '1.27' });
    assert.deepEqual(imageEntry('nginx=ghcr.io/acme/nginx:1.27'), { name: 'nginx', newName: 'ghcr.io/acme/nginx', newTag: '1.27' });
    assert.deepEqual(imageEntry('registry:5000/app@sha256:abc'), { name: 'registry:5000/app', digest: 'sha256:abc' });
    assert.deepEqual(imageEntry('app=registry:5000/app:v2'), { name: 'app', newName: 'registry:5000/app', newTag: 'v2' });
    assert.equal(imageEntry('app='), undefined);
  });

  it('turns kustomize options into kustomization fields, paths made absolute', () => {
    const fields = argoKustomizeFields(
      {
        namePrefix: 'prod-',
        nameSuffix: '-v2',
        namespace: 'shop',
        commonLabels: { team: 'web' },
        commonAnnotations: { owner: 'web' },
        images: ['nginx:1.27', 42],
        replicas: [{ name: 'web', count: '3' }, { name: 'bad' }],
        patches: [{ path: 'patch.yaml', target: { kind: 'Deployment' } }, { patch: '- op: remove\n  path: /spec/replicas' }],
        components: ['../components/tls'],
      },
      (path) => `/repo/app/${path}`,
    );
    assert.deepEqual(fields, {
      namePrefix: 'prod-',
      nameSuffix: '-v2',
      namespace: 'shop',
      commonLabels: { team: 'web' },
      commonAnnotations: { owner: 'web' },
      images: [{ name: 'nginx', newTag: '1.27' }],
      replicas: [{ name: 'web', count: 3 }],
      patches: [{ path: '/repo/app/patch.yaml', target: { kind: 'Deployment' } }, { patch: '- op: remove\n  path: /spec/replicas' }],
      components: ['/repo/app/../components/tls'],
    });
    assert.equal(
      argoKustomizeFields({}, (p) => p),
      undefined,
    );
    assert.equal(
      argoKustomizeFields(undefined, (p) => p),
      undefined,
    );
  });

  it('turns Helm parameters into --set, --set-string and --set-file', () => {
    assert.deepEqual(
      argoHelmSets(
        {
          parameters: [{ name: 'replicas', value: 3 }, { name: 'tag', value: '1.0', forceString: true }, { value: 'no name' }],
          fileParameters: [{ name: 'config', path: 'files/config.json' }],
        },
        (path) => `/repo/chart/${path}`,
      ),
      [
        { name: 'replicas', value: '3', as: 'value' },
        { name: 'tag', value: '1.0', as: 'string' },
        { name: 'config', value: '/repo/chart/files/config.json', as: 'file' },
      ],
    );
  });
});
