import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { ProjectModel } from '../../server/src/engine/project/project-model';
import { repository, validateFile, yaml } from '../helpers/engine';

const POLICIES = new Set(['image-tag-latest', 'no-memory-limit', 'privileged-container', 'host-namespace', 'missing-probes']);

function policies(root: string, project: ProjectModel, file: string): string[] {
  const path = join(root, file);
  return validateFile(project, path)
    .filter((f) => POLICIES.has(f.rule))
    .map((f) => `${f.rule}@${f.line}`);
}

const BASE = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        containers:
          - name: web
            image: ghcr.io/acme/web
`;

describe('policies judged on what the builds apply', () => {
  it('flags a workload as written when nothing changes it', () => {
    const { root, project } = repository({ 'base/kustomization.yaml': 'resources: [deployment.yaml]\n', 'base/deployment.yaml': BASE });
    assert.deepEqual(policies(root, project, 'base/deployment.yaml'), ['no-memory-limit@10', 'image-tag-latest@11']);
  });

  it('counts an images: override that pins the tag, and a strategic merge patch file that sets the limit', () => {
    const { root, project } = repository({
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': BASE,
      'overlay/kustomization.yaml':
        'resources: [../base]\nimages:\n  - name: ghcr.io/acme/web\n    newTag: "1.4.2"\npatches:\n  - path: limits.yaml\n',
      'overlay/limits.yaml': yaml`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              containers:
                - name: web
                  resources: {limits: {memory: 256Mi}}
      `,
    });
    assert.deepEqual(policies(root, project, 'base/deployment.yaml'), []);
  });

  it('counts an inline patch selected by target, and JSON 6902 operations in a file (under patches and patchesJson6902)', () => {
    const pinned =
      'images:\n  - name: ghcr.io/acme/web\n    digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n';
    const inline = repository({
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': BASE,
      'overlay/kustomization.yaml':
        'resources: [../base]\n' +
        pinned +
        'patches:\n  - target: {kind: Deployment, name: web}\n    patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata: {name: any}\n' +
        '      spec: {template: {spec: {containers: [{name: web, resources: {limits: {memory: 1Gi}}}]}}}\n',
    });
    assert.deepEqual(policies(inline.root, inline.project, 'base/deployment.yaml'), []);

    const operations = '- op: add\n  path: /spec/template/spec/containers/0/resources\n  value: {limits: {memory: 512Mi}}\n';
    const file = repository({
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': BASE,
      'overlay/kustomization.yaml':
        'resources: [../base]\n' + pinned + 'patches:\n  - path: ops.yaml\n    target: {kind: Deployment, name: web}\n',
      'overlay/ops.yaml': operations,
    });
    assert.deepEqual(policies(file.root, file.project, 'base/deployment.yaml'), []);

    const legacy = repository({
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': BASE,
      'overlay/kustomization.yaml':
        'resources: [../base]\n' +
        pinned +
        'patchesJson6902:\n  - target: {group: apps, version: v1, kind: Deployment, name: web}\n    path: ops.yaml\n',
      'overlay/ops.yaml': operations.replace('512Mi', '128Mi'),
    });
    assert.deepEqual(policies(legacy.root, legacy.project, 'base/deployment.yaml'), []);
  });

  it('asks for probes only where a Service applied with the workload sends it traffic', () => {
    const pinnedAndLimited = BASE.replace(
      'image: ghcr.io/acme/web',
      'image: ghcr.io/acme/web:1.4.2\n          resources: {limits: {memory: 256Mi}}',
    );
    const service = 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n';
    const served = repository({
      'app/kustomization.yaml': 'resources: [deployment.yaml, service.yaml]\n',
      'app/deployment.yaml': pinnedAndLimited,
      'app/service.yaml': service,
    });
    assert.deepEqual(policies(served.root, served.project, 'app/deployment.yaml'), ['missing-probes@9']);
    const alone = repository({ 'app/kustomization.yaml': 'resources: [deployment.yaml]\n', 'app/deployment.yaml': pinnedAndLimited });
    assert.deepEqual(policies(alone.root, alone.project, 'app/deployment.yaml'), []);
  });
});
