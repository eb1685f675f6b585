// `driftless validate --rendered`: the environments rendered with the real kubectl and helm and what their objects
// would have rejected reported on the source lines, so a pipeline fails where the editor shows the finding.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/engine';
import { type KubernetesTools } from '../../scripts/kubernetes-tools';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { fileWriter } from '../helpers/write-files';
import { temporaryFolder } from '../helpers/temporary-folders';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

function driftless(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonOutput {
  diagnostics: { file: string; line: number; column: number; rule: string; severity: string; message: string }[];
  summary: { errors: number };
}

describe('CLI: driftless validate --rendered', function () {
  this.timeout(60_000);
  let tools: KubernetesTools;
  let root: string;

  const write = fileWriter(() => root);

  before(function () {
    tools = renderToolsOrSkip(this);
  });
  beforeEach(() => (root = temporaryFolder('driftless-validate-rendered-')));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lets the renders judge a base only kustomize builds apply: a selector a transformer plugin supplies is no error', () => {
    write('base/kustomization.yaml', 'resources: [deployment.yaml]\n');
    write(
      'base/deployment.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cart}\nspec:\n  template:\n    spec:\n      containers: [{name: cart, image: cart:1.0}]\n',
    );
    write('overlay/kustomization.yaml', 'resources: [../base]\ntransformers: [labels.yaml]\n');
    write(
      'overlay/labels.yaml',
      'apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: labels}\nlabels: {app: cart}\nfieldSpecs:\n  - {path: metadata/labels, create: true}\n' +
        '  - {path: spec/selector/matchLabels, kind: Deployment, create: true}\n  - {path: spec/template/metadata/labels, kind: Deployment, create: true}\n',
    );
    const errors = (args: string[]) =>
      (JSON.parse(driftless(['validate', ...args, '--format', 'json'], root).stdout) as JsonOutput).diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => `${d.file}:${d.line} ${d.rule}`);
    // Driftless alone cannot run the plugin: the selector is missing.
    assert.deepEqual(errors([]), [`${join('base', 'deployment.yaml')}:4 schema-required`]);
    // kubectl kustomize runs it, and the Deployment it emits is valid.
    assert.deepEqual(errors(['--rendered', '--kubectl', tools.kubectl]), []);
  });

  it('fails on the overlay patch line that only the render shows wrong; plain validate passes it', () => {
    write('base/kustomization.yaml', 'resources: [deployment.yaml]\n');
    write(
      'base/deployment.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          resources: {limits: {memory: 512Mi}}\n          livenessProbe: {httpGet: {path: /, port: 80}}\n          readinessProbe: {httpGet: {path: /, port: 80}}\n',
    );
    write('overlays/prod/kustomization.yaml', 'resources: [../../base]\npatches:\n  - path: memory.yaml\n');
    write(
      'overlays/prod/memory.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          resources:\n            requests: {memory: 1Gi}\n',
    );
    const plain = driftless(['validate', '--format', 'json'], root);
    assert.equal(plain.code, 0, plain.stdout + plain.stderr);
    const rendered = driftless(['validate', '--rendered', '--kubectl', tools.kubectl, '--format', 'json'], root);
    assert.equal(rendered.code, 1, rendered.stderr);
    const output = JSON.parse(rendered.stdout) as JsonOutput;
    assert.deepEqual(
      output.diagnostics.map((d) => [d.file, d.line, d.column, d.rule, d.severity]),
      [[join('overlays', 'prod', 'memory.yaml'), 10, 32, 'requests-exceed-limits', 'error']],
    );
    assert.match(output.diagnostics[0]!.message, /\(Deployment web, as rendered for overlays\/prod\)$/);
    // Only the paths asked for: the base's folder has no finding.
    assert.equal(driftless(['validate', 'base', '--rendered', '--kubectl', tools.kubectl], root).code, 0);
  });

  it('reports a failed render on the template line helm names; one its own checks explain is not said twice', () => {
    write('charts/web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
    write('charts/web/values.yaml', 'replicas: 2\n');
    write(
      'charts/web/templates/config.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  replicas: {{ .Values.replicas | nosuch }}\n',
    );
    write('.driftless.yaml', 'environments:\n  - name: web\n    source: {chart: charts/web}\n');
    // A kustomization naming a file that is not there: missing-path says so; the failed render adds nothing.
    write('app/kustomization.yaml', 'resources: [service.yaml]\n');
    const result = driftless(['validate', '--rendered', '--helm', tools.helm, '--kubectl', tools.kubectl, '--format', 'json'], root);
    assert.equal(result.code, 1);
    const diagnostics = (JSON.parse(result.stdout) as JsonOutput).diagnostics;
    assert.deepEqual(
      diagnostics.map((d) => [d.file, d.line, d.rule]),
      [
        [join('app', 'kustomization.yaml'), 1, 'missing-path'],
        [join('charts', 'web', 'templates', 'config.yaml'), 6, 'render-failed'],
      ],
    );
    assert.match(diagnostics[1]!.message, /^Rendering web failed: .*function "nosuch" not defined/);
  });

  it('exits 2 and says which tool path does not exist, still reporting what plain validation finds', () => {
    write('app/kustomization.yaml', 'resources: [cm.yaml]\n');
    write('app/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n');
    const result = driftless(
      ['validate', '--rendered', '--kubectl', '/nonexistent/kubectl', '--kustomize', '/nonexistent/kustomize', '--format', 'json'],
      root,
    );
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^driftless: the kustomize path \/nonexistent\/kustomize does not exist or is not executable: fix driftless\.kustomizePath \(CLI: --kustomize\)/,
    );
    assert.deepEqual(
      (JSON.parse(result.stdout) as JsonOutput).diagnostics.map((d) => d.rule),
      ['invalid-name'],
    );
  });

  it('finds nothing more in the sample repository than plain validation does', () => {
    const sample = join(root, 'sample-repo');
    cpSync(join(REPO_ROOT, 'test', 'fixtures', 'sample-repo'), sample, { recursive: true });
    const plain = driftless(['validate', '--format', 'json'], sample);
    const rendered = driftless(['validate', '--rendered', '--kubectl', tools.kubectl, '--helm', tools.helm, '--format', 'json'], sample);
    assert.equal(rendered.code, plain.code, rendered.stdout);
    assert.deepEqual(JSON.parse(rendered.stdout), JSON.parse(plain.stdout));
  });
});
