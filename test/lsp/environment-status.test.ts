// driftless/environments with each environment's status as the background render found it (the Environments view's
// icons): renders with its rendered errors counted, fails with its cause and line, needs the network, not rendered
// here; and driftless/environmentsChanged when a pass changes them.
import assert from 'node:assert/strict';
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import { EnvironmentsChangedNotification, EnvironmentsRequest, type EnvironmentsResult } from '../../server/src/protocol';

// The harness's client takes requests with parameters and notifications with parameters: the same methods, typed so.
const ENVIRONMENTS = new RequestType<Record<string, never>, EnvironmentsResult, void>(EnvironmentsRequest.method);
const ENVIRONMENTS_CHANGED = new NotificationType<unknown>(EnvironmentsChangedNotification.method);
import { renderToolsOrSkip } from '../helpers/render-tools';
import { FixtureWorkspace, ServerSession } from './harness';

const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: info}\n';
const SERVICE = (port: number) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: ${port}}]\n`;

describe('LSP: each environment’s status, from its background render', function () {
  this.timeout(60_000);
  let workspace: FixtureWorkspace;
  let server: ServerSession;
  let changes = 0;

  const statuses = async () => {
    const result: EnvironmentsResult = await server.lsp.request(ENVIRONMENTS, {});
    return Object.fromEntries(result.folders[0]!.environments.map((e) => [e.name, e.status]));
  };
  const until = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
    for (let waited = 0; waited < 30_000; waited += 100) {
      const found = await probe();
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  before(async function () {
    const tools = renderToolsOrSkip(this);
    workspace = FixtureWorkspace.create();
    workspace.write('good/kustomization.yaml', 'resources: [config.yaml]\n');
    workspace.write('good/config.yaml', CONFIG_MAP);
    workspace.write('broken/kustomization.yaml', 'resources:\n  - config.yaml\n  - missing.yaml\n');
    workspace.write('broken/config.yaml', CONFIG_MAP);
    workspace.write('remote/kustomization.yaml', 'resources:\n  - https://github.com/example/nothing//deploy?ref=v1\n');
    workspace.write('wrong/kustomization.yaml', 'resources: [service.yaml]\n');
    workspace.write('wrong/service.yaml', SERVICE(80));
    server = await ServerSession.start(workspace, { settings: { kubectlPath: tools.kubectl } });
    server.lsp.onNotification(ENVIRONMENTS_CHANGED, () => changes++);
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('says which renders, which fails and why, and which needs the network', async () => {
    const found = await until('the statuses of the first pass', async () => {
      const all = await statuses();
      return Object.values(all).every((s) => s !== undefined) ? all : undefined;
    });
    assert.ok(changes > 0, 'the server said the statuses changed');
    assert.deepEqual(found['good'], { state: 'renders', errors: 0, warnings: 0 });
    assert.deepEqual(found['wrong'], { state: 'renders', errors: 0, warnings: 0 });
    assert.equal(found['broken']?.state, 'fails');
    assert.equal(found['broken']?.file, 'broken/kustomization.yaml');
    assert.equal(found['broken']?.line, 2);
    assert.match(found['broken']?.detail ?? '', /missing\.yaml/);
    assert.doesNotMatch(found['broken']?.detail ?? '', new RegExp(workspace.dir));
    assert.equal(found['remote']?.state, 'needs-network');
    assert.match(found['remote']?.detail ?? '', /github\.com\/example\/nothing/);
  });

  it('counts the errors of a render, and tells the client when a status changes', async () => {
    const before = changes;
    workspace.write('wrong/service.yaml', SERVICE(70000));
    server.filesChanged([{ relative: 'wrong/service.yaml', type: 'changed' }]);
    const status = await until('the render’s error counted', async () => {
      const found = (await statuses())['wrong'];
      return found?.errors ? found : undefined;
    });
    assert.deepEqual(status, { state: 'renders', errors: 1, warnings: 0 });
    assert.ok(changes > before, 'the server said the statuses changed');
  });
});
