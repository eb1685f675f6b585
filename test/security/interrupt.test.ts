// What a run leaves behind when it is stopped mid-render: a CLI interrupted (Ctrl-C, SIGTERM) or killed outright, a
// render that fails, a render the editor cancels, a server shut down while it renders. A kubectl that hangs (it
// notes its process and a child's, then waits) stands for a long render. Afterwards no tool process runs on, no
// temporary folder of the run remains, and no base worktree stays registered — or, after a kill no handler sees,
// the next run removes them.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancellationTokenSource } from 'vscode-languageserver-protocol';
import { ChangesRequest, PingRequest, RenderRequest } from '../../server/src/protocol';
import { REPO_ROOT } from '../helpers/engine';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { FixtureWorkspace, ServerSession } from '../lsp/harness';
import { Instruments, isRunning, Repository, runFolders, STACK_TRACE } from './hostile';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

async function waitFor(what: string, condition: () => boolean, ms = 20_000): Promise<void> {
  for (const started = Date.now(); !condition();) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('security: nothing left behind when a run is stopped mid-render', function () {
  this.timeout(90_000);
  let instruments: Instruments;
  let repository: Repository;
  /** A kubectl whose builds hang: it notes its own process id and its child's in `pids`, then waits. */
  let hanging: string;
  let failing: string;
  let pidsFile: string;

  const toolPids = () => (existsSync(pidsFile) ? readFileSync(pidsFile, 'utf8').split('\n').filter(Boolean).map(Number) : []);

  before(function () {
    const real = renderToolsOrSkip(this);
    instruments = new Instruments(real);
    pidsFile = join(instruments.scratch, 'tool-pids');
    hanging = join(instruments.scratch, 'bin', 'hanging-kubectl');
    writeFileSync(
      hanging,
      `#!/bin/sh\nif [ "$1" = "kustomize" ]; then\n  echo $$ >> '${pidsFile}'\n  sleep 300 &\n  echo $! >> '${pidsFile}'\n  wait\nfi\nexec '${real.kubectl}' "$@"\n`,
    );
    chmodSync(hanging, 0o755);
    failing = join(instruments.scratch, 'bin', 'failing-kubectl');
    writeFileSync(
      failing,
      `#!/bin/sh\nif [ "$1" = "kustomize" ]; then echo 'error: it broke' >&2; exit 1; fi\nexec '${real.kubectl}' "$@"\n`,
    );
    chmodSync(failing, 0o755);
    repository = new Repository(instruments.scratch, 'interrupted', {
      'app/kustomization.yaml': 'resources: [cm.yaml]\n',
      'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {k: v}\n',
    });
    repository.touchAll();
  });

  afterEach(() => {
    // A test that failed may have left its hanging tools: they go with it.
    for (const pid of toolPids()) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    if (existsSync(pidsFile)) writeFileSync(pidsFile, '');
  });

  after(async () => {
    await instruments?.dispose();
  });

  const start = (...args: string[]) =>
    spawn(process.execPath, [CLI, ...args], { cwd: repository.root, env: instruments.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (child: ChildProcess) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return () => output;
  };

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`a diff stopped by ${signal} stops its tools, removes its worktree and folders, and exits ${code}`, async () => {
      const child = start('diff', '--kubectl', hanging);
      const output = collect(child);
      const done = exited(child);
      await waitFor('the base render to start', () => toolPids().length >= 2);
      // The base worktree is there while its render runs (so its removal below is the handler's doing).
      assert.equal(repository.worktrees().length, 2);
      assert.ok(runFolders([child.pid!]).length > 0);
      child.kill(signal);
      assert.deepEqual(await done, { code, signal: null });
      assert.match(output(), new RegExp(`driftless: interrupted \\(${signal}\\)`));
      assert.doesNotMatch(output(), STACK_TRACE);
      await waitFor('the tools to stop', () => toolPids().every((pid) => !isRunning(pid)), 5_000);
      assert.deepEqual(runFolders([child.pid!]), []);
      assert.equal(repository.worktrees().length, 1);
    });
  }

  it('after a CLI killed outright (no handler runs), the next run removes its worktree and folders', async () => {
    const child = start('diff', '--kubectl', hanging);
    const done = exited(child);
    await waitFor('the base render to start', () => toolPids().length >= 2);
    child.kill('SIGKILL');
    await done;
    // What SIGKILL leaves: the worktree registered, the folders, and the tools (their own process group) running.
    assert.equal(repository.worktrees().length, 2);
    assert.ok(runFolders([child.pid!]).length > 0);
    for (const pid of toolPids()) process.kill(pid, 'SIGKILL');
    const next = spawnSync(process.execPath, [CLI, 'diff', '--kubectl', instruments.tools.kubectl], {
      cwd: repository.root,
      encoding: 'utf8',
      env: instruments.env(),
    });
    assert.equal(next.status, 0, next.stderr);
    assert.equal(repository.worktrees().length, 1);
    assert.deepEqual(runFolders([child.pid!, next.pid]), []);
  });

  it('a render that fails leaves nothing behind either', () => {
    for (const args of [['render', 'app'], ['diff'], ['validate', '--rendered']]) {
      const run = spawnSync(process.execPath, [CLI, ...args, '--kubectl', failing], { cwd: repository.root, encoding: 'utf8' });
      assert.notEqual(run.status, 0, `${args.join(' ')} did not fail`);
      assert.match(run.stdout + run.stderr, /it broke/);
      assert.deepEqual(runFolders([run.pid]), []);
    }
    assert.equal(repository.worktrees().length, 1);
  });

  describe('in the language server', () => {
    let workspace: FixtureWorkspace;
    let server: ServerSession;

    beforeEach(async () => {
      workspace = FixtureWorkspace.create({
        'app/kustomization.yaml': 'resources: [cm.yaml]\n',
        'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {k: v}\n',
      });
      spawnSync('git', ['init', '--quiet', '--initial-branch', 'main', workspace.dir]);
      spawnSync('git', ['-C', workspace.dir, 'add', '--all']);
      spawnSync('git', ['-C', workspace.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'base']);
      workspace.write('app/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {k: changed}\n');
      server = await ServerSession.start(workspace, { settings: { kubectlPath: hanging, validateRenderedOutput: false } });
      await server.settled();
    });

    afterEach(async () => {
      await server?.stop();
      workspace?.dispose();
    });

    it('a render the client cancels stops its tools and removes its folders', async () => {
      const { processId } = await server.lsp.request0(PingRequest.type);
      const cancel = new CancellationTokenSource();
      const answer = server.lsp
        .cancellableRequest(RenderRequest.type, { environment: 'app' }, cancel.token)
        .catch((error: Error) => ({ ok: false, error: error.message }));
      await waitFor('the render to start', () => toolPids().length >= 2);
      cancel.cancel();
      const result = await answer;
      assert.equal(result.ok, false);
      await waitFor('the tools to stop', () => toolPids().every((pid) => !isRunning(pid)), 5_000);
      await waitFor('the run’s folders to go', () => runFolders([processId]).length === 0, 5_000);
      // The server goes on: a cancelled render is no failure of it.
      assert.equal((await server.lsp.request0(PingRequest.type)).processId, processId);
    });

    for (const how of ['shutdown', 'SIGTERM'] as const) {
      it(`a server ${how === 'shutdown' ? 'shut down' : 'stopped by SIGTERM'} mid-render stops its tools and removes its worktree and folders`, async () => {
        const { processId } = await server.lsp.request0(PingRequest.type);
        void server.lsp.request(ChangesRequest.type, {}).catch(() => undefined);
        await waitFor('the base render to start', () => toolPids().length >= 2);
        assert.equal(spawnSync('git', ['-C', workspace.dir, 'worktree', 'list'], { encoding: 'utf8' }).stdout.trim().split('\n').length, 2);
        if (how === 'shutdown') await server.stop();
        else {
          process.kill(processId, 'SIGTERM');
          await waitFor('the server to exit', () => !isRunning(processId), 10_000);
        }
        await waitFor('the tools to stop', () => toolPids().every((pid) => !isRunning(pid)), 5_000);
        assert.deepEqual(runFolders([processId]), []);
        assert.equal(spawnSync('git', ['-C', workspace.dir, 'worktree', 'list'], { encoding: 'utf8' }).stdout.trim().split('\n').length, 1);
      });
    }
  });
});
