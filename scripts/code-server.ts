// A real VS Code on this machine without internet: code-server (VS Code's server and web client, from the npm
// registry) installed into a cache folder, the Debian packages it and the browser checks need, starting and stopping
// instances, and Debian's chromium driven by playwright-core. Used by the extension-host runner (test/vscode/run.ts),
// the browser checks (test/ui/) and the demo (scripts/start.ts). The recipe behind each step:
// ../shared/notes/vscode-host.md.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';

export const REPO_ROOT = resolve(__dirname, '..');
export const CACHE_DIR = join(REPO_ROOT, '.cache');
export const CODE_SERVER_VERSION = '4.100.3';
/** The VS Code build inside that code-server; the extension's engines.vscode and @types/vscode must not be newer. */
export const CODE_SERVER_VSCODE_VERSION = '1.100.3';
export const CODE_SERVER_DIR = join(CACHE_DIR, 'code-server');
const CODE_SERVER_PACKAGE = join(CODE_SERVER_DIR, 'node_modules', 'code-server');
const INSTALLED_MARKER = join(CODE_SERVER_DIR, 'installed.json');
/** Kept after the installation, failed or not. */
const INSTALL_LOG = join(CACHE_DIR, 'code-server-install.log');
const INSTALL_TIMEOUT_MS = 10 * 60_000;
/** What @vscode/ripgrep (the version code-server 4.100.3 uses) looks for in its download cache before asking GitHub. */
const RIPGREP_CACHE = { folder: 'vscode-ripgrep-cache-1.15.11', release: 'v13.0.0-10' };

/** Everything here prints through this, so the runner's output says which step spoke. */
export function say(message: string): void {
  process.stdout.write(`[vscode-host] ${message}\n`);
}

function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// System packages

/** The browser to drive: DRIFTLESS_CHROMIUM, else Debian's chromium, else another Chromium or Chrome on the PATH. */
export function findChromium(): string | undefined {
  const configured = process.env.DRIFTLESS_CHROMIUM;
  if (configured) return existsSync(configured) ? configured : undefined;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    const found = which(name);
    if (found) return found;
  }
  return undefined;
}

export interface SystemPackage {
  /** The Debian package. */
  debian: string;
  /** What it is and why it is needed, for people on other systems. */
  why: string;
  present(): boolean;
}

export const SYSTEM_PACKAGES: Record<'chromium' | 'libkrb5-dev' | 'ripgrep', SystemPackage> = {
  chromium: {
    debian: 'chromium',
    why: 'Chromium or Chrome, the browser that drives code-server (or set DRIFTLESS_CHROMIUM to a browser executable)',
    present: () => findChromium() !== undefined,
  },
  'libkrb5-dev': {
    debian: 'libkrb5-dev',
    why: "Kerberos development headers (gssapi/gssapi.h; krb5-devel, brew's krb5), to build code-server's kerberos module",
    present: () => ['/usr/include/gssapi/gssapi.h', '/usr/include/gssapi.h'].some((header) => existsSync(header)),
  },
  ripgrep: {
    debian: 'ripgrep',
    why: 'ripgrep (`rg`), which code-server bundles; it is copied from the system because its download needs GitHub',
    present: () => which('rg') !== undefined,
  },
};
export type SystemPackageName = keyof typeof SYSTEM_PACKAGES;

/** The packages code-server's installation needs, and those every run needs. */
export const INSTALL_PACKAGES: SystemPackageName[] = ['libkrb5-dev', 'ripgrep'];
export const RUN_PACKAGES: SystemPackageName[] = ['chromium'];

function isDebianRoot(): boolean {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version') && which('apt-get') !== undefined;
}

