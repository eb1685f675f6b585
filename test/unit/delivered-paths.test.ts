import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathLinks } from '../../server/src/engine/language/path-links';
import { normalizeRepositoryUrl } from '../../server/src/engine/workspace/repository-urls';
import { parseDocuments } from '../../server/src/engine/yaml/parse-documents';
import { findGitRepository } from '../../server/src/node/git-remotes';
import type { ProjectModel } from '../../server/src/engine/project/project-model';
import { repository, summary, validateFile, yaml, type Found } from '../helpers/engine';
import { temporaryFolder } from '../helpers/temporary-folders';

function check(root: string, project: ProjectModel, file: string): Found[] {
  const path = join(root, file);
  return validateFile(project, path).filter((f) => f.rule === 'missing-path');
}

function linksOf(root: string, project: ProjectModel, file: string): { text: string; target: string }[] {
  const path = join(root, file);
  const read = project.files.readText(path);
  const text = read.ok ? read.text : '';
  return pathLinks(path, parseDocuments(text), project.deliveredPaths).map((link) => ({
    text: text.slice(link.start, link.end),
    target: project.deliveredPaths.files.relative(root, link.target),
  }));
}

const FLUX_SYSTEM = yaml`
  apiVersion: source.toolkit.fluxcd.io/v1
  kind: GitRepository
  metadata: {name: flux-system, namespace: flux-system}
  spec:
    url: ssh://git@github.com/acme/fleet
    ref: {branch: main}
`;

const fluxKustomization = (name: string, path: string, source = 'flux-system') => yaml`
  apiVersion: kustomize.toolkit.fluxcd.io/v1
  kind: Kustomization
  metadata: {name: ${name}, namespace: flux-system}
  spec:
    interval: 10m
    path: ${path}
    prune: true
    sourceRef: {kind: GitRepository, name: ${source}}
`;

const APPS = 'apps/production/kustomization.yaml';

