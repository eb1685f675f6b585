import { strict as assert } from 'node:assert';
import { join, relative } from 'node:path';
import { repository, yaml } from '../helpers/engine';

const flux = (name: string, path: string) => yaml`
  apiVersion: kustomize.toolkit.fluxcd.io/v1
  kind: Kustomization
  metadata: {name: ${name}, namespace: flux-system}
  spec:
    interval: 10m
    path: ${path}
    prune: true
    sourceRef: {kind: GitRepository, name: flux-system}
`;

const application = (name: string, path: string) => yaml`
  apiVersion: argoproj.io/v1alpha1
  kind: Application
  metadata: {name: ${name}, namespace: argocd}
  spec:
    project: default
    source: {repoURL: https://github.com/acme/fleet.git, path: ${path}}
    destination: {server: https://kubernetes.default.svc, namespace: web}
`;

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n';

describe('the environments that apply a file', () => {
  const { root, project } = repository(
    {
      'apps/base/kustomization.yaml': 'resources: [config.yaml]\n',
      'apps/base/config.yaml': CM,
      'apps/staging/kustomization.yaml': 'resources: [../base]\n',
      'apps/production/kustomization.yaml': 'resources: [../base]\n',
      'apps/preview/kustomization.yaml': 'resources: [../base]\n',
      'infra/controllers/config.yaml': CM,
      'infra/plain/config.yaml': CM,
      'orphans/config.yaml': CM,
      'clusters/staging/apps.yaml': flux('apps', './apps/staging'),
      'clusters/staging/infra.yaml': flux('infra', './infra'),
      'clusters/staging/flux-system/gotk-sync.yaml':
        'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: flux-system, namespace: flux-system}\nspec: {url: https://github.com/acme/fleet, interval: 1m}\n',
      'argocd/production.yaml': application('web-production', 'apps/production'),
      'argocd/plain.yaml': application('plain', 'infra/plain'),
    },
    { remotes: ['git@github.com:acme/fleet.git'] },
  );
  const environments = (file: string) =>
    project
      .environmentsIncluding(join(root, file))
      .map((e) => `${e.name.startsWith('/') ? relative(root, e.name) : e.name} -> ${relative(root, e.file)}`)
      .sort();

  it('names each build by what delivers it, else by its overlay folder', () => {
    assert.deepEqual(environments('apps/base/config.yaml'), [
      'Argo CD Application `web-production` -> argocd/production.yaml',
      'Flux Kustomization `apps` -> clusters/staging/apps.yaml',
      'apps/preview -> apps/preview/kustomization.yaml',
    ]);
  });

  it('for a file no kustomization reads: a Flux path holding it (recursively), an Application’s path (its own folder)', () => {
    assert.deepEqual(environments('infra/controllers/config.yaml'), ['Flux Kustomization `infra` -> clusters/staging/infra.yaml']);
    assert.deepEqual(environments('infra/plain/config.yaml'), [
      'Argo CD Application `plain` -> argocd/plain.yaml',
      'Flux Kustomization `infra` -> clusters/staging/infra.yaml',
    ]);
    assert.deepEqual(environments('orphans/config.yaml'), []);
  });
});
