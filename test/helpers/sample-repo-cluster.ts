// The sample repository delivered to the test cluster, then drifted, for `npm start` and the VS Code checks: its three
// production environments (Argo CD Applications to the in-cluster destination) rendered with the built CLI and
// applied as Argo CD applies them — server-side with its field manager, each object carrying Argo CD's tracking
// annotation — and the Applications themselves with the status Argo CD would report (no Argo CD runs here: that
// status is written by this stand-in, as the controller would write it). Then the deliberate drift: the backend
// scaled by hand, a hotfix image set on the frontend, the frontend's Service deleted (only in git), and a ConfigMap
// with the backend's tracking annotation created by hand (only in the cluster). The frontend's drift is all of a kind
// a sync undoes (the demo's deploy brings it to zero); the backend's extra object would need a prune.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export interface SampleCluster {
  kubeconfig: string;
  context: string;
}

export interface SampleTools {
  kubectl: string;
  helm: string;
}

/** The environments the demo delivers, with the namespace their Application puts objects without one in. */
export const DELIVERED = [
  { environment: 'frontend-production', namespace: 'shop-production' },
  { environment: 'backend-production', namespace: 'shop-production' },
  { environment: 'infrastructure-production', namespace: 'default' },
] as const;

/** The drift the demo makes, as the Drift view shows it. */
export const DELIBERATE_DRIFT = [
  'backend-production: Deployment backend scaled from 3 to 5 replicas (kubectl scale)',
  'frontend-production: Deployment frontend given a hotfix image (kubectl set image)',
  'frontend-production: Service frontend deleted from the cluster (missing: only in git)',
  'backend-production: ConfigMap backend-feature-flags created by hand with its tracking annotation (extra: only in the cluster)',
];

type Run = (command: string, args: string[], input?: string) => Promise<string>;

