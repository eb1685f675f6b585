import { strict as assert } from 'node:assert';
import { posix, relative } from 'node:path';
import { generatedApplications, type GeneratorHost } from '../../server/src/engine/argo/applicationset-generators';
import { renderString, type TemplateLanguage } from '../../server/src/engine/argo/applicationset-templates';
import { discoverEnvironments } from '../../server/src/engine/environments/discover-environments';
import { environmentView } from '../../server/src/engine/environments/environment';
import { renderPlan } from '../../server/src/engine/render/render-plan';
import type { WorkspaceFiles } from '../../server/src/engine/workspace/workspace-files';
import { repository, yaml } from '../helpers/engine';

const ROOT = '/repo';
const FLEET = 'https://github.com/acme/fleet.git';

/** A git repository in memory whose remote is acme/fleet: files (path relative to it -> text) and Secret values. */
function memoryRepository(tree: Record<string, string>, secrets: unknown[] = []): GeneratorHost {
  const texts = new Map(Object.entries(tree).map(([path, text]) => [posix.join(ROOT, path), text]));
  const below = (folder: string) => [...texts.keys()].filter((path) => path.startsWith(`${folder}/`));
  const files: WorkspaceFiles = {
    kindOf: (path) => (texts.has(path) ? 'file' : path === ROOT || below(path).length ? 'folder' : undefined),
    list: (folder) => [...new Set(below(folder).map((path) => path.slice(folder.length + 1).split('/')[0]!))],
    resolve: (folder, entry) => posix.resolve(folder, entry),
    dirname: (path) => posix.dirname(path),
    relative: (from, to) => posix.relative(from, to),
  };
  return {
    delivered: {
      repositoryRoot: ROOT,
      workspaceRoot: ROOT,
      files,
      remotes: ['git@github.com:acme/fleet.git'],
      gitRepositoryUrls: () => [],
    },
    readText: (path) => texts.get(path),
    secrets: () => secrets,
  };
}

function applicationSet(spec: Record<string, unknown>): unknown {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'apps', namespace: 'argocd' }, spec };
}

/** A template rendering `path` from this repository to `server`/`namespace`. */
function template(name: string, path: string, server = 'https://kubernetes.default.svc', namespace = 'web') {
  return { metadata: { name }, spec: { project: 'default', source: { repoURL: FLEET, path }, destination: { server, namespace } } };
}

interface Generated {
  metadata: { name: string; namespace?: string };
  spec: { source: { path: string }; destination: { server?: string; name?: string; namespace?: string } };
}

/** "name path -> server/namespace" of each generated Application. */
function generated(spec: Record<string, unknown>, host: GeneratorHost = memoryRepository({})): string[] {
  return (generatedApplications(applicationSet(spec), host) as unknown as Generated[]).map(
    ({ metadata, spec: { source, destination } }) =>
      `${metadata.name} ${source.path} -> ${destination.server ?? destination.name}/${destination.namespace}`,
  );
}

const APPS = {
  'apps/web/kustomization.yaml': 'resources: []\n',
  'apps/api/kustomization.yaml': 'resources: []\n',
  'apps/my_worker/kustomization.yaml': 'resources: []\n',
  'apps/legacy/kustomization.yaml': 'resources: []\n',
  'apps/web/overlays/kustomization.yaml': 'resources: []\n',
  'apps/.drafts/kustomization.yaml': 'resources: []\n',
  'apps/README.md': '# apps\n',
};

/** Two cluster Secrets as `argocd cluster add` writes them (plain and base64), one encrypted and one of another Argo CD. */
const SECRETS = [
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'prod', namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'cluster', env: 'production' } },
    stringData: { name: 'prod-eu', server: 'https://prod.example.com' },
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'staging', labels: { 'argocd.argoproj.io/secret-type': 'cluster', env: 'staging' } },
    data: { name: 'c3RhZ2luZw==', server: 'aHR0cHM6Ly9zdGFnaW5nLmV4YW1wbGUuY29t' },
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'secret', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
    stringData: { name: 'ENC[AES256_GCM,data:abc]', server: 'ENC[AES256_GCM,data:def]' },
    sops: { version: '3.9.0' },
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'other', namespace: 'argocd-other', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
    stringData: { name: 'other', server: 'https://other.example.com' },
  },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls' }, stringData: { name: 'x', server: 'https://x' } },
];

