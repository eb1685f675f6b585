// Secret values in every output of the CLI: `render` (YAML and JSON) masks them unless `--show-secrets` asks, `diff`
// (text, JSON, markdown) says a value changed and nothing else about it — no tag of the value that could be guessed
// from — and findings never quote one (`validate`'s base64 message, in text and SARIF). They hide in a Secret's data
// and stringData, in the last-applied-configuration annotation that embeds a whole Secret, and in a `kind: List`.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/engine';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { Instruments, Repository, runFolders, STACK_TRACE } from './hostile';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** The Secret values of the repository: none may be printed, in clear or base64. */
const VALUES = ['SECRET-STRING-DATA-1f9a', 'SECRET-DATA-77c2', 'SECRET-APPLIED-31d0', 'SECRET-IN-LIST-b5e4', 'SECRET-PIN-4711!'];

const secret = (name: string, extra = '') =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n${extra}stringData:\n  password: ${VALUES[0]}\ndata:\n  token: ${b64(VALUES[1]!)}\n`;

const applied = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'exported' }, data: { key: b64(VALUES[2]!) } });

describe('security: Secret values in every output', function () {
  this.timeout(120_000);
  let instruments: Instruments;
  let repository: Repository;
  const pids: number[] = [];
  let outputs: string[] = [];

  before(function () {
    instruments = new Instruments(renderToolsOrSkip(this));
    repository = new Repository(instruments.scratch, 'secrets', {
      'app/kustomization.yaml': 'resources: [secret.yaml]\n',
      'app/secret.yaml': secret('db'),
      '.driftless.yaml': 'environments:\n  - name: exported\n    source: {directory: exported}\n',
      // What `kubectl get -o yaml` exports: the annotation embeds the Secret as it was applied; a List holds another.
      'exported/secret.yaml':
        `apiVersion: v1\nkind: Secret\nmetadata:\n  name: exported\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '${applied}'\n` +
        `data:\n  key: ${b64(VALUES[2]!)}\n`,
      'exported/list.yaml': `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: listed}\n    stringData: {key: ${VALUES[3]}}\n`,
    });
  });

  after(async () => {
    await instruments?.dispose();
  });

  const driftless = (...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, ...args], { cwd: repository.root, encoding: 'utf8', env: instruments.env() });
    pids.push(result.pid);
    outputs.push(result.stdout, result.stderr);
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const withTools = (...args: string[]) => [...args, '--kubectl', instruments.tools.kubectl, '--helm', instruments.tools.helm];

  const noValueShown = () => {
    for (const output of outputs) {
      for (const value of VALUES) {
        assert.ok(!output.includes(value), `${value} was printed:\n${output.slice(0, 2000)}`);
        assert.ok(!output.includes(b64(value)), `${value} was printed in base64:\n${output.slice(0, 2000)}`);
      }
      // No tag derived from the value either (a short hash was recovered by brute force).
      assert.doesNotMatch(output, /masked, [0-9a-f]{4}/);
      assert.doesNotMatch(output, STACK_TRACE);
    }
    assert.deepEqual(runFolders(pids), []);
  };

  afterEach(() => {
    outputs = [];
  });

  it('render masks them in YAML and JSON, the annotation and List items too; --show-secrets prints them', () => {
    for (const format of ['yaml', 'json']) {
      for (const environment of ['app', 'exported']) {
        const rendered = driftless(...withTools('render', environment, '--format', format));
        assert.equal(rendered.code, 0, rendered.stderr);
        assert.match(rendered.stdout, /\*\*\* \(masked\)/);
      }
    }
    const exported = driftless(...withTools('render', 'exported', '--format', 'json'));
    const items = (JSON.parse(exported.stdout) as { items: Record<string, unknown>[] }).items;
    assert.deepEqual(
      items.map((item) => item.kind),
      ['List', 'Secret'],
      'the List and the Secret are rendered (so the masks are tested, not missing objects)',
    );
    noValueShown();
    const shown = driftless(...withTools('render', 'app', '--show-secrets'));
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(VALUES[0]!));
    outputs = [];
  });

  it('diff says a value changed, and nothing about it, in text, JSON and markdown', () => {
    repository.write({ 'app/secret.yaml': secret('db').replace(VALUES[0]!, `${VALUES[0]}-rotated`) });
    for (const format of ['text', 'json', 'markdown']) {
      const diffed = driftless(...withTools('diff', '--format', format));
      assert.equal(diffed.code, 1, diffed.stderr);
      assert.match(diffed.stdout, /\*\*\* \(masked, changed\)/);
      // Only the rotated value reads "changed": the other stays plainly masked on both sides.
      assert.match(diffed.stdout, /\*\*\* \(masked\)/);
    }
    noValueShown();
    repository.git('checkout', '--', 'app/secret.yaml');
  });

  it('findings never quote a Secret’s value: validate’s base64 message in text and SARIF, and on a render', () => {
    repository.write({ 'broken/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata: {name: pin}\ndata:\n  pin: "${VALUES[4]}"\n` });
    for (const format of ['text', 'sarif', 'json']) {
      const validated = driftless('validate', '--format', format);
      assert.equal(validated.code, 1, validated.stderr);
      assert.match(validated.stdout, /schema-format/);
      assert.match(validated.stdout, /a value not shown \(Secret data\)/);
    }
    repository.write({ 'broken/kustomization.yaml': 'resources: [secret.yaml]\n' });
    const rendered = driftless(...withTools('validate', '--rendered', '--format', 'json'));
    assert.equal(rendered.code, 1, rendered.stderr);
    noValueShown();
  });
});
