// Measures `driftless drift` against `kubectl diff --server-side` (the bundled kubectl) on the test cluster's real API
// server: one environment of 1,000 objects in two namespaces (ConfigMaps, Secrets, Services, ServiceAccounts,
// Deployments, Roles, RoleBindings) applied with kubectl server-side, 20 of them then changed by hand. Both compare
// the same objects; figures: wall time to a complete report, requests sent (DRIFTLESS_REQUEST_LOG; kubectl -v=6), and
// peak memory (/usr/bin/time). `npm run bench -- --only drift`.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { goProblem } from '../../scripts/test-cluster';
import { startTestCluster, type TestCluster } from '../helpers/test-cluster';
import { median } from './statistics';

export const DRIFT_OBJECTS = 1000;
const DRIFTED = 20;
const NAMESPACES = ['bench-drift-a', 'bench-drift-b'];
const RUN_TIMEOUT_MS = 15 * 60_000;

export interface DriftToolFigures {
  wallMs: number[];
  requests: number;
  /** Requests by method: GET (discovery, LISTs, GETs of objects), PATCH (dry runs). */
  requestsByMethod: Record<string, number>;
  peakRssMb: number | null;
  exitCode: number | null;
}

export interface DriftFigures {
  objects: number;
  drifted: number;
  /** What Driftless reported, to show both compared the same. */
  summary: Record<string, number>;
  driftless: DriftToolFigures;
  kubectl: DriftToolFigures;
  /** kubectl's median time over Driftless's. */
  speedup: number;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  peakRssMb: number | null;
}

/** Runs a command under /usr/bin/time (when there) for its peak memory. */
function timed(command: string, args: string[], options: { cwd?: string; env: Record<string, string>; input?: string }): Promise<Run> {
  const gnuTime = existsSync('/usr/bin/time');
  const [program, programArgs] = gnuTime ? ['/usr/bin/time', ['-f', 'DRIFTLESS-BENCH-MAXRSS %M', command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(program, programArgs, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const rss = /DRIFTLESS-BENCH-MAXRSS (\d+)\s*$/.exec(stderr);
      resolve({
        code,
        stdout,
        stderr: stderr.replace(/DRIFTLESS-BENCH-MAXRSS \d+\s*$/, ''),
        wallMs,
        peakRssMb: rss ? Number(rss[1]) / 1024 : null,
      });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The environment's objects, spread over two namespaces. */
export function environmentObjects(): object[] {
  const objects: object[] = [];
  const kinds: [number, (name: string, namespace: string) => object][] = [
    [
      300,
      (name, namespace) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { level: '1', mode: 'bench' } }),
    ],
    [
      100,
      (name, namespace) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData: { password: `bench-${name}` } }),
    ],
    [
      150,
      (name, namespace) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace },
        spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
      }),
    ],
    [150, (name, namespace) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } })],
    [
      150,
      (name, namespace) => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: {
              containers: [
                {
                  name: 'app',
                  image: 'nginx:1.27',
                  ports: [{ containerPort: 8080 }],
                  resources: { limits: { cpu: '250m', memory: '128Mi' } },
                },
              ],
            },
          },
        },
      }),
    ],
    [
      75,
      (name, namespace) => ({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name, namespace },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
      }),
    ],
    [
      75,
      (name, namespace) => ({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name, namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name, namespace }],
      }),
    ],
  ];
  for (const [count, make] of kinds)
    for (let i = 0; i < count; i++) {
      const object = make(`bench-${i}`, NAMESPACES[i % NAMESPACES.length]!) as { metadata: Record<string, unknown> };
      object.metadata.labels = { 'app.kubernetes.io/part-of': 'bench' };
      objects.push(object);
    }
  return objects;
}

function countRequests(lines: string[]): { total: number; byMethod: Record<string, number> } {
  const byMethod: Record<string, number> = {};
  for (const line of lines) {
    const method = /^(GET|PATCH|POST|PUT|DELETE)\b/.exec(line)?.[1];
    if (method) byMethod[method] = (byMethod[method] ?? 0) + 1;
  }
  return { total: Object.values(byMethod).reduce((sum, count) => sum + count, 0), byMethod };
}

