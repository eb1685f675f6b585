// `npm start`: a working VS Code in the browser with the extension loaded and the sample GitOps repository open.
// Builds the extension, installs code-server into .cache/ when needed, makes a fresh copy of test/fixtures/sample-repo
// into a git repository with some history (a nested repository cannot be committed), starts the test cluster (a real
// kube-apiserver, built from Go modules when needed) and delivers the repository's production environments to it with
// deliberate drift (test/helpers/sample-repo-cluster.ts) — without Go the demo runs without a cluster and says why —,
// links this checkout into code-server's extensions folder as an installed extension, starts code-server on 127.0.0.1
// with driftless.kubeconfig pointing at the cluster, and prints the URL. Runs until Ctrl+C, which stops the cluster too.
//   npm start -- [--port N] [--folder DIR] [--no-cluster]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import {
  CACHE_DIR,
  codeServerProblem,
  ensureCodeServer,
  ensureSystemPackages,
  freePort,
  INSTALL_PACKAGES,
  REPO_ROOT,
  say,
  startCodeServer,
  type CodeServerHandle,
} from './code-server';
import { kubernetesTools } from './kubernetes-tools';
import { buildTestCluster, clusterBinary, goProblem, startTestClusterProcess } from './test-cluster';
import { DELIBERATE_DRIFT, deliverAndDrift } from '../test/helpers/sample-repo-cluster';
import { attachDemoForge, type DemoForge } from './demo-forge';
import { attachPlainRemote, startDemoControllers, type DemoControllers } from './demo-controllers';
import { isSeq, parse, parseDocument } from 'yaml';

const SAMPLE_REPO = join(REPO_ROOT, 'test', 'fixtures', 'sample-repo');
const DEFAULT_PORT = 8080;

/** The sample repository's history: what each commit added, oldest first (the rest goes into the last one). */
const HISTORY: { message: string; paths: string[] }[] = [
  { message: 'Frontend: kustomize base and staging/production overlays', paths: ['README.md', '.driftless.yaml', 'apps'] },
  { message: 'Backend Helm chart with production values', paths: ['charts'] },
  { message: 'Delivery: Argo CD project, applications and ApplicationSet; Flux for staging', paths: ['argocd', 'clusters'] },
  { message: 'Infrastructure: cert-manager issuers, monitoring, backup schedules (with their CRD)', paths: ['infrastructure'] },
  { message: 'CI workflow and local compose file', paths: ['.github', 'docker-compose.yaml'] },
  { message: 'Sandbox: manifests with one deliberate mistake each', paths: ['sandbox'] },
];

