// A real Gitea for the delivery tests and the demo: built from its Go module (code.gitea.io/gitea, served by the Go
// module proxy; its `replace` directives rule out `go install`, so the module is copied and built in place), then
// started on 127.0.0.1 with SQLite, an admin user and an API token. The API needs no frontend assets; the locales and
// templates are read from the module's source (STATIC_ROOT_PATH).
//   npm run gitea   (npx tsx scripts/gitea.ts build) builds .cache/gitea-src/gitea (about 20 minutes on 2 busy cores, once)
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export const GITEA_VERSION = 'v1.26.0';
const REPO_ROOT = join(__dirname, '..');
const CACHE = join(REPO_ROOT, '.cache');
export const GITEA_SOURCE = join(CACHE, 'gitea-src');
/** The Gitea binary: DRIFTLESS_GITEA, else the one built into .cache/gitea-src. */
export const GITEA_BINARY = process.env.DRIFTLESS_GITEA ?? join(GITEA_SOURCE, 'gitea');

/** Where Gitea reads its locales and templates (a built binary without bindata needs them): its source. */
const GITEA_STATIC = process.env.DRIFTLESS_GITEA_STATIC ?? GITEA_SOURCE;

/** Why Gitea cannot run here, or undefined when it can. */
export function giteaMissing(): string | undefined {
  if (!existsSync(GITEA_BINARY)) return `no Gitea binary at ${GITEA_BINARY} (build it: npm run gitea, about 20 minutes)`;
  if (!existsSync(join(GITEA_STATIC, 'options', 'locale')))
    return `Gitea's locales are missing: ${join(GITEA_STATIC, 'options', 'locale')}`;
  return undefined;
}