function run(command: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs, env, maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const timedOut = result.error && (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
  return { ok: result.status === 0, output, timedOut, error: result.error };
}

/** How to install `missing` on this system, in words a person can follow. */
export function installInstructions(missing: SystemPackageName[]): string {
  const packages = missing.map((name) => SYSTEM_PACKAGES[name]);
  return [
    `  On Debian or Ubuntu: sudo apt-get install -y ${packages.map((p) => p.debian).join(' ')}`,
    '  Elsewhere:',
    ...packages.map((p) => `    - ${p.why}`),
  ].join('\n');
}

/**
 * Makes sure the Debian packages the VS Code tests need are present. As root on Debian it installs what is missing
 * (apt-get update first when the package lists do not know a package); elsewhere it prints exactly what to install.
 * Returns what is still missing.
 */
export function ensureSystemPackages(names: SystemPackageName[] = ['chromium', 'libkrb5-dev', 'ripgrep']): {
  missing: SystemPackageName[];
} {
  let missing = names.filter((name) => !SYSTEM_PACKAGES[name].present());
  if (missing.length === 0) return { missing };
  const debs = missing.map((name) => SYSTEM_PACKAGES[name].debian);
  if (!isDebianRoot()) {
    say(`missing system packages: ${debs.join(', ')}. Install them, then run again:\n${installInstructions(missing)}`);
    return { missing };
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const known = (deb: string) => /Candidate: (?!\(none\))/.test(run('apt-cache', ['policy', deb], 30_000).output);
  if (!debs.every(known)) {
    say('apt-get update (the package lists do not have every package yet)');
    const update = run('apt-get', ['update'], 5 * 60_000, env);
    if (!update.ok) say(`apt-get update failed${update.timedOut ? ' (timed out after 5 minutes)' : ''}:\n${tail(update.output, 15)}`);
  }
  say(`apt-get install -y ${debs.join(' ')}`);
  const started = Date.now();
  const install = run('apt-get', ['install', '-y', ...debs], 15 * 60_000, env);
  if (!install.ok) say(`apt-get install failed${install.timedOut ? ' (timed out after 15 minutes)' : ''}:\n${tail(install.output, 25)}`);
  else say(`installed ${debs.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  missing = names.filter((name) => !SYSTEM_PACKAGES[name].present());
  if (missing.length) say(`still missing: ${missing.join(', ')}. Install them, then run again:\n${installInstructions(missing)}`);
  return { missing };
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// code-server installation

interface InstalledMarker {
  version: string;
  node: string;
  arch: string;
  installedAt: string;
  seconds: number;
}

/** Files a working installation has: the entry point, the VS Code build, and the native modules that must have built. */
function missingInstallationFiles(): string[] {
  const vscode = join(CODE_SERVER_PACKAGE, 'lib', 'vscode');
  return [
    join(CODE_SERVER_PACKAGE, 'out', 'node', 'entry.js'),
    join(vscode, 'out', 'server-main.js'),
    join(vscode, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
    join(vscode, 'node_modules', 'node-pty', 'build', 'Release', 'pty.node'),
  ].filter((file) => !existsSync(file));
}

/** Why the cached code-server cannot be used, or undefined when it can. */
export function codeServerProblem(): string | undefined {
  if (!existsSync(INSTALLED_MARKER)) return existsSync(CODE_SERVER_DIR) ? 'an earlier installation did not finish' : 'not installed';
  let marker: InstalledMarker;
  try {
    marker = JSON.parse(readFileSync(INSTALLED_MARKER, 'utf8')) as InstalledMarker;
  } catch {
    return 'its installed.json is unreadable';
  }
  if (marker.version !== CODE_SERVER_VERSION) return `it is version ${marker.version}, not ${CODE_SERVER_VERSION}`;
  if (marker.node.split('.')[0] !== process.versions.node.split('.')[0] || marker.arch !== process.arch) {
    return `it was built for Node ${marker.node} (${marker.arch}), this is Node ${process.versions.node} (${process.arch})`;
  }
  const missing = missingInstallationFiles();
  if (missing.length) return `files are missing: ${missing.map((f) => f.slice(CODE_SERVER_DIR.length + 1)).join(', ')}`;
  return undefined;
}

/** Turns npm's output into the recipe's advice for the failures known on these machines. */
function explainInstallFailure(output: string): string[] {
  const advice: string[] = [];
  if (/gssapi\/gssapi\.h/.test(output))
    advice.push('kerberos needs the Kerberos headers: apt-get install libkrb5-dev (krb5-devel elsewhere).');
  if (/api\.github\.com|ripgrep/i.test(output) && /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|403/.test(output)) {
    advice.push("@vscode/ripgrep tried to download rg: install ripgrep so that its cache can be filled from the system's rg.");
  }
  if (/unsafe-perm/.test(output))
    advice.push('code-server refuses to install as root without --unsafe-perm (the installer passes it: is npm older than 7?).');
  if (/npx canceled/.test(output)) advice.push('node-pty ran npx without npm_config_yes=true.');
  if (/engine|Unsupported engine|node version/i.test(output) && !process.versions.node.startsWith('20.')) {
    advice.push(`code-server ${CODE_SERVER_VERSION} needs Node 20; this is Node ${process.versions.node}.`);
  }
  return advice;
}

/** A .tar.gz holding `rg`, where @vscode/ripgrep's postinstall looks before downloading from GitHub. */
function fillRipgrepCache(tmp: string): void {
  const rg = which('rg');
  if (!rg)
    throw new Error(`ripgrep (rg) is not installed; it is needed to install code-server offline.\n${installInstructions(['ripgrep'])}`);
  const target = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-gnu', arm: 'arm-unknown-linux-gnueabihf' }[
    process.arch as 'x64' | 'arm64' | 'arm'
  ];
  if (!target || process.platform !== 'linux') return; // Elsewhere @vscode/ripgrep downloads as usual.
  const cache = join(tmp, RIPGREP_CACHE.folder);
  const staging = mkdtempSync(join(tmp, 'rg-'));
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(staging, 'rg'), readFileSync(rg), { mode: 0o755 });
  const tar = run('tar', ['-czf', join(cache, `ripgrep-${RIPGREP_CACHE.release}-${target}.tar.gz`), '-C', staging, 'rg'], 60_000);
  if (!tar.ok) throw new Error(`could not pack rg for @vscode/ripgrep's cache:\n${tar.output}`);
}

/** One installer at a time (npm test and npm start may both want code-server); a lock left by a dead process is taken over. */
async function withInstallLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = join(CACHE_DIR, 'code-server.lock');
  mkdirSync(CACHE_DIR, { recursive: true });
  const deadline = Date.now() + INSTALL_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // Being written right now, or left empty by a crash; decided on the next round.
      }
      if (Number.isInteger(holder) && !isAlive(holder)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new Error(`another process (pid ${holder}) has been installing code-server for too long (${lock})`);
      else await delay(1000);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface CodeServerInstallation {
  /** The code-server command's entry point, run with this Node. */
  entry: string;
  /** Whether this call installed it (false: the cache was reused). */
  installed: boolean;
  /** How long the installation took, when this call installed it. */
  seconds?: number;
}

/**
 * Installs code-server into .cache/code-server (never into the project's node_modules), or reuses a healthy
 * installation there. Applies the recipe's fixes: --unsafe-perm as root, the ripgrep cache made from the system's rg,
 * npm_config_yes=true for node-pty's npx; the Kerberos headers come from ensureSystemPackages.
 */
export async function ensureCodeServer(): Promise<CodeServerInstallation> {
  const entry = join(CODE_SERVER_PACKAGE, 'out', 'node', 'entry.js');
  if (!codeServerProblem()) return { entry, installed: false };
  return withInstallLock(async () => {
    const problem = codeServerProblem();
    if (!problem) return { entry, installed: false }; // Another process installed it while this one waited.
    say(`installing code-server ${CODE_SERVER_VERSION} into ${CODE_SERVER_DIR} (${problem}); this takes about a minute`);
    const missing = INSTALL_PACKAGES.filter((name) => !SYSTEM_PACKAGES[name].present());
    if (missing.length) throw new Error(`code-server cannot be installed without: ${missing.join(', ')}\n${installInstructions(missing)}`);
    const started = Date.now();
    const partial = `${CODE_SERVER_DIR}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    const tmp = mkdtempSync(join(tmpdir(), 'driftless-code-server-install-'));
    const logFile = INSTALL_LOG;
    rmSync(logFile, { force: true });
    try {
      fillRipgrepCache(tmp);
      writeFileSync(join(partial, 'package.json'), JSON.stringify({ name: 'driftless-code-server-cache', private: true }, null, 2) + '\n');
      const args = [
        'install',
        `code-server@${CODE_SERVER_VERSION}`,
        '--unsafe-perm',
        '--no-audit',
        '--no-fund',
        '--no-save',
        '--loglevel=http',
      ];
      const env = { ...process.env, TMPDIR: tmp, npm_config_yes: 'true', npm_config_update_notifier: 'false' };
      const result = await runLogged(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
        cwd: partial,
        env,
        logFile,
        timeoutMs: INSTALL_TIMEOUT_MS,
      });
      const output = readFileSync(logFile, 'utf8');
      if (result !== 0) {
        const advice = explainInstallFailure(output);
        throw new Error(
          `npm install code-server@${CODE_SERVER_VERSION} ${result === 'timeout' ? `timed out after ${INSTALL_TIMEOUT_MS / 60_000} minutes` : `failed (exit ${result})`}` +
            `; its log: ${logFile}\n${tail(output, 30)}${advice.length ? `\nLikely cause:\n  ${advice.join('\n  ')}` : ''}`,
        );
      }
      rmSync(CODE_SERVER_DIR, { recursive: true, force: true });
      renameSync(partial, CODE_SERVER_DIR);
      const seconds = (Date.now() - started) / 1000;
      const marker: InstalledMarker = {
        version: CODE_SERVER_VERSION,
        node: process.versions.node,
        arch: process.arch,
        installedAt: new Date().toISOString(),
        seconds,
      };
      const stillMissing = missingInstallationFiles();
      if (stillMissing.length)
        throw new Error(`code-server installed, but these files are missing (see ${INSTALL_LOG}): ${stillMissing.join(', ')}`);
      writeFileSync(INSTALLED_MARKER, JSON.stringify(marker, null, 2) + '\n');
      say(`installed code-server ${CODE_SERVER_VERSION} in ${seconds.toFixed(1)} s`);
      return { entry, installed: true, seconds };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
      rmSync(partial, { recursive: true, force: true });
    }
  });
}

/** Runs a command with its output in a log file; resolves its exit code, or 'timeout' (after killing its process group). */
function runLogged(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; timeoutMs: number },
): Promise<number | 'timeout'> {
  return new Promise((resolvePromise, reject) => {
    const log = openSync(options.logFile, 'a');
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', log, log], detached: true });
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      resolvePromise('timeout');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      closeSync(log);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      closeSync(log);
      resolvePromise(code ?? (signal ? 128 : 1));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Running code-server

/** A free TCP port on 127.0.0.1: `preferred` and the ports after it when given, else any. */
export async function freePort(preferred?: number, attempts = 50): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | undefined>((resolvePort) => {
      const server = createServer();
      server.once('error', () => resolvePort(undefined));
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolvePort(typeof address === 'object' && address ? address.port : undefined));
      });
    });
  if (preferred !== undefined) {
    for (let port = preferred; port < preferred + attempts && port < 65536; port++) {
      const free = await tryPort(port);
      if (free) return free;
    }
    throw new Error(`no free port on 127.0.0.1 from ${preferred} to ${preferred + attempts - 1}`);
  }
  const any = await tryPort(0);
  if (!any) throw new Error('could not find a free port on 127.0.0.1');
  return any;
}

export interface CodeServerOptions {
  port: number;
  /** The folder (or .code-workspace file) opened by default. */
  folder: string;
  extensionsDir: string;
  userDataDir: string;
  /** Workspace Trust on (a folder is then untrusted until the user trusts it). Default: off, as in the recipe. */
  trust?: boolean;
  /** User settings, added to the quiet defaults below. */
  settings?: Record<string, unknown>;
  /**
   * Settings of the machine code-server runs on (its remote settings): where a `machine`-scoped setting such as
   * driftless.kubeconfig takes effect, as user settings do not apply it to a remote window.
   */
  machineSettings?: Record<string, unknown>;
  /** Extra environment of code-server, which its extension hosts inherit. */
  env?: NodeJS.ProcessEnv;
  /** Where code-server's own output goes (default: code-server.log next to the user data dir). */
  logFile?: string;
  /** How long to wait until it listens. */
  timeoutMs?: number;
}

export interface CodeServerHandle {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly logFile: string;
  /** The last lines code-server printed. */
  logTail(lines?: number): string;
  /** Resolves, with how, when code-server has ended (stopped, crashed or killed). */
  readonly exited: Promise<string>;
  /** Whether it is being stopped on purpose (stop(), or a signal to this process), rather than ending by itself. */
  readonly stopping: boolean;
  /** Stops code-server and everything it started (extension hosts, language servers): its whole process group. */
  stop(): Promise<void>;
}

/** What every instance gets: nothing that opens by itself, asks the network, or tips the user. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'window.dialogStyle': 'custom',
};

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});
let signalsHooked = false;
let signalled = false;

/**
 * code-server runs in its own process group (so that stop() ends everything it started), which also means Ctrl+C in
 * the terminal does not reach it: on SIGINT, SIGTERM or SIGHUP, stop every instance, then exit as the signal would.
 */
function stopAllOnSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  const stopAll = (signal: NodeJS.Signals) => {
    signalled = true;
    say(`${signal}: stopping code-server`);
    for (const child of running) killGroup(child, 'SIGTERM');
    const deadline = Date.now() + 3000;
    const check = setInterval(() => {
      if (running.size === 0 || Date.now() > deadline) {
        clearInterval(check);
        for (const child of running) killGroup(child, 'SIGKILL');
        process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15));
      }
    }, 50);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => stopAll(signal));
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Starts code-server on 127.0.0.1 (no password, no TLS) and resolves once it answers HTTP. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServerHandle> {
  const problem = codeServerProblem();
  if (problem) throw new Error(`code-server is not ready in ${CODE_SERVER_DIR} (${problem}); call ensureCodeServer() first`);
  const entry = join(CODE_SERVER_PACKAGE, 'out', 'node', 'entry.js');
  mkdirSync(options.extensionsDir, { recursive: true });
  mkdirSync(join(options.userDataDir, 'User'), { recursive: true });
  const trust = options.trust ?? false;
  const settings = { ...QUIET_SETTINGS, 'security.workspace.trust.enabled': trust, ...options.settings };
  writeFileSync(join(options.userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
  if (options.machineSettings) {
    mkdirSync(join(options.userDataDir, 'Machine'), { recursive: true });
    writeFileSync(join(options.userDataDir, 'Machine', 'settings.json'), JSON.stringify(options.machineSettings, null, 2) + '\n');
  }
  // Always a config file: without one, code-server writes ~/.config/code-server/config.yaml with a random password.
  const config = join(options.userDataDir, 'code-server.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${options.port}\nauth: none\ncert: false\n`);
  const logFile = options.logFile ?? join(options.userDataDir, '..', 'code-server.log');
  const args = [
    entry,
    '--config',
    config,
    '--user-data-dir',
    options.userDataDir,
    '--extensions-dir',
    options.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(trust ? [] : ['--disable-workspace-trust']),
    options.folder,
  ];
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // Its own process group, so stop() ends the extension hosts and language servers with it.
  });
  running.add(child);
  stopAllOnSignals();
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const url = `http://127.0.0.1:${options.port}`;
  let exited: string | undefined;
  const exitedPromise = new Promise<string>((resolveExit) =>
    child.once('exit', (code, signal) => {
      exited = signal ? `killed by ${signal}` : `exited with ${code}`;
      running.delete(child);
      resolveExit(exited);
    }),
  );
  child.once('error', (error) => (exited = `could not start: ${error.message}`));
  let stopCalled = false;
  const handle: CodeServerHandle = {
    get stopping() {
      return stopCalled || signalled;
    },
    url,
    port: options.port,
    pid: child.pid ?? -1,
    logFile,
    logTail: (lines = 40) => tail(readTextTail(logFile), lines),
    exited: exitedPromise,
    stop: async () => {
      stopCalled = true;
      if (exited === undefined) {
        killGroup(child, 'SIGTERM');
        const gone = await Promise.race([exitedPromise.then(() => true), delay(5000).then(() => false)]);
        if (!gone) killGroup(child, 'SIGKILL');
        await Promise.race([exitedPromise, delay(2000)]);
      }
      killGroup(child, 'SIGKILL'); // Whatever it left behind in its group.
      running.delete(child);
      log.end();
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await answers(`${url}/healthz`))) {
    if (exited !== undefined) {
      await handle.stop();
      throw new Error(`code-server ${exited} before it listened on ${url}; its output (${logFile}):\n${handle.logTail()}`);
    }
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(
        `code-server did not listen on ${url} within ${(options.timeoutMs ?? 30_000) / 1000} s; its output:\n${handle.logTail()}`,
      );
    }
    await delay(100);
  }
  return handle;
}

function readTextTail(file: string, bytes = 64 * 1024): string {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(bytes, size));
      readSync(fd, buffer, 0, buffer.length, size - buffer.length);
      return buffer.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const request = get(url, { timeout: 2000 }, (response) => {
      response.resume();
      resolveAnswer(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolveAnswer(false));
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms));
}

