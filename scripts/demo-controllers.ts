// The demo's GitOps controllers: the test controllers (test/controllers/, playing Argo CD and Flux against the API
// server) as a child process beside code-server, rendering the sample's Applications from the bare repository the
// sample pushes to — the demo forge's, or a plain bare repository made here when the demo has none.
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './code-server';
import { SAMPLE_URLS } from '../test/cluster/deploy-workbench';

export interface DemoControllers {
  /** What the controllers did, line by line. */
  logFile: string;
  stop(): Promise<void>;
}

async function git(cwd: string, ...args: string[]): Promise<void> {
  await promisify(execFile)('git', args, { cwd });
}

/**
 * A bare repository under `home` made `origin` of `folder` (the remote the sample's Argo CD and Flux objects name
 * stays, as `upstream`), with main pushed; returns its path.
 */
export async function attachPlainRemote(folder: string, home: string): Promise<string> {
  const remotes = join(home, 'remote');
  rmSync(remotes, { recursive: true, force: true });
  mkdirSync(remotes, { recursive: true });
  const bare = join(remotes, 'driftless-sample-repo.git');
  await git(remotes, 'init', '--quiet', '--bare', '--initial-branch', 'main', bare);
  await git(folder, 'remote', 'rename', 'origin', 'upstream');
  await git(folder, 'remote', 'add', 'origin', bare);
  await git(folder, 'push', '--quiet', '--set-upstream', 'origin', 'main');
  return bare;
}

/**
 * Starts test/controllers/run-test-controllers.ts on the cluster, the sample's repository URLs mapped to `bare`, and
 * resolves once it says it is ready. It stops with stop(), or by itself when this process ends (its stdin closes).
 */
export async function startDemoControllers(options: {
  kubeconfig: string;
  context: string;
  bare: string;
  logFile: string;
}): Promise<DemoControllers> {
  const script = join(REPO_ROOT, 'test', 'controllers', 'run-test-controllers.ts');
  const args = [
    '--require',
    require.resolve('tsx/cjs'),
    script,
    '--kubeconfig',
    options.kubeconfig,
    '--context',
    options.context,
    ...SAMPLE_URLS.flatMap((url) => ['--repository', `${url}=${options.bare}`]),
  ];
  const log = createWriteStream(options.logFile);
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the test controllers were not ready within 60 s (log: ${options.logFile})`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('"ready":true')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the test controllers exited (${code ?? 'signal'}) before they were ready (log: ${options.logFile})`));
    });
  });
  return {
    logFile: options.logFile,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}
