// `driftless diff` against a real git repository: the base rendered in a temporary worktree with the real kubectl,
// objects added, removed and changed per environment, Secret values never shown, exit codes as documented.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../helpers/engine';
import { type KubernetesTools } from '../../scripts/kubernetes-tools';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { temporaryFolder } from '../helpers/temporary-folders';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const SAMPLE = join(REPO_ROOT, 'test', 'fixtures', 'sample-repo');

function driftless(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' });
}

describe('CLI: driftless diff', function () {
  this.timeout(60_000);
  let tools: KubernetesTools;
  let root: string;

  before(function () {
    tools = renderToolsOrSkip(this);
    // The sample repository as a repository of its own, its deliberately broken kustomization left out.
    root = join(temporaryFolder('driftless-diff-'), 'repo');
    cpSync(SAMPLE, root, { recursive: true });
    rmSync(join(root, 'sandbox', 'misnamed-resource'), { recursive: true });
    execFileSync('git', ['init', '--quiet', '--initial-branch', 'main', root]);
    git(root, 'add', '--all');
    git(root, 'commit', '--quiet', '-m', 'base');
  });

  const run = (...args: string[]) => driftless(['diff', '--kubectl', tools.kubectl, '--helm', tools.helm, ...args], root);

  it('says nothing changes, exit 0, when the working tree is the base', function () {
    const clean = run();
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /This change changes 0 objects in 0 environments \(against main\)\./);
    // Environments from other repositories are named, not failed.
    assert.match(
      clean.stdout,
      /^frontend-production: not rendered: the Application frontend-production does not render from this repository/m,
    );
  });

  it('lists what an edit changes and adds in each environment, with Secret values masked, and leaves no worktree behind', function () {
    const patch = join(root, 'apps', 'overlays', 'production', 'deployment-patch.yaml');
    writeFileSync(patch, readFileSync(patch, 'utf8').replace('cpu: 100m', 'cpu: 250m'));
    writeFileSync(
      join(root, 'apps', 'base', 'secret.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: hunter2}\n',
    );
    const kustomization = join(root, 'apps', 'base', 'kustomization.yaml');
    writeFileSync(kustomization, readFileSync(kustomization, 'utf8').replace(/^resources:\n/m, 'resources:\n  - secret.yaml\n'));

    const text = run();
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /^apps\/overlays\/production: 1 changed, 1 added, 0 removed$/m);
    assert.match(text.stdout, /^ {2}~ apps\/v1 Deployment shop-production\/frontend \(cpu request 100m → 250m\)$/m);
    assert.match(text.stdout, /^ {4}- {14}cpu: 100m\n {4}\+ {14}cpu: 250m$/m);
    assert.match(text.stdout, /^apps: 0 changed, 1 added, 0 removed; 1 error in its render$/m);
    assert.match(text.stdout, /This change changes 3 objects in 2 environments \(against main\)\./);

    const json = run('--format', 'json', '--env', 'apps/overlays/production');
    const parsed = JSON.parse(json.stdout) as { base: string; environments: { name: string; changes: { change: string; id: string }[] }[] };
    assert.equal(parsed.base, 'main');
    assert.deepEqual(
      parsed.environments.map((e) => [e.name, e.changes.map((c) => `${c.change} ${c.id}`)]),
      [['apps/overlays/production', ['changed apps/v1 Deployment shop-production/frontend', 'added v1 Secret shop-production/db']]],
    );
    const markdown = run('--format', 'markdown', '--env', 'apps/overlays/production');
    assert.match(markdown.stdout, /^### Driftless: rendered changes$/m);
    assert.match(markdown.stdout, /<details><summary><b>apps\/overlays\/production<\/b>: 1 changed, 1 added, 0 removed<\/summary>/);
    assert.match(markdown.stdout, /```diff\n/);
    for (const output of [text.stdout, json.stdout, markdown.stdout]) {
      assert.doesNotMatch(output, /hunter2/);
      // Masked without a tag of the value: nothing about it can be guessed (an added Secret has nothing to compare).
      assert.match(output, /\*\*\* \(masked\)/);
    }
    assert.equal(git(root, 'worktree', 'list').trim().split('\n').length, 1);
  });

  it('exits 2 on a base that does not exist, an unknown environment, or a folder outside git', function () {
    assert.equal(run('--base', 'no-such-branch').code, 2);
    assert.match(run('--env', 'nowhere').stderr, /no environment named "nowhere"/);
    const outside = driftless(['diff'], temporaryFolder('driftless-nogit-'));
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /is not in a git repository/);
  });
});

describe('CLI: driftless diff renders only what a change can touch', function () {
  this.timeout(60_000);

  it('renders neither side of an environment whose inputs and render plan are the base’s', function () {
    const tools = renderToolsOrSkip(this);
    const root = join(temporaryFolder('driftless-diff-'), 'repo');
    cpSync(SAMPLE, root, { recursive: true });
    rmSync(join(root, 'sandbox', 'misnamed-resource'), { recursive: true });
    execFileSync('git', ['init', '--quiet', '--initial-branch', 'main', root]);
    git(root, 'add', '--all');
    git(root, 'commit', '--quiet', '-m', 'base');
    // A kubectl that notes each run, so the test sees which renders happen.
    const log = join(root, '..', 'kubectl.log');
    const kubectl = join(root, '..', 'kubectl');
    writeFileSync(kubectl, `#!/bin/sh\necho "$1 $2" >> '${log}'\nexec '${tools.kubectl}' "$@"\n`, { mode: 0o755 });
    const renders = () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((line) => line.startsWith('kustomize'))
        : [];
    const diff = () => driftless(['diff', '--kubectl', kubectl, '--helm', tools.helm, '--format', 'json'], root);
    const changedEnvironments = (stdout: string) =>
      (JSON.parse(stdout) as { environments: { name: string; changes: unknown[] }[] }).environments
        .filter((e) => e.changes.length)
        .map((e) => e.name);

    const clean = diff();
    assert.equal(clean.code, 0, clean.stderr);
    assert.deepEqual(renders(), [], 'nothing changed: nothing rendered');

    const patch = join(root, 'apps', 'overlays', 'production', 'deployment-patch.yaml');
    writeFileSync(patch, readFileSync(patch, 'utf8').replace('cpu: 100m', 'cpu: 250m'));
    const edited = diff();
    assert.equal(edited.code, 1, edited.stderr);
    assert.deepEqual(changedEnvironments(edited.stdout), ['apps/overlays/production']);
    // The production overlay on both sides, and nothing else.
    assert.equal(renders().length, 2, renders().join('\n'));

    // The shared base: every environment built on it renders on both sides, and a new untracked file counts.
    writeFileSync(join(root, 'apps', 'base', 'extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\n');
    const kustomization = join(root, 'apps', 'base', 'kustomization.yaml');
    writeFileSync(kustomization, readFileSync(kustomization, 'utf8').replace(/^resources:\n/m, 'resources:\n  - extra.yaml\n'));
    const shared = diff();
    assert.deepEqual(changedEnvironments(shared.stdout).sort(), ['apps', 'apps/overlays/production']);
  });
});

describe('CLI: driftless diff says why an environment cannot be rendered, and what a change breaks', function () {
  this.timeout(60_000);
  let tools: KubernetesTools;
  let root: string;
  const run = (...args: string[]) => driftless(['diff', '--kubectl', tools.kubectl, '--helm', tools.helm, ...args], root);

  before(function () {
    tools = renderToolsOrSkip(this);
    root = join(temporaryFolder('driftless-diff-failed-'), 'repo');
    const write = (relative: string, text: string) => {
      mkdirSync(dirname(join(root, relative)), { recursive: true });
      writeFileSync(join(root, relative), text);
    };
    write('deploy/base/kustomization.yaml', 'resources:\n  - web.yaml\n');
    write(
      'deploy/base/web.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n' +
        '  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.25\n' +
        '          ports: [{containerPort: 8080}]\n          resources: {requests: {cpu: 100m}, limits: {memory: 128Mi}}\n',
    );
    write('deploy/overlays/dev/kustomization.yaml', 'resources:\n  - ../../base\nnamespace: dev\n');
    write('deploy/overlays/prod/kustomization.yaml', 'resources:\n  - ../../base\nnamespace: prod\n');
    execFileSync('git', ['init', '--quiet', '--initial-branch', 'main', root]);
    git(root, 'add', '--all');
    git(root, 'commit', '--quiet', '-m', 'base');
    // dev: a generator reads a file that does not exist; the base: a new cpu request, a port the API refuses.
    write(
      'deploy/overlays/dev/kustomization.yaml',
      'resources:\n  - ../../base\nnamespace: dev\nconfigMapGenerator:\n  - name: tools\n    files:\n      - scripts/x.sh\n',
    );
    const web = join(root, 'deploy/base/web.yaml');
    writeFileSync(web, readFileSync(web, 'utf8').replace('cpu: 100m', 'cpu: 250m').replace('8080', '70000'));
  });

  it('names the cause and its line, counts the failed environment, and prints no absolute path', function () {
    const text = run();
    assert.equal(text.code, 2, text.stderr);
    assert.match(
      text.stdout,
      /^deploy\/overlays\/dev: cannot be rendered: `scripts\/x\.sh` does not exist \(deploy\/overlays\/dev\/kustomization\.yaml:7\)$/m,
    );
    assert.match(text.stdout, /This change changes 1 object in 1 environment \(against main\); 1 environment cannot be rendered\.$/m);
    const json = run('--format', 'json');
    const parsed = JSON.parse(json.stdout) as {
      environments: { name: string; error?: string; failure?: { cause: string; file?: string; line?: number } }[];
      summary: { failed: number };
    };
    assert.equal(parsed.summary.failed, 1);
    const dev = parsed.environments.find((e) => e.name === 'deploy/overlays/dev');
    assert.deepEqual(dev?.failure, { cause: '`scripts/x.sh` does not exist', file: 'deploy/overlays/dev/kustomization.yaml', line: 6 });
    // The tool's own words stay, its paths relative to the repository.
    assert.match(dev?.error ?? '', /deploy\/overlays\/dev\/scripts/);
    const markdown = run('--format', 'markdown');
    assert.match(
      markdown.stdout,
      /- \*\*deploy\/overlays\/dev\*\*: cannot be rendered: .*scripts\/x\.sh.* does not exist \(deploy\/overlays\/dev\/kustomization\.yaml:7\)/,
    );
    for (const output of [text.stdout, text.stderr, json.stdout, markdown.stdout, markdown.stderr])
      assert.ok(!output.includes(root) && !output.includes(realpathSync(root)), output);
  });

  it('says what changed in each object and which errors the change brings into the render', function () {
    const text = run('--env', 'deploy/overlays/prod');
    assert.match(text.stdout, /^deploy\/overlays\/prod: 1 changed, 0 added, 0 removed; 1 error in its render$/m);
    assert.match(
      text.stdout,
      /^ {2}~ apps\/v1 Deployment prod\/web \(containerPort 8080 → 70000, cpu request 100m → 250m; error: .*70000.*\)$/m,
    );
    const json = JSON.parse(run('--env', 'deploy/overlays/prod', '--format', 'json').stdout) as {
      environments: { findings?: { errors: number }; changes: { fields?: string; findings?: { rule: string; introduced: boolean }[] }[] }[];
    };
    const prod = json.environments[0]!;
    assert.deepEqual(prod.findings, { errors: 1, warnings: 0 });
    assert.equal(prod.changes[0]?.fields, 'containerPort 8080 → 70000, cpu request 100m → 250m');
    assert.deepEqual(
      prod.changes[0]?.findings?.map((f) => f.introduced),
      [true],
    );
    const markdown = run('--env', 'deploy/overlays/prod', '--format', 'markdown').stdout;
    assert.match(markdown, /<b>deploy\/overlays\/prod<\/b>: 1 changed, 0 added, 0 removed · ⛔ 1 error in the render<\/summary>/);
    assert.match(markdown, /~ <code>apps\/v1 Deployment prod\/web<\/code>: containerPort 8080 → 70000, cpu request 100m → 250m/);
  });
});