describe('paths that Flux and Argo CD read from this repository', () => {
  it('reports a Flux Kustomization path that does not exist, on the path, with the closest folder', () => {
    const { root, project } = repository(
      {
        'clusters/production/flux-system/gotk-sync.yaml': FLUX_SYSTEM,
        'clusters/production/apps.yaml': [
          fluxKustomization('apps', './apps/prodution'),
          fluxKustomization('infra', './infrastructure'),
        ].join('---\n'),
        [APPS]: 'resources: []\n',
        'infrastructure/kustomization.yaml': 'resources: []\n',
      },
      { remotes: ['git@github.com:acme/fleet.git'] },
    );
    const found = check(root, project, 'clusters/production/apps.yaml');
    assert.deepEqual(summary(found), ['missing-path@6']);
    assert.equal(
      found[0]!.message,
      '`./apps/prodution` does not exist in this repository, which the Flux Kustomization `apps` reads: Flux cannot build it. Did you mean `./apps/production`?',
    );
    assert.equal(found[0]!.severity, 'error');
    assert.equal(found[0]!.column, 9);
    assert.deepEqual(
      found[0]!.diagnostic.fixes?.map((f) => (f.kind === 'replace-value' ? f.title : '')),
      ['Change to `./apps/production`'],
    );
  });

  it('links each delivered path to the kustomization it builds', () => {
    const { root, project } = repository(
      {
        'clusters/production/flux-system/gotk-sync.yaml': FLUX_SYSTEM,
        'clusters/production/apps.yaml': fluxKustomization('apps', '"./apps/production"'),
        [APPS]: 'resources: []\n',
      },
      { remotes: ['https://github.com/acme/fleet.git'] },
    );
    assert.deepEqual(linksOf(root, project, 'clusters/production/apps.yaml'), [{ text: './apps/production', target: APPS }]);
  });

  it('judges a source that is another repository not at all, and the bootstrap source as this one', () => {
    const other = yaml`
      apiVersion: source.toolkit.fluxcd.io/v1
      kind: GitRepository
      metadata: {name: platform, namespace: flux-system}
      spec: {url: https://github.com/acme/platform, ref: {branch: main}}
    `;
    const { root, project } = repository(
      {
        'clusters/production/flux-system/gotk-sync.yaml': FLUX_SYSTEM,
        'clusters/production/platform.yaml': [other, fluxKustomization('platform', './deploy', 'platform')].join('---\n'),
        // No remotes known: the repository `flux bootstrap` made is taken for this one.
        'clusters/production/apps.yaml': fluxKustomization('apps', './apps/missing'),
      },
      { remotes: [] },
    );
    assert.deepEqual(check(root, project, 'clusters/production/platform.yaml'), []);
    assert.deepEqual(summary(check(root, project, 'clusters/production/apps.yaml')), ['missing-path@6']);
  });

  it('does not judge the bootstrap source when its URL names another repository than the remotes', () => {
    const { root, project } = repository(
      {
        'clusters/production/flux-system/gotk-sync.yaml': FLUX_SYSTEM,
        'clusters/production/apps.yaml': fluxKustomization('apps', './apps/missing'),
      },
      { remotes: ['https://github.com/acme/something-else.git'] },
    );
    assert.deepEqual(check(root, project, 'clusters/production/apps.yaml'), []);
  });

  it('checks a HelmRelease chart and values files from this repository', () => {
    const release = yaml`
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata: {name: web, namespace: apps}
      spec:
        interval: 10m
        chart:
          spec:
            chart: ./charts/web
            valuesFiles: [./charts/web/values.yaml, ./charts/web/values-prod.yaml]
            sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
    `;
    const { root, project } = repository({
      'clusters/production/flux-system/gotk-sync.yaml': FLUX_SYSTEM,
      'clusters/production/web.yaml': release,
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
      'charts/web/values.yaml': 'replicas: 1\n',
    });
    const found = check(root, project, 'clusters/production/web.yaml');
    assert.deepEqual(summary(found), ['missing-path@9']);
    assert.match(
      found[0]!.message,
      /`\.\/charts\/web\/values-prod\.yaml` does not exist in this repository, which the HelmRelease `web` reads/,
    );
    assert.deepEqual(
      linksOf(root, project, 'clusters/production/web.yaml').map((l) => l.target),
      ['charts/web/Chart.yaml', 'charts/web/values.yaml'],
    );
  });

  it('checks an Argo CD Application path and Helm value files when its repoURL is a remote of this repository', () => {
    const application = (repoURL: string) => yaml`
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: {name: web, namespace: argocd}
      spec:
        project: default
        destination: {server: https://kubernetes.default.svc, namespace: web}
        sources:
          - repoURL: ${repoURL}
            path: charts/web
            helm:
              valueFiles: [values.yaml, values-prod.yaml, $values/envs/prod.yaml]
          - repoURL: ${repoURL}
            path: overlays/prodution
    `;
    const { root, project } = repository(
      {
        'argocd/web.yaml': application('https://github.com/acme/fleet'),
        'argocd/elsewhere.yaml': application('https://github.com/acme/other.git'),
        'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
        'charts/web/values.yaml': 'replicas: 1\n',
        'overlays/production/kustomization.yaml': 'resources: []\n',
      },
      { remotes: ['git@github.com:Acme/fleet.git'] },
    );
    const found = check(root, project, 'argocd/web.yaml');
    assert.deepEqual(summary(found), ['missing-path@11', 'missing-path@13']);
    assert.match(
      found[0]!.message,
      /^`values-prod\.yaml` does not exist in the Application’s path, which the Argo CD Application `web` reads/,
    );
    assert.match(found[1]!.message, /Did you mean `overlays\/production`\?$/);
    assert.deepEqual(check(root, project, 'argocd/elsewhere.yaml'), []);
  });

  it('checks an ApplicationSet: its template’s literal path, and each git generator pattern must match something', () => {
    const appset = yaml`
      apiVersion: argoproj.io/v1alpha1
      kind: ApplicationSet
      metadata: {name: apps, namespace: argocd}
      spec:
        generators:
          - git:
              repoURL: https://github.com/acme/fleet.git
              revision: main
              directories:
                - path: apps/*
                - path: aps/*
                - path: apps/legacy
                  exclude: true
          - matrix:
              generators:
                - git:
                    repoURL: https://github.com/acme/fleet.git
                    revision: main
                    files:
                      - path: envs/**/config.json
                      - path: envs/**/config.yaml
                - list: {elements: [{cluster: prod}]}
        template:
          metadata: {name: '{{path.basename}}'}
          spec:
            project: default
            source: {repoURL: https://github.com/acme/fleet.git, path: '{{path}}'}
            destination: {server: https://kubernetes.default.svc, namespace: '{{path.basename}}'}
    `;
    const { root, project } = repository(
      {
        'argocd/appset.yaml': appset,
        'apps/web/kustomization.yaml': 'resources: []\n',
        'envs/prod/eu/config.json': '{}',
      },
      { remotes: ['git@github.com:acme/fleet.git'] },
    );
    const found = check(root, project, 'argocd/appset.yaml');
    assert.deepEqual(summary(found), ['missing-path@11', 'missing-path@21']);
    assert.equal(
      found[0]!.message,
      '`aps/*` matches no folder in this repository, which the ApplicationSet `apps` reads: the generator makes no Application from it.',
    );
    assert.match(found[1]!.message, /^`envs\/\*\*\/config\.yaml` matches no file/);
  });

  it('reads git generator patterns as Argo CD does: `**` within one folder name for directories, `*` across folders for files', () => {
    const appset = yaml`
      apiVersion: argoproj.io/v1alpha1
      kind: ApplicationSet
      metadata: {name: clusters, namespace: argocd}
      spec:
        generators:
          - git:
              repoURL: https://github.com/acme/fleet.git
              revision: main
              directories:
                - path: clusters/**/apps
                - path: clusters/*/*/apps
              files:
                - path: envs/*.json
        template:
          metadata: {name: '{{path.basename}}'}
          spec:
            project: default
            source: {repoURL: https://github.com/acme/fleet.git, path: '{{path}}'}
            destination: {server: https://kubernetes.default.svc, namespace: default}
    `;
    const { root, project } = repository(
      {
        'argocd/appset.yaml': appset,
        'clusters/prod/eu/apps/kustomization.yaml': 'resources: []\n',
        'envs/prod/eu/config.json': '{}',
      },
      { remotes: ['git@github.com:acme/fleet.git'] },
    );
    // Go's path.Match: `clusters/**/apps` is `clusters/*/apps`, one folder deep, which this repository lacks; a git
    // pathspec's `*` also matches `/`, so `envs/*.json` takes envs/prod/eu/config.json.
    const found = check(root, project, 'argocd/appset.yaml');
    assert.deepEqual(summary(found), ['missing-path@10']);
    assert.match(found[0]!.message, /^`clusters\/\*\*\/apps` matches no folder/);
  });

  it('says a path that names a file where a folder is needed', () => {
    const { root, project } = repository({
      'clusters/production/flux-system/gotk-sync.yaml': FLUX_SYSTEM,
      'clusters/production/apps.yaml': fluxKustomization('apps', './apps.yaml'),
      'apps.yaml': 'x: 1\n',
    });
    const [found] = check(root, project, 'clusters/production/apps.yaml');
    assert.match(found!.message, /`\.\/apps\.yaml` is a file in this repository, but the Flux Kustomization `apps` needs a folder there/);
  });

  it('outside git, finds the repository root among the folders above the file (a workspace of several repositories)', () => {
    const { root, project } = repository({
      'fleet/clusters/production/flux-system/gotk-sync.yaml': FLUX_SYSTEM,
      'fleet/clusters/production/apps.yaml': [
        fluxKustomization('apps', './apps/production'),
        fluxKustomization('gone', './apps/staging'),
      ].join('---\n'),
      [`fleet/${APPS}`]: 'resources: []\n',
    });
    const found = check(root, project, 'fleet/clusters/production/apps.yaml');
    assert.deepEqual(summary(found), ['missing-path@15']);
    assert.match(found[0]!.message, /^`\.\/apps\/staging` does not exist/);
    assert.deepEqual(linksOf(root, project, 'fleet/clusters/production/apps.yaml'), [
      { text: './apps/production', target: `fleet/${APPS}` },
    ]);
  });

  it('skips placeholders and URLs', () => {
    const { root, project } = repository({
      'clusters/production/flux-system/gotk-sync.yaml': FLUX_SYSTEM,
      'clusters/production/apps.yaml': fluxKustomization('apps', './apps/${CLUSTER_NAME}'),
    });
    assert.deepEqual(check(root, project, 'clusters/production/apps.yaml'), []);
  });
});