function git(cwd: string, args: string[], date: string): void {
  const result = spawnSync(
    'git',
    ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args],
    {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Driftless Demo',
        GIT_AUTHOR_EMAIL: 'demo@driftless.invalid',
        GIT_COMMITTER_NAME: 'Driftless Demo',
        GIT_COMMITTER_EMAIL: 'demo@driftless.invalid',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      },
    },
  );
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${result.stderr || result.error?.message}`);
}

/**
 * The change the demo leaves uncommitted, so that the Changes view has something to show: production gets more CPU.
 * File, text before, text after.
 */
export const PENDING_CHANGE = { file: 'apps/overlays/production/deployment-patch.yaml', before: 'cpu: 100m', after: 'cpu: 250m' };

/**
 * A fresh copy of the sample repository at `target`, as a git repository with a few commits of history and, unless
 * `pending` is false (then writePendingChange later), one pending change (PENDING_CHANGE).
 */
export function prepareSampleRepo(target: string, options: { pending?: boolean; server?: string } = {}): void {
  rmSync(target, { recursive: true, force: true });
  cpSync(SAMPLE_REPO, target, { recursive: true });
  if (options.server) declareServer(join(target, '.driftless.yaml'), options.server);
  const day = Date.UTC(2026, 0, 5, 9, 30) / 1000;
  git(target, ['init', '--quiet'], `${day} +0000`);
  // Who the demo's commits and deploy records are by, unless git knows the user already.
  if (spawnSync('git', ['config', 'user.email'], { cwd: target }).status !== 0) {
    git(target, ['config', 'user.name', 'Driftless Demo'], `${day} +0000`);
    git(target, ['config', 'user.email', 'demo@driftless.invalid'], `${day} +0000`);
  }
  // The remote its Argo CD Applications and Flux sources name, so their paths are checked and linked as this repo's.
  git(target, ['remote', 'add', 'origin', 'https://github.com/example/driftless-sample-repo.git'], `${day} +0000`);
  HISTORY.forEach((step, i) => {
    const date = `${day + i * 86_400 * 2} +0000`;
    const paths = step.paths.filter((path) => existsSync(join(target, path)));
    if (i === HISTORY.length - 1) git(target, ['add', '--all'], date);
    else if (paths.length) git(target, ['add', '--', ...paths], date);
    git(target, ['commit', '--quiet', '--allow-empty', '-m', step.message], date);
  });
  if (options.pending !== false) writePendingChange(target);
}

/**
 * Each environment `.driftless.yaml` declares gets `cluster.server`, the demo cluster's address: a deploy checks that
 * its context reaches that API server (a protected environment cannot be deployed without it). Comments are kept.
 */
function declareServer(file: string, server: string): void {
  const document = parseDocument(readFileSync(file, 'utf8'));
  const environments = document.get('environments');
  if (!isSeq(environments)) return;
  environments.items.forEach((_, i) => document.setIn(['environments', i, 'cluster', 'server'], server));
  writeFileSync(file, document.toString());
}

/** The API server a kubeconfig's context reaches. */
function serverOf(kubeconfig: string, context: string): string | undefined {
  const config = parse(readFileSync(kubeconfig, 'utf8')) as {
    contexts?: { name: string; context?: { cluster?: string } }[];
    clusters?: { name: string; cluster?: { server?: string } }[];
  };
  const cluster = config.contexts?.find((c) => c.name === context)?.context?.cluster;
  return config.clusters?.find((c) => c.name === cluster)?.cluster?.server;
}

/** The demo's uncommitted edit (PENDING_CHANGE). */
export function writePendingChange(target: string): void {
  const pending = join(target, PENDING_CHANGE.file);
  writeFileSync(pending, readFileSync(pending, 'utf8').replace(PENDING_CHANGE.before, PENDING_CHANGE.after));
}

/**
 * User settings of the demo's VS Code: the kubectl and helm unpacked from the npm dev dependency, so rendering, the
 * Changes view and rendered findings work without tools on PATH (where that package has binaries for this platform).
 */
function renderToolSettings(): Record<string, string> {
  const tools = kubernetesTools();
  if ('missing' in tools) {
    say(`rendering uses kubectl and helm from PATH (${tools.missing})`);
    return {};
  }
  return { 'driftless.kubectlPath': tools.kubectl, 'driftless.helmPath': tools.helm };
}

/** This checkout as an installed extension: a link named as VS Code names installed extensions. */
export function linkExtension(extensionsDir: string): void {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  rmSync(extensionsDir, { recursive: true, force: true }); // Also its extensions.json, so that the link is scanned.
  mkdirSync(extensionsDir, { recursive: true });
  symlinkSync(REPO_ROOT, join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), 'dir');
}

function build(): void {
  say('building the extension (npm run build)');
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the build failed:\n${result.stdout}${result.stderr}`);
}

/** A cluster the demo delivers the sample repository to. */
export interface DemoCluster {
  kubeconfig: string;
  context: string;
}

/**
 * The test cluster for the demo, started (and built first if needed: the first build takes 5 to 15 minutes), stopped
 * when this process exits; or why there is none (no Go here).
 */
async function startDemoCluster(home: string): Promise<{ cluster: DemoCluster; stop: () => Promise<void> } | { why: string }> {
  const problem = goProblem();
  if (problem) return { why: problem };
  if (!existsSync(clusterBinary()))
    say('the test cluster is not built yet (or its sources changed): building it; the first build on a machine takes 5 to 15 minutes');
  const binary = await buildTestCluster(say);
  const logFile = join(home, 'cluster.log');
  say(`starting the test cluster: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, 3 simulated nodes (log: ${logFile})`);
  const started = await startTestClusterProcess(binary, { kubeconfig: join(home, 'kubeconfig'), logFile });
  // Ctrl+C ends this process; the cluster goes with it (SIGTERM on exit, and its stdin closes).
  started.unref();
  say(`cluster ready: Kubernetes ${started.kubernetesVersion} at ${started.server}`);
  return { cluster: { kubeconfig: started.kubeconfig, context: started.adminContext }, stop: () => started.stop() };
}

