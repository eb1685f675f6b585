// workspace/symbol over the protocol: the resources of the whole repository, found by name, at their names, current
// with unsaved edits and with files that come and go.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { SymbolInformation } from 'vscode-languageserver-protocol';
import { FixtureWorkspace, rangeText, ServerSession } from './harness';

function shown(symbols: readonly SymbolInformation[], workspace: FixtureWorkspace): string[] {
  return symbols.map(
    (s) => `${s.name} (${s.containerName}) ${s.location.uri.slice(workspace.uri('').length + 1)}@${rangeText(s.location.range)}`,
  );
}

describe('LSP: workspace symbols', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    workspace = FixtureWorkspace.create();
    workspace.write(
      'apps/web.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-frontend\n  namespace: shop\n---\napiVersion: v1\nkind: Service\nmetadata:\n  labels: {name: x}\n  name: web-frontend\n',
    );
    workspace.write('apps/kustomization.yaml', 'resources: [web.yaml]\npatches: [{path: patch.yaml}]\n');
    workspace.write('apps/patch.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-frontend\n');
    workspace.write('infra/redis.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: redis}\n');
    server = await ServerSession.start(workspace);
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  /** The scan runs in the background after start-up: ask until it has reached the files. */
  async function symbolsOnceIndexed(query: string, expected: number): Promise<SymbolInformation[]> {
    for (let attempt = 0; ; attempt++) {
      const symbols = await server.workspaceSymbols(query);
      if (symbols.length >= expected || attempt === 100) return symbols;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('finds resources across the repository by name, at their `name:`, and not the patches of them', async function () {
    const symbols = await symbolsOnceIndexed('front', 2);
    assert.deepEqual(shown(symbols, workspace), [
      'web-frontend (Deployment · shop · apps/web.yaml) apps/web.yaml@3:2-3:2',
      'web-frontend (Service · apps/web.yaml) apps/web.yaml@10:2-10:2',
    ]);
    assert.deepEqual(shown(await server.workspaceSymbols('redis'), workspace), [
      'redis (Service · infra/redis.yaml) infra/redis.yaml@2:0-2:0',
    ]);
  });

  it('follows unsaved edits of an open file, and files deleted on disk', async function () {
    await server.open('infra/redis.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: cache\n');
    assert.deepEqual(await server.workspaceSymbols('redis'), []);
    assert.deepEqual(shown(await server.workspaceSymbols('cache'), workspace), [
      'cache (Service · infra/redis.yaml) infra/redis.yaml@3:2-3:2',
    ]);
    server.close('infra/redis.yaml');
    assert.equal((await server.workspaceSymbols('redis')).length, 1);
    rmSync(workspace.path('infra/redis.yaml'));
    server.filesChanged([{ relative: 'infra/redis.yaml', type: 'deleted' }]);
    assert.deepEqual(await server.workspaceSymbols('redis'), []);
  });
});
