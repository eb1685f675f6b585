import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { ProjectModel } from '../../server/src/engine/project/project-model';
import { repository, validateFile, summary, yaml, type Found } from '../helpers/engine';

function check(root: string, project: ProjectModel, file: string, rule: string): Found[] {
  const path = join(root, file);
  return validateFile(project, path).filter((f) => f.rule === rule);
}

const deployment = (name: string, labels: string, extra = '') => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: ${name}${extra}}
  spec:
    selector: {matchLabels: ${labels}}
    template:
      metadata: {labels: ${labels}}
      spec: {containers: [{name: app, image: nginx:1.27}]}
`;

const service = (name: string, selector: string) => yaml`
  apiVersion: v1
  kind: Service
  metadata: {name: ${name}}
  spec:
    selector: ${selector}
    ports: [{port: 80}]
`;

const pdb = (selector: string) => yaml`
  apiVersion: policy/v1
  kind: PodDisruptionBudget
  metadata: {name: web}
  spec:
    minAvailable: 1
    selector: ${selector}
`;

describe('Services and PodDisruptionBudgets that select no pod', () => {
  it('reports a Service whose selector no workload applied with it matches, naming the closest workload', () => {
    const { root, project } = repository({
      'app/kustomization.yaml': 'namespace: shop\nresources: [deployment.yaml, service.yaml]\n',
      'app/deployment.yaml': deployment('web', '{app: web, tier: front}'),
      'app/service.yaml': service('web', '{app: wbe}'),
    });
    const found = check(root, project, 'app/service.yaml', 'unmatched-selector');
    assert.deepEqual(summary(found), ['unmatched-selector@5']);
    assert.equal(found[0]!.severity, 'warning');
    assert.equal(
      found[0]!.message,
      'This Service sends traffic to no pod: no workload in namespace `shop` in the kustomize build of `app` has pods labelled `app: wbe`. Deployment `web` has `app: web`.',
    );
  });

  it('is quiet when a workload matches, also through labels a kustomization or a controller adds', () => {
    const { root, project } = repository({
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': deployment('web', '{app: web}'),
      'overlay/kustomization.yaml': 'resources: [../base, service.yaml, one-pod.yaml]\ncommonLabels: {env: prod}\n',
      'overlay/service.yaml': service('web', '{app: web, env: prod}'),
      'overlay/one-pod.yaml': service('web-0', '{app: web, statefulset.kubernetes.io/pod-name: web-0}'),
    });
    assert.deepEqual(check(root, project, 'overlay/service.yaml', 'unmatched-selector'), []);
    assert.deepEqual(check(root, project, 'overlay/one-pod.yaml', 'unmatched-selector'), []);
  });

  it('judges a PodDisruptionBudget by matchLabels and matchExpressions', () => {
    const { root, project } = repository({
      'deployment.yaml': deployment('web', '{app: web, track: stable}'),
      'good.yaml': pdb('{matchLabels: {app: web}, matchExpressions: [{key: track, operator: In, values: [stable, canary]}]}'),
      'bad.yaml': pdb('{matchExpressions: [{key: track, operator: NotIn, values: [stable]}, {key: app, operator: Exists}]}'),
      'all.yaml': pdb('{}'),
    });
    assert.deepEqual(check(root, project, 'good.yaml', 'unmatched-selector'), []);
    const [bad] = check(root, project, 'bad.yaml', 'unmatched-selector');
    assert.equal(
      bad?.message,
      'This PodDisruptionBudget protects no pod: no workload in this repository has pods labelled `track NotIn (stable), app Exists`.',
    );
    assert.deepEqual(check(root, project, 'all.yaml', 'unmatched-selector'), []); // an empty selector takes every pod
  });

  it('cannot tell where pods may come from elsewhere: a Helm release, an operator, a Service without selector', () => {
    const { root, project } = repository({
      'helm/release.yaml': yaml`
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {name: redis, namespace: data}
        spec: {interval: 1h, chart: {spec: {chart: redis, sourceRef: {kind: HelmRepository, name: bitnami}}}}
      `,
      'helm/service.yaml': service('redis', '{app.kubernetes.io/name: redis}').replace('name: redis}', 'name: redis, namespace: data}'),
      'operator/prometheus.yaml': yaml`
        apiVersion: monitoring.coreos.com/v1
        kind: Prometheus
        metadata: {name: main, namespace: monitoring}
        spec: {replicas: 2}
      `,
      'operator/service.yaml': service('prometheus', '{prometheus: main}').replace(
        'name: prometheus}',
        'name: prometheus, namespace: monitoring}',
      ),
      'external/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec: {ports: [{port: 5432}]}\n',
      'external/placeholder.yaml': service('tmpl', '{app: "${APP}"}'),
    });
    for (const file of ['helm/service.yaml', 'operator/service.yaml', 'external/service.yaml', 'external/placeholder.yaml'])
      assert.deepEqual(check(root, project, file, 'unmatched-selector'), [], file);
  });

  it('follows a workload’s labels as they change', () => {
    const { root, project } = repository({
      'deployment.yaml': deployment('web', '{app: web}'),
      'service.yaml': service('web', '{app: web}'),
    });
    assert.deepEqual(check(root, project, 'service.yaml', 'unmatched-selector'), []);
    assert.equal(project.indexFile(join(root, 'deployment.yaml'), deployment('web', '{app: website}')), true);
    assert.deepEqual(summary(check(root, project, 'service.yaml', 'unmatched-selector')), ['unmatched-selector@5']);
  });
});

describe('the same object twice in one build', () => {
  it('reports both definitions in a kustomize build, naming the other file', () => {
    const { root, project } = repository({
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': deployment('web', '{app: web}'),
      'overlay/kustomization.yaml': 'resources: [../base, deployment.yaml, other.yaml]\n',
      'overlay/deployment.yaml': deployment('web', '{app: web}'),
      'overlay/other.yaml': [deployment('api', '{app: api}'), deployment('api', '{app: api}', ', namespace: elsewhere')].join('---\n'),
    });
    const found = check(root, project, 'overlay/deployment.yaml', 'duplicate-object');
    assert.deepEqual(summary(found), ['duplicate-object@3']);
    assert.equal(found[0]!.severity, 'error');
    assert.equal(
      found[0]!.message,
      'Deployment `web` is defined twice in the kustomize build of `overlay`: also in `base/deployment.yaml`. `kustomize build` fails ("may not add resource with an already registered id").',
    );
    assert.deepEqual(summary(check(root, project, 'base/deployment.yaml', 'duplicate-object')), ['duplicate-object@3']);
    // Different namespaces are different objects.
    assert.deepEqual(check(root, project, 'overlay/other.yaml', 'duplicate-object'), []);
  });

  it('reports two documents of one file, and judges a namespace set by kustomize as kustomize does', () => {
    const { root, project } = repository({
      'app/kustomization.yaml': 'namespace: shop\nresources: [all.yaml]\n',
      'app/all.yaml': [deployment('web', '{app: web}'), deployment('web', '{app: web}', ', namespace: shop')].join('---\n'),
      'plain/a.yaml': deployment('web', '{app: web}'),
      'plain/b.yaml': deployment('web', '{app: web}'),
    });
    const found = check(root, project, 'app/all.yaml', 'duplicate-object');
    assert.deepEqual(summary(found), ['duplicate-object@3', 'duplicate-object@12']);
    assert.match(found[0]!.message, /: also in this file\./);
    // Folders no kustomization reads may hold alternatives side by side: not judged.
    assert.deepEqual(check(root, project, 'plain/a.yaml', 'duplicate-object'), []);
  });

  it('reports the same object twice in a folder Flux builds whole (no kustomization), in its target namespace', () => {
    const fluxKustomization = (name: string, path: string, targetNamespace = '') =>
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n' +
      `metadata: {name: ${name}, namespace: flux-system}\n` +
      `spec: {interval: 10m, path: ${path}, prune: true, sourceRef: {kind: GitRepository, name: flux-system}${targetNamespace ? `, targetNamespace: ${targetNamespace}` : ''}}\n`;
    const { root, project } = repository({
      'clusters/production/flux-system/gotk-sync.yaml':
        'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: flux-system, namespace: flux-system}\nspec: {url: ssh://git@github.com/acme/fleet, ref: {branch: main}}\n',
      'clusters/production/apps.yaml': [fluxKustomization('apps', './apps'), fluxKustomization('tools', './tools', 'tools')].join('---\n'),
      'apps/web.yaml': deployment('web', '{app: web}'),
      'apps/team/web-copy.yaml': deployment('web', '{app: web}'),
      'apps/team/api.yaml': [deployment('api', '{app: api}'), deployment('api', '{app: api}', ', namespace: other')].join('---\n'),
      // A subfolder with its own kustomization is built as one unit: not part of the whole folder's list.
      'apps/packaged/kustomization.yaml': 'resources: [web.yaml]\n',
      'apps/packaged/web.yaml': deployment('web', '{app: web}'),
      'tools/a.yaml': deployment('runner', '{app: runner}', ', namespace: ci'),
      'tools/b.yaml': deployment('runner', '{app: runner}', ', namespace: jobs'),
    });
    const found = check(root, project, 'apps/web.yaml', 'duplicate-object');
    assert.deepEqual(summary(found), ['duplicate-object@3']);
    assert.equal(
      found[0]!.message,
      'Deployment `web` is defined twice in what the Flux Kustomization `apps` applies (`apps`, built whole without a kustomization): also in `apps/team/web-copy.yaml`. Its build fails ("may not add resource with an already registered id").',
    );
    assert.deepEqual(summary(check(root, project, 'apps/team/web-copy.yaml', 'duplicate-object')), ['duplicate-object@3']);
    // Different namespaces are different objects; the packaged folder's copy is its own build's business.
    assert.deepEqual(check(root, project, 'apps/team/api.yaml', 'duplicate-object'), []);
    assert.deepEqual(check(root, project, 'apps/packaged/web.yaml', 'duplicate-object'), []);
    // targetNamespace puts both runners in `tools`: the same object.
    assert.deepEqual(summary(check(root, project, 'tools/a.yaml', 'duplicate-object')), ['duplicate-object@3']);
  });

  it('warns of the same object twice among the plain manifests an Argo CD Application reads, as Argo CD keys them', () => {
    const source = (path: string, options = '') =>
      `{repoURL: https://github.com/acme/fleet.git, targetRevision: main, path: ${path}${options ? `, ${options}` : ''}}`;
    const application = (name: string, sources: string, namespace = 'shop') =>
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\n' +
      `metadata: {name: ${name}, namespace: argocd}\n` +
      `spec: {project: default, ${sources}, destination: {server: https://kubernetes.default.svc, namespace: ${namespace}}}\n`;
    const { root, project } = repository(
      {
        'argocd/apps.yaml': [
          application('web', `source: ${source('deploy/web')}`),
          application('nested', `source: ${source('deploy/nested', 'directory: {recurse: true}')}`),
          application('flat', `source: ${source('deploy/flat')}`),
          application('both', `sources: [${source('deploy/one')}, ${source('deploy/two')}]`),
          application('pruned', `source: ${source('deploy/pruned', "directory: {recurse: true, exclude: 'old/*'}")}`),
          application('picked', `source: ${source('deploy/picked', "directory: {include: '*.yaml'}")}`),
          application('packaged', `source: ${source('deploy/packaged')}`),
        ].join('---\n'),
        // Written without a namespace, it lands in the destination's: the same object as the one written in `shop`.
        'deploy/web/web.yaml': deployment('web', '{app: web}'),
        'deploy/web/copy.yaml': deployment('web', '{app: web}', ', namespace: shop'),
        // apps/v1beta2 and apps/v1 are one API group: Argo CD keys them as one object.
        'deploy/nested/api.yaml': deployment('api', '{app: api}'),
        'deploy/nested/old/api.yaml': deployment('api', '{app: api}').replace('apps/v1', 'apps/v1beta2'),
        // Without recurse, a subfolder is not read.
        'deploy/flat/api.yaml': deployment('api', '{app: api}'),
        'deploy/flat/old/api.yaml': deployment('api', '{app: api}'),
        // The sources of one Application are applied as one set.
        'deploy/one/db.yaml': deployment('db', '{app: db}'),
        'deploy/two/db.yaml': deployment('db', '{app: db}'),
        // Globs choose the files read; a folder with a kustomization is built by kustomize instead.
        'deploy/pruned/a.yaml': deployment('x', '{app: x}'),
        'deploy/pruned/old/a.yaml': deployment('x', '{app: x}'),
        'deploy/pruned/new/a.yaml': deployment('x', '{app: x}'),
        'deploy/picked/a.yaml': deployment('z', '{app: z}'),
        'deploy/picked/b.yml': deployment('z', '{app: z}'),
        'deploy/packaged/kustomization.yaml': 'resources: [a.yaml]\n',
        'deploy/packaged/a.yaml': deployment('y', '{app: y}'),
        'deploy/packaged/b.yaml': deployment('y', '{app: y}'),
      },
      { remotes: ['git@github.com:acme/fleet.git'] },
    );
    const found = check(root, project, 'deploy/web/web.yaml', 'duplicate-object');
    assert.deepEqual(summary(found), ['duplicate-object@3']);
    assert.equal(found[0]!.severity, 'warning');
    assert.equal(
      found[0]!.message,
      'Deployment `web` is defined twice in what the Argo CD Application `web` applies (`deploy/web`, plain manifests): also in `deploy/web/copy.yaml`. Argo CD applies only one of them (the last it reads) and reports a RepeatedResourceWarning.',
    );
    assert.deepEqual(summary(check(root, project, 'deploy/nested/old/api.yaml', 'duplicate-object')), ['duplicate-object@3']);
    assert.deepEqual(check(root, project, 'deploy/flat/api.yaml', 'duplicate-object'), []);
    const across = check(root, project, 'deploy/one/db.yaml', 'duplicate-object');
    assert.match(across[0]!.message, /applies \(`deploy\/one`, `deploy\/two`, plain manifests\): also in `deploy\/two\/db.yaml`/);
    const pruned = check(root, project, 'deploy/pruned/a.yaml', 'duplicate-object');
    assert.match(pruned[0]!.message, /also in `deploy\/pruned\/new\/a.yaml`/);
    assert.deepEqual(check(root, project, 'deploy/pruned/old/a.yaml', 'duplicate-object'), []);
    assert.deepEqual(check(root, project, 'deploy/picked/a.yaml', 'duplicate-object'), []);
    assert.deepEqual(check(root, project, 'deploy/packaged/a.yaml', 'duplicate-object'), []);
    // What applies a file in a subfolder: the Application that recurses into it, not the one that does not.
    const applying = (file: string) => project.environmentsIncluding(join(root, file)).map((e) => e.name);
    assert.deepEqual(applying('deploy/nested/old/api.yaml'), ['Argo CD Application `nested`']);
    assert.deepEqual(applying('deploy/flat/old/api.yaml'), []);
  });
});
