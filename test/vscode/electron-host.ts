// The same extension-host suite on desktop VS Code through @vscode/test-electron, where VS Code can be downloaded.
// Offline (as on the project's own machines) this is found out in seconds and said plainly; never a silent skip.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { delimiter, join } from 'node:path';
import { CACHE_DIR, CODE_SERVER_VSCODE_VERSION, REPO_ROOT, scratchDir } from '../../scripts/code-server';

export type ElectronOutcome = { skipped: string } | { exitCode: number; seconds: number };

const UPDATE_SERVER = 'https://update.code.visualstudio.com/api/releases/stable';
const CACHE = join(CACHE_DIR, 'vscode-test');

function reachable(url: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'HEAD', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(undefined);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (error) => resolve(error.message));
    req.end();
  });
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

/** Why Electron would have no display here, if it would not. */
function displayProblem(): string | undefined {
  if (process.platform !== 'linux' || process.env.DISPLAY || onPath('Xvfb')) return undefined;
  return 'no display: set DISPLAY or install Xvfb (Debian: apt-get install xvfb)';
}

/** A display for Electron: the one there is, or an Xvfb started here (stopped by the returned function). */
function display(): { env: Record<string, string>; stop: () => void } {
  if (process.platform !== 'linux' || process.env.DISPLAY) return { env: {}, stop: () => undefined };
  const number = 90 + Math.floor(Math.random() * 100);
  const xvfb: ChildProcess = spawn('Xvfb', [`:${number}`, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  return { env: { DISPLAY: `:${number}` }, stop: () => xvfb.kill() };
}

export async function runSuiteInElectron(options: {
  workspace: string;
  extensionTestsPath: string;
  env: Record<string, string>;
}): Promise<ElectronOutcome> {
  const cached = existsSync(CACHE) && readdirSync(CACHE).some((entry) => entry.includes(CODE_SERVER_VSCODE_VERSION));
  const problems: string[] = [];
  if (!cached) {
    const unreachable = await reachable(UPDATE_SERVER, 5000);
    if (unreachable)
      problems.push(`no desktop VS Code ${CODE_SERVER_VSCODE_VERSION} in ${CACHE}, and it cannot be downloaded (${unreachable})`);
  }
  const noDisplay = displayProblem();
  if (noDisplay) problems.push(noDisplay);
  if (problems.length) return { skipped: problems.join('; and ') };
  const screen = display();
  const started = Date.now();
  const scratch = scratchDir('electron');
  try {
    const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');
    mkdirSync(CACHE, { recursive: true });
    const vscodeExecutablePath = await downloadAndUnzipVSCode({ version: CODE_SERVER_VSCODE_VERSION, cachePath: CACHE, timeout: 30_000 });
    const exitCode = await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: options.extensionTestsPath,
      launchArgs: [
        options.workspace,
        '--disable-workspace-trust',
        '--disable-extensions',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-gpu',
        '--no-sandbox',
        `--user-data-dir=${join(scratch, 'user-data')}`,
        `--extensions-dir=${join(scratch, 'extensions')}`,
      ],
      extensionTestsEnv: { ...options.env, ...screen.env, DRIFTLESS_VSCODE_HOST: 'electron' },
    }).catch((error: unknown) => {
      const code = (error as { code?: number }).code;
      if (typeof code === 'number') return code;
      throw error;
    });
    return { exitCode, seconds: (Date.now() - started) / 1000 };
  } finally {
    screen.stop();
    if (!process.env.DRIFTLESS_KEEP_SCRATCH) rmSync(scratch, { recursive: true, force: true });
  }
}
