// The hostile repositories opened in the language server, in a trusted workspace (trusting a folder's code is not
// trusting it to run a shell through a helm flag): the background renders that put findings on the source lines,
// the render requests of the rendered preview, the Changes view's diff. Whatever a repository tries, no program of
// its runs, no file outside it is read, no connection is made, no environment variable shows in any message, and
// nothing is left behind once the server stops. Also: the preview's path confined to the workspace folders, and the
// project of a file opened from outside the workspace dropped when it closes, never rendered.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import {
  ChangesRequest,
  EnvironmentsRequest,
  PingRequest,
  RenderRequest,
  type ChangesResult,
  type EnvironmentsResult,
  type RenderResult,
} from '../../server/src/protocol';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { FixtureWorkspace, messageOf, ServerSession } from '../lsp/harness';
import { CANARY_ENV, Instruments, Repository, runFolders } from './hostile';
import { HOSTILE_NAMES, hostileRepositories, type HostileRepository } from './repositories';

describe('security: hostile repositories in the language server (trusted workspace)', function () {
  this.timeout(120_000);
  let instruments: Instruments;
  let definitions: HostileRepository[];

  before(async function () {
    instruments = new Instruments(renderToolsOrSkip(this));
    await instruments.listen();
    definitions = hostileRepositories(instruments);
    // The server inherits this process's environment: the canary must be in it to be leaked.
    process.env[CANARY_ENV] = instruments.canaryEnv;
  });

  after(async () => {
    delete process.env[CANARY_ENV];
    await instruments?.dispose();
  });

  /** Starts a trusted server on a repository, the counting tool wrappers configured. */
  const serve = async (repository: Repository, validateRenderedOutput: boolean) => {
    const server = await ServerSession.start(FixtureWorkspace.existing(repository.root), {
      settings: { kubectlPath: instruments.tools.kubectl, helmPath: instruments.tools.helm, validateRenderedOutput },
    });
    await server.settled();
    return server;
  };

  /** What no message of the server may hold, and what it may not leave behind. */
  const nothingEscaped = (received: unknown[], server: ServerSession, serverPid: number, repository: Repository) => {
    assert.ok(!existsSync(instruments.marker), 'a payload ran: the marker file exists');
    assert.deepEqual(instruments.connections, [], 'a connection reached the listener');
    const everything = JSON.stringify([received, server.lsp.shownMessages, server.lsp.loggedMessages]);
    for (const secret of instruments.secrets) assert.ok(!everything.includes(secret), `a message holds ${secret}`);
    assert.deepEqual(runFolders([serverPid]), [], 'temporary folders were left behind');
    assert.equal(repository.worktrees().length, 1, 'a worktree was left registered');
  };

  HOSTILE_NAMES.forEach((name, index) => {
    it(name, async function () {
      const definition = definitions[index]!;
      const repository = new Repository(instruments.scratch, `lsp-${index}`, definition.files, {
        ...(definition.links ? { links: definition.links } : {}),
        ...(definition.remote ? { remote: definition.remote } : {}),
      });
      repository.touchAll();
      const server = await serve(repository, false);
      const { processId } = await server.lsp.request0(PingRequest.type);
      const received: unknown[] = [];
      try {
        const listed: EnvironmentsResult = await server.lsp.request0(EnvironmentsRequest.type);
        const names = listed.folders.flatMap((f) => f.environments.map((e) => e.name));
        for (const environment of Object.keys(definition.environments))
          assert.ok(names.includes(environment), `${environment} is not among ${names.join(', ')}`);

        // The rendered preview of each environment: refused ones start no tool.
        for (const [environment, outcome] of Object.entries(definition.environments)) {
          const before = instruments.renders().length;
          const result: RenderResult = await server.render(environment);
          received.push(result);
          const runs = instruments.renders().length - before;
          if (outcome === 'renders') {
            assert.ok(result.ok, `${environment}: ${JSON.stringify(result)}`);
            assert.ok(runs >= 1, `${environment} rendered without a tool run`);
          } else {
            assert.ok(!result.ok, `${environment} rendered`);
            assert.equal(runs, 0, `${environment}: a tool ran`);
            if (outcome === 'needs-network') assert.match(result.error, /needs the network: /);
          }
        }

        // The Changes view: both sides rendered, the base in a worktree of the hostile commit.
        const changes: ChangesResult = await server.lsp.request(ChangesRequest.type, {}, 60_000);
        received.push(changes);
        assert.ok(!('error' in changes), JSON.stringify(changes));
        for (const [environment, outcome] of Object.entries(definition.environments)) {
          const diff: { error?: string } | undefined = changes.environments.find((e) => e.name === environment);
          assert.ok(diff, `${environment} is not in the Changes view`);
          assert.equal(diff.error !== undefined, outcome !== 'renders', `${environment}: ${diff.error}`);
        }

        // The background renders, their findings on the source lines.
        if (definition.watch) {
          const { file, rule } = definition.watch;
          const found = server.nextDiagnostics(file, (diagnostics) => diagnostics.some((d) => d.code === rule));
          server.settingsChanged({ ...server.settings, validateRenderedOutput: true });
          server.lsp.open(server.uri(file), readFileSync(join(repository.root, file), 'utf8'), 1);
          const diagnostics: Diagnostic[] = await found;
          received.push(diagnostics.map(messageOf));
        }
      } finally {
        await server.stop();
      }
      nothingEscaped(received, server, processId, repository);
    });
  });

  it('renders no path outside the workspace folders: `..` in a preview URI, a link out, a file opened from elsewhere', async () => {
    const definition = definitions[5]!;
    const repository = new Repository(instruments.scratch, 'lsp-paths', definition.files, { links: definition.links! });
    const server = await serve(repository, false);
    const { processId } = await server.lsp.request0(PingRequest.type);
    const received: unknown[] = [];
    try {
      const before = instruments.renders().length;
      for (const path of [
        join(repository.root, '..', '..', 'outside'),
        join(repository.root, 'vendor'),
        `${repository.root}/../../outside/cm.yaml`,
      ]) {
        const result = await server.lsp.request(RenderRequest.type, { path });
        received.push(result);
        assert.deepEqual(result, { ok: false, error: `${path} is in no workspace folder.` });
      }
      // A file opened from outside the workspace: its folder becomes a project while it is open, never rendered, and
      // is dropped with it.
      const outsideFile = join(instruments.scratch, 'outside', 'cm.yaml');
      const outsideUri = `file://${outsideFile}`;
      server.lsp.open(outsideUri, readFileSync(outsideFile, 'utf8'), 1);
      await server.lsp.waitForDiagnostics(outsideUri, {});
      const folders = async () => {
        const result: EnvironmentsResult = await server.lsp.request0(EnvironmentsRequest.type);
        return result.folders.map((f) => f.root);
      };
      assert.ok((await folders()).includes(join(instruments.scratch, 'outside')));
      const outsideRender = await server.lsp.request(RenderRequest.type, {
        environment: '.',
        folder: join(instruments.scratch, 'outside'),
      });
      received.push(outsideRender);
      assert.equal(outsideRender.ok, false);
      assert.equal(instruments.renders().length, before, 'a tool ran');
      server.lsp.close(outsideUri);
      await server.lsp.request0(PingRequest.type);
      assert.deepEqual(await folders(), [repository.root]);
    } finally {
      await server.stop();
    }
    nothingEscaped(received, server, processId, repository);
  });
});
