// The test cluster (test/cluster/, a Go program running a real kube-apiserver with etcd, controllers, scheduler and
// simulated nodes): built into .cache/bin when its sources changed, and started until stopped. Used by the sandbox
// (`npm run sandbox`), the test helper (test/helpers/test-cluster.ts) and the bench. See docs/test-cluster.md.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..');
const CACHE_DIR = join(REPO_ROOT, '.cache');
const BIN_DIR = join(CACHE_DIR, 'bin');
export const CLUSTER_SOURCE = join(REPO_ROOT, 'test', 'cluster');
/** Cold builds took 8 to 17 minutes on 2 shared cores (docs/test-cluster.md); this leaves room for a slower machine. */
const BUILD_TIMEOUT_MS = 40 * 60_000;

/** The environment of every go command here: caches under .cache/, only the module versions go.sum names. */
export function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOMODCACHE: join(CACHE_DIR, 'go', 'mod'),
    GOCACHE: join(CACHE_DIR, 'go', 'build'),
    GOFLAGS: '-mod=readonly -buildvcs=false',
    // The Go on the machine, never one downloaded because a go.mod asks for a newer one.
    GOTOOLCHAIN: 'local',
    // Pure Go: no C compiler needed.
    CGO_ENABLED: '0',
  };
}

function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

/** Why the test cluster cannot be built here, or undefined when it can. */
export function goProblem(built = 'the test cluster is built from Go modules: Go 1.25 or newer'): string | undefined {
  if (!which('go')) return `the go command is not installed (${built})`;
  const version = spawnSync('go', ['version'], { encoding: 'utf8', env: goEnv() });
  if (version.status !== 0) return `go version failed: ${(version.stderr || version.stdout).trim()}`;
  return undefined;
}

/** The Kubernetes release the program is built from: go.mod's k8s.io/kubernetes version (one source of truth). */
export function kubernetesRelease(): string {
  const match = /^\s*k8s\.io\/kubernetes (v\d+\.\d+\.\d+)\s*$/m.exec(readFileSync(join(CLUSTER_SOURCE, 'go.mod'), 'utf8'));
  if (!match?.[1]) throw new Error('test/cluster/go.mod requires no k8s.io/kubernetes release');
  return match[1];
}

/**
 * The binary for the current sources: named after a hash of what it is built from (Go sources, go.mod/go.sum, the
 * embedded manifests, the Go version), so a changed source means a new build and a binary, once there, never changes
 * under a running cluster — .cache/ is shared by the checkouts of one machine.
 */
export function clusterBinary(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(go|mod|sum|yaml)$/.test(entry.name)) hash.update(relative(CLUSTER_SOURCE, path)).update(readFileSync(path));
    }
  };
  walk(CLUSTER_SOURCE);
  hash.update(spawnSync('go', ['version'], { encoding: 'utf8', env: goEnv() }).stdout ?? '');
  return join(BIN_DIR, `test-cluster-${hash.digest('hex').slice(0, 16)}`);
}

/**
 * Builds the program into .cache/bin unless it is there already; returns its path. Progress (packages compiled of the
 * total) goes to `progress` every 15 s, since a first build takes minutes.
 */
