// The code lens over each resource: which environments apply it, over the protocol.
import assert from 'node:assert/strict';
import { FixtureWorkspace, ServerSession } from './harness';

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: more\n';

describe('LSP: environments of a resource (code lens)', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    workspace = FixtureWorkspace.create();
    workspace.write('base/kustomization.yaml', 'resources: [config.yaml]\n');
    workspace.write('base/config.yaml', CM);
    workspace.write('overlays/staging/kustomization.yaml', 'resources: [../../base]\n');
    workspace.write('overlays/production/kustomization.yaml', 'resources: [../../base]\n');
    workspace.write(
      'clusters/production.yaml',
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: production, namespace: flux-system}\n' +
        'spec: {interval: 10m, path: ./overlays/production, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n',
    );
    workspace.write('lonely.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lonely}\n');
    server = await ServerSession.start(workspace);
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('says over each resource which environments apply it, and points the command at them', async function () {
    await server.open('base/config.yaml', CM);
    const lenses = (await server.codeLenses('base/config.yaml')) ?? [];
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title]),
      [
        [0, 'Applied by 2 environments: Flux Kustomization production, overlays/staging'],
        [5, 'Applied by 2 environments: Flux Kustomization production, overlays/staging'],
      ],
    );
    const [, , places] = lenses[0]!.command!.arguments as [string, unknown, { uri: string }[]];
    assert.deepEqual(places.map((p) => p.uri.slice(workspace.uri('').length + 1)).sort(), [
      'clusters/production.yaml',
      'overlays/staging/kustomization.yaml',
    ]);
    await server.open('lonely.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lonely}\n');
    assert.deepEqual(await server.codeLenses('lonely.yaml'), []);
  });

  it('counts each Application an ApplicationSet generates for this repository', async function () {
    const repository = FixtureWorkspace.create();
    try {
      repository.write('.git/config', '[remote "origin"]\n\turl = https://github.com/example/apps.git\n');
      repository.write('apps/web/kustomization.yaml', 'resources: [config.yaml]\n');
      repository.write('apps/web/config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n');
      repository.write(
        'argocd/web.yaml',
        [
          'apiVersion: argoproj.io/v1alpha1',
          'kind: ApplicationSet',
          'metadata: {name: web, namespace: argocd}',
          'spec:',
          '  generators:',
          '    - list:',
          '        elements: [{cluster: staging}, {cluster: production}]',
          '  template:',
          "    metadata: {name: 'web-{{cluster}}'}",
          '    spec:',
          '      project: default',
          '      source: {repoURL: https://github.com/example/apps.git, path: apps/web, targetRevision: main}',
          "      destination: {name: '{{cluster}}', namespace: web}",
          '',
        ].join('\n'),
      );
      const session = await ServerSession.start(repository);
      try {
        await session.settled();
        await session.open('apps/web/config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n');
        const lenses = (await session.codeLenses('apps/web/config.yaml')) ?? [];
        assert.deepEqual(
          lenses.map((l) => l.command?.title),
          ['Applied by 2 environments: Argo CD Application web-staging, Argo CD Application web-production'],
        );
      } finally {
        await session.stop();
      }
    } finally {
      repository.dispose();
    }
  });
});
