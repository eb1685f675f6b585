// The command line every command shares, through the built CLI as a process: close names suggested for a mistyped
// command, option or environment, options a command does not take refused, tool paths and values files checked, and
// diffs without jsdiff's `=====` separator.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMMANDS } from '../../server/src/cli/commands';
import { REPO_ROOT } from '../helpers/engine';
import { type KubernetesTools } from '../../scripts/kubernetes-tools';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { temporaryFolder } from '../helpers/temporary-folders';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

function driftless(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });
}

/** A git repository (one commit) of two overlays of a base and a chart. */
function repository(): string {
  const root = join(temporaryFolder('driftless-command-line-'), 'repo');
  const files: Record<string, string> = {
    'deploy/base/kustomization.yaml': 'resources: [config.yaml]\n',
    'deploy/base/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: info}\n',
    'deploy/overlays/production/kustomization.yaml': 'resources: [../../base]\nnamePrefix: prod-\n',
    'deploy/overlays/staging/kustomization.yaml': 'resources: [../../base]\nnamePrefix: staging-\n',
    'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
    'charts/web/values.yaml': 'replicas: 1\nlevel: info\n',
    'charts/web/templates/config.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata:\n  replicas: "{{ .Values.replicas }}"\n  level: {{ .Values.level }}\n',
    'charts/web/prod-values.yaml': 'replicas: 3\n',
    'charts/web/debug-values.yaml': 'level: debug\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  execFileSync('git', ['init', '--quiet', '--initial-branch', 'main', root]);
  git(root, 'add', '--all');
  git(root, 'commit', '--quiet', '-m', 'base');
  return root;
}

describe('CLI: the command line', function () {
  this.timeout(60_000);
  let root: string;
  let tools: KubernetesTools;

  before(function () {
    root = repository();
  });

  it('lists every command of the table in its help, and docs/cli.md documents each', function () {
    const help = driftless(['--help'], root);
    assert.equal(help.code, 0);
    const documented = readFileSync(join(REPO_ROOT, 'docs', 'cli.md'), 'utf8');
    for (const command of COMMANDS) {
      const title = command.subcommand ? `${command.name} ${command.subcommand}` : command.name;
      assert.ok(help.stdout.includes(command.help), `the help has the block of ${title}`);
      assert.match(documented, new RegExp(`^### \`${title}\`$`, 'm'), `docs/cli.md documents ${title}`);
    }
  });

  it('suggests the command meant by a mistyped one, with exit 2', function () {
    const typo = driftless(['valdate'], root);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /^driftless: unknown command "valdate"; did you mean validate\?\n/);
    const far = driftless(['frobnicate'], root);
    assert.equal(far.code, 2);
    assert.match(far.stderr, /^driftless: unknown command "frobnicate"\n/);
  });

  it('suggests the option meant by a mistyped one', function () {
    const typo = driftless(['render', 'x', '--show-secret'], root);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /^driftless: unknown option --show-secret; did you mean --show-secrets\?\n/);
  });

  it('refuses an option the command does not take, naming those it takes', function () {
    const environments = driftless(['environments', '--env', 'production'], root);
    assert.equal(environments.code, 2);
    assert.equal(environments.stderr.trim(), 'driftless: environments does not take --env (its only option is --format)');
    assert.equal(environments.stdout, '');
    const validate = driftless(['validate', '--base', 'main', '--draft'], root);
    assert.equal(validate.code, 2);
    assert.match(validate.stderr, /^driftless: validate does not take --base or --draft \(its options: --format, --kubernetes-version,/);
    const render = driftless(['render', 'deploy/overlays/production', '--max-warnings', '0'], root);
    assert.equal(render.code, 2);
    assert.match(render.stderr, /^driftless: render does not take --max-warnings/);
  });

  it('says a tool path that does not exist does not exist', function () {
    const missing = driftless(['render', 'deploy/overlays/production', '--kustomize', 'bin/kustomize'], root);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr.trim(), 'driftless: --kustomize bin/kustomize: that path does not exist.');
    const folder = driftless(['diff', '--helm', 'charts'], root);
    assert.equal(folder.code, 2);
    assert.equal(folder.stderr.trim(), 'driftless: --helm charts: that is not an executable file.');
  });

  it('suggests the environment a name means: render by the last part of its path, diff --env listing them all', function () {
    const render = driftless(['render', 'production'], root);
    assert.equal(render.code, 2);
    assert.equal(
      render.stderr.trim(),
      'driftless: "production" is neither an environment nor a folder; did you mean deploy/overlays/production? ' +
        'Environments: deploy/overlays/production, deploy/overlays/staging.',
    );
    const diff = driftless(['diff', '--env', 'prod'], root);
    assert.equal(diff.code, 2);
    assert.equal(
      diff.stderr.trim(),
      'driftless: no environment named "prod"; did you mean deploy/overlays/production? ' +
        'Environments: deploy/overlays/production, deploy/overlays/staging.',
    );
  });

  describe('with the real tools', function () {
    before(function () {
      tools = renderToolsOrSkip(this);
    });

    it('renders a chart with --values files after its own, in order, and refuses one outside the repository', function () {
      const render = (...args: string[]) => driftless(['render', 'charts/web', '--helm', tools.helm, '--format', 'json', ...args], root);
      const data = (run: ReturnType<typeof render>) =>
        (JSON.parse(run.stdout) as { items: { data: Record<string, string> }[] }).items[0]!.data;
      const plain = render();
      assert.equal(plain.code, 0, plain.stderr);
      assert.deepEqual(data(plain), { replicas: '1', level: 'info' });
      const both = render('--values', 'charts/web/prod-values.yaml', '--values', 'charts/web/debug-values.yaml');
      assert.equal(both.code, 0, both.stderr);
      assert.deepEqual(data(both), { replicas: '3', level: 'debug' });

      const outside = join(dirname(root), 'outside-values.yaml');
      writeFileSync(outside, 'level: stolen\n');
      const refused = render('--values', outside);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /^driftless: --values .*outside-values\.yaml: it is outside the repository/);
      const missing = render('--values', 'charts/web/nope.yaml');
      assert.equal(missing.code, 2);
      assert.equal(missing.stderr.trim(), 'driftless: --values charts/web/nope.yaml: that file does not exist.');
      const notChart = driftless(
        ['render', 'deploy/overlays/production', '--kubectl', tools.kubectl, '--values', 'charts/web/prod-values.yaml'],
        root,
      );
      assert.equal(notChart.code, 2);
      assert.match(notChart.stderr, /--values is for a Helm chart: deploy\/overlays\/production is not rendered with helm/);
    });

    it('prints diffs without a ===== separator line', function () {
      const overlay = join(root, 'deploy', 'base', 'config.yaml');
      writeFileSync(overlay, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: debug}\n');
      try {
        const diff = driftless(['diff', '--kubectl', tools.kubectl, '--env', 'deploy/overlays/production'], root);
        assert.equal(diff.code, 1, diff.stderr);
        assert.match(diff.stdout, /^ {4}--- main\/v1 ConfigMap .*prod-settings$/m);
        assert.match(diff.stdout, /^ {4}\+ {2}level: debug$/m);
        assert.doesNotMatch(diff.stdout, /={10}/);
      } finally {
        git(root, 'checkout', '--quiet', '--', '.');
      }
    });
  });
});
