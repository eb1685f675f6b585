// A commit-mode deploy and rollback of the sample's Flux Kustomization (`apps`) through the CLI, against the real API
// server and Flux's REAL source-controller and kustomize-controller (built from the Go module proxy by
// scripts/flux-controllers.ts) instead of the Flux test controller: the GitRepository fetches the GitHub stand-in's
// repository over smart HTTP (`git http-backend`), source-controller serves the artifact, kustomize-controller applies
// it. Skipped, with the build's reason, where the controllers cannot be built (no Go, a module the proxy refuses).
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { buildFluxControllers, type FluxControllerBinaries } from '../../scripts/flux-controllers';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { gitAsync } from '../delivery/repositories';
import { REPO_ROOT } from '../helpers/engine';
import { skipWithReason } from '../helpers/skips';
import { testClusterOrSkip } from '../helpers/test-cluster';
import { temporaryFolder } from '../helpers/temporary-folders';
import { DeployWorkbench } from './deploy-workbench';

const FLUX = 'apps';
const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

/** A port free on 127.0.0.1 now (the controllers' flags need addresses before they start). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface RunningController {
  name: string;
  process: ChildProcess;
  log: string;
  exited: Promise<void>;
}

/** A controller as a child process, its output in `log`, with an allow-listed environment. */
function startController(name: string, binary: string, args: string[], env: Record<string, string>, log: string): RunningController {
  const out = openSync(log, 'w');
  const child = spawn(binary, args, { stdio: ['ignore', out, out], env });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { name, process: child, log, exited };
}

/** SIGTERM, then SIGKILL if it has not exited after 10 s. */
async function stopController(controller: RunningController): Promise<void> {
  if (controller.process.exitCode !== null || controller.process.signalCode !== null) return;
  controller.process.kill('SIGTERM');
  const timer = setTimeout(() => controller.process.kill('SIGKILL'), 10_000);
  await controller.exited;
  clearTimeout(timer);
}

function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