export async function measureDrift(
  cliPath: string,
  repetitions: number,
  log: (line: string) => void,
): Promise<DriftFigures | { skipped: string }> {
  const tools = kubernetesTools();
  if ('missing' in tools) return { skipped: tools.missing };
  const problem = goProblem();
  if (problem) return { skipped: `no test cluster: ${problem}` };
  const root = mkdtempSync(join(tmpdir(), 'driftless-bench-drift-'));
  let cluster: TestCluster | undefined;
  try {
    log('  starting the test cluster (built first if needed)...');
    cluster = await startTestCluster();
    const repo = join(root, 'repo');
    const home = join(root, 'home');
    mkdirSync(join(repo, 'environment'), { recursive: true });
    mkdirSync(home);
    const objects = environmentObjects();
    const manifests = objects.map((object) => stringify(object)).join('---\n');
    writeFileSync(join(repo, 'environment', 'objects.yaml'), manifests);
    writeFileSync(
      join(repo, '.driftless.yaml'),
      stringify({ environments: [{ name: 'bench', source: { directory: 'environment' }, cluster: { context: cluster.adminContext } }] }),
    );
    const env = { PATH: process.env.PATH ?? '', HOME: home };
    const kubectl = (args: string[], input?: string) =>
      timed(tools.kubectl, ['--kubeconfig', cluster!.kubeconfigPath, '--context', cluster!.adminContext, ...args], {
        env,
        ...(input !== undefined ? { input } : {}),
      });
    const ok = async (args: string[], input?: string) => {
      const result = await kubectl(args, input);
      if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
      return result;
    };
    for (const namespace of NAMESPACES) await ok(['create', 'namespace', namespace]);
    log(`  applying ${objects.length} objects with kubectl apply --server-side...`);
    const parts = 4;
    const documents = manifests.split('---\n');
    await Promise.all(
      Array.from({ length: parts }, (_, part) =>
        ok(['apply', '--server-side', '-f', '-'], documents.filter((_, i) => i % parts === part).join('---\n')),
      ),
    );
    log(`  changing ${DRIFTED} of them by hand (kubectl patch, set image)...`);
    for (let i = 0; i < DRIFTED / 2; i++) {
      await ok(['patch', '-n', NAMESPACES[i % 2]!, 'configmap', `bench-${i}`, '-p', '{"data":{"level":"2"}}']);
      await ok(['set', 'image', '-n', NAMESPACES[i % 2]!, `deployment/bench-${i}`, 'app=nginx:1.28-hotfix']);
    }

    const driftlessRun = (extraEnv: Record<string, string> = {}) =>
      timed(
        process.execPath,
        [cliPath, 'drift', '--format', 'json', '--env', 'bench', '--kubeconfig', cluster!.kubeconfigPath, '--kubectl', tools.kubectl],
        {
          cwd: repo,
          env: { ...env, ...extraEnv },
        },
      );
    const kubectlDiff = (verbose: boolean) =>
      kubectl([
        'diff',
        '--server-side',
        '--force-conflicts',
        ...(verbose ? ['-v=6'] : []),
        '-f',
        join(repo, 'environment', 'objects.yaml'),
      ]);

    log('  driftless drift: one run to warm its code cache, then the measured runs...');
    const warm = await driftlessRun();
    if (warm.code !== 1) throw new Error(`driftless drift exited ${warm.code}: ${warm.stderr.slice(-2000)}`);
    const summary = (JSON.parse(warm.stdout) as { summary: Record<string, number> }).summary;
    const ours: Run[] = [];
    // A few more of its own (seconds each, where kubectl's take many): a steadier median on a busy machine.
    for (let i = 0; i < (repetitions > 1 ? repetitions + 2 : 1); i++) ours.push(await driftlessRun());
    const requestLog = join(root, 'driftless-requests.log');
    await driftlessRun({ DRIFTLESS_REQUEST_LOG: requestLog });
    const ourRequests = countRequests(readFileSync(requestLog, 'utf8').trim().split('\n'));

    log('  kubectl diff --server-side: one run to fill its discovery cache, then the measured runs...');
    const kubectlWarm = await kubectlDiff(false);
    if (kubectlWarm.code !== 1) throw new Error(`kubectl diff exited ${kubectlWarm.code}: ${kubectlWarm.stderr.slice(-2000)}`);
    const theirs: Run[] = [];
    for (let i = 0; i < repetitions; i++) theirs.push(await kubectlDiff(false));
    const verbose = await kubectlDiff(true);
    const theirRequests = countRequests(
      verbose.stderr
        .split('\n')
        .map((line) => /\] (GET|PATCH|POST|PUT|DELETE) https?:\/\//.exec(line)?.[1] ?? '')
        .filter(Boolean),
    );

    const figures = (runs: Run[], requests: { total: number; byMethod: Record<string, number> }): DriftToolFigures => ({
      wallMs: runs.map((run) => run.wallMs),
      requests: requests.total,
      requestsByMethod: requests.byMethod,
      peakRssMb: runs.every((run) => run.peakRssMb !== null) ? Math.max(...runs.map((run) => run.peakRssMb!)) : null,
      exitCode: runs[0]?.code ?? null,
    });
    const driftless = figures(ours, ourRequests);
    const kubectlFigures = figures(theirs, theirRequests);
    return {
      objects: objects.length,
      drifted: DRIFTED,
      summary,
      driftless,
      kubectl: kubectlFigures,
      speedup: median(kubectlFigures.wallMs) / median(driftless.wallMs),
    };
  } finally {
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

export function formatDrift(figures: DriftFigures | { skipped: string }): string {
  if ('skipped' in figures) return `Drift: not measured: ${figures.skipped}`;
  const seconds = (values: number[]) => `${(median(values) / 1000).toFixed(2)} s`;
  const memory = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)} MB`);
  const methods = (byMethod: Record<string, number>) =>
    Object.entries(byMethod)
      .map(([method, count]) => `${count} ${method}`)
      .join(', ');
  const { driftless, kubectl } = figures;
  return [
    `Drift: ${figures.objects} objects on the test cluster's API server, ${figures.drifted} changed by hand (Driftless found ${JSON.stringify(figures.summary)})`,
    `  driftless drift                 ${seconds(driftless.wallMs)} (median of ${driftless.wallMs.length}), ${driftless.requests} requests (${methods(driftless.requestsByMethod)}), peak ${memory(driftless.peakRssMb)}`,
    `  kubectl diff --server-side      ${seconds(kubectl.wallMs)} (median of ${kubectl.wallMs.length}), ${kubectl.requests} requests (${methods(kubectl.requestsByMethod)}), peak ${memory(kubectl.peakRssMb)}`,
    `  Driftless is ${figures.speedup.toFixed(1)}x faster (target: >= 5x): ${figures.speedup >= 5 ? 'met' : 'NOT met'}`,
  ].join('\n');
}
