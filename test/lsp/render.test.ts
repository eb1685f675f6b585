// driftless/render over the protocol: an environment rendered with the configured kubectl, cached until a file changes
// on disk, and an environment that cannot be rendered said plainly.
import assert from 'node:assert/strict';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { RenderRequest } from '../../server/src/protocol';
import { FixtureWorkspace, ServerSession } from './harness';

describe('LSP: render an environment', function () {
  this.timeout(30_000);
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    const tools = renderToolsOrSkip(this);
    workspace = FixtureWorkspace.create();
    workspace.write('app/kustomization.yaml', 'resources: [config.yaml]\nnamespace: shop\n');
    workspace.write('app/config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: info}\n');
    // A Flux path whose kustomization reads a generator file outside its folder (kustomize-controller lifts the
    // load restrictions that forbid it to plain kustomize).
    workspace.write(
      'clusters/flux-system/gotk-sync.yaml',
      'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: flux-system, namespace: flux-system}\nspec: {url: ssh://git@github.com/acme/fleet, ref: {branch: main}}\n---\n' +
        'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: flags, namespace: flux-system}\nspec: {interval: 10m, path: ./flags, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n',
    );
    workspace.write('flags/kustomization.yaml', 'configMapGenerator: [{name: flags, envs: [../shared/flags.env]}]\n');
    workspace.write('shared/flags.env', 'MODE=a\n');
    server = await ServerSession.start(workspace, { settings: { kubectlPath: tools.kubectl } });
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('renders the overlay, answers the second request from the cache, and renders again once a file changes', async function () {
    const first = await server.render('app');
    assert.ok(first.ok, JSON.stringify(first));
    assert.match(first.yaml, /namespace: shop/);
    assert.equal(first.cached, false);
    const second = await server.render('app');
    assert.ok(second.ok && second.cached);
    workspace.write('app/config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: debug}\n');
    server.filesChanged([{ relative: 'app/config.yaml', type: 'changed' }]);
    const third = await server.render('app');
    assert.ok(third.ok && !third.cached);
    assert.match(third.yaml, /level: debug/);
    assert.deepEqual(await server.render('nowhere'), { ok: false, error: 'No environment named "nowhere".' });
  });

  it('renders again when a generator file outside the environment’s folders changes', async function () {
    const first = await server.render('flags');
    assert.ok(first.ok, JSON.stringify(first));
    assert.match(first.yaml, /MODE: a/);
    const again = await server.render('flags');
    assert.ok(again.ok && again.cached);
    workspace.write('shared/flags.env', 'MODE=b\n');
    server.filesChanged([{ relative: 'shared/flags.env', type: 'changed' }]);
    const after = await server.render('flags');
    assert.ok(after.ok && !after.cached, JSON.stringify(after));
    assert.match(after.yaml, /MODE: b/);
  });

  it('renders a folder named by a file in it (a kustomization), as driftless render <path> does', async function () {
    const result = await server.lsp.request(RenderRequest.type, { path: workspace.path('app/kustomization.yaml') });
    assert.ok(result.ok, JSON.stringify(result));
    assert.match(result.yaml, /name: settings\n\s+namespace: shop/);
    const outside = await server.lsp.request(RenderRequest.type, { path: '/nowhere/kustomization.yaml' });
    assert.deepEqual(outside, { ok: false, error: '/nowhere/kustomization.yaml is in no workspace folder.' });
  });
});
