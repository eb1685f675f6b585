// Requests sent right after the server starts, before it has opened the workspace folders (it first pulls the
// settings, which a busy editor answers late): they wait for the folders rather than answer "No workspace folder is
// open." (seen in the VS Code deploy suite, whose first command ran that early).
import assert from 'node:assert/strict';
import { PlanCommitRequest, DeployHistoryRequest } from '../../server/src/protocol';
import { FixtureWorkspace, ServerSession, yaml } from './harness';

describe('LSP: requests before the workspace folders are open', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    workspace = FixtureWorkspace.create({
      'apps/settings.yaml': yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: settings'),
    });
    server = await ServerSession.start(workspace, { configurationDelayMs: 1_500 });
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('deploy history and a commit plan wait for the folders instead of finding none', async function () {
    const [history, commit] = await Promise.all([
      server.lsp.request(DeployHistoryRequest.type, { environment: 'nowhere' }),
      server.lsp.request(PlanCommitRequest.type, {}),
    ]);
    for (const answer of [history, commit]) assert.notEqual((answer as { kind?: string }).kind, 'no-folder', JSON.stringify(answer));
  });
});