describe('this repository, as git knows it', () => {
  it('reads the remotes of a repository, from a folder inside it and from a linked worktree', () => {
    const root = temporaryFolder('driftless-git-');
    const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: 'pipe' });
    execFileSync('git', ['init', '--quiet', root]);
    git('remote', 'add', 'origin', 'git@github.com:acme/fleet.git');
    git('remote', 'add', 'mirror', 'https://gitlab.example.com/acme/fleet.git');
    mkdirSync(join(root, 'apps'));
    writeFileSync(join(root, 'apps', 'a.yaml'), 'a: 1\n');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'first');
    assert.deepEqual(findGitRepository(join(root, 'apps')), {
      root,
      remotes: ['git@github.com:acme/fleet.git', 'https://gitlab.example.com/acme/fleet.git'],
    });
    const worktree = join(temporaryFolder('driftless-worktree-'), 'wt');
    git('worktree', 'add', '--quiet', worktree);
    try {
      assert.deepEqual(findGitRepository(worktree)?.remotes, [
        'git@github.com:acme/fleet.git',
        'https://gitlab.example.com/acme/fleet.git',
      ]);
    } finally {
      git('worktree', 'remove', '--force', worktree);
    }
  });

  it('compares repository URLs whatever their protocol, user, port or .git suffix', () => {
    const forms = [
      'https://github.com/acme/fleet',
      'https://github.com/acme/fleet.git',
      'https://user@github.com/acme/fleet.git/',
      'ssh://git@github.com:22/acme/fleet.git',
      'git@github.com:acme/fleet.git',
      'git://github.com/Acme/Fleet',
    ];
    assert.deepEqual(new Set(forms.map(normalizeRepositoryUrl)), new Set(['github.com/acme/fleet']));
    assert.equal(normalizeRepositoryUrl('oci://ghcr.io/acme/charts'), 'ghcr.io/acme/charts');
    assert.equal(normalizeRepositoryUrl('not a url'), undefined);
  });
});
