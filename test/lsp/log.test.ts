// The server's log (the "Driftless" output channel) over the protocol: every tool run with its command, version,
// outcome and time; index counts; render cache hits; levels that say what went wrong; and never a Secret's value,
// neither from a render's output nor from a tool's error that quotes it.
import assert from 'node:assert/strict';
import { MessageType } from 'vscode-languageserver-protocol';
import { maskedArguments, MASK } from '../../server/src/engine/render/secret-mask';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { FixtureWorkspace, ServerSession, yaml } from './harness';

/** Values that must never reach the log, in any spelling the render or the tools would print. */
const SECRET_VALUES = ['s3cr3t-Literal-91', 'hunter2-StringData-77', 'quoted-by-kustomize-53'];
const SPELLINGS = SECRET_VALUES.flatMap((value) => [value, Buffer.from(value).toString('base64')]);

describe('LSP log: the Driftless output channel', function () {
  this.timeout(60_000);
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    const tools = renderToolsOrSkip(this);
    workspace = FixtureWorkspace.create({
      'app/kustomization.yaml': yaml(
        'resources: [credentials.yaml]',
        'secretGenerator:',
        `  - {name: generated, literals: ["password=${SECRET_VALUES[0]}"]}`,
      ),
      'app/credentials.yaml': yaml(
        'apiVersion: v1',
        'kind: Secret',
        'metadata: {name: credentials}',
        `stringData: {token: ${SECRET_VALUES[1]}}`,
      ),
      // kustomize refuses a literal without `=`, and its error quotes it.
      'broken/kustomization.yaml': yaml('secretGenerator:', `  - {name: broken, literals: ["${SECRET_VALUES[2]}"]}`),
    });
    server = await ServerSession.start(workspace, { settings: { kubectlPath: tools.kubectl } });
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  const logged = () => server.lsp.logged;

  it('logs the index: files, resources, kustomizations and the time it took', async function () {
    await until(() =>
      logged().some((l) => /^Indexed .*: 3 files, 1 resources, 2 kustomizations, \d+ environments in \d+ ms$/.test(l.message)),
    );
  });

  it('logs a render’s tool run (command, kustomize version, exit, time) at info, and the cached answer after it', async function () {
    const rendered = await server.render('app');
    assert.ok(rendered.ok, JSON.stringify(rendered));
    assert.match(rendered.yaml, /kind: Secret/);
    const run = logged().find((l) =>
      /^ran \S*kubectl kustomize \S*app \(kustomize v\d+\.\d+\.\d+\S*\): exit 0 after \d+ ms, [\d.]+ (B|KB) of output$/.test(l.message),
    );
    assert.ok(
      run,
      `no log line for the render's run among:\n${logged()
        .map((l) => l.message)
        .join('\n')}`,
    );
    assert.equal(run.type, MessageType.Info);
    await server.render('app');
    assert.ok(logged().some((l) => l.message === 'Render cache hit: app (its inputs did not change)'));
  });

  it('logs a failed run as a warning, without the tool’s error text (it quotes the Secret)', async function () {
    const failed = await server.render('broken');
    assert.ok(!failed.ok && failed.error.includes(SECRET_VALUES[2]!), 'the test needs kustomize to quote the value in its error');
    const run = logged().find((l) =>
      /^ran \S*kubectl kustomize \S*broken .*: exit 1 after \d+ ms, [\d.]+ (B|KB) of error output$/.test(l.message),
    );
    assert.ok(
      run,
      logged()
        .map((l) => l.message)
        .join('\n'),
    );
    assert.equal(run.type, MessageType.Warning);
  });

  it('never logs a Secret value, plain or base64', async function () {
    // The background pass of rendered findings has rendered every environment too by now.
    await until(() => logged().filter((l) => l.message.startsWith('ran ')).length >= 3);
    const all = logged()
      .map((l) => l.message)
      .join('\n');
    for (const spelling of SPELLINGS) assert.ok(!all.includes(spelling), `the log holds ${spelling}`);
  });

  it('masks the values of helm’s --set flags on a logged command line, names kept', function () {
    assert.deepEqual(
      maskedArguments(['template', '--set=db.password=pw1', '--set-string', 'token=pw2', '--set-file=ca=/x', '--values=v.yaml']),
      ['template', `--set=db.password=${MASK}`, '--set-string', `token=${MASK}`, `--set-file=ca=${MASK}`, '--values=v.yaml'],
    );
  });
});

async function until(probe: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the log line');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
