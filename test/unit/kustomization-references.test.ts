import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { kustomizationLinks } from '../../server/src/engine/language/path-links';
import { parseDocuments } from '../../server/src/engine/yaml/parse-documents';
import type { ProjectModel } from '../../server/src/engine/project/project-model';
import { repository, validateFile, summary, type Found } from '../helpers/engine';

const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n';

function check(project: ProjectModel, path: string): Found[] {
  return validateFile(project, path);
}

describe('kustomization paths: what kustomize build would stop on', () => {
  it('reports a resource, patch, generator file or CRD that does not exist, on its entry, with the closest name', () => {
    const { root, project } = repository({
      'app/kustomization.yaml': [
        'resources:',
        '  - deployment.yaml',
        '  - deploymnet-v2.yaml', // 3: nothing close enough... see below
        '  - servce.yaml', // 4: service.yaml exists
        'patches:',
        '  - path: patch.yaml', // 6
        'configMapGenerator:',
        '  - name: scripts',
        '    files:',
        '      - run.sh=script/run.sh', // 10: the folder is scripts/
        '      - scripts/chek.sh', // 11: scripts/check.sh exists
        '    envs: [app.env]', // 12
        'crds: [crds/widget.yaml]', // 13
        '',
      ].join('\n'),
      'app/deployment.yaml': DEPLOYMENT,
      'app/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n',
      'app/scripts/check.sh': 'exit 0\n',
    });
    const found = check(project, join(root, 'app', 'kustomization.yaml'));
    assert.deepEqual(summary(found), [
      'missing-path@3',
      'missing-path@4',
      'missing-path@6',
      'missing-path@10',
      'missing-path@11',
      'missing-path@12',
      'missing-path@13',
    ]);
    assert.equal(found[1]!.message, '`servce.yaml` does not exist, so `kustomize build` fails here. Did you mean `service.yaml`?');
    assert.equal(found[1]!.column, 5);
    assert.equal(found[1]!.severity, 'error');
    assert.doesNotMatch(found[0]!.message, /Did you mean/);
    // The fix keeps the entry's shape: folder prefix kept, and a generator's `key=` kept.
    assert.deepEqual(found[4]!.diagnostic.fixes, [
      {
        kind: 'replace-value',
        path: ['configMapGenerator', 0, 'files', 1],
        value: 'scripts/check.sh',
        title: 'Change to `scripts/check.sh`',
      },
    ]);
    assert.doesNotMatch(found[3]!.message, /Did you mean/); // script/ is no folder: nothing to suggest from
  });

  it('keeps a generator file key when it offers a fix', () => {
    const { root, project } = repository({
      'kustomization.yaml': 'secretGenerator:\n  - name: s\n    files: [tls.crt=certs/tls.cert]\n',
      'certs/tls.crt': 'x',
    });
    const [found] = check(project, join(root, 'kustomization.yaml'));
    assert.equal(found?.rule, 'missing-path');
    assert.deepEqual(
      found.diagnostic.fixes?.map((f) => (f.kind === 'replace-value' ? f.value : '')),
      ['tls.crt=certs/tls.crt'],
    );
  });

  it('asks a folder named as a base or component to hold a kustomization', () => {
    const { root, project } = repository({
      'overlay/kustomization.yaml': 'resources:\n  - ../base\n  - ../plain\ncomponents:\n  - ../component\n',
      'base/kustomization.yml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': DEPLOYMENT,
      'plain/deployment.yaml': DEPLOYMENT,
      'component/Kustomization': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n',
    });
    const found = check(project, join(root, 'overlay', 'kustomization.yaml'));
    assert.deepEqual(summary(found), ['not-a-kustomization@3']);
    assert.match(found[0]!.message, /`\.\.\/plain` is a folder without a kustomization\.yaml/);
  });

  it('leaves remote bases and inline patches alone', () => {
    const { root, project } = repository({
      'kustomization.yaml': [
        'resources:',
        '  - https://github.com/argoproj/argo-cd/manifests/cluster-install?ref=v2.9.3',
        '  - github.com/kubernetes-sigs/kustomize/examples/multibases?ref=v1.0.6',
        '  - git@github.com:org/repo.git//deploy',
        '  - https://raw.githubusercontent.com/org/repo/main/crd.yaml',
        'patchesStrategicMerge:',
        '  - |-',
        '    apiVersion: apps/v1',
        '    kind: Deployment',
        '  - \'{"apiVersion": "v1", "kind": "ConfigMap"}\'',
        'transformers:',
        '  - |-',
        '    apiVersion: builtin',
        '    kind: LabelTransformer',
        '',
      ].join('\n'),
    });
    assert.deepEqual(check(project, join(root, 'kustomization.yaml')), []);
  });

  it('finds kustomizations that include each other, and one that includes itself', () => {
    const { root, project } = repository({
      'a/kustomization.yaml': 'resources: [../b]\n',
      'b/kustomization.yaml': 'resources: [../c/]\n',
      'c/kustomization.yaml': 'components: [../a]\n',
      'self/kustomization.yaml': 'resources: [.]\n',
      'ok/kustomization.yaml': 'resources: [../leaf]\n',
      'leaf/kustomization.yaml': 'resources: []\n',
    });
    const [inA] = check(project, join(root, 'a', 'kustomization.yaml'));
    assert.equal(inA?.rule, 'kustomization-cycle');
    assert.equal(inA.message, '`../b` leads back to this kustomization (../b → ../c → .): `kustomize build` stops with "cycle detected".');
    assert.deepEqual(summary(check(project, join(root, 'c', 'kustomization.yaml'))), ['kustomization-cycle@1']);
    assert.deepEqual(summary(check(project, join(root, 'self', 'kustomization.yaml'))), ['kustomization-cycle@1']);
    assert.deepEqual(check(project, join(root, 'ok', 'kustomization.yaml')), []);
  });

  it('follows the file system: a file that appears or is renamed changes the result on the next check', () => {
    const { root, project, files } = repository({ 'kustomization.yaml': 'resources: [web.yaml]\n', 'web.yaml': DEPLOYMENT });
    const path = join(root, 'kustomization.yaml');
    assert.deepEqual(check(project, path), []);
    files.write(join(root, 'web-deployment.yaml'), files.text(join(root, 'web.yaml')));
    files.remove(join(root, 'web.yaml'));
    assert.deepEqual(summary(check(project, path)), ['missing-path@1']);
    files.mkdir(join(root, 'web.yaml'));
    // A folder where a file was: kustomize would look for a kustomization in it.
    assert.deepEqual(summary(check(project, path)), ['not-a-kustomization@1']);
    files.write(join(root, 'web.yaml', 'kustomization.yaml'), 'resources: []\n');
    assert.deepEqual(check(project, path), []);
  });

  it('is not asked of a Flux Kustomization, whose paths live in its source', () => {
    const { root, project } = repository({
      'clusters/kustomization.yaml':
        'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps}\nspec:\n  interval: 10m\n  path: ./nowhere\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}\n',
    });
    assert.deepEqual(check(project, join(root, 'clusters', 'kustomization.yaml')), []);
  });
});

describe('kustomization path links', () => {
  it('links each existing path to its file, or to the kustomization of the folder it names, without quotes or keys', () => {
    const text = 'resources:\n  - ../base\n  - "svc.yaml"\n  - gone.yaml\nconfigMapGenerator:\n  - name: c\n    files: [k=conf/app.ini]\n';
    const { root, project } = repository({
      'app/kustomization.yaml': text,
      'app/svc.yaml': '',
      'app/conf/app.ini': '',
      'base/kustomization.yaml': 'resources: []\n',
    });
    const links = kustomizationLinks(join(root, 'app', 'kustomization.yaml'), parseDocuments(text), project.files);
    assert.deepEqual(
      links.map((l) => ({ text: text.slice(l.start, l.end), target: l.target })),
      [
        { text: '../base', target: join(root, 'base', 'kustomization.yaml') },
        { text: 'svc.yaml', target: join(root, 'app', 'svc.yaml') },
        { text: 'conf/app.ini', target: join(root, 'app', 'conf', 'app.ini') },
      ],
    );
  });
});
