// Watched-file events inside `.git`: git's own files (the index, the Changes view's worktrees) are nothing a manifest
// or a render reads, so their events start no render — but the repository's config is where its remotes are, and a
// remote added after the server started decides which Argo CD Applications deliver this repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { loggingTools, renderToolsOrSkip } from '../helpers/render-tools';
import { FixtureWorkspace, ServerSession } from './harness';

const REMOTE = 'https://example.com/acme/fleet.git';

describe('LSP: watched files inside .git', function () {
  this.timeout(60_000);
  let tools: ReturnType<typeof loggingTools>;
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    tools = loggingTools(renderToolsOrSkip(this));
    workspace = FixtureWorkspace.create({
      'app/kustomization.yaml': 'resources: [cm.yaml]\n',
      'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {k: v}\n',
      'argocd/app.yaml':
        'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: delivered, namespace: argocd}\n' +
        `spec:\n  project: default\n  destination: {server: https://kubernetes.default.svc, namespace: app}\n  source: {repoURL: ${REMOTE}, path: app}\n`,
    });
    execFileSync('git', ['init', '--quiet', '--initial-branch', 'main', workspace.dir]);
    server = await ServerSession.start(workspace, { settings: { kubectlPath: tools.kubectl, helmPath: tools.helm } });
    await server.settled();
  });

  after(async () => {
    await server?.stop();
    workspace?.dispose();
    tools?.dispose();
  });

  it('a remote added to .git/config after start counts: the Application it names renders from this repository', async () => {
    const before = await server.render('delivered');
    assert.equal(before.ok, false);
    assert.match(!before.ok ? before.error : '', /does not render from this repository \(its repoURL is none of its git remotes\)/);
    execFileSync('git', ['-C', workspace.dir, 'remote', 'add', 'origin', REMOTE]);
    server.filesChanged([{ relative: '.git/config', type: 'changed' }]);
    const after = await server.render('delivered');
    assert.ok(after.ok, JSON.stringify(after));
    assert.match(after.yaml, /name: app/);
  });

  it('events of git’s own files start no render; those of the repository’s files do', async () => {
    // Settled: the background pass after the remote was added is over once the count stops growing.
    let count = -1;
    while (count !== tools.runs().length) {
      count = tools.runs().length;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    server.filesChanged([
      { relative: '.git/index', type: 'changed' },
      { relative: '.git/worktrees/driftless-base/HEAD', type: 'created' },
      { relative: '.git/index.lock', type: 'deleted' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(tools.runs().length, count, 'an event inside .git started a render');
    workspace.write('app/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {k: changed}\n');
    server.filesChanged([{ relative: 'app/cm.yaml', type: 'changed' }]);
    for (let waited = 0; tools.runs().length === count && waited < 10_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(tools.runs().length > count, 'a change of a rendered file started no render: the zero above proves nothing');
  });
});
