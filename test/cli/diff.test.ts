// `driftless diff` against a real git repository: the base rendered in a temporary worktree with the real kubectl,
// objects added, removed and changed per environment, Secret values never shown, exit codes as documented.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
    assert.match(text.stdout, /^ {2}~ apps\/v1 Deployment shop-production\/frontend$/m);
    assert.match(text.stdout, /^ {4}- {14}cpu: 100m\n {4}\+ {14}cpu: 250m$/m);
    assert.match(text.stdout, /^apps: 0 changed, 1 added, 0 removed$/m);
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
