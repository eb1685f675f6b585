// From a change to a pull request inside VS Code, through the commands with their answers given as the argument
// object: Driftless: Commit… (on a new branch, pushed), Driftless: Create Pull Request… (as a draft), the Pull
// Requests view listing it, and opening it (a checkout) showing its rendered diff against its base in the Changes
// view. The forge is a real Gitea (else the GitLab stand-in) the runner started; the test reads what it received
// through the forge's own API.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import { driftless, log, until, WAIT_MS } from '../helpers';

interface TestForge {
  kind: 'gitea' | 'gitlab';
  url: string;
  token: string;
  fullName: string;
}

const forge = JSON.parse(process.env.DRIFTLESS_VSCODE_FORGE ?? '{}') as TestForge;

function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the delivery run opens one folder: the clone');
  return folder.uri;
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: workspaceRoot().fsPath, encoding: 'utf8' });
}

/** What the forge holds for a pull request, asked of its own API. */
async function forgePullRequest(number: number): Promise<{ title: string; body: string }> {
  if (forge.kind === 'gitea') {
    const response = await fetch(`${forge.url}/api/v1/repos/${forge.fullName}/pulls/${number}`, {
      headers: { authorization: `token ${forge.token}` },
    });
    return (await response.json()) as { title: string; body: string };
  }
  const response = await fetch(`${forge.url}/api/v4/projects/${encodeURIComponent(forge.fullName)}/merge_requests/${number}`, {
    headers: { 'private-token': forge.token },
  });
  const request = (await response.json()) as { title: string; description: string };
  return { title: request.title, body: request.description };
}

const PROD = 'resources: [../cart/base]\nnamespace: shop\nimages: [{name: registry.example.com/shop/cart, newTag: 1.0.1}]\n';

describe('delivery: commit, push and pull request from the command palette', function () {
  this.timeout(180_000);

  it('commits the change on a new branch and pushes it (answers given, nothing asked)', async () => {
    const api = await driftless();
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspaceRoot(), 'cart-prod', 'kustomization.yaml'), Buffer.from(PROD));
    await until(
      'the Changes view to show cart-prod changed',
      async () => {
        await vscode.commands.executeCommand('driftless.refreshChanges');
        const shown = api.changes();
        return shown && !('error' in shown) && shown.environments.some((e) => e.name === 'cart-prod' && e.changes.length)
          ? shown
          : undefined;
      },
      WAIT_MS * 3,
      500,
    );
    const committed = await vscode.commands.executeCommand<{ commit: string; branch: string; pushed: boolean }>('driftless.commit', {
      message: 'cart: image 1.0.0 → 1.0.1 in cart-prod',
      branch: 'driftless/cart-prod-image-1.0.1',
      push: true,
    });
    log('committed', committed);
    assert.equal(committed.branch, 'driftless/cart-prod-image-1.0.1');
    assert.equal(committed.pushed, true);
    assert.equal(git('rev-parse', 'HEAD').trim(), committed.commit);
    assert.equal(git('log', '-1', '--format=%s').trim(), 'cart: image 1.0.0 → 1.0.1 in cart-prod');
    assert.equal(git('ls-remote', 'origin', 'refs/heads/driftless/cart-prod-image-1.0.1').split('\t')[0], committed.commit);
    assert.equal(git('status', '--porcelain').trim(), '');
  });

  it('opens the pull request as a draft, its body the rendered diff of each environment', async () => {
    // The token the user would paste once, kept in VS Code's secret storage.
    await vscode.commands.executeCommand('driftless.signInToForge', { url: forge.url, token: forge.token });
    const opened = await vscode.commands.executeCommand<{ branch: string; pushed: boolean; pullRequest?: { url: string; number: number } }>(
      'driftless.createPullRequest',
      { draft: true },
    );
    log('opened', opened);
    assert.ok(opened.pullRequest, JSON.stringify(opened));
    assert.equal(opened.branch, 'driftless/cart-prod-image-1.0.1');
    assert.match(opened.pullRequest.url, new RegExp(`^${forge.url}/`));
    const received = await forgePullRequest(opened.pullRequest.number);
    assert.match(received.title, /^(WIP|Draft): cart: image 1\.0\.0 → 1\.0\.1 in cart-prod$/);
    assert.match(received.body, /### Driftless: rendered changes/);
    assert.match(received.body, /<b>cart-prod<\/b>: 1 changed, 0 added, 0 removed/);
    assert.match(
      received.body,
      /^-  +- image: registry\.example\.com\/shop\/cart:1\.0\.0\n\+ +- image: registry\.example\.com\/shop\/cart:1\.0\.1$/m,
    );
    assert.match(received.body, /✅ Validation passed/);
    // Asked again: the open one is linked, not a second.
    const again = await vscode.commands.executeCommand<{ pullRequest?: { number: number } }>('driftless.createPullRequest', {
      draft: true,
    });
    assert.equal(again.pullRequest?.number, opened.pullRequest.number);
  });

  it('lists it in the Pull Requests view, and opening it checks it out and shows its diff against its base', async () => {
    const api = await driftless();
    await vscode.commands.executeCommand('driftless.refreshPullRequests', false);
    const listed = api.pullRequests();
    assert.ok(listed && 'pullRequests' in listed, JSON.stringify(listed));
    const pullRequest = listed.pullRequests.find((p) => p.head === 'driftless/cart-prod-image-1.0.1');
    assert.ok(pullRequest, JSON.stringify(listed.pullRequests));
    assert.equal(pullRequest.draft, true);
    git('switch', '--quiet', 'main');
    git('branch', '--quiet', '-D', 'driftless/cart-prod-image-1.0.1');
    const checkedOut = await vscode.commands.executeCommand<{ branch?: string; baseRef?: string }>(
      'driftless.checkoutPullRequest',
      pullRequest,
    );
    assert.equal(checkedOut.branch, 'driftless/cart-prod-image-1.0.1');
    assert.equal(git('branch', '--show-current').trim(), 'driftless/cart-prod-image-1.0.1');
    const shown = api.changes();
    assert.ok(shown && !('error' in shown), JSON.stringify(shown));
    assert.equal(shown.base, 'origin/main');
    assert.deepEqual(
      shown.environments.filter((e) => e.changes.length).map((e) => e.name),
      ['cart-prod'],
    );
  });
});