export async function buildTestCluster(progress: (message: string) => void = () => {}): Promise<string> {
  const problem = goProblem();
  if (problem) throw new Error(problem);
  const binary = clusterBinary();
  if (existsSync(binary)) return binary;
  const release = kubernetesRelease();
  const [major, minor] = release.slice(1).split('.');
  const started = Date.now();
  const seconds = (): number => Math.round((Date.now() - started) / 1000);

  progress(
    `building the test cluster (Kubernetes ${release}): the first build on a machine downloads 570 MB of modules and compiles for 5 to 15 minutes, later ones take about 30 s`,
  );
  // The package count gives the build a length; listing also downloads the modules on a fresh machine.
  const list = spawnSync('go', ['list', '-deps', '.'], { cwd: CLUSTER_SOURCE, env: goEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (list.status !== 0) throw new Error(`go list -deps failed in test/cluster:\n${list.stderr.trim()}`);
  const total = list.stdout.split('\n').filter(Boolean).length;

  mkdirSync(BIN_DIR, { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  // The version the API server reports (/version) comes from these variables; a plain go build leaves them unset.
  const versionFlags = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) => [
    `-X ${pkg}.gitVersion=${release}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
  ]);
  const args = ['build', '-v', '-o', partial, '-ldflags', ['-s', '-w', ...versionFlags].join(' '), '.'];
  const errors: string[] = [];
  let compiled = 0;
  let lastReport = Date.now();
  await new Promise<void>((resolveBuild, reject) => {
    const build = spawn('go', args, { cwd: CLUSTER_SOURCE, env: goEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => build.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    let pending = '';
    build.stdout.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
    build.stderr.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        // -v names each package as it is compiled; anything else is an error worth reporting.
        if (/^[\w.~-]+(\/[\w.~-]+)*$/.test(line)) compiled++;
        else errors.push(line);
      }
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        progress(`compiling: ${Math.min(compiled, total)} of ${total} packages (${seconds()}s)`);
      }
    });
    build.on('error', reject);
    build.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) return resolveBuild();
      rmSync(partial, { force: true });
      reject(new Error(`go build failed in test/cluster (exit ${code ?? 'killed'}):\n${[...errors, pending].join('\n').trim()}`));
    });
  });
  renameSync(partial, binary);
  // Builds of other sources go once a day old: another checkout sharing .cache/ may still start its own (and a running
  // one keeps its unlinked file).
  for (const name of readdirSync(BIN_DIR)) {
    const path = join(BIN_DIR, name);
    if (/^test-cluster-[0-9a-f]{16}$/.test(name) && path !== binary && Date.now() - statSync(path).mtimeMs > 24 * 3600_000) {
      rmSync(path, { force: true });
    }
  }
  progress(`built ${relative(REPO_ROOT, binary)} in ${seconds()}s`);
  return binary;
}

/** The JSON line the program prints on stdout once the cluster is usable. */
export interface ClusterReady {
  ready: true;
  kubeconfig: string;
  server: string;
  adminContext: string;
  restrictedContext: string;
  kubernetesVersion: string;
  state?: string;
  pid: number;
}

export interface ClusterOptions {
  kubeconfig: string;
  /** The components' logs (the program's stderr): a file, never a pipe, so a parent busy in a spawnSync never stalls
   * the cluster on a full pipe. */
  logFile: string;
  port?: number;
  state?: string;
  startTimeoutMs?: number;
  /** The program's temporary folder (its etcd data without --state); default: this process's. */
  temporaryFolder?: string;
}

export interface ClusterProcess extends ClusterReady {
  process: ChildProcess;
  /** Asks the program to stop (SIGTERM) and waits until it has removed its data (SIGKILL after 30 s). */
  stop(): Promise<void>;
  /** Lets this process exit while the cluster runs; the cluster is then sent SIGTERM on the way out. */
  unref(): void;
}

/** The last lines of a log file, to explain a failed start. */
function tail(path: string, lines = 40): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts the built program and resolves once it announced that the cluster is ready. The program runs in its own
 * process group, so a Ctrl+C in the terminal reaches only this process, which stops it once (a second signal would make
 * it skip its cleanup); and it stops by itself when this process dies, as its stdin then closes.
 */
export async function startTestClusterProcess(binary: string, options: ClusterOptions): Promise<ClusterProcess> {
  const args = ['--kubeconfig', options.kubeconfig, '--stop-on-stdin-eof'];
  if (options.port !== undefined) args.push('--port', String(options.port));
  if (options.state !== undefined) args.push('--state', options.state);
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, 'w');
  const env = options.temporaryFolder ? { ...process.env, TMPDIR: options.temporaryFolder } : process.env;
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', log], env, detached: true });
  closeSync(log);
  const { stdin, stdout } = child;
  if (!stdin || !stdout) throw new Error('spawn gave the test cluster no stdin or stdout pipe');
  const exited = new Promise<void>((resolveExit) => child.on('exit', () => resolveExit()));
  const ready = await new Promise<ClusterReady>((resolveReady, reject) => {
    let buffered = '';
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`${why}\n--- the end of ${options.logFile} ---\n${tail(options.logFile)}`));
    };
    const timer = setTimeout(() => fail('the test cluster was not ready within its start timeout'), options.startTimeoutMs ?? 180_000);
    stdout.on('data', (chunk: Buffer) => {
      if (settled) return;
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      try {
        const line = JSON.parse(buffered.slice(0, newline)) as ClusterReady;
        if (line.ready !== true) throw new Error('not a ready line');
        settled = true;
        resolveReady(line);
      } catch {
        fail(`the test cluster printed an unexpected line: ${buffered.slice(0, newline)}`);
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(`the test cluster did not start: ${error.message}`);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      fail(`the test cluster exited before it was ready (${signal ?? `exit ${code ?? '?'}`})`);
    });
  });
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = async (): Promise<void> => {
    if (!running()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  const unref = (): void => {
    child.unref();
    // Pipes are sockets, which can be unref'd too (the types do not say so).
    for (const stream of [stdin, stdout]) (stream as unknown as { unref?: () => void }).unref?.();
    process.once('exit', () => {
      if (running()) child.kill('SIGTERM');
    });
  };
  return { ...ready, process: child, stop, unref };
}