describe('deploy and roll back a Flux Kustomization with the real source-controller and kustomize-controller', function () {
  this.timeout(10 * 60_000);
  let bench: DeployWorkbench | undefined;
  let binaries: FluxControllerBinaries;
  const controllers: RunningController[] = [];
  let start: string;

  const logs = (): string => controllers.map((c) => `--- ${c.name}:\n${tail(c.log)}`).join('\n');
  const level = async (): Promise<{ value?: string; managers: string[] }> => {
    const maps = await bench!.json(['get', 'configmaps', '-n', bench!.namespaces.staging, '--show-managed-fields']);
    const map = (maps.items as { metadata: { name: string; managedFields?: { manager: string }[] }; data?: Record<string, string> }[]).find(
      (m) => m.metadata.name.startsWith('frontend-config'),
    );
    return { value: map?.data?.PODINFO_LEVEL, managers: (map?.metadata.managedFields ?? []).map((f) => f.manager) };
  };
  const annotationsOf = async (kind: string, name: string): Promise<Record<string, string>> =>
    ((await bench!.json(['get', kind, name, '-n', bench!.namespaces.flux])).metadata as { annotations?: Record<string, string> })
      .annotations ?? {};
  const kustomizationStatus = async () =>
    (await bench!.json(['get', 'kustomization', FLUX, '-n', bench!.namespaces.flux])).status as
      | { conditions?: { type: string; status: string; message?: string }[]; lastAppliedRevision?: string; lastHandledReconcileAt?: string }
      | undefined;

  before(async function () {
    // A first build of the controllers takes minutes (scripts/flux-controllers.ts has its own timeout).
    this.timeout(45 * 60_000);
    if ('missing' in kubernetesTools()) skipWithReason(this, `no kubectl here: ${(kubernetesTools() as { missing: string }).missing}`);
    const built = await buildFluxControllers((message) => console.log(`      ${message}`));
    if ('problem' in built) skipWithReason(this, `Flux's controllers could not be built: ${built.problem}`);
    binaries = built;
    const cluster = await testClusterOrSkip(this);
    bench = await DeployWorkbench.create(cluster, `frc${process.pid}`);
    await bench.bootstrap({ testControllers: false });

    // The controllers watch the suite's Flux namespace only (RUNTIME_NAMESPACE), so no other suite's objects get
    // their finalizers.
    const folder = temporaryFolder('driftless-flux-controllers-');
    mkdirSync(join(folder, 'storage'));
    const [storage, sourceMetrics, sourceHealth, kustomizeMetrics, kustomizeHealth] = await Promise.all(
      Array.from({ length: 5 }, () => freePort()),
    );
    const env = (home: string): Record<string, string> => {
      mkdirSync(home, { recursive: true });
      return {
        PATH: process.env.PATH ?? '',
        HOME: home,
        TMPDIR: home,
        KUBECONFIG: bench!.kubeconfig,
        RUNTIME_NAMESPACE: bench!.namespaces.flux,
      };
    };
    const common = ['--watch-all-namespaces=false', '--enable-leader-election=false', '--log-level=debug'];
    controllers.push(
      startController(
        'source-controller',
        binaries.sourceController,
        [
          ...common,
          `--storage-path=${join(folder, 'storage')}`,
          `--storage-addr=127.0.0.1:${storage}`,
          `--storage-adv-addr=127.0.0.1:${storage}`,
          `--metrics-addr=127.0.0.1:${sourceMetrics}`,
          `--health-addr=127.0.0.1:${sourceHealth}`,
        ],
        env(join(folder, 'source-home')),
        join(folder, 'source-controller.log'),
      ),
      startController(
        'kustomize-controller',
        binaries.kustomizeController,
        [...common, `--metrics-addr=127.0.0.1:${kustomizeMetrics}`, `--health-addr=127.0.0.1:${kustomizeHealth}`],
        env(join(folder, 'kustomize-home')),
        join(folder, 'kustomize-controller.log'),
      ),
    );

    // The sample's GitRepository, pointed at the stand-in's repository over HTTP (no deploy key: reads are anonymous).
    const [repository] = parseAllDocuments(
      bench.controllerObjects('clusters/staging/flux-system/gotk-sync.yaml', (o) => o.kind === 'GitRepository'),
    ).map((d) => d.toJS() as { spec: Record<string, unknown> });
    repository!.spec.url = `${bench.forge.url}/acme/fleet.git`;
    delete repository!.spec.secretRef;
    // Never on its own during the test: a new revision is fetched only because the deploy asked for it.
    repository!.spec.interval = '1h';
    await bench.apply(stringify(repository));
    await bench.apply(bench.controllerObjects('clusters/staging/apps.yaml', () => true));
    await bench
      .waitFor(
        'the Kustomization to be Ready',
        async () => {
          const gone = controllers.find((c) => c.process.exitCode !== null || c.process.signalCode !== null);
          if (gone) throw new Error(`${gone.name} exited (${gone.process.exitCode ?? gone.process.signalCode})`);
          const status = await kustomizationStatus();
          return status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? status.lastAppliedRevision : undefined;
        },
        180_000,
      )
      .catch((error: Error) => {
        throw new Error(`${error.message}\n${logs()}`);
      });
    start = (await bench.git('rev-parse', 'HEAD')).trim();
  });

  after(async function () {
    if (bench) {
      // The Flux objects go while their controllers run, so their finalizers are removed and the namespaces can go.
      await bench
        .kubectl(['delete', 'kustomization,gitrepository', '--all', '-n', bench.namespaces.flux, '--timeout=60s'])
        .catch(() => undefined);
    }
    await Promise.all(controllers.map(stopController));
    // Their logs, to read after a failure (test-results/ is the run's, not committed); the temporary folder goes.
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    for (const controller of controllers) copyFileSync(controller.log, join(REPO_ROOT, 'test-results', `flux-${controller.name}.log`));
    await bench?.cleanup();
  });

  it('deploys in commit mode: pushed, the source then the Kustomization reconciled by the real controllers, Ready at the revision', async function () {
    const change = await bench!.commit(
      'apps/overlays/staging/kustomization.yaml',
      (text) => text.replace('PODINFO_LEVEL=debug', 'PODINFO_LEVEL=info'),
      'frontend: less logging in staging',
    );
    const run = await bench!.cli(['deploy', '--env', FLUX, '--mode', 'commit', '--format', 'json', '--timeout', '180']);
    assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}\n${logs()}`);
    const result = JSON.parse(run.stdout) as {
      outcome: string;
      push?: { commit: string };
      controller?: { ready?: string; revision?: string };
    };
    assert.equal(result.outcome, 'succeeded', run.stdout);
    assert.equal(result.push?.commit, change);
    assert.equal((await gitAsync(bench!.bare, 'rev-parse', 'main')).trim(), change);
    assert.equal(result.controller?.ready, 'True', run.stdout);
    assert.equal(result.controller?.revision, `main@sha1:${change}`);
    const status = await kustomizationStatus();
    assert.equal(status?.lastAppliedRevision, `main@sha1:${change}`);
    const configMap = await level();
    assert.equal(configMap.value, 'info');
    assert.ok(configMap.managers.includes('kustomize-controller'), `managers: ${configMap.managers.join(', ')}`);
    // Driftless asked both to reconcile, and kustomize-controller says it handled that very request.
    const requested = (await annotationsOf('kustomization', FLUX))[REQUESTED_AT];
    assert.ok(requested, 'the Kustomization carries requestedAt');
    assert.equal(status?.lastHandledReconcileAt, requested);
    assert.ok((await annotationsOf('gitrepository', 'flux-system'))[REQUESTED_AT], 'the GitRepository carries requestedAt');
  });

  it('rolls back with a new commit pushed to the branch; the real controllers apply it', async function () {
    const run = await bench!.cli(['rollback', '--env', FLUX, '--to', start, '--format', 'json']);
    assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}\n${logs()}`);
    const result = JSON.parse(run.stdout) as {
      outcome: string;
      commits: { commit: string }[];
      controller?: { ready?: string; revision?: string };
    };
    assert.equal(result.outcome, 'succeeded', run.stdout);
    assert.equal(result.commits.length, 1);
    const rollback = result.commits[0]!.commit;
    assert.equal((await gitAsync(bench!.bare, 'rev-parse', 'main')).trim(), rollback);
    assert.equal(result.controller?.ready, 'True');
    assert.equal(result.controller?.revision, `main@sha1:${rollback}`);
    assert.equal((await level()).value, 'debug');
  });
});
