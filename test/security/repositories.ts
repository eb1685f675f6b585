// The hostile repositories: one per class of attack the untrusted-repositories issue names (code execution through a
// tool's command line, files outside the repository, the network, Secret values), with variants. Each declares its
// environments and what every one must come to: refused before any tool runs ("refused"), or rendered without the
// network ("needs-network"), or rendered ("renders") — never with the payload run, the canary read or a connection
// made. A payload would `touch` the instruments' marker; URLs point at the instruments' listener.
import type { Instruments } from './hostile';

export type Outcome = 'refused' | 'needs-network' | 'renders';

export interface HostileRepository {
  /** The class of the issue it belongs to, and what it tries. */
  name: string;
  files: Record<string, string>;
  /** Environment name -> what rendering it must come to. */
  environments: Record<string, Outcome>;
  /** A file the language server's background renders put a finding on (opened, the finding awaited). */
  watch?: { file: string; rule: 'render-failed' | 'render-unavailable' };
  /** Environments whose render `validate --rendered` leaves out (an Argo CD folder of plain manifests: validated as written). */
  validatedAsWritten?: string[];
  /** A git remote: Argo CD Applications and Flux sources deliver from the repository whose remote they name. */
  remote?: string;
  /** Symbolic links (path in the repository -> target), committed with the files. */
  links?: Record<string, string>;
}

const REMOTE = 'https://example.com/acme/fleet.git';