describe('the Applications an ApplicationSet generates, offline', () => {
  it('list: one Application per element, string parameters and `values.` in fasttemplate, and a literal elementsYaml', () => {
    assert.deepEqual(
      generated({
        generators: [
          {
            list: {
              elements: [
                { cluster: 'staging', url: 'https://staging.example.com', values: { namespace: 'web-staging' } },
                { cluster: 'production', url: 'https://prod.example.com', values: { namespace: 'web-prod' } },
              ],
              elementsYaml: '- {cluster: preview, url: https://preview.example.com}\n',
            },
          },
        ],
        template: template('web-{{cluster}}', 'apps/{{ cluster }}', '{{url}}', '{{values.namespace}}'),
      }),
      [
        'web-staging apps/staging -> https://staging.example.com/web-staging',
        'web-production apps/production -> https://prod.example.com/web-prod',
        // Its element has no `values.namespace`: the tag stays, and such an Application is not taken.
      ],
    );
  });

  it('list: an element value that is no string stops the generator, as it stops Argo CD’s fasttemplate', () => {
    assert.deepEqual(
      generated({ generators: [{ list: { elements: [{ cluster: 'a', replicas: 3 }] } }], template: template('{{cluster}}', 'x') }),
      [],
    );
  });

  it('git directories: folders the pattern matches (`*` within one name, hidden ones never), less the excluded ones', () => {
    const host = memoryRepository(APPS);
    const spec = (repoURL: string, directories: unknown[]) => ({
      generators: [{ git: { repoURL, revision: 'main', directories } }],
      template: template('{{path.basenameNormalized}}', '{{path}}', undefined, '{{path[0]}}-{{path.basename}}'),
    });
    assert.deepEqual(generated(spec('git@github.com:acme/fleet', [{ path: 'apps/*' }, { path: 'apps/legacy', exclude: true }]), host), [
      'api apps/api -> https://kubernetes.default.svc/apps-api',
      'my-worker apps/my_worker -> https://kubernetes.default.svc/apps-my_worker',
      'web apps/web -> https://kubernetes.default.svc/apps-web',
    ]);
    // An exclude entry wins wherever it stands; `**` matches within one folder name too (Go's path.Match).
    assert.deepEqual(generated(spec(FLEET, [{ path: 'apps/*', exclude: true }, { path: 'apps/**' }, { path: 'apps/*/overlays' }]), host), [
      'overlays apps/web/overlays -> https://kubernetes.default.svc/apps-overlays',
    ]);
    // Another repository's folders are not known here.
    assert.deepEqual(generated(spec('https://github.com/acme/other.git', [{ path: 'apps/*' }]), host), []);
  });

  it('git files: each file’s keys flattened as parameters, with the path of its folder; `*` crosses folders as git ls-files', () => {
    const host = memoryRepository({
      'envs/eu/config.json': '{"cluster": {"name": "eu", "server": "https://eu.example.com"}, "replicas": 1000000}',
      'envs/us/east/config.json': '{"cluster": {"name": "us-east", "server": "https://us.example.com"}}',
      'envs/skip/config.json': '{"cluster": {"name": "skip", "server": "https://skip.example.com"}}',
      'envs/us/config.yaml': 'cluster: {name: yaml, server: https://yaml.example.com}\n',
    });
    assert.deepEqual(
      generated(
        {
          generators: [{ git: { repoURL: FLEET, files: [{ path: 'envs/*/config.json' }, { path: 'envs/skip/*', exclude: true }] } }],
          template: template('{{cluster.name}}-{{path.basename}}-{{replicas}}', 'apps/web', '{{cluster.server}}', '{{path[1]}}'),
        },
        host,
      ),
      [
        'eu-eu-1e+06 apps/web -> https://eu.example.com/eu',
        // No `replicas` in this file: the tag would stay in the name, so no Application.
      ],
    );
    assert.deepEqual(
      generated(
        {
          goTemplate: true,
          generators: [{ git: { repoURL: FLEET, files: [{ path: 'envs/**/config.json' }, { path: 'envs/skip/*', exclude: true }] } }],
          template: template('{{.cluster.name}}', '{{.path.path}}', '{{.cluster.server}}', '{{index .path.segments 1}}'),
        },
        host,
      ),
      ['eu envs/eu -> https://eu.example.com/eu', 'us-east envs/us/east -> https://us.example.com/us'],
    );
  });

  it('clusters: the repository’s cluster Secrets of the ApplicationSet’s namespace, and the local cluster unless a selector is set', () => {
    const host = memoryRepository({}, SECRETS);
    const spec = (clusters: Record<string, unknown>, name = '{{name}}-web') => ({
      generators: [{ clusters }],
      template: template(name, 'apps/web', '{{server}}', 'web'),
    });
    assert.deepEqual(generated(spec({}), host), [
      'prod-eu-web apps/web -> https://prod.example.com/web',
      'staging-web apps/web -> https://staging.example.com/web',
      'in-cluster-web apps/web -> https://kubernetes.default.svc/web',
    ]);
    assert.deepEqual(
      generated(spec({ selector: { matchLabels: { env: 'production' } } }, '{{metadata.labels.env}}-{{nameNormalized}}'), host),
      ['production-prod-eu apps/web -> https://prod.example.com/web'],
    );
    assert.deepEqual(
      generated(spec({ selector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['production'] }] } }), host),
      ['staging-web apps/web -> https://staging.example.com/web'],
    );
    // A Secret for the local cluster stands for it: it is not added a second time.
    const local = { ...SECRETS[0]!, stringData: { name: 'local', server: 'https://kubernetes.default.svc' } };
    assert.deepEqual(generated(spec({}), memoryRepository({}, [local])), ['local-web apps/web -> https://kubernetes.default.svc/web']);
  });

  it('goTemplate: fields, index, pipelines and a few Sprig functions; an Application with anything else is left out', () => {
    const host = memoryRepository(APPS, SECRETS);
    assert.deepEqual(
      generated(
        {
          goTemplate: true,
          goTemplateOptions: ['missingkey=error'],
          generators: [{ git: { repoURL: FLEET, directories: [{ path: 'apps/*' }, { path: 'apps/legacy', exclude: true }] } }],
          template: template(
            '{{ .path.basename | normalize }}-{{ index .path.segments 0 | upper | lower }}',
            '{{.path.path}}',
            undefined,
            '{{- .path.basename | replace "_" "-" | trimPrefix "my-" -}}',
          ),
        },
        host,
      ),
      [
        'api-apps apps/api -> https://kubernetes.default.svc/api',
        'my-worker-apps apps/my_worker -> https://kubernetes.default.svc/worker',
        'web-apps apps/web -> https://kubernetes.default.svc/web',
      ],
    );
    // The local cluster has no labels: `.metadata.labels.env` cannot be read for it, so it generates nothing.
    assert.deepEqual(
      generated(
        {
          goTemplate: true,
          generators: [{ clusters: {} }],
          template: template('{{.metadata.labels.env}}-{{.name}}', 'apps/web', '{{.server}}'),
        },
        host,
      ),
      ['production-prod-eu apps/web -> https://prod.example.com/web', 'staging-staging apps/web -> https://staging.example.com/web'],
    );
    for (const name of ['{{ if .name }}x{{ end }}', '{{ .name | sha256sum }}', '{{ $x := .name }}', '{{ .nothing }}'])
      assert.deepEqual(
        generated({ goTemplate: true, generators: [{ list: { elements: [{ name: 'a' }] } }], template: template(name, 'apps/web') }),
        [],
        name,
      );
  });

  it('skips generators that need a service (pull requests, SCM providers, plugins, cluster decisions), keeps the others', () => {
    assert.deepEqual(
      generated({
        generators: [
          { pullRequest: { github: { owner: 'acme', repo: 'fleet' } } },
          { scmProvider: { github: { organization: 'acme' } } },
          { plugin: { configMapRef: { name: 'p' } } },
          { clusterDecisionResource: { configMapRef: { name: 'ocm' } } },
          {
            matrix: { generators: [{ pullRequest: { github: { owner: 'acme', repo: 'fleet' } } }, { list: { elements: [{ env: 'x' }] } }] },
          },
          { list: { elements: [{ env: 'dev' }] } },
        ],
        template: template('web-{{env}}', 'apps/{{env}}'),
      }),
      ['web-dev apps/dev -> https://kubernetes.default.svc/web'],
    );
    assert.deepEqual(
      generatedApplications({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', spec: {} }, memoryRepository({})),
      [],
    );
  });

  it('matrix: the second generator read with each of the first’s parameters; merge: sets overridden by merge key', () => {
    const host = memoryRepository(APPS, SECRETS);
    assert.deepEqual(
      generated(
        {
          generators: [
            {
              matrix: {
                generators: [
                  { git: { repoURL: FLEET, directories: [{ path: 'apps/web' }, { path: 'apps/api' }] } },
                  { list: { elements: [{ env: 'staging', app: '{{path.basename}}' }] } },
                ],
              },
            },
          ],
          template: template('{{app}}-{{env}}', '{{path}}'),
        },
        host,
      ),
      ['api-staging apps/api -> https://kubernetes.default.svc/web', 'web-staging apps/web -> https://kubernetes.default.svc/web'],
    );
    assert.deepEqual(
      generated(
        {
          generators: [
            {
              merge: {
                mergeKeys: ['server'],
                generators: [
                  { clusters: { values: { namespace: 'web' } } },
                  { list: { elements: [{ server: 'https://prod.example.com', 'values.namespace': 'web-prod' }] } },
                ],
              },
            },
          ],
          template: template('{{name}}', 'apps/web', '{{server}}', '{{values.namespace}}'),
        },
        host,
      ),
      [
        'prod-eu apps/web -> https://prod.example.com/web-prod',
        'staging apps/web -> https://staging.example.com/web',
        'in-cluster apps/web -> https://kubernetes.default.svc/web',
      ],
    );
  });

  it('makes each generated Application an environment that renders (not its overlay too); one whose path does not exist says so', () => {
    const value = applicationSet({
      generators: [{ list: { elements: [{ app: 'web' }, { app: 'ghost' }] } }],
      template: template('{{app}}', 'apps/{{app}}', 'https://kubernetes.default.svc', '{{app}}'),
    });
    const host = memoryRepository(APPS);
    const environments = discoverEnvironments({
      ...host,
      deliveringResources: () => [{ value, file: `${ROOT}/argocd/apps.yaml` }],
      deliverers: () => [],
      buildRoots: () => [`${ROOT}/apps/web/kustomization.yaml`, `${ROOT}/apps/api/kustomization.yaml`],
      dirname: (path) => posix.dirname(path),
      display: (path) => posix.relative(ROOT, path),
    });
    assert.deepEqual(
      environments.map((e) => environmentView(e, (path) => posix.relative(ROOT, path))),
      [
        {
          name: 'web',
          source: 'Argo CD Application web (apps/web)',
          sourceKind: 'application',
          sourcePath: 'apps/web',
          cluster: 'https://kubernetes.default.svc, namespace web',
          origin: 'discovered',
          file: 'argocd/apps.yaml',
        },
        {
          name: 'ghost',
          source: 'Argo CD Application ghost (apps/ghost)',
          sourceKind: 'application',
          sourcePath: 'apps/ghost',
          cluster: 'https://kubernetes.default.svc, namespace ghost',
          origin: 'discovered',
          file: 'argocd/apps.yaml',
        },
        // No Application applies this overlay: it stays an environment of its own.
        {
          name: 'apps/api',
          source: 'kustomization apps/api',
          sourceKind: 'kustomization',
          sourcePath: 'apps/api',
          cluster: '',
          origin: 'discovered',
          file: 'apps/api/kustomization.yaml',
        },
      ],
    );
    const files = host.delivered.files;
    assert.deepEqual(renderPlan(environments[0]!, files, ROOT), { kind: 'kustomize', root: ROOT, folder: `${ROOT}/apps/web` });
    assert.deepEqual(renderPlan(environments[1]!, files, ROOT), {
      kind: 'none',
      why: `${ROOT}/apps/ghost is not a folder of this repository`,
    });
    assert.equal((environments[0]!.object as Generated).metadata.namespace, 'argocd');
  });

  it('in a repository: reads the cluster Secrets and files on disk, and names apart an Application generated twice over', () => {
    const { root, project } = repository(
      {
        'apps/web/kustomization.yaml': 'resources: []\n',
        'clusters/prod.yaml': yaml`
          apiVersion: v1
          kind: Secret
          metadata:
            name: prod
            namespace: argocd
            labels: {argocd.argoproj.io/secret-type: cluster}
          stringData: {name: prod, server: https://prod.example.com}
        `,
        'envs/eu/config.yaml': 'region: eu\n',
        'argocd/web.yaml': yaml`
          apiVersion: argoproj.io/v1alpha1
          kind: Application
          metadata: {name: web-prod, namespace: argocd}
          spec:
            project: default
            source: {repoURL: ${FLEET}, path: apps/web}
            destination: {server: https://prod.example.com, namespace: web}
        `,
        'argocd/appsets.yaml': yaml`
          apiVersion: argoproj.io/v1alpha1
          kind: ApplicationSet
          metadata: {name: web, namespace: argocd}
          spec:
            goTemplate: true
            generators:
              - clusters: {selector: {matchLabels: {argocd.argoproj.io/secret-type: cluster}}}
            template:
              metadata: {name: 'web-{{.name}}'}
              spec:
                project: default
                source: {repoURL: ${FLEET}, path: apps/web}
                destination: {server: '{{.server}}', namespace: web}
          ---
          apiVersion: argoproj.io/v1alpha1
          kind: ApplicationSet
          metadata: {name: regions, namespace: argocd}
          spec:
            generators:
              - git: {repoURL: ${FLEET}, files: [{path: envs/*/config.yaml}]}
            template:
              metadata: {name: 'web-{{region}}'}
              spec:
                project: default
                source: {repoURL: ${FLEET}, path: apps/web}
                destination: {name: '{{region}}', namespace: web}
        `,
      },
      { remotes: ['git@github.com:acme/fleet.git'] },
    );
    assert.deepEqual(
      project
        .environments()
        .map((e) => environmentView(e, (path) => relative(root, path)))
        .map((v) => `${v.name} | ${v.source} | ${v.cluster} | ${v.file}`),
      [
        'web-eu | Argo CD Application web-eu (apps/web) | eu, namespace web | argocd/appsets.yaml',
        'web-prod | Argo CD Application web-prod (apps/web) | https://prod.example.com, namespace web | argocd/web.yaml',
        'web-prod (ApplicationSet web) | Argo CD Application web-prod (apps/web) | https://prod.example.com, namespace web | argocd/appsets.yaml',
      ],
    );
  });
});

