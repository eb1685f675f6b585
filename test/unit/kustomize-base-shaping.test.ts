// A kustomize base is judged by what its builds emit: a Deployment that leaves its selector and pod labels to the
// kustomization including it (`commonLabels`, `labels` with `includeSelectors`) is correct, as `kubectl kustomize`
// shows; a build that leaves them out still gets the error, and so does a file also applied as written.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import type { ProjectModel } from '../../server/src/engine/project/project-model';
import { repository, summary, validate, validateFile } from '../helpers/engine';
import { skipWithReason } from '../helpers/skips';
import { temporaryFolder } from '../helpers/temporary-folders';
import { fileWriter } from '../helpers/write-files';

/** A base Deployment with `selector: {matchLabels: {}}` (or no selector at all) and no pod labels. */
function baseDeployment(selector: 'empty' | 'none'): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: cart',
    'spec:',
    ...(selector === 'empty' ? ['  selector:', '    matchLabels: {}'] : []),
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: cart',
    '          image: cart',
    '',
  ].join('\n');
}

const COMMON_LABELS = 'resources: [../../base]\ncommonLabels:\n  app.kubernetes.io/name: cart\n';
const LABELS_WITH_SELECTORS = 'resources: [../../base]\nlabels:\n  - pairs: {app.kubernetes.io/name: cart}\n    includeSelectors: true\n';
const LABELS_ONLY = 'resources: [../../base]\nlabels:\n  - pairs: {app.kubernetes.io/name: cart}\n';

/**
 * What `kubectl kustomize` (the real tool) emits for an overlay of `files`, written to disk for it; undefined where
 * there is no kubectl.
 */
