// The delivery requests over the protocol, as the editor sends them, to the built server: plan a commit, commit on a
// new branch, push, open the pull request (asking for a token first), list and check out pull requests, the Changes
// view against a pull request's base — on the GitHub stand-in, configured by URL in `driftless.forges`. In an
// untrusted workspace every one of them is refused.
import { strict as assert } from 'node:assert';
import {
  ChangesRequest,
  CheckoutPullRequestRequest,
  CommitRequest,
  CreatePullRequestRequest,
  PlanCommitRequest,
  PullRequestsRequest,
  PushRequest,
  WorkspaceTrustNotification,
} from '../../server/src/protocol';
import { assertGitHubAnswersConform } from '../forges/github-openapi';
import type { GitHubStandIn } from '../forges/github-stand-in';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { FixtureWorkspace, ServerSession } from '../lsp/harness';
import { standInForge, type TestForge } from './forges';
import { commitAndPushAll, git, gitAsync, GITOPS_TREE, headOf, makeCartChange, remove, scratch, writeTree } from './repositories';

const TOKEN_VARIABLES = ['GITHUB_TOKEN', 'GITLAB_TOKEN', 'GITEA_TOKEN'];

describe('LSP: delivery requests, from a change to a pull request', function () {
  this.timeout(120_000);
  let root: string;
  let forge: TestForge;
  let github: GitHubStandIn;
  let work: string;
  let server: ServerSession;
  let workspace: FixtureWorkspace;
  const saved: Record<string, string | undefined> = {};

  before(async function () {
    const tools = renderToolsOrSkip(this);
    root = scratch();
    forge = await standInForge('github', root);
    github = forge.standIn as GitHubStandIn;
    // The workspace folder is the user's clone (an empty fixture folder, cloned into).
    workspace = FixtureWorkspace.create();
    work = await forge.clone(workspace.dir);
    writeTree(work, GITOPS_TREE);
    await commitAndPushAll(work);
    git(work, 'branch', '--quiet', '--set-upstream-to', 'origin/main');
    // The server falls back on these; this test is about the token the client sends.
    for (const name of TOKEN_VARIABLES) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
    server = await ServerSession.start(workspace, {
      settings: { kubectlPath: tools.kubectl, validateRenderedOutput: false, forges: [{ url: forge.url, kind: 'github' }] },
    });
    await server.settled();
  });

  after(async () => {
    await server?.stop();
    for (const name of TOKEN_VARIABLES) if (saved[name] !== undefined) process.env[name] = saved[name];
    if (github) assertGitHubAnswersConform(github.requests);
    await forge?.stop();
    workspace?.dispose();
    if (root) remove(root);
  });

  it('plans, commits on a new branch, pushes, and opens the pull request once a token is given', async () => {
    makeCartChange(work);
    writeTree(work, { 'README.md': '# fleet, not part of it\n' });
    const plan = await server.lsp.request(PlanCommitRequest.type, {});
    assert.ok(!('error' in plan), JSON.stringify(plan));
    assert.equal(plan.subject, 'cart: image 1.0.0 → 1.0.1 in cart-prod; memory 128Mi → 256Mi in cart-prod, cart-staging');
    assert.equal(plan.branchName, 'driftless/cart-prod-image-1.0.1');
    assert.deepEqual(plan.environmentFiles.sort(), ['cart-prod/kustomization.yaml', 'cart/base/deployment.yaml']);
    assert.equal(plan.remoteUrl, forge.remoteUrl);

    const committed = await server.lsp.request(CommitRequest.type, {
      files: plan.environmentFiles,
      message: plan.message,
      branch: plan.branchName,
    });
    assert.ok('commit' in committed, JSON.stringify(committed));
    assert.equal(committed.commit, headOf(work));
    assert.equal(git(work, 'status', '--porcelain').trim(), 'M README.md', 'what was not chosen stays uncommitted');

    const pushed = await server.lsp.request(PushRequest.type, {});
    assert.deepEqual(pushed, { pushed: true, remote: 'origin', branch: 'driftless/cart-prod-image-1.0.1', created: true });

    const withoutToken = await server.lsp.request(CreatePullRequestRequest.type, {});
    assert.deepEqual(withoutToken, {
      needsToken: { kind: 'github', forge: 'GitHub', webUrl: forge.url, repository: 'acme/fleet', variable: 'GITHUB_TOKEN' },
    });

    const opened = await server.lsp.request(CreatePullRequestRequest.type, { token: forge.token });
    assert.ok('pullRequest' in opened, JSON.stringify(opened));
    assert.equal(opened.created, true);
    assert.deepEqual(opened.warnings, []);
    const pull = github.pulls.get('acme/fleet')!.find((p) => p.number === opened.pullRequest.number)!;
    assert.equal(pull.title, plan.subject);
    assert.match(pull.body ?? '', /<b>cart-staging<\/b>: 1 changed/);
    assert.deepEqual(pull.reviewers, ['alice']);
    assert.deepEqual(pull.labels, ['gitops', 'production']);

    const again = await server.lsp.request(CreatePullRequestRequest.type, { token: forge.token });
    assert.ok('pullRequest' in again && !again.created && again.pullRequest.number === opened.pullRequest.number, JSON.stringify(again));

    const expired = await server.lsp.request(CreatePullRequestRequest.type, { token: 'ghp_expired_000000' });
    assert.ok('error' in expired && expired.kind === 'auth', JSON.stringify(expired));
    assert.doesNotMatch(expired.error, /ghp_expired_000000/);
  });

  it('lists the open pull requests with checks and reviews, checks one out, and diffs it against its base', async () => {
    const listed = await server.lsp.request(PullRequestsRequest.type, { token: forge.token });
    assert.ok('pullRequests' in listed, JSON.stringify(listed));
    assert.equal(listed.repository.fullName, 'acme/fleet');
    const pull = listed.pullRequests[0]!;
    assert.equal(pull.head, 'driftless/cart-prod-image-1.0.1');
    assert.equal(pull.checks, 'none');
    assert.equal(pull.review, 'review-required');

    // Someone else's branch: checked out from the forge's pull request ref.
    git(work, 'checkout', '--quiet', 'README.md');
    git(work, 'switch', '--quiet', 'main');
    git(work, 'branch', '--quiet', '-D', 'driftless/cart-prod-image-1.0.1');
    const checkedOut = await server.lsp.request(CheckoutPullRequestRequest.type, {
      remote: listed.remote,
      number: pull.number,
      head: pull.head,
      headRef: pull.headRef,
      base: pull.base,
    });
    assert.ok('branch' in checkedOut, JSON.stringify(checkedOut));
    assert.equal(git(work, 'branch', '--show-current').trim(), 'driftless/cart-prod-image-1.0.1');
    const changes = await server.lsp.request(ChangesRequest.type, { base: checkedOut.baseRef });
    assert.ok(!('error' in changes), JSON.stringify(changes));
    assert.equal(changes.base, 'origin/main');
    assert.deepEqual(
      changes.environments.filter((e) => e.changes.length).map((e) => e.name),
      ['cart-prod', 'cart-staging'],
    );
  });

  it('refuses every delivery request in an untrusted workspace', async () => {
    server.lsp.notify(WorkspaceTrustNotification.method, { trusted: false });
    const refused = {
      error: 'This workspace is not trusted: Driftless commits, pushes and opens pull requests only in trusted workspaces.',
      kind: 'untrusted',
    };
    assert.deepEqual(await server.lsp.request(PlanCommitRequest.type, {}), refused);
    assert.deepEqual(await server.lsp.request(CommitRequest.type, { files: ['README.md'], message: 'm' }), refused);
    assert.deepEqual(await server.lsp.request(PushRequest.type, {}), refused);
    assert.deepEqual(await server.lsp.request(CreatePullRequestRequest.type, { token: forge.token }), refused);
    assert.deepEqual(await server.lsp.request(PullRequestsRequest.type, { token: forge.token }), refused);
    server.lsp.notify(WorkspaceTrustNotification.method, { trusted: true });
    await gitAsync(work, 'status');
  });
});