export interface DemoOptions {
  /** Default: 8080, or the first free port after it. A port given explicitly must be free. */
  port?: number;
  /** A folder to open instead of a fresh copy of the sample repository (used as it is). */
  folder?: string;
  /** Where the sample copy, the extensions folder and the user data live (default .cache/demo). */
  home?: string;
  /** Skip building the extension (the caller just built it). */
  skipBuild?: boolean;
  /**
   * The cluster to deliver the sample repository to, with its drift: one the caller runs, none (false), or by default
   * the test cluster, started here (unless Go is missing: then the demo says why and runs without one).
   */
  cluster?: DemoCluster | false;
  /** A local forge as the sample's origin (default true; not with --folder). */
  forge?: boolean;
}

export interface Demo {
  url: string;
  folder: string;
  server: CodeServerHandle;
  /** The cluster the sample repository was delivered to, or why there is none. */
  cluster: DemoCluster | { why: string };
  /** Stops code-server and the cluster started for the demo. */
  stop(): Promise<void>;
  /** The sample's origin, a forge on this machine, when one was made. */
  forge?: DemoForge;
  /** The test controllers playing Argo CD and Flux on the cluster, when there is one. */
  controllers?: DemoControllers;
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  let port: number;
  if (options.port !== undefined) {
    port = await freePort(options.port, 1).catch(() => {
      throw new Error(`port ${options.port} on 127.0.0.1 is in use; choose another with --port`);
    });
  } else {
    port = await freePort(DEFAULT_PORT);
  }
  if (!options.skipBuild) build();
  if (codeServerProblem()) {
    const { missing } = ensureSystemPackages(INSTALL_PACKAGES);
    if (missing.length) throw new Error(`code-server cannot be installed here without ${missing.join(', ')} (see above)`);
  }
  await ensureCodeServer();
  const home = options.home ?? join(CACHE_DIR, 'demo');
  mkdirSync(home, { recursive: true });
  let folder: string;
  let cluster: DemoCluster | { why: string } = { why: 'no cluster was asked for' };
  let stopCluster = (): Promise<void> => Promise.resolve();
  if (options.folder) {
    folder = resolve(options.folder);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Error(`--folder ${options.folder}: no such folder`);
  } else {
    folder = join(home, 'sample-repo');
    const started =
      options.cluster === false
        ? undefined
        : options.cluster
          ? { cluster: options.cluster, stop: () => Promise.resolve() }
          : await startDemoCluster(home);
    const running = started && !('why' in started) ? started : undefined;
    if (running) stopCluster = running.stop;
    const server = running && serverOf(running.cluster.kubeconfig, running.cluster.context);
    prepareSampleRepo(folder, { pending: false, ...(server ? { server } : {}) });
    say(`fresh copy of the sample repository, with git history: ${folder}`);
    if (started && 'why' in started) {
      say(`the demo runs without a cluster, so the Drift view has nothing to compare: ${started.why}`);
      cluster = started;
    } else if (running) {
      const tools = kubernetesTools();
      if ('missing' in tools) {
        cluster = { why: `kubectl and helm are not available here (${tools.missing})` };
        say(`the demo runs without drift: ${cluster.why}`);
      } else {
        say('delivering the production environments to the cluster, as Argo CD would, then drifting them by hand');
        const skipped = await deliverAndDrift(folder, running.cluster, tools, join(REPO_ROOT, 'dist', 'cli.js'), home);
        for (const line of skipped) say(`  not applied: ${line}`);
        cluster = running.cluster;
      }
    }
    // Left uncommitted after the delivery: the Changes view shows it, and the Drift view finds it too.
    writePendingChange(folder);
  }
  let forge: DemoForge | undefined;
  let controllers: DemoControllers | undefined;
  let stoppingAround: Promise<void> | undefined;
  const stopAround = () =>
    (stoppingAround ??= (async () => {
      await controllers?.stop();
      await forge?.stop();
    })());
  try {
    if (!options.folder && options.forge !== false) {
      forge = await attachDemoForge(folder, home);
      say(`the sample's origin is ${forge.label} at ${forge.url}`);
    }
    if (!options.folder && 'kubeconfig' in cluster) {
      // Argo CD and Flux, played by the test controllers, follow the repository the sample pushes to.
      const bare = forge?.bare ?? (await attachPlainRemote(folder, home));
      controllers = await startDemoControllers({ ...cluster, bare, logFile: join(home, 'controllers.log') });
      say(`the test controllers play Argo CD and Flux, rendering from ${bare} (log: ${controllers.logFile})`);
    }
  } catch (error) {
    await stopAround();
    await stopCluster();
    throw error;
  }
  const extensionsDir = join(home, 'extensions');
  linkExtension(extensionsDir);
  const userDataDir = join(home, 'user-data');
  rmSync(userDataDir, { recursive: true, force: true });
  const server = await startCodeServer({
    port,
    folder,
    extensionsDir,
    userDataDir,
    settings: { ...renderToolSettings(), ...forge?.settings },
    ...('kubeconfig' in cluster ? { machineSettings: { 'driftless.kubeconfig': cluster.kubeconfig } } : {}),
    logFile: join(home, 'code-server.log'),
    ...(forge ? { env: forge.env } : {}),
  }).catch(async (error: unknown) => {
    await stopAround();
    await stopCluster();
    throw error;
  });
  void server.exited.then(stopAround);
  const url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  return {
    url,
    folder,
    server,
    cluster,
    ...(forge ? { forge } : {}),
    ...(controllers ? { controllers } : {}),
    stop: async () => {
      await server.stop();
      await stopAround();
      await stopCluster();
    },
  };
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  if (at < 0) return undefined;
  const value = process.argv[at + 1];
  if (value === undefined || value.startsWith('--')) {
    console.error(`${name} needs a value`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const known = new Set(['--port', '--folder']);
  const flags = new Set(['--no-cluster']);
  const unknown = process.argv
    .slice(2)
    .filter((arg, i, all) => arg.startsWith('--') && !known.has(arg) && !flags.has(arg) && !known.has(all[i - 1] ?? ''));
  if (unknown.length) {
    console.error(`unknown option ${unknown.join(' ')}; usage: npm start -- [--port N] [--folder DIR] [--no-cluster]`);
    process.exit(2);
  }
  const portText = argument('--port');
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    console.error(`--port ${portText}: not a port number`);
    process.exit(2);
  }
  const folder = argument('--folder');
  const demo = await startDemo({
    ...(port !== undefined ? { port } : {}),
    ...(folder ? { folder } : {}),
    ...(process.argv.includes('--no-cluster') ? { cluster: false as const } : {}),
  });
  const shown = relative(REPO_ROOT, demo.folder);
  const sample = folder
    ? []
    : [
        '  sandbox/ holds the deliberate mistakes (one per file); the README of the sample repo lists them.',
        `  The Driftless sidebar lists the environments; its Changes view shows what the uncommitted edit of ${PENDING_CHANGE.file} does to them.`,
        ...('kubeconfig' in demo.cluster
          ? [
              `  Its Drift view compares the production environments with the test cluster (kubeconfig: ${demo.cluster.kubeconfig}), drifted by hand:`,
              ...DELIBERATE_DRIFT.map((line) => `    - ${line}`),
            ]
          : []),
        ...(demo.forge
          ? [
              `  Its origin is ${demo.forge.label} at ${demo.forge.url}${demo.forge.login ? ` (sign in as ${demo.forge.login.user} / ${demo.forge.login.password})` : ''}: "Driftless: Create Pull Request…" commits the pending edit, pushes it and opens the pull request there.`,
            ]
          : []),
      ];
  // What to try: the loop of deploy, drift and rollback, in one paragraph.
  const loop = demo.controllers
    ? [
        '',
        '  Try the whole loop: commit the edit ("Driftless: Commit…"), run "Driftless: Deploy environment…" and pick',
        '  frontend-production: the plan comes first, then you type its name (it is protected); the commit is pushed to',
        '  origin, Argo CD (played by a test controller) syncs it, and the Drift view goes to zero for it. "Driftless: Roll',
        '  back environment…" restores an earlier revision by a new commit on origin/main (git pull brings it here).',
      ]
    : [];
  process.stdout.write(
    [
      '',
      `  Driftless in VS Code (code-server), with ${isAbsolute(shown) || shown.startsWith('..') ? demo.folder : shown} open:`,
      '',
      `      ${demo.url}`,
      '',
      ...sample,
      ...loop,
      '',
      `  code-server's log: ${demo.server.logFile}${demo.controllers ? `; the test controllers': ${demo.controllers.logFile}` : ''}`,
      '  Ctrl+C stops it.',
      '',
    ].join('\n'),
  );
  // Ctrl+C stops code-server (scripts/code-server.ts); if it ends by itself, say so and end too.
  const how = await demo.server.exited;
  if (demo.server.stopping) return;
  console.error(`code-server ${how}; its log:\n${demo.server.logTail()}`);
  process.exit(1);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