describe('ApplicationSet templates', () => {
  const fast: TemplateLanguage = { goTemplate: false, missingKeyIsError: false };
  const go: TemplateLanguage = { goTemplate: true, missingKeyIsError: false };

  it('fasttemplate: string parameters by their trimmed tag; other tags stay as written, a tag without end is refused', () => {
    assert.equal(renderString('{{ a }}-{{b}}-{{n}}', { a: 'x', n: 3 }, fast), 'x-{{b}}-{{n}}');
    assert.equal(renderString('{{a', { a: 'x' }, fast), '{{a');
    assert.equal(renderString('{{a}} {{b', { a: 'x' }, fast), undefined);
  });

  it('Go templates: literals, `default` on a missing key (unless missingkey=error), numbers printed as Go prints float64', () => {
    assert.equal(renderString('{{ "}}" }}{{`raw`}}', {}, go), '}}raw');
    assert.equal(renderString('{{ .size | default "small" }}', {}, go), 'small');
    assert.equal(renderString('{{ .size | default "small" }}', {}, { goTemplate: true, missingKeyIsError: true }), undefined);
    assert.equal(renderString('{{.a}} {{.b}} {{.c}} {{.d}}', { a: 3, b: 1500000, c: 0.5, d: true }, go), '3 1.5e+06 0.5 true');
    assert.equal(renderString('a  {{- .x -}}  b', { x: 'y' }, go), 'ayb');
    assert.equal(renderString('{{ .m }}', { m: { k: 'v' } }, go), undefined);
    assert.equal(renderString('{{ .x | toString }}', { x: 'v' }, go), undefined);
  });
});
