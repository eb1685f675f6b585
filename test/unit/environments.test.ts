import { strict as assert } from 'node:assert';
import { join, relative } from 'node:path';
import { environmentView } from '../../server/src/engine/environments/environment';
import type { ProjectModel } from '../../server/src/engine/project/project-model';
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

/** A base and three overlays of it. */
const OVERLAYS = {
  'apps/base/kustomization.yaml': 'resources: [config.yaml]\n',
  'apps/base/config.yaml': CM,
  'apps/staging/kustomization.yaml': 'resources: [../base]\n',
  'apps/production/kustomization.yaml': 'resources: [../base]\n',
  'apps/preview/kustomization.yaml': 'resources: [../base]\n',
};

describe('the environments that apply a file', () => {
  let root: string;
  let project: ProjectModel;
  before(() => {
    ({ root, project } = repository(
      {
        ...OVERLAYS,
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
    ));
  });
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

describe('the environments of a repository', () => {
  let root: string;
  let project: ProjectModel;
  before(() => {
    ({ root, project } = repository(
      {
        ...OVERLAYS,
        'clusters/staging/apps.yaml': flux('apps', './apps/staging'),
        'clusters/staging/flux-system/kustomization.yaml': 'resources: [gotk-sync.yaml]\n',
        'clusters/staging/flux-system/gotk-sync.yaml':
          'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: flux-system, namespace: flux-system}\nspec: {url: https://github.com/acme/fleet, interval: 1m}\n' +
          '---\n' +
          flux('flux-system', './clusters/staging'),
        'clusters/staging/web.yaml': yaml`
          apiVersion: helm.toolkit.fluxcd.io/v2
          kind: HelmRelease
          metadata: {name: apps, namespace: flux-system}
          spec:
            interval: 10m
            targetNamespace: web
            chart: {spec: {chart: web, sourceRef: {kind: HelmRepository, name: charts}}}
        `,
        'argocd/production.yaml': application('web-production', 'apps/production'),
        '.driftless.yaml': yaml`
          environments:
            - name: web-production
              cluster: {context: prod-eu}
              protection: production
              delivery: {mode: pull-request, branch: main}
            - name: hotfix
              source: {kustomization: apps/preview}
              cluster: {context: dev, namespace: hotfix}
        `,
      },
      { remotes: ['git@github.com:acme/fleet.git'] },
    ));
  });
  const views = () => project.environments().map((e) => environmentView(e, (path) => relative(root, path)));

  it('discovers Applications, Flux objects and overlays nothing delivers; declared ones override by name or add', () => {
    assert.deepEqual(
      views().map((v) => `${v.name} | ${v.source} | ${v.cluster} | ${v.origin}`),
      [
        'apps | Flux Kustomization flux-system/apps (apps/staging) |  | discovered',
        'apps (HelmRelease) | Flux HelmRelease flux-system/apps | namespace web | discovered',
        'apps/preview | kustomization apps/preview |  | discovered',
        'flux-system | Flux Kustomization flux-system/flux-system (clusters/staging) |  | discovered',
        'hotfix | kustomization apps/preview | context dev, namespace hotfix | declared',
        'web-production | Argo CD Application web-production (apps/production) | context prod-eu, https://kubernetes.default.svc, namespace web | both',
      ],
    );
    const production = views().find((v) => v.name === 'web-production')!;
    assert.equal(production.protection, 'production');
    assert.deepEqual(production.delivery, { mode: 'pull-request', branch: 'main' });
    assert.equal(production.sourceKind, 'application');
    assert.equal(production.sourcePath, 'apps/production');
    assert.equal(production.file, '.driftless.yaml');
  });
});