function kustomized(files: Record<string, string>, overlay: string): Record<string, unknown>[] | undefined {
  const tools = kubernetesTools();
  if ('missing' in tools) return undefined;
  const root = temporaryFolder('driftless-kustomize-');
  const write = fileWriter(() => root);
  for (const [path, text] of Object.entries(files)) write(path, text);
  const out = execFileSync(tools.kubectl, ['kustomize', join(root, overlay)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return parseAllDocuments(out).map((d) => d.toJSON() as Record<string, unknown>);
}

/** The errors in a file (the best-practice policies, warnings about limits and tags, are beside the point here). */
function errorsOf(root: string, project: ProjectModel, file: string): string[] {
  return summary(validateFile(project, join(root, file)).filter((f) => f.severity === 'error'));
}

describe('a kustomize base is judged by what its builds emit', function () {
  for (const selector of ['empty', 'none'] as const) {
    for (const [form, kustomization] of [
      ['commonLabels', COMMON_LABELS],
      ['labels with includeSelectors: true', LABELS_WITH_SELECTORS],
    ] as const) {
      it(`no error on a base with ${selector === 'empty' ? 'selector: {matchLabels: {}}' : 'no selector'} whose overlay adds ${form}`, function () {
        const files = {
          'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
          'base/deployment.yaml': baseDeployment(selector),
          'overlays/prod/kustomization.yaml': kustomization,
        };
        const { root, project } = repository(files);
        assert.deepEqual(errorsOf(root, project, 'base/deployment.yaml'), []);
        // The same text on its own is an error: the checks are on, the builds make the difference.
        assert.notDeepEqual(summary(validate(baseDeployment(selector)).filter((f) => f.severity === 'error')), []);
        const emitted = kustomized(files, 'overlays/prod');
        if (!emitted) return skipWithReason(this, 'no kubectl to confirm what kustomize emits');
        const deployment = emitted.find((o) => o.kind === 'Deployment') as {
          spec: { selector: { matchLabels: object }; template: { metadata: { labels: object } } };
        };
        assert.deepEqual(deployment.spec.selector.matchLabels, { 'app.kubernetes.io/name': 'cart' });
        assert.deepEqual(deployment.spec.template.metadata.labels, { 'app.kubernetes.io/name': 'cart' });
      });
    }
  }

  it('keeps the error when a build leaves the selector out (labels without includeSelectors), as kustomize emits it', function () {
    const files = {
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': baseDeployment('empty'),
      'overlays/prod/kustomization.yaml': COMMON_LABELS,
      'overlays/dev/kustomization.yaml': LABELS_ONLY,
    };
    const { root, project } = repository(files);
    assert.deepEqual(errorsOf(root, project, 'base/deployment.yaml'), ['selector-mismatch@6']);
    const emitted = kustomized(files, 'overlays/dev');
    if (!emitted) return skipWithReason(this, 'no kubectl to confirm what kustomize emits');
    const deployment = emitted.find((o) => o.kind === 'Deployment') as { spec: { selector: { matchLabels: object } } };
    assert.deepEqual(deployment.spec.selector.matchLabels, {});
  });

  it('judges a base nothing but its own kustomization builds as written', function () {
    const files = {
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': baseDeployment('none'),
    };
    const { root, project } = repository(files);
    assert.deepEqual(errorsOf(root, project, 'base/deployment.yaml'), ['schema-required@5']);
  });

  it('judges a file also applied as written (an Argo CD directory source) as written', function () {
    const application = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: raw, namespace: argocd}',
      'spec:',
      '  project: default',
      '  destination: {server: https://kubernetes.default.svc, namespace: shop}',
      "  source: {repoURL: https://github.com/acme/fleet.git, targetRevision: main, path: deploy, directory: {recurse: true, exclude: '*/kustomization.yaml'}}",
      '',
    ].join('\n');
    const files = {
      'deploy/base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'deploy/base/deployment.yaml': baseDeployment('empty'),
      'overlays/prod/kustomization.yaml': 'resources: [../../deploy/base]\ncommonLabels:\n  app.kubernetes.io/name: cart\n',
    };
    const kustomizeOnly = repository(files, { remotes: ['git@github.com:acme/fleet.git'] });
    assert.deepEqual(errorsOf(kustomizeOnly.root, kustomizeOnly.project, 'deploy/base/deployment.yaml'), []);
    const bothWays = repository({ ...files, 'argocd/raw.yaml': application }, { remotes: ['git@github.com:acme/fleet.git'] });
    assert.deepEqual(errorsOf(bothWays.root, bothWays.project, 'deploy/base/deployment.yaml'), ['selector-mismatch@6']);
  });

  it('applies the build’s replicas: a base’s wrong replicas the overlay replaces is no error', function () {
    const files = {
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': baseDeployment('empty')
        .replace('    matchLabels: {}', '    matchLabels: {app: cart}')
        .replace('  template:\n', '  replicas: "three"\n  template:\n    metadata: {labels: {app: cart}}\n'),
      'overlays/prod/kustomization.yaml': 'resources: [../../base]\nreplicas: [{name: cart, count: 3}]\nnamePrefix: shop-\n',
    };
    const { root, project } = repository(files);
    // `replicas: "three"` is replaced by the build's count.
    assert.deepEqual(errorsOf(root, project, 'base/deployment.yaml'), []);
  });

  it('applies the overlay’s patches: one that supplies the selector and pod labels leaves no error on the base', function () {
    const patch = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: cart}',
      'spec:',
      '  selector: {matchLabels: {app: cart}}',
      '  template: {metadata: {labels: {app: cart}}}',
      '',
    ].join('\n');
    const files = {
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': baseDeployment('none'),
      'overlays/prod/kustomization.yaml': 'resources: [../../base]\npatches: [{path: selector.yaml}]\n',
      'overlays/prod/selector.yaml': patch,
      'overlays/dev/kustomization.yaml':
        'resources: [../../base]\npatches:\n  - target: {kind: Deployment, name: cart}\n    patch: |\n      - {op: add, path: /spec/selector, value: {matchLabels: {app: cart}}}\n      - {op: add, path: /spec/template/metadata, value: {labels: {app: cart}}}\n',
    };
    const { root, project } = repository(files);
    assert.deepEqual(errorsOf(root, project, 'base/deployment.yaml'), []);
    const emitted = kustomized(files, 'overlays/dev');
    if (!emitted) return skipWithReason(this, 'no kubectl to confirm what kustomize emits');
    assert.deepEqual((emitted[0] as { spec: { selector: object } }).spec.selector, { matchLabels: { app: 'cart' } });
  });

  it('leaves what a patch writes to the patch: a wrong value it sets is not reported on the base', function () {
    const files = {
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': baseDeployment('empty')
        .replace('  selector:\n    matchLabels: {}', '  replicas: 2\n  selector:\n    matchLabels: {app: cart}')
        .replace('  template:\n', '  template:\n    metadata: {labels: {app: cart}}\n'),
      'overlays/prod/kustomization.yaml': 'resources: [../../base]\npatches: [{path: replicas.yaml}]\n',
      'overlays/prod/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cart}\nspec: {replicas: "three"}\n',
    };
    const { root, project } = repository(files);
    assert.deepEqual(errorsOf(root, project, 'base/deployment.yaml'), []);
    assert.deepEqual(errorsOf(root, project, 'overlays/prod/replicas.yaml'), ['schema-type@4']);
  });

  it('reports what a build’s name prefix breaks: a Service name past 63 characters, on the name', function () {
    const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\nspec:\n  selector: {app: cart}\n  ports: [{port: 80}]\n';
    const files = {
      'base/kustomization.yaml': 'resources: [service.yaml]\n',
      'base/service.yaml': service,
      'overlays/prod/kustomization.yaml': `resources: [../../base]\nnamePrefix: ${'a'.repeat(60)}-\n`,
    };
    const { root, project } = repository(files);
    const found = validateFile(project, join(root, 'base/service.yaml')).filter((f) => f.severity === 'error');
    assert.deepEqual(summary(found), ['invalid-name@4']);
    assert.match(found[0]!.message, /aaaa-cart/);
  });
});
