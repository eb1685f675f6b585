// Deploy and roll back from the command palette, inside VS Code, against the test cluster and the test controllers
// the runner started: the commands with their answers given as the argument object (nothing else is asked), the plan
// shown as a read-only document first, a direct apply refused because Argo CD manages the objects, a protected
// environment refused for a wrong name and deployed once its name is typed (its pull request merged on the GitHub
// stand-in through GitHub's API, as a reviewer would), then rolled back through a new pull request; and an
// environment synced through argocd-server, whose token is kept in SecretStorage by "Driftless: Set Argo CD Token…"
// and asked for when none (or a refused one) is kept.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { DeployResult } from '../../../../server/src/protocol';
import { driftless, log, until, WAIT_MS } from '../helpers';

interface DeployWorld {
  kubeconfig: string;
  context: string;
  kubectl: string;
  namespaces: { prod: string; argocd: string };
  forge: { url: string; token: string };
  /** The argocd-server stand-in, a token it accepts, and the environment synced through it. */
  argocd: { url: string; token: string; environment: string };
}

const world = JSON.parse(process.env.DRIFTLESS_VSCODE_DEPLOY ?? '{}') as DeployWorld;
const PROTECTED = 'frontend-production';
const DIRECT = 'apps/overlays/production';

function root(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the deploy run opens one folder: the clone');
  return folder.uri.fsPath;
}
const git = (...args: string[]) => execFileSync('git', args, { cwd: root(), encoding: 'utf8' }).trim();
const kubectl = (...args: string[]) =>
  execFileSync(world.kubectl, ['--kubeconfig', world.kubeconfig, '--context', world.context, ...args], { encoding: 'utf8' });
const image = () =>
  kubectl('get', 'deployment', 'frontend', '-n', world.namespaces.prod, '-o', 'jsonpath={.spec.template.spec.containers[0].image}');

/** Merges the next pull request opened on the stand-in, through GitHub's REST API (PUT …/pulls/N/merge). */
async function mergeNextPullRequest(): Promise<number> {
  const api = `${world.forge.url}/api/v3/repos/acme/fleet`;
  const headers = { authorization: `token ${world.forge.token}`, accept: 'application/vnd.github+json' };
  const number = await until(
    'a pull request to be opened',
    async () => {
      const open = (await (await fetch(`${api}/pulls?state=open`, { headers })).json()) as { number: number }[];
      return open[0]?.number;
    },
    WAIT_MS * 4,
    300,
  );
  const merged = await fetch(`${api}/pulls/${number}/merge`, { method: 'PUT', headers });
  assert.equal(merged.status, 200, await merged.text());
  return number;
}