/** A chart whose output, piped into a shell by a post-renderer, creates the marker. */
function payloadChart(folder: string, marker: string): Record<string, string> {
  return {
    [`${folder}/Chart.yaml`]: 'apiVersion: v2\nname: x\nversion: 0.1.0\n',
    [`${folder}/values.yaml`]: 'x: 1\n',
    [`${folder}/templates/cm.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: payload}\ndata:\n  x: ;touch ${marker}\n`,
  };
}

/** What makes helm pipe the rendered chart into a shell: the chart's `x: ;touch <marker>` line then runs. */
const FLAG = (_: Instruments) => '--post-renderer=/bin/sh';

function argoApplication(name: string, source: string): string {
  return (
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: ${name}, namespace: argocd}\n` +
    `spec:\n  project: default\n  destination: {server: https://kubernetes.default.svc, namespace: ${name}}\n` +
    `  source:\n    repoURL: ${REMOTE}\n    targetRevision: main\n${source.replace(/^/gm, '    ')}\n`
  );
}

const FLUX_SOURCE =
  'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: flux-system, namespace: flux-system}\n' +
  `spec: {url: ${REMOTE}, ref: {branch: main}}\n`;

function fluxKustomization(name: string, path: string): string {
  return (
    `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: flux-system}\n` +
    `spec: {interval: 10m, path: ${path}, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n`
  );
}

/** The repositories' names, known before the instruments are (mocha names its tests first); checked against them. */
export const HOSTILE_NAMES = [
  'code execution: helm flags in a kustomization’s helmCharts and generators',
  'code execution: helm flags from Argo CD, Flux and .driftless.yaml',
  'the environment: a generator’s env file asks for a variable kustomize would read from the environment',
  'files outside: .driftless.yaml sources, absolute and relative resources, generator files, Flux builds',
  'files outside: Argo CD paths, value files, file parameters and patches (CVE-2022-24348’s class)',
  'files outside: symbolic links out of the repository (a folder render, helm’s .Files.Get, a kustomize resource)',
  'network: remote resources, components and bases, URLs as generator sources, remote charts and values',
];

export function hostileRepositories(i: Instruments): HostileRepository[] {
  const url = i.url;
  /** The instruments' outside folder, relative to a folder `depth` levels into a repository (repos/<name>/...). */
  const outside = (depth: number) => `${'../'.repeat(depth + 2)}outside`;
  return [
    {
      name: 'code execution: helm flags in a kustomization’s helmCharts and generators',
      files: {
        // kustomize's load restrictor confines each kustomization to its folder: every one carries its chart.
        ...Object.fromEntries(
          ['release', 'namespace', 'kube-version', 'api-versions', 'name-template', 'generators', 'inline-generator', 'fine'].flatMap((f) =>
            Object.entries(payloadChart(`${f}/charts/x`, i.marker)),
          ),
        ),
        'release/kustomization.yaml': `helmCharts:\n  - name: x\n    releaseName: ${JSON.stringify(FLAG(i))}\n`,
        'namespace/kustomization.yaml': `helmCharts:\n  - name: x\n    releaseName: ok\n    namespace: ${JSON.stringify(FLAG(i))}\n`,
        'kube-version/kustomization.yaml': `helmCharts:\n  - name: x\n    releaseName: ok\n    kubeVersion: ${JSON.stringify(FLAG(i))}\n`,
        'api-versions/kustomization.yaml': `helmCharts:\n  - name: x\n    releaseName: ok\n    apiVersions: [${JSON.stringify(FLAG(i))}]\n`,
        'name-template/kustomization.yaml': `helmCharts:\n  - name: x\n    nameTemplate: '{{ env "DRIFTLESS_TEST_CI_TOKEN" }}'\n`,
        'generators/kustomization.yaml': 'generators: [generator.yaml]\n',
        'generators/generator.yaml':
          'apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata: {name: x}\nname: x\n' +
          `releaseName: ${JSON.stringify(FLAG(i))}\n`,
        'inline-generator/kustomization.yaml':
          'generators:\n  - |\n    apiVersion: builtin\n    kind: HelmChartInflationGenerator\n    metadata: {name: x}\n    name: x\n' +
          `    releaseName: ${JSON.stringify(FLAG(i))}\n`,
        // A harmless chart next to them renders: the checks refuse values, not helm.
        'fine/kustomization.yaml': 'helmCharts:\n  - name: x\n    releaseName: fine\n',
      },
      watch: { file: 'release/kustomization.yaml', rule: 'render-failed' },
      environments: {
        release: 'refused',
        namespace: 'refused',
        'kube-version': 'refused',
        'api-versions': 'refused',
        'name-template': 'refused',
        generators: 'refused',
        'inline-generator': 'refused',
        fine: 'renders',
      },
    },
    {
      name: 'code execution: helm flags from Argo CD, Flux and .driftless.yaml',
      remote: REMOTE,
      files: {
        ...payloadChart('charts/x', i.marker),
        'argocd/release.yaml': argoApplication('argo-release', `path: charts/x\nhelm:\n  releaseName: ${JSON.stringify(FLAG(i))}`),
        'argocd/parameter.yaml': argoApplication(
          'argo-parameter',
          `path: charts/x\nhelm:\n  parameters:\n    - {name: ${JSON.stringify(FLAG(i))}, value: x}`,
        ),
        'clusters/flux-system/gotk-sync.yaml': FLUX_SOURCE,
        'clusters/release.yaml':
          'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: flux-release, namespace: web}\n' +
          `spec:\n  interval: 10m\n  releaseName: ${JSON.stringify(FLAG(i))}\n` +
          '  chart: {spec: {chart: ./charts/x, sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}}\n',
        '.driftless.yaml':
          `environments:\n  - name: ${JSON.stringify(FLAG(i))}\n    source: {chart: charts/x}\n` +
          `  - name: declared-namespace\n    source: {chart: charts/x}\n    cluster: {namespace: ${JSON.stringify(FLAG(i))}}\n`,
      },
      watch: { file: 'argocd/release.yaml', rule: 'render-failed' },
      environments: {
        'argo-release': 'refused',
        'argo-parameter': 'refused',
        'flux-release': 'refused',
        [FLAG(i)]: 'refused',
        'declared-namespace': 'refused',
      },
    },
    {
      name: 'the environment: a generator’s env file asks for a variable kustomize would read from the environment',
      files: {
        'env/kustomization.yaml': 'configMapGenerator:\n  - name: leak\n    envs: [leak.env]\n',
        'env/leak.env': 'DRIFTLESS_TEST_CI_TOKEN\nHOME\n',
      },
      environments: { env: 'renders' },
    },
    {
      name: 'files outside: .driftless.yaml sources, absolute and relative resources, generator files, Flux builds',
      remote: REMOTE,
      files: {
        '.driftless.yaml':
          `environments:\n  - name: declared-relative\n    source: {kustomization: ${outside(0)}}\n` +
          `  - name: declared-absolute\n    source: {kustomization: ${i.scratch}/outside}\n`,
        'absolute-resource/kustomization.yaml': `resources: [${i.scratch}/outside]\n`,
        'relative-resource/kustomization.yaml': `resources: [${outside(1)}]\n`,
        'generator-file/kustomization.yaml': `configMapGenerator:\n  - name: leak\n    files: [${i.canaryFile}]\n`,
        'clusters/flux-system/gotk-sync.yaml': FLUX_SOURCE,
        'clusters/flags.yaml': fluxKustomization('flux-flags', './flags'),
        'flags/kustomization.yaml': `configMapGenerator:\n  - name: leak\n    files: [${i.canaryFile}, ${outside(1)}/canary.txt]\n`,
        // Inside the repository but outside its folder: read as kustomize-controller reads it (no canary there).
        'clusters/shared.yaml': fluxKustomization('flux-shared', './shared-reader'),
        'shared-reader/kustomization.yaml': 'configMapGenerator:\n  - name: shared\n    envs: [../shared/flags.env]\n',
        'shared/flags.env': 'MODE=fine\n',
      },
      watch: { file: 'absolute-resource/kustomization.yaml', rule: 'render-failed' },
      environments: {
        'declared-relative': 'refused',
        'declared-absolute': 'refused',
        'absolute-resource': 'refused',
        'relative-resource': 'refused',
        'generator-file': 'refused',
        'flux-flags': 'refused',
        'flux-shared': 'renders',
      },
    },
    {
      name: 'files outside: Argo CD paths, value files, file parameters and patches (CVE-2022-24348’s class)',
      remote: REMOTE,
      files: {
        ...payloadChart('charts/x', i.marker),
        'app/kustomization.yaml': 'resources: [cm.yaml]\n',
        'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {k: v}\n',
        'argocd/path.yaml': argoApplication('argo-path', `path: ${outside(0)}`),
        'argocd/values.yaml': argoApplication('argo-values', `path: charts/x\nhelm:\n  valueFiles: [${outside(2)}/values.yaml]`),
        'argocd/environ.yaml': argoApplication(
          'argo-environ',
          'path: charts/x\nhelm:\n  fileParameters:\n    - {name: leak, path: /proc/self/environ}',
        ),
        'argocd/file-parameter.yaml': argoApplication(
          'argo-file-parameter',
          `path: charts/x\nhelm:\n  fileParameters:\n    - {name: leak, path: ${i.canaryFile}}`,
        ),
        'argocd/patch.yaml': argoApplication('argo-patch', `path: app\nkustomize:\n  patches:\n    - path: ${outside(1)}/cm.yaml`),
      },
      watch: { file: 'argocd/environ.yaml', rule: 'render-failed' },
      environments: {
        'argo-path': 'refused',
        'argo-values': 'refused',
        'argo-environ': 'refused',
        'argo-file-parameter': 'refused',
        'argo-patch': 'refused',
      },
    },
    {
      name: 'files outside: symbolic links out of the repository (a folder render, helm’s .Files.Get, a kustomize resource)',
      remote: REMOTE,
      files: {
        'argocd/plain.yaml': argoApplication('argo-plain', 'path: plain\ndirectory: {recurse: true}'),
        'plain/own.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: own}\ndata: {k: v}\n',
        'argocd/files.yaml': argoApplication('argo-files', 'path: charts/files'),
        'charts/files/Chart.yaml': 'apiVersion: v2\nname: files\nversion: 0.1.0\n',
        'charts/files/templates/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: files}\ndata:\n  leak: {{ .Files.Get "secret.txt" | quote }}\n',
        'linked-resource/kustomization.yaml': 'resources: [linked]\n',
        // An ApplicationSet's git files generator: its files' values become Application names, shown everywhere (the
        // canary would be one, were the link read).
        'argocd/set.yaml':
          'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: set, namespace: argocd}\nspec:\n' +
          `  generators: [{git: {repoURL: ${REMOTE}, revision: main, files: [{path: 'params/*.json'}]}}]\n` +
          `  template:\n    metadata: {name: 'set-{{name}}'}\n    spec:\n      project: default\n` +
          `      source: {repoURL: ${REMOTE}, path: app}\n      destination: {server: https://kubernetes.default.svc, namespace: set}\n`,
        'params/own.json': '{"name": "own"}\n',
        'app/kustomization.yaml': 'resources: [cm.yaml]\n',
        'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {k: v}\n',
      },
      links: {
        'plain/leak.yaml': `${i.scratch}/outside/cm.yaml`,
        'charts/files/secret.txt': i.canaryFile,
        'linked-resource/linked': `${i.scratch}/outside`,
        'params/leak.json': `${i.scratch}/outside/params.json`,
        // Plain validation's file discovery must not follow it either.
        vendor: `${i.scratch}/outside`,
      },
      watch: { file: 'linked-resource/kustomization.yaml', rule: 'render-failed' },
      // The ApplicationSet generates nothing: a file its generator cannot read (the link out) fails it, as in Argo CD.
      environments: { 'argo-plain': 'refused', 'argo-files': 'refused', 'linked-resource': 'refused' },
      validatedAsWritten: ['argo-plain'],
    },
    {
      name: 'network: remote resources, components and bases, URLs as generator sources, remote charts and values',
      remote: REMOTE,
      files: {
        'url-resource/kustomization.yaml': `resources: [${url}/cm.yaml]\n`,
        'git-base/kustomization.yaml': `resources: ['git::${url}/acme/bases.git//base?ref=main']\n`,
        'ssh-base/kustomization.yaml': `resources: ['ssh://git@127.0.0.1:${i.port}/acme/bases.git//base']\n`,
        'url-component/kustomization.yaml': `components: [${url}/component]\n`,
        'generator-url/kustomization.yaml': `configMapGenerator:\n  - name: metadata\n    files: [token=${url}/latest/meta-data]\n`,
        'env-url/kustomization.yaml': `configMapGenerator:\n  - name: metadata\n    envs: [${url}/env]\n`,
        'patch-url/kustomization.yaml': `resources: [cm.yaml]\npatches:\n  - path: ${url}/patch.yaml\n`,
        'patch-url/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n',
        'remote-chart/kustomization.yaml': `helmCharts:\n  - {name: podinfo, repo: ${url}/charts, version: 6.7.0, releaseName: podinfo}\n`,
        'remote-generator/kustomization.yaml': 'generators: [generator.yaml]\n',
        'remote-generator/generator.yaml':
          'apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata: {name: podinfo}\n' +
          `name: podinfo\nrepo: ${url}/charts\nversion: 6.7.0\nreleaseName: podinfo\n`,
        ...payloadChart('charts/x', i.marker),
        'argocd/values.yaml': argoApplication('argo-remote-values', `path: charts/x\nhelm:\n  valueFiles: [${url}/values.yaml]`),
      },
      watch: { file: 'url-resource/kustomization.yaml', rule: 'render-unavailable' },
      environments: {
        'url-resource': 'needs-network',
        'git-base': 'needs-network',
        'ssh-base': 'needs-network',
        'url-component': 'needs-network',
        'generator-url': 'needs-network',
        'env-url': 'needs-network',
        'patch-url': 'needs-network',
        'remote-chart': 'needs-network',
        'remote-generator': 'needs-network',
        'argo-remote-values': 'needs-network',
      },
    },
  ];
}