export interface WorkbenchPage {
  /** A folder or a .code-workspace file, as an absolute path on this machine. */
  folder?: string;
  workspace?: string;
  /** Loads the extension from this folder, as `code --extensionDevelopmentPath` would. */
  extensionDevelopmentPath?: string;
  /** Runs this test entry point (exporting run()) in the extension host, then reports its exit code. */
  extensionTestsPath?: string;
}

/**
 * The workbench URL. Development and test paths go in the page's `payload` as vscode-remote URIs of this server:
 * code-server has no command-line options for them, and plain paths there are silently ignored.
 */
export function workbenchUrl(server: Pick<CodeServerHandle, 'url' | 'port'>, page: WorkbenchPage): string {
  const remote = (path: string) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const query = new URLSearchParams();
  if (page.folder) query.set('folder', page.folder);
  if (page.workspace) query.set('workspace', page.workspace);
  const payload: [string, string][] = [];
  if (page.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(page.extensionDevelopmentPath)]);
  if (page.extensionTestsPath) payload.push(['extensionTestsPath', remote(page.extensionTestsPath)]);
  if (payload.length) query.set('payload', JSON.stringify(payload));
  return `${server.url}/?${query.toString()}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The browser

/** Flags that keep Chromium off the (closed) network and quiet, from the recipe. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Debian's chromium through playwright-core, headless, with a fresh profile (playwright makes one per launch). */
export async function browser(options: { timeoutMs?: number } = {}): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(`no Chromium found.\n${installInstructions(['chromium'])}`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS, timeout: options.timeoutMs ?? 30_000 });
}

/** A fresh temporary folder, by its real path (the language server compares paths; macOS's temp dir is a symlink). */
export function scratchDir(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), `driftless-${prefix}-`)));
}