describe('deploy: deploy and roll back from the command palette', function () {
  this.timeout(300_000);
  let first: string;

  before(async function () {
    await driftless();
    first = git('rev-parse', 'HEAD');
    // Argo CD (the test controller) has synced the Application the runner bootstrapped.
    await until('Argo CD to sync frontend-production', () => (image().includes('podinfo:6.7.1') ? true : undefined), WAIT_MS * 6, 500);
  });

  it('refuses a direct apply of objects Argo CD manages, after showing the plan', async () => {
    const result = await vscode.commands.executeCommand<DeployResult>('driftless.deploy', { env: DIRECT, override: false });
    log('refused direct apply', result?.outcome, result?.message);
    assert.equal(result.outcome, 'refused', result.message);
    assert.match(result.message, /managed by Argo CD Application .*not by a direct apply the controller would undo/);
    const plan = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'driftless-plan');
    assert.ok(plan, 'the plan was shown');
    assert.equal(plan.languageId, 'markdown');
    assert.match(plan.getText(), /^# Deploy apps\/overlays\/production\n\n> \*\*Blocked:\*\*/);
    assert.match(plan.getText(), /## Against the cluster \(server-side dry run\)/);
    // Refused at the plan, before any consent: nothing ran, nothing was recorded.
    assert.deepEqual(result.steps, []);
    assert.equal(result.record, undefined);
  });

  it('refuses a protected environment when the typed name is wrong; nothing is opened', async () => {
    const result = await vscode.commands.executeCommand<DeployResult>('driftless.deploy', { env: PROTECTED, confirm: 'frontend-prod' });
    assert.equal(result.outcome, 'refused');
    assert.match(result.message, /"frontend-prod" is not its name/);
  });

  it('deploys a protected environment once its name is typed: pull request, merge, sync, drift zero', async () => {
    const file = vscode.Uri.joinPath(vscode.Uri.file(root()), 'apps', 'overlays', 'production', 'kustomization.yaml');
    const text = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
    await vscode.workspace.fs.writeFile(file, Buffer.from(text.replace('newTag: 6.7.1', 'newTag: 6.7.2')));
    git('commit', '--quiet', '-am', 'frontend: podinfo 6.7.2 in production');
    // The token the user would paste once (the pull request's forge asks for it), kept in VS Code's secret storage.
    await vscode.commands.executeCommand('driftless.signInToForge', { url: world.forge.url, token: world.forge.token });
    const running = vscode.commands.executeCommand<DeployResult>('driftless.deploy', { env: PROTECTED, confirm: PROTECTED });
    const number = await Promise.race([
      mergeNextPullRequest(),
      Promise.resolve(running).then((r) => assert.fail(`ended first: ${r.message}`)),
    ]);
    const result = await running;
    log('deployed', result.message, result.steps);
    assert.equal(result.outcome, 'succeeded', result.message);
    assert.equal(result.pullRequest?.number, number);
    assert.equal(result.pullRequest?.merged, true);
    assert.equal(result.controller?.health, 'Healthy');
    assert.equal(result.drift?.drifted, 0);
    assert.equal(image(), 'ghcr.io/stefanprodan/podinfo:6.7.2');
  });

  it('rolls the protected environment back through a new pull request', async () => {
    const running = vscode.commands.executeCommand<DeployResult>('driftless.rollback', {
      env: PROTECTED,
      revision: first,
      confirm: PROTECTED,
    });
    await Promise.race([mergeNextPullRequest(), Promise.resolve(running).then((r) => assert.fail(`ended first: ${r.message}`))]);
    const result = await running;
    log('rolled back', result.message);
    assert.equal(result.outcome, 'succeeded', result.message);
    assert.equal(result.kind, 'rollback');
    assert.equal(result.commits.length, 1);
    assert.equal(image(), 'ghcr.io/stefanprodan/podinfo:6.7.1');
    assert.equal(result.record?.to, first);
  });

  describe('argocd-server: the token in SecretStorage', () => {
    const argocd = () => world.argocd;
    const plan = () =>
      vscode.commands.executeCommand<DeployResult | undefined>('driftless.deploy', { env: argocd().environment, dryRun: true });
    /** A plan; a prompt for the token is dismissed (Escape) whenever one is open; what the command returned. */
    async function planDismissingPrompts(): Promise<DeployResult | undefined> {
      let ended: { result: DeployResult | undefined } | undefined;
      void Promise.resolve(plan()).then((result) => (ended = { result }));
      const { result } = await until(
        'the deploy to end after its token prompt was dismissed',
        async () => {
          await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
          return ended;
        },
        WAIT_MS * 3,
        300,
      );
      return result;
    }

    it('asks for the token when none is kept; a dismissed prompt runs nothing', async () => {
      await vscode.commands.executeCommand('driftless.clearArgoCdToken', { server: argocd().url });
      const result = await planDismissingPrompts();
      // undefined: the user stopped before anything ran (a failed plan would be a result saying so).
      assert.equal(result, undefined, JSON.stringify(result));
    });

    it('a refused token is asked for anew', async () => {
      assert.equal(await vscode.commands.executeCommand('driftless.setArgoCdToken', { server: argocd().url, token: 'not-a-token' }), true);
      assert.equal(await planDismissingPrompts(), undefined);
    });

    it('plans through argocd-server with the token set by "Driftless: Set Argo CD Token…"', async () => {
      assert.equal(
        await vscode.commands.executeCommand('driftless.setArgoCdToken', { server: `${argocd().url}/`, token: argocd().token }),
        true,
      );
      const result = await planDismissingPrompts();
      log('planned through argocd-server', result?.outcome, result?.message);
      assert.equal(result?.outcome, 'planned', JSON.stringify(result));
      assert.match(result.plan?.controller?.name ?? '', new RegExp(`through ${argocd().url.replace(/[.]/g, '\\.')}`));
      assert.ok(!JSON.stringify(result).includes(argocd().token), 'the token is in no result');
    });

    it('"Driftless: Clear Argo CD Token…" forgets it: the next deploy asks again', async () => {
      assert.equal(await vscode.commands.executeCommand('driftless.clearArgoCdToken', { server: argocd().url }), true);
      assert.equal(await planDismissingPrompts(), undefined);
    });
  });
});
