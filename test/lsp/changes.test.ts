// driftless/changes over the protocol, as the Changes view asks it again and again: what the working tree changes in
// each environment against main, right after each edit, after a commit moves the base, and after an edit of a base
// that every environment shares (the server reuses renders between requests; they must never be stale).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangesRequest, type ChangesResult } from '../../server/src/protocol';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { FixtureWorkspace, ServerSession } from './harness';
import { temporaryFolder } from '../helpers/temporary-folders';

const CONFIG = (level: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: ${level}}\n`;

describe('LSP: the Changes view’s diff against the base branch', function () {
  this.timeout(60_000);
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  const git = (...args: string[]) =>
    execFileSync('git', [
      '-C',
      workspace.dir,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ]);
  const changes = async (): Promise<Record<string, string[]>> => {
    const result: ChangesResult = await server.lsp.request(ChangesRequest.type, {});
    assert.ok(!('error' in result), JSON.stringify(result));
    assert.equal(result.base, 'main');
    return Object.fromEntries(
      result.environments
        .filter((e) => e.changes.length || e.error)
        .map((e) => [e.name, e.error ? [e.error] : e.changes.map((c) => `${c.change} ${c.id}`)]),
    );
  };
  const edit = (relative: string, text: string) => {
    workspace.write(relative, text);
    server.filesChanged([{ relative, type: 'changed' }]);
  };

  before(async function () {
    const tools = renderToolsOrSkip(this);
    workspace = FixtureWorkspace.create();
    workspace.write('base/kustomization.yaml', 'resources: [config.yaml]\n');
    workspace.write('base/config.yaml', CONFIG('info'));
    for (const name of ['staging', 'production']) {
      workspace.write(
        `overlays/${name}/kustomization.yaml`,
        `resources: [../../base]\nnamespace: ${name}\npatches: [{path: level.yaml}]\n`,
      );
      workspace.write(`overlays/${name}/level.yaml`, CONFIG('info'));
    }
    git('init', '--quiet', '--initial-branch', 'main');
    git('add', '--all');
    git('commit', '--quiet', '-m', 'base');
    server = await ServerSession.start(workspace, { settings: { kubectlPath: tools.kubectl, validateRenderedOutput: false } });
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('follows edits, commits that move the base, and an edit of the shared base', async () => {
    assert.deepEqual(await changes(), {});
    edit('overlays/production/level.yaml', CONFIG('warn'));
    assert.deepEqual(await changes(), { 'overlays/production': ['changed v1 ConfigMap production/settings'] });
    // Asked again with nothing changed: the same answer.
    assert.deepEqual(await changes(), { 'overlays/production': ['changed v1 ConfigMap production/settings'] });
    git('commit', '--quiet', '-am', 'production warns');
    assert.deepEqual(await changes(), {});
    edit('base/kustomization.yaml', 'resources: [config.yaml]\ncommonLabels: {team: web}\n');
    assert.deepEqual(await changes(), {
      'overlays/production': ['changed v1 ConfigMap production/settings'],
      'overlays/staging': ['changed v1 ConfigMap staging/settings'],
    });
    edit('base/kustomization.yaml', 'resources: [config.yaml]\n');
    assert.deepEqual(await changes(), {});
  });
});

describe('LSP: the Changes view of a repository opened through a symbolic link', function () {
  this.timeout(60_000);

  it('compares with the base all the same (git names the repository by its real path)', async function () {
    const tools = renderToolsOrSkip(this);
    const workspace = FixtureWorkspace.create();
    workspace.write('app/kustomization.yaml', 'resources: [config.yaml]\nnamespace: app\n');
    workspace.write('app/config.yaml', CONFIG('info'));
    const git = (...args: string[]) =>
      execFileSync('git', [
        '-C',
        workspace.dir,
        '-c',
        'user.name=t',
        '-c',
        'user.email=t@example.com',
        '-c',
        'commit.gpgsign=false',
        ...args,
      ]);
    git('init', '--quiet', '--initial-branch', 'main');
    git('add', '--all');
    git('commit', '--quiet', '-m', 'base');
    workspace.write('app/config.yaml', CONFIG('warn'));
    const linked = join(temporaryFolder('driftless-changes-link-'), 'repository');
    symlinkSync(workspace.dir, linked);
    const session = await ServerSession.start(FixtureWorkspace.at(linked), {
      settings: { kubectlPath: tools.kubectl, validateRenderedOutput: false },
    });
    try {
      await session.settled();
      const result: ChangesResult = await session.lsp.request(ChangesRequest.type, {});
      assert.ok(!('error' in result), JSON.stringify(result));
      assert.deepEqual(
        result.environments.map((e) => [e.name, e.changes.map((c) => `${c.change} ${c.id}`)]),
        [['app', ['changed v1 ConfigMap app/settings']]],
      );
    } finally {
      await session.stop();
      workspace.dispose();
    }
  });
});

describe('LSP: the Changes view renders the base of untouched environments in the background', function () {
  this.timeout(60_000);
  let workspace: FixtureWorkspace;
  let server: ServerSession;
  let log: string;

  before(async function () {
    const tools = renderToolsOrSkip(this);
    workspace = FixtureWorkspace.create();
    workspace.write('base/kustomization.yaml', 'resources: [config.yaml]\n');
    workspace.write('base/config.yaml', CONFIG('info'));
    for (const name of ['one', 'two', 'three'])
      workspace.write(`overlays/${name}/kustomization.yaml`, `resources: [../../base]\nnamespace: ${name}\n`);
    execFileSync('git', ['-C', workspace.dir, 'init', '--quiet', '--initial-branch', 'main']);
    execFileSync('git', ['-C', workspace.dir, 'add', '--all']);
    execFileSync('git', ['-C', workspace.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'base']);
    // A kubectl that notes each run, outside the repository (the diff must not see it as a change).
    const outside = temporaryFolder('driftless-kubectl-log-');
    log = join(outside, 'runs.log');
    const kubectl = join(outside, 'kubectl');
    writeFileSync(kubectl, `#!/bin/sh\necho "$1" >> '${log}'\nexec '${tools.kubectl}' "$@"\n`, { mode: 0o755 });
    server = await ServerSession.start(workspace, { settings: { kubectlPath: kubectl, validateRenderedOutput: false } });
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  const renders = () =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .split('\n')
          .filter((line) => line === 'kustomize').length
      : 0;

  it('so that a first edit of a shared base renders only the working tree’s side', async () => {
    const first: ChangesResult = await server.lsp.request(ChangesRequest.type, {});
    assert.ok(!('error' in first) && first.summary.objects === 0, JSON.stringify(first));
    // Nothing changed: the answer rendered nothing; the background then renders the three bases, one at a time.
    for (let waited = 0; renders() < 3 && waited < 30_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(renders(), 3);
    workspace.write('base/kustomization.yaml', 'resources: [config.yaml]\ncommonLabels: {team: web}\n');
    server.filesChanged([{ relative: 'base/kustomization.yaml', type: 'changed' }]);
    const edited: ChangesResult = await server.lsp.request(ChangesRequest.type, {});
    assert.ok(!('error' in edited), JSON.stringify(edited));
    assert.equal(edited.summary.environments, 3);
    assert.equal(renders(), 6, 'the three working-tree sides, no base again');
    // The change committed, the base moves: nothing changes, and the background renders the new base's three sides.
    execFileSync('git', ['-C', workspace.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-am', 'team']);
    const committed: ChangesResult = await server.lsp.request(ChangesRequest.type, {});
    assert.ok(!('error' in committed) && committed.summary.objects === 0, JSON.stringify(committed));
    for (let waited = 0; renders() < 9 && waited < 30_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(renders(), 9);
    // Each base was rendered in a worktree of its own in the temp folder (TMPDIR): once done, none is left, on disk
    // or registered in the repository. (Waited for here, too: stopping the server mid-render would leave one.)
    const baseWorktrees = () => readdirSync(tmpdir()).filter((name) => name.startsWith('driftless-base-'));
    for (let waited = 0; baseWorktrees().length > 0 && waited < 30_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(baseWorktrees(), []);
    const worktrees = execFileSync('git', ['-C', workspace.dir, 'worktree', 'list', '--porcelain'], { encoding: 'utf8' });
    assert.deepEqual(
      worktrees.split('\n').filter((line) => line.startsWith('worktree ')),
      [`worktree ${workspace.dir}`],
    );
  });
});

describe('LSP: the Changes view says why an environment cannot be rendered, and what a change breaks', function () {
  this.timeout(60_000);

  it('a failed render: its cause and the line to fix, relative to the root it gives; a changed object: its fields and findings', async function () {
    const tools = renderToolsOrSkip(this);
    const workspace = FixtureWorkspace.create();
    const DEPLOYMENT = (port: number) =>
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n' +
      '  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.25\n' +
      `          ports: [{containerPort: ${port}}]\n          resources: {limits: {memory: 64Mi}}\n`;
    workspace.write('app/kustomization.yaml', 'resources: [web.yaml]\nnamespace: app\n');
    workspace.write('app/web.yaml', DEPLOYMENT(8080));
    workspace.write('tools/kustomization.yaml', 'resources: [web.yaml]\nnamespace: tools\n');
    workspace.write('tools/web.yaml', DEPLOYMENT(8080));
    execFileSync('git', ['-C', workspace.dir, 'init', '--quiet', '--initial-branch', 'main']);
    execFileSync('git', ['-C', workspace.dir, 'add', '--all']);
    execFileSync('git', ['-C', workspace.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'base']);
    workspace.write('app/web.yaml', DEPLOYMENT(70000));
    workspace.write('tools/kustomization.yaml', 'resources:\n  - web.yaml\n  - missing.yaml\nnamespace: tools\n');
    const session = await ServerSession.start(workspace, { settings: { kubectlPath: tools.kubectl, validateRenderedOutput: false } });
    try {
      await session.settled();
      const result: ChangesResult = await session.lsp.request(ChangesRequest.type, {});
      assert.ok(!('error' in result), JSON.stringify(result));
      assert.equal(result.root, workspace.dir);
      assert.match(result.summary.text, /; 1 environment cannot be rendered\.$/);
      const failed = result.environments.find((e) => e.name === 'tools');
      assert.equal(failed?.failure?.file, 'tools/kustomization.yaml');
      assert.equal(failed?.failure?.line, 2);
      assert.match(failed?.failure?.cause ?? '', /missing\.yaml/);
      assert.ok(!failed?.error?.includes(workspace.dir), failed?.error);
      const app = result.environments.find((e) => e.name === 'app');
      assert.deepEqual(app?.findings, { errors: 1, warnings: 0 });
      assert.equal(app?.changes[0]?.fields, 'containerPort 8080 → 70000');
      assert.deepEqual(
        app?.changes[0]?.findings?.map((f) => [f.rule, f.severity, f.introduced]),
        [['invalid-port', 'error', true]],
      );
    } finally {
      await session.stop();
      workspace.dispose();
    }
  });
});