/** Builds Gitea from its Go module into .cache/gitea-src (GOMODCACHE and GOCACHE under .cache/go). Returns seconds. */
export function buildGitea(): number {
  const env = {
    ...process.env,
    GOMODCACHE: join(CACHE, 'go', 'mod'),
    GOCACHE: join(CACHE, 'go', 'build'),
    GOFLAGS: '-mod=mod',
    CGO_ENABLED: '1',
    GOTOOLCHAIN: 'local',
  };
  const started = Date.now();
  const download = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `code.gitea.io/gitea@${GITEA_VERSION}`], { cwd: CACHE, env, encoding: 'utf8' }),
  ) as { Dir: string };
  rmSync(GITEA_SOURCE, { recursive: true, force: true });
  cpSync(download.Dir, GITEA_SOURCE, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', GITEA_SOURCE]);
  const build = spawnSync(
    'go',
    ['build', '-tags', 'sqlite sqlite_unlock_notify', '-ldflags', `-s -w -X "main.Version=${GITEA_VERSION.slice(1)}"`, '-o', 'gitea', '.'],
    { cwd: GITEA_SOURCE, env, stdio: 'inherit' },
  );
  if (build.status !== 0) throw new Error(`go build of Gitea failed (exit ${build.status})`);
  return (Date.now() - started) / 1000;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningGitea {
  /** http://127.0.0.1:PORT */
  url: string;
  user: string;
  password: string;
  /** An API token with every scope. */
  token: string;
  folder: string;
  process: ChildProcess;
  /** Makes a repository of the user (empty, default branch main); returns its clone URL without credentials. */
  createRepository(name: string): Promise<string>;
  /** A clone URL with the user's credentials in it, for pushing from tests. */
  authenticatedUrl(name: string): string;
  stop(): Promise<void>;
}

/** Starts a fresh Gitea in `folder` (its data, SQLite database and log live there). */
export async function startGitea(folder: string, options: { port?: number } = {}): Promise<RunningGitea> {
  const missing = giteaMissing();
  if (missing) throw new Error(missing);
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  mkdirSync(folder, { recursive: true });
  const config = join(folder, 'app.ini');
  const secret = () => randomBytes(24).toString('hex');
  const internalToken = execFileSync(GITEA_BINARY, ['generate', 'secret', 'INTERNAL_TOKEN'], { encoding: 'utf8' }).trim();
  writeFileSync(
    config,
    [
      'APP_NAME = Driftless test forge',
      'RUN_MODE = prod',
      `RUN_USER = ${userInfo().username}`,
      `WORK_PATH = ${folder}`,
      // Gitea refuses root unless told; the test machines run as root.
      ...(process.getuid?.() === 0 ? ['I_AM_BEING_UNSAFE_RUNNING_AS_ROOT = true'] : []),
      '[server]',
      'PROTOCOL = http',
      'HTTP_ADDR = 127.0.0.1',
      `HTTP_PORT = ${port}`,
      `ROOT_URL = ${url}/`,
      `STATIC_ROOT_PATH = ${GITEA_STATIC}`,
      `APP_DATA_PATH = ${join(folder, 'data')}`,
      'DISABLE_SSH = true',
      'OFFLINE_MODE = true',
      'LFS_START_SERVER = false',
      '[database]',
      'DB_TYPE = sqlite3',
      `PATH = ${join(folder, 'gitea.db')}`,
      '[repository]',
      `ROOT = ${join(folder, 'repositories')}`,
      'DEFAULT_BRANCH = main',
      '[security]',
      'INSTALL_LOCK = true',
      `SECRET_KEY = ${secret()}`,
      `INTERNAL_TOKEN = ${internalToken}`,
      '[service]',
      'DISABLE_REGISTRATION = true',
      '[log]',
      'MODE = file',
      'LEVEL = Warn',
      `ROOT_PATH = ${join(folder, 'log')}`,
      '[mailer]',
      'ENABLED = false',
      '[cron]',
      'ENABLED = false',
      '[actions]',
      'ENABLED = false',
      '[session]',
      'PROVIDER = memory',
      '[cache]',
      'ADAPTER = memory',
      '[indexer]',
      'ISSUE_INDEXER_TYPE = db',
      'REPO_INDEXER_ENABLED = false',
      '',
    ].join('\n'),
  );
  const user = 'driftless';
  const password = `Driftless-${secret().slice(0, 12)}`;
  const admin = (...args: string[]) =>
    execFileSync(GITEA_BINARY, ['admin', 'user', ...args, '--config', config], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  execFileSync(GITEA_BINARY, ['migrate', '--config', config], { stdio: 'ignore' });
  admin(
    'create',
    '--username',
    user,
    '--password',
    password,
    '--email',
    'driftless@example.invalid',
    '--admin',
    '--must-change-password=false',
  );
  const token = admin('generate-access-token', '--username', user, '--token-name', 'driftless-tests', '--scopes', 'all', '--raw')
    .trim()
    .split('\n')
    .pop()!;
  const child = spawn(GITEA_BINARY, ['web', '--config', config], { cwd: folder, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Gitea exited (${child.exitCode}) at start:\n${stderr}`);
    try {
      const response = await fetch(`${url}/api/v1/version`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`Gitea did not answer within 60 s:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${url}/api/v1${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `token ${token}`, ...init.headers },
    });
  return {
    url,
    user,
    password,
    token,
    folder,
    process: child,
    async createRepository(name) {
      const response = await api('/user/repos', { method: 'POST', body: JSON.stringify({ name, default_branch: 'main', private: false }) });
      if (!response.ok) throw new Error(`Gitea refused to create ${name}: ${response.status} ${await response.text()}`);
      return `${url}/${user}/${name}.git`;
    },
    authenticatedUrl(name) {
      return `http://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${user}/${name}.git`;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

if (require.main === module) {
  if (process.argv[2] !== 'build') {
    console.error('usage: npx tsx scripts/gitea.ts build (npm run gitea)');
    process.exit(2);
  }
  if (existsSync(GITEA_BINARY) && !process.argv.includes('--force')) {
    console.log(`Gitea is built already: ${GITEA_BINARY} (--force builds it again)`);
    process.exit(0);
  }
  const seconds = buildGitea();
  console.log(`built ${GITEA_BINARY} in ${seconds.toFixed(0)} s`);
}
