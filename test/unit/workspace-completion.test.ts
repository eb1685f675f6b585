import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { completeAt } from '../../server/src/engine/language/completion';
import { parseDocuments } from '../../server/src/engine/yaml/parse-documents';
import type { ProjectModel } from '../../server/src/engine/project/project-model';
import { repository, withCursor, yaml } from '../helpers/engine';

/** Completion at `|` in `marked`, as if it were the file `file` of the repository. */
function complete(root: string, project: ProjectModel, file: string, marked: string) {
  const { text, offset } = withCursor(marked);
  const path = join(root, file);
  const context = { catalog: project.catalog, kubernetesVersion: '1.31', host: project, facts: { path } };
  return completeAt(text, parseDocuments(text), offset, context, { host: project.workspaceCompletion, file: path });
}

const labels = (items: { label: string }[]) => items.map((i) => i.label);

const POD_WITH = (volume: string) => yaml`
  apiVersion: v1
  kind: Pod
  metadata: {name: p}
  spec:
    containers: [{name: c, image: nginx:1.27}]
    volumes:
      - name: v
        ${volume}
`;

describe('completion from the workspace', () => {
  let root: string;
  let project: ProjectModel;
  before(() => {
    ({ root, project } = repository({
      'app/kustomization.yaml':
        'resources: [deployment.yaml, config.yaml]\nconfigMapGenerator:\n  - name: generated-settings\n    literals: [a=b]\n',
      'app/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-settings}\n',
      'app/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n',
      'other/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other-settings}\n',
      'other/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: tls}\n',
      'web/service.yaml':
        'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports:\n    - {name: http, port: 80}\n    - {name: metrics, port: 9090}\n',
      'clusters/prod/flux-system/gotk-sync.yaml':
        'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: flux-system, namespace: flux-system}\nspec: {url: https://x/y, interval: 1m}\n',
      'apps/production/kustomization.yaml': 'resources: []\n',
      'apps/staging/kustomization.yaml': 'resources: []\n',
    }));
  });

  it('offers the ConfigMaps defined where the file is applied first, then the rest of the repository', () => {
    // deployment.yaml is in the build of app/: what that build defines comes first.
    const items = complete(root, project, 'app/deployment.yaml', POD_WITH('configMap:\n          name: |'));
    const sorted = [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
    assert.deepEqual(
      sorted.map((i) => `${i.label} ${i.sortText![0]}`),
      ['app-settings 0', 'generated-settings 0', 'other-settings 1'],
    );
    assert.equal(items.find((i) => i.label === 'other-settings')?.detail, 'ConfigMap in other/config.yaml');
  });

  it('offers Secrets for a secret volume, with what was typed replaced', () => {
    const marked = POD_WITH('secret:\n          secretName: tl|');
    const items = complete(root, project, 'app/pod.yaml', marked);
    assert.deepEqual(labels(items), ['tls']);
    const typedAt = withCursor(marked).offset - 2;
    assert.equal(items[0]!.replaceStart, typedAt);
  });

  it('offers the ports of the Service an Ingress backend names', () => {
    const ingress = (port: string) => yaml`
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: web}
      spec:
        defaultBackend:
          service:
            name: web
            port:
              ${port}
    `;
    assert.deepEqual(labels(complete(root, project, 'web/ingress.yaml', ingress('number: |'))), ['80', '9090']);
    assert.deepEqual(labels(complete(root, project, 'web/ingress.yaml', ingress('name: |'))), ['http', 'metrics']);
  });

  it('offers files and folders where a kustomization names a resource', () => {
    const items = complete(root, project, 'app/kustomization.yaml', 'resources:\n  - deployment.yaml\n  - |\n');
    assert.deepEqual(labels(items), ['config.yaml', 'deployment.yaml', 'kustomization.yaml']);
    const up = complete(root, project, 'app/kustomization.yaml', 'resources:\n  - ../|\n');
    assert.deepEqual(
      labels(up),
      ['../app/', '../apps/', '../clusters/', '../other/', '../web/'].map((l) => l.replace(/\/$/, '')),
    );
  });

  it('offers folders where a Flux Kustomization names its path, from the repository root', () => {
    const flux = yaml`
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata: {name: apps, namespace: flux-system}
      spec:
        interval: 10m
        prune: true
        sourceRef: {kind: GitRepository, name: flux-system}
        path: ./apps/|
    `;
    assert.deepEqual(labels(complete(root, project, 'clusters/prod/apps.yaml', flux)), ['./apps/production', './apps/staging']);
  });
});
