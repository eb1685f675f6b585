import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, repository, summary, validate, yaml } from '../helpers/engine';

describe('each file judged as what it is', () => {
  it('gives YAML that is not Kubernetes no findings: CI workflows, compose files, Ansible, config', () => {
    const workflow = yaml`
      name: ci
      on:
        push: {branches: [main]}
      jobs:
        test:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@v4
            - run: npm test
    `;
    const compose = 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n';
    const ansible = '- hosts: all\n  tasks:\n    - name: install\n      apt: {name: nginx}\n';
    assert.deepEqual(validate(workflow, { path: '/w/.github/workflows/ci.yaml' }), []);
    assert.deepEqual(validate(compose, { path: '/w/docker-compose.yaml' }), []);
    assert.deepEqual(validate(ansible, { path: '/w/site.yml' }), []);
  });

  it("validates kustomization.yaml with the kustomization schema and Flux's Kustomization as a Flux resource", () => {
    const kustomize = validate('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\nnamePrefx: x-\n', {
      path: '/w/kustomization.yaml',
    });
    // a.yaml is nowhere (the folder /w does not exist): a true finding, next to the schema's.
    assert.deepEqual(summary(kustomize), ['missing-path@3', 'schema-unknown-field@4']);
    assert.match(kustomize[1]!.message, /Did you mean `namePrefix`\?/);
    const flux = validate(
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps}\nspec:\n  interval: 10m\n  path: ./apps\n  prune: true\n',
      {
        path: '/w/clusters/kustomization.yaml',
      },
    );
    assert.deepEqual(summary(flux), ['schema-required@4']);
    assert.match(flux[0]!.message, /`sourceRef`/);
  });

  it('reads kustomization.yaml and Chart.yaml the way their Go readers do (null is unset; numbers fill strings)', () => {
    assert.deepEqual(summary(validate('resources:\n  - a.yaml\ncomponents:\n', { path: '/w/kustomization.yaml' })), ['missing-path@2']);
    assert.deepEqual(validate('apiVersion: v2\nname: app\nversion: 1.0\n', { path: '/w/chart/Chart.yaml' }), []);
    assert.deepEqual(summary(validate('name: app\nversion: 1.0.0\n', { path: '/w/chart/Chart.yaml' })), ['schema-required@1']);
  });

  it('skips Go templates under a chart’s templates/ folder', () => {
    const { root, project } = repository({ 'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n', 'chart/templates/': '' });
    const template =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "c.fullname" . }}\nspec:\n  replicas: {{ .Values.replicas }}\n';
    assert.deepEqual(validate(template, { project, path: join(root, 'chart', 'templates', 'deployment.yaml') }), []);
    // Without a Chart.yaml above it, a templates/ folder is just a folder.
    assert.notDeepEqual(
      validate('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: A_B}\n', { project, path: join(root, 'templates', 'x.yaml') }),
      [],
    );
  });

  it('validates .driftless.yaml against its own schema', () => {
    const found = validate('kubernetesVersion: "1.99"\nrules:\n  schema-type: loud\n  no-such-rule: off\nextra: 1\n', {
      path: '/w/.driftless.yaml',
    });
    assert.deepEqual(summary(found), ['invalid-config@1', 'schema-enum@3', 'schema-unknown-field@4', 'schema-unknown-field@5']);
    assert.match(found[0]!.message, /Kubernetes 1\.99 is not bundled \(1\.23 to 1\.35 are\); validating against 1\.35/);
  });

  it('honours a yaml-language-server $schema modeline with a local schema, and says a remote one is unavailable offline', () => {
    const schema = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'schemas', 'app-config.schema.json'), 'utf8');
    const { root, project } = repository({ 'schemas/app-config.schema.json': schema });
    const local = validate('# yaml-language-server: $schema=../schemas/app-config.schema.json\nreplicas: 0\ncolour: red\n', {
      project,
      path: join(root, 'values', 'app.yaml'),
    });
    assert.deepEqual(summary(local).sort(), ['schema-constraint@2', 'schema-required@2', 'schema-unknown-field@3']);
    const remote = validate('# yaml-language-server: $schema=https://example.com/schema.json\nanything: goes\n');
    assert.deepEqual(summary(remote), ['schema-unavailable@1']);
    assert.equal(remote[0]!.severity, 'info');
    const missing = validate('# yaml-language-server: $schema=./nope.json\na: 1\n');
    assert.match(missing[0]!.message, /\.\/nope\.json does not exist/);
  });
});
