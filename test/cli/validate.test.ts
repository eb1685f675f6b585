// The CLI as pipelines run it: the built dist/cli.js in a child process, its exit codes and output formats.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/engine';
import { temporaryFolder } from '../helpers/temporary-folders';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const SAMPLE = join(REPO_ROOT, 'test', 'fixtures', 'sample-repo');

function driftless(args: string[], cwd = SAMPLE) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A repository folder with `files`; a path may climb one level out of it (`../x`), still inside its temporary folder. */
function workspace(files: Record<string, string | Buffer>): string {
  const root = join(temporaryFolder('driftless-cli-'), 'repo');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

interface JsonOutput {
  diagnostics: {
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    severity: string;
    rule: string;
    message: string;
  }[];
  summary: { files: number; resources: number; errors: number; warnings: number };
}

describe('driftless validate (CLI)', () => {
  before(function () {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  });

  it('validates the sample repository: the deliberate mistakes and nothing else, exit 1', () => {
    const { code, stdout } = driftless(['validate', '--format', 'json']);
    assert.equal(code, 1);
    const output = JSON.parse(stdout) as JsonOutput;
    const found = output.diagnostics.map((d) => `${d.file}:${d.line} ${d.rule}`);
    for (const expected of [
      'sandbox/selector-mismatch.yaml:12 selector-mismatch',
      'sandbox/replicas-as-string.yaml:9 schema-type',
      'sandbox/misspelt-field.yaml:24 schema-unknown-field',
      'sandbox/invalid-cpu-quantity.yaml:26 invalid-quantity',
      'sandbox/port-out-of-range.yaml:26 invalid-port',
      'sandbox/invalid-label-value.yaml:8 invalid-label',
      'sandbox/removed-api-pdb.yaml:2 removed-api-version',
      'sandbox/duplicate-container-name.yaml:31 schema-duplicate-item',
      'sandbox/backup-schedule-bad-method.yaml:8 schema-enum',
      'sandbox/misnamed-resource/kustomization.yaml:6 missing-path',
      'sandbox/missing-configmap.yaml:21 unresolved-reference',
      'apps/overlays/staging/deployment-patch.yaml:11 schema-enum',
    ]) {
      assert.ok(found.includes(expected), `missing ${expected} in\n${found.join('\n')}`);
    }
    assert.ok(
      !found.some((f) => f.startsWith('.github/') || f.startsWith('docker-compose') || f.startsWith('charts/backend/templates/')),
      found.join('\n'),
    );
  });

  it('prints JSON in the documented shape: relative files, 1-based lines and UTF-16 columns, exclusive endColumn', () => {
    const root = workspace({
      'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "héllo-wörld"\n  labels: {"ünicode": x}\n',
    });
    const { code, stdout } = driftless(['validate', 'app', '--format', 'json'], root);
    assert.equal(code, 1);
    const output = JSON.parse(stdout) as JsonOutput;
    assert.deepEqual(Object.keys(output).sort(), ['diagnostics', 'kubernetesVersion', 'summary']);
    assert.deepEqual(
      output.diagnostics.map((d) => Object.keys(d).sort()),
      [
        ['column', 'endColumn', 'endLine', 'file', 'line', 'message', 'rule', 'severity'],
        ['column', 'endColumn', 'endLine', 'file', 'line', 'message', 'rule', 'severity'],
      ],
    );
    const [name, label] = output.diagnostics;
    assert.deepEqual(
      [name!.file, name!.line, name!.column, name!.endLine, name!.endColumn, name!.severity, name!.rule],
      ['app/cm.yaml', 4, 9, 4, 22, 'error', 'invalid-name'],
    );
    assert.deepEqual([label!.line, label!.column, label!.endColumn, label!.rule], [5, 12, 21, 'invalid-label']);
    assert.deepEqual(output.summary, { files: 1, resources: 1, errors: 2, warnings: 0, infos: 0 });
  });

  it('prints SARIF 2.1.0 for code-scanning tools', () => {
    const root = workspace({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: A}\n' });
    const { stdout } = driftless(['validate', '--format', 'sarif'], root);
    const sarif = JSON.parse(stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string }[] } };
        results: {
          ruleId: string;
          level: string;
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
        }[];
      }[];
    };
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0]!;
    assert.equal(run.tool.driver.name, 'driftless');
    assert.ok(run.tool.driver.rules.some((r) => r.id === 'invalid-name'));
    assert.equal(run.results[0]!.ruleId, 'invalid-name');
    assert.equal(run.results[0]!.level, 'error');
    assert.deepEqual(run.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri, 'a.yaml');
    assert.deepEqual(run.results[0]!.locations[0]!.physicalLocation.region.startLine, 3);
  });

  it('prints text for people, with a summary line; exit 0 when there are no errors', () => {
    const root = workspace({
      'ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n',
      'cr.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n',
    });
    const { code, stdout } = driftless(['validate'], root);
    assert.equal(code, 0);
    assert.match(stdout, /^cr\.yaml:2:7: info unknown-custom-resource: No schema for example\.com\/v1 Widget/m);
    assert.match(stdout, /0 errors, 0 warnings, 1 info in 2 files \(2 resources\); Kubernetes 1\.35 \(newest bundled\)\.$/m);
  });

  it('takes --kubernetes-version, and .driftless.yaml otherwise', () => {
    const pdb = 'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {minAvailable: 1}\n';
    const root = workspace({ 'pdb.yaml': pdb, '.driftless.yaml': 'kubernetesVersion: "1.24"\n' });
    const byConfig = driftless(['validate', '--format', 'json'], root);
    assert.equal(byConfig.code, 0);
    assert.equal((JSON.parse(byConfig.stdout) as JsonOutput).diagnostics[0]!.rule, 'deprecated-api-version');
    const byFlag = driftless(['validate', '--kubernetes-version', '1.25', '--format', 'json'], root);
    assert.equal(byFlag.code, 1);
    assert.equal((JSON.parse(byFlag.stdout) as JsonOutput).diagnostics[0]!.rule, 'removed-api-version');
  });

  it('finds CRDs listed in .driftless.yaml outside the validated paths', () => {
    const crd =
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec: {type: object, properties: {size: {type: integer}}}\n';
    // A project in a folder of its git repository, its CRDs in another folder of the repository (CRD paths that
    // lead out of the repository are not read: test/security).
    const repository = workspace({
      'crds-outside/widget.yaml': crd,
      'project/apps/w.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: big}\n',
    });
    execFileSync('git', ['init', '--quiet', repository]);
    const root = join(repository, 'project');
    writeFileSync(join(root, '.driftless.yaml'), 'crds: ["../crds-outside"]\n');
    const { code, stdout } = driftless(['validate', 'apps', '--format', 'json'], root);
    assert.equal(code, 1);
    assert.equal((JSON.parse(stdout) as JsonOutput).diagnostics[0]!.rule, 'schema-type');
  });

  it('exits 2 on usage errors and unreadable paths, with a message, and still reports what it could read', () => {
    const root = workspace({ 'ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n' });
    const missing = driftless(['validate', 'ok.yaml', 'nope.yaml'], root);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /driftless: nope\.yaml: no such file or directory/);
    assert.match(missing.stdout, /in 1 file/);
    assert.equal(driftless(['validate', '--format', 'xml'], root).code, 2);
    assert.equal(driftless(['validate', '--kubernetes-version', '1.99'], root).code, 2);
    assert.equal(driftless(['frobnicate'], root).code, 2);
    assert.equal(driftless(['validate', '--bogus'], root).code, 2);
  });

  it('skips binary and non-UTF-8 files with a warning, and --max-warnings makes a gate fail on them (as ESLint)', () => {
    const root = workspace({ 'bin.yaml': Buffer.from([0x00, 0x01, 0x02, 0xff]), 'latin1.yaml': Buffer.from('name: caf\xe9\n', 'latin1') });
    const { code, stdout } = driftless(['validate', '--format', 'json'], root);
    assert.equal(code, 0);
    assert.deepEqual(
      (JSON.parse(stdout) as JsonOutput).diagnostics.map((d) => `${d.file} ${d.severity} ${d.rule}`),
      ['bin.yaml warning file-not-text', 'latin1.yaml warning file-not-text'],
    );
    const gate = driftless(['validate', '--max-warnings', '0'], root);
    assert.equal(gate.code, 1);
    assert.match(gate.stderr, /^driftless: 2 warnings, more than --max-warnings 0\.$/m);
    assert.equal(driftless(['validate', '--max-warnings', '2'], root).code, 0);
    assert.equal(driftless(['validate', '--max-warnings', 'some'], root).code, 2);
  });

  it('prints its version and help', () => {
    assert.match(driftless(['--version']).stdout, /^\d+\.\d+\.\d+\s*$/);
    const help = driftless(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /validate \[paths\.\.\.\]/);
  });
});