function runner(env: NodeJS.ProcessEnv, cwd: string): Run {
  return (command, args, input) =>
    new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}): ${stderr.trim()}`)),
      );
      // A command that ends before reading its input has said why on stderr.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input);
    });
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Argo CD's tracking annotation, as its annotation tracking writes it: `<app>:<group>/<kind>:<namespace>/<name>`. */
function trackingId(application: string, object: Json, namespace: string): string {
  const apiVersion = String(object.apiVersion);
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  return `${application}:${group}/${String(object.kind)}:${typeof metadata.namespace === 'string' ? metadata.namespace : namespace}/${String(metadata.name)}`;
}

/** kubectl on the cluster, as a promise of its output (the cluster may be this process's child: nothing blocks). */
export type Kubectl = (args: string[], input?: string) => Promise<string>;

export function kubectlOn(cluster: SampleCluster, kubectlPath: string, home: string, cwd: string): Kubectl {
  const run = runner({ PATH: process.env.PATH ?? '', HOME: home }, cwd);
  return (args, input) => run(kubectlPath, ['--kubeconfig', cluster.kubeconfig, '--context', cluster.context, ...args], input);
}

/**
 * Applies rendered objects as Argo CD applies an Application's: server-side with its field manager, each object with
 * the tracking annotation naming it; CustomResourceDefinitions first, Established before the rest. Returns the objects
 * whose kind the cluster does not serve, in words (they are left out).
 */
export async function applyAsArgoCd(kubectl: Kubectl, application: string, namespace: string, rendered: string): Promise<string[]> {
  const skipped: string[] = [];
  const objects = parseAllDocuments(rendered)
    .map((document) => document.toJSON() as unknown)
    .filter(isRecord);
  const ordered = [
    ...objects.filter((o) => o.kind === 'CustomResourceDefinition'),
    ...objects.filter((o) => o.kind !== 'CustomResourceDefinition'),
  ];
  for (const object of ordered) {
    const metadata = isRecord(object.metadata) ? object.metadata : (object.metadata = {});
    metadata.annotations = {
      ...(isRecord(metadata.annotations) ? metadata.annotations : {}),
      'argocd.argoproj.io/tracking-id': trackingId(application, object, namespace),
    };
    try {
      await kubectl(
        ['apply', '--server-side', '--force-conflicts', '--field-manager', 'argocd-controller', '-n', namespace, '-f', '-'],
        JSON.stringify(object),
      );
    } catch (error) {
      // A kind whose CustomResourceDefinition this cluster lacks (cert-manager's, the Prometheus operator's).
      if (!/no matches for kind|ensure CRDs are installed/.test(String(error))) throw error;
      skipped.push(`${application}: ${String(object.kind)} ${String(metadata.name)} (its CustomResourceDefinition is not installed)`);
    }
    if (object.kind === 'CustomResourceDefinition')
      await kubectl(['wait', '--for', 'condition=Established', '--timeout=60s', `customresourcedefinition/${String(metadata.name)}`]);
  }
  return skipped;
}

/** An object made by hand that carries an Argo CD Application's tracking annotation: only in the cluster (extra). */
export function leftBehind(application: string, object: Json): Json {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  return {
    ...object,
    metadata: {
      ...metadata,
      annotations: { 'argocd.argoproj.io/tracking-id': trackingId(application, object, String(metadata.namespace)) },
    },
  };
}

/**
 * Delivers the repository at `repo` (a git checkout of the sample repository, before its pending edit) to the cluster
 * and makes the deliberate drift. `cli` is the built dist/cli.js. Returns what it could not apply (kinds the cluster
 * does not serve), in words.
 */
export async function deliverAndDrift(
  repo: string,
  cluster: SampleCluster,
  tools: SampleTools,
  cli: string,
  home: string,
): Promise<string[]> {
  const run = runner({ PATH: process.env.PATH ?? '', HOME: home, DRIFTLESS_NO_CODE_CACHE: '1' }, repo);
  const kubectl = kubectlOn(cluster, tools.kubectl, home, repo);
  const revision = (await run('git', ['rev-parse', 'HEAD'])).trim();
  const skipped: string[] = [];
  // Applied, not created: a cluster the demo delivered to before (DRIFTLESS_TEST_KUBECONFIG's) has them already.
  for (const namespace of ['argocd', 'shop-production'])
    await kubectl(
      ['apply', '--server-side', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }),
    );
  for (const { environment, namespace } of DELIVERED) {
    const rendered = await run(process.execPath, [cli, 'render', environment, '--kubectl', tools.kubectl, '--helm', tools.helm]);
    skipped.push(...(await applyAsArgoCd(kubectl, environment, namespace, rendered)));
  }

  // The deliberate drift.
  await kubectl(['-n', 'shop-production', 'scale', 'deployment', 'backend', '--replicas=5']);
  await kubectl(['-n', 'shop-production', 'set', 'image', 'deployment/frontend', 'frontend=ghcr.io/stefanprodan/podinfo:6.7.2-hotfix']);
  await kubectl(['-n', 'shop-production', 'delete', 'service', 'frontend']);
  const flags = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'backend-feature-flags', namespace: 'shop-production' },
    data: { checkout: 'v2' },
  };
  await kubectl(
    ['apply', '--server-side', '--field-manager', 'kubectl-create', '-f', '-'],
    JSON.stringify(leftBehind('backend-production', flags)),
  );

  // The Applications as Argo CD keeps them, with the status it would report now (this stand-in writes it).
  const applications = ['frontend-production', 'backend-production'].map(
    (name) => parse(readFileSync(join(repo, 'argocd', `${name}.yaml`), 'utf8')) as Json,
  );
  const generated = parse(readFileSync(join(repo, 'argocd', 'infrastructure-appset.yaml'), 'utf8')) as Json;
  const template = isRecord(generated.spec) && isRecord(generated.spec.template) ? generated.spec.template : {};
  applications.push({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'infrastructure-production', namespace: 'argocd' },
    spec: {
      ...(isRecord(template.spec) ? template.spec : {}),
      destination: { server: 'https://kubernetes.default.svc', namespace: 'default' },
    },
  });
  const statuses: Record<string, Json> = {
    'frontend-production': { sync: { status: 'OutOfSync', revision }, health: { status: 'Healthy' } },
    'backend-production': { sync: { status: 'OutOfSync', revision }, health: { status: 'Healthy' } },
    'infrastructure-production': {
      sync: { status: 'OutOfSync', revision },
      health: { status: 'Missing', message: 'the cluster has no ClusterIssuer or ServiceMonitor kind' },
    },
  };
  // Its history: the revision delivered above (a deploy's History pick lists it; a rollback can go back to it).
  const deployedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  for (const application of applications) {
    const name = String((application.metadata as Json).name);
    const source = isRecord(application.spec) ? application.spec.source : undefined;
    const history = [{ id: 0, revision, source, deployedAt, deployStartedAt: deployedAt, initiatedBy: { automated: true } }];
    await kubectl(
      ['apply', '--server-side', '--field-manager', 'argocd-application-controller', '-f', '-'],
      JSON.stringify({ ...application, status: { ...statuses[name], history } }),
    );
  }
  return skipped;
}
