// driftless/changes over the protocol, as the Changes view asks it again and again: what the working tree changes in
// each environment against main, right after each edit, after a commit moves the base, and after an edit of a base
// that every environment shares (the server reuses renders between requests; they must never be stale).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ChangesRequest, type ChangesResult } from '../../server/src/protocol';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { FixtureWorkspace, ServerSession } from './harness';

const CONFIG = (level: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: ${level}}\n`;

describe('LSP: the Changes view’s diff against the base branch', function () {
  this.timeout(60_000);
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  const git = (...args: string[]) =>
    execFileSync('git', [
      '-C',
      workspace.dir,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ]);
  const changes = async (): Promise<Record<string, string[]>> => {
    const result: ChangesResult = await server.lsp.request(ChangesRequest.type, {});
    assert.ok(!('error' in result), JSON.stringify(result));
    assert.equal(result.base, 'main');
    return Object.fromEntries(
      result.environments
        .filter((e) => e.changes.length || e.error)
        .map((e) => [e.name, e.error ? [e.error] : e.changes.map((c) => `${c.change} ${c.id}`)]),
    );
  };
  const edit = (relative: string, text: string) => {
    workspace.write(relative, text);
    server.filesChanged([{ relative, type: 'changed' }]);
  };

  before(async function () {
    const tools = renderToolsOrSkip(this);
    workspace = FixtureWorkspace.create();
    workspace.write('base/kustomization.yaml', 'resources: [config.yaml]\n');
    workspace.write('base/config.yaml', CONFIG('info'));
    for (const name of ['staging', 'production']) {
      workspace.write(
        `overlays/${name}/kustomization.yaml`,
        `resources: [../../base]\nnamespace: ${name}\npatches: [{path: level.yaml}]\n`,
      );
      workspace.write(`overlays/${name}/level.yaml`, CONFIG('info'));
    }
    git('init', '--quiet', '--initial-branch', 'main');
    git('add', '--all');
    git('commit', '--quiet', '-m', 'base');
    server = await ServerSession.start(workspace, { settings: { kubectlPath: tools.kubectl, validateRenderedOutput: false } });
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('follows edits, commits that move the base, and an edit of the shared base', async () => {
    assert.deepEqual(await changes(), {});
    edit('overlays/production/level.yaml', CONFIG('warn'));
    assert.deepEqual(await changes(), { 'overlays/production': ['changed v1 ConfigMap production/settings'] });
    // Asked again with nothing changed: the same answer.
    assert.deepEqual(await changes(), { 'overlays/production': ['changed v1 ConfigMap production/settings'] });
    git('commit', '--quiet', '-am', 'production warns');
    assert.deepEqual(await changes(), {});
    edit('base/kustomization.yaml', 'resources: [config.yaml]\ncommonLabels: {team: web}\n');
    assert.deepEqual(await changes(), {
      'overlays/production': ['changed v1 ConfigMap production/settings'],
      'overlays/staging': ['changed v1 ConfigMap staging/settings'],
    });
    edit('base/kustomization.yaml', 'resources: [config.yaml]\n');
    assert.deepEqual(await changes(), {});
  });
});
