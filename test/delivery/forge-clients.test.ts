// The forge clients through their official libraries, unchanged, against forges that answer as the real ones: the
// GitHub stand-in (every answer checked against GitHub's OpenAPI description), the GitLab stand-in, and a real Gitea.
// Pull requests opened with drafts, reviewers and labels, found again rather than opened twice, listed with checks
// and reviews; 401, 403, 422, 5xx and timeouts each a clear message without the token.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { detectForge, type ForgeRepository } from '../../server/src/engine/delivery/forge';
import type { ForgeClient } from '../../server/src/node/delivery/forges/forge-client';
import { forgeClient, probeForge, resolveForgeRepository } from '../../server/src/node/delivery/forges/open-forge';
import { assertGitHubAnswersConform } from '../forges/github-openapi';
import { GitHubStandIn } from '../forges/github-stand-in';
import { GitLabStandIn } from '../forges/gitlab-stand-in';
import { giteaForge, standInForge, type TestForge } from './forges';
import { git, gitAsync, headOf, remove, scratch, writeTree } from './repositories';
import { skipWithReason } from '../helpers/skips';

const SETUPS: { name: string; make: (root: string) => Promise<TestForge | { missing: string }> }[] = [
  { name: 'GitHub stand-in', make: (root) => standInForge('github', root) },
  { name: 'GitLab stand-in', make: (root) => standInForge('gitlab', root) },
  { name: 'Gitea (real)', make: giteaForge },
];

for (const setup of SETUPS) {
  describe(`delivery: the ${setup.name} through its official client`, function () {
    this.timeout(90_000);
    let root: string;
    let forge: TestForge;
    let repository: ForgeRepository;
    let client: ForgeClient;

    before(async function () {
      root = scratch();
      const made = await setup.make(root);
      if ('missing' in made) {
        skipWithReason(this, made.missing);
      }
      forge = made;
      const work = await forge.clone(join(root, 'work'));
      writeTree(work, { 'README.md': '# fleet\n' });
      git(work, 'add', '--all');
      git(work, 'commit', '--quiet', '-m', 'first');
      await gitAsync(work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
      const first = headOf(work);
      for (const branch of ['feature', 'second']) {
        git(work, 'switch', '--quiet', '-c', branch, first);
        writeTree(work, { [`${branch}.txt`]: `${branch}\n` });
        git(work, 'add', '--all');
        git(work, 'commit', '--quiet', '-m', branch);
        await gitAsync(work, 'push', '--quiet', 'origin', branch);
      }
      const found = detectForge(forge.remoteUrl, [{ url: forge.url, kind: forge.kind }]);
      assert.ok('repository' in found, JSON.stringify(found));
      repository = found.repository;
      client = await forgeClient(repository, forge.token, 5_000);
    });

    afterEach(function () {
      if (forge?.standIn instanceof GitHubStandIn) assertGitHubAnswersConform(forge.standIn.requests);
    });

    after(async () => {
      await forge?.stop();
      if (root) remove(root);
    });

    it('is recognised by asking the host what it runs, with no setting', async () => {
      assert.equal(await probeForge(forge.url), forge.kind);
      const resolved = await resolveForgeRepository(forge.remoteUrl, []);
      assert.ok('repository' in resolved, JSON.stringify(resolved));
      assert.equal(resolved.repository.fullName, forge.fullName);
    });

    it('opens a draft pull request with its body, finds it again instead of a second, and lists it', async () => {
      assert.equal(await client.defaultBranch(), 'main');
      assert.equal(await client.findOpen('feature', 'main'), undefined);
      const created = await client.create({
        head: 'feature',
        base: 'main',
        title: 'cart: image 1.0.0 → 1.0.1 in cart-prod',
        body: '### Driftless: rendered changes\n\n```diff\n-image: 1.0.0\n+image: 1.0.1\n```',
        draft: true,
        reviewers: [],
        labels: [],
      });
      assert.equal(created.pullRequest.head, 'feature');
      assert.equal(created.pullRequest.base, 'main');
      assert.equal(created.pullRequest.draft, true);
      assert.match(created.pullRequest.url, new RegExp(`^${forge.url}/`));
      const again = await client.findOpen('feature', 'main');
      assert.equal(again?.number, created.pullRequest.number);
      await assert.rejects(
        client.create({ head: 'feature', base: 'main', title: 't', body: 'b', draft: false, reviewers: [], labels: [] }),
        (error: Error & { kind?: string }) => ['exists', 'invalid'].includes(error.kind ?? '') && /already exists/i.test(error.message),
      );
      const listed = await client.listOpen(10);
      assert.deepEqual(
        listed.map((p) => [p.number, p.head, p.draft]),
        [[created.pullRequest.number, 'feature', true]],
      );
    });

    it('adds reviewers and labels it can, and warns of those it cannot, without failing', async () => {
      const created = await client.create({
        head: 'second',
        base: 'main',
        title: 'second',
        body: 'b',
        draft: false,
        reviewers: ['nobody-here'],
        labels: forge.kind === 'gitea' ? ['no-such-label'] : ['gitops'],
      });
      assert.ok(
        created.warnings.some((w) => /nobody-here/.test(w)),
        JSON.stringify(created.warnings),
      );
      if (forge.kind === 'gitea') assert.ok(created.warnings.some((w) => /no-such-label/.test(w)));
      assert.doesNotMatch(JSON.stringify(created.warnings), new RegExp(forge.token));
    });

    it('says a refused token is refused, and never repeats it', async () => {
      const wrong = `${forge.token.slice(0, 6)}-expired-0000`;
      const refused = await forgeClient(repository, wrong, 5_000);
      await assert.rejects(refused.defaultBranch(), (error: Error & { kind?: string }) => {
        assert.equal(error.kind, 'auth');
        assert.match(error.message, /refused the token \(401.*\): it is missing, expired or revoked\. Sign in again with /);
        assert.ok(!error.message.includes(wrong) && !error.message.includes(forge.token));
        return true;
      });
    });

    it('says a repository it cannot see is not there (404)', async () => {
      const missing = await forgeClient({ ...repository, repo: 'no-such', fullName: `${repository.owner}/no-such` }, forge.token, 5_000);
      await assert.rejects(missing.defaultBranch(), /answered 404.*it does not exist, or the token cannot see it/);
    });

    it('reads checks and reviews where the forge has them', async function () {
      const standIn = forge.standIn;
      if (!standIn) {
        // Gitea: a real commit status through its API.
        const feature = (await client.findOpen('feature', 'main'))!;
        const response = await fetch(`${forge.url}/api/v1/repos/${forge.fullName}/statuses/${feature.headSha}`, {
          method: 'POST',
          headers: { authorization: `token ${forge.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ state: 'failure', context: 'ci/test' }),
        });
        assert.equal(response.status, 201);
        const listed = await client.listOpen(10);
        assert.equal(listed.find((p) => p.number === feature.number)?.checks, 'failure');
        return;
      }
      const feature = (await client.findOpen('feature', 'main'))!;
      if (standIn instanceof GitHubStandIn) {
        standIn.statuses.set(feature.headSha, ['success']);
        standIn.checkRuns.set(feature.headSha, [{ status: 'in_progress', conclusion: null }]);
        standIn.reviews.set(feature.number, [
          { user: 'alice', state: 'CHANGES_REQUESTED' },
          { user: 'alice', state: 'APPROVED' },
        ]);
      } else if (standIn instanceof GitLabStandIn) {
        const request = standIn.mergeRequests.get('acme/fleet')!.find((r) => r.iid === feature.number)!;
        request.pipeline = 'running';
        request.approvedBy = ['alice'];
      }
      const listed = await client.listOpen(10);
      const found = listed.find((p) => p.number === feature.number)!;
      assert.equal(found.checks, 'pending');
      assert.equal(found.review, 'approved');
    });

    it('says 403, 422 and 5xx in the forge’s words, and gives up on a forge that does not answer', async function () {
      const standIn = forge.standIn;
      if (!standIn) skipWithReason(this, 'a real Gitea cannot be made to fail on cue; the stand-ins cover it', 'by-design');
      const github = standIn instanceof GitHubStandIn;
      const body = (message: string) =>
        github ? { message, documentation_url: 'https://docs.github.com/rest', status: '403' } : { message };
      standIn.fail({ method: 'GET', path: /./, status: 403, body: body('Resource not accessible by personal access token') });
      await assert.rejects(
        client.defaultBranch(),
        /does not let this token read the (repository|project) in acme\/fleet \(403: Resource not accessible by personal access token\)\. It needs /,
      );
      standIn.fail({
        method: 'POST',
        path: /(pulls|merge_requests)$/,
        status: 422,
        body: github
          ? {
              message: 'Validation Failed',
              errors: [{ resource: 'PullRequest', code: 'custom', message: 'No commits between main and feature' }],
              documentation_url: 'https://docs.github.com/rest',
              status: '422',
            }
          : { message: ['No commits between main and feature'] },
      });
      await assert.rejects(
        client.create({ head: 'feature', base: 'main', title: 't', body: 'b', draft: false, reviewers: [], labels: [] }),
        /refused to open a (pull|merge) request \(422: .*No commits between main and feature\)/,
      );
      standIn.fail({
        method: 'GET',
        path: /./,
        status: 503,
        body: github
          ? { message: 'Service Unavailable', documentation_url: 'https://docs.github.com/rest', status: '503' }
          : { message: 'Service Unavailable' },
      });
      await assert.rejects(
        client.defaultBranch(),
        /failed \(503: Service Unavailable\) while Driftless tried to read the (repository|project)\. Try again later\./,
      );
      // A 502 once: not retried (gitbeaker's own handler would retry ten times over four minutes).
      standIn.fail({
        method: 'GET',
        path: /./,
        status: 502,
        body: github
          ? { message: 'Bad Gateway', documentation_url: 'https://docs.github.com/rest', status: '502' }
          : { message: 'Bad Gateway' },
      });
      const started = Date.now();
      await assert.rejects(client.defaultBranch(), /failed \(502/);
      assert.ok(Date.now() - started < 2_000);
      const quick = await forgeClient(repository, forge.token, 400);
      standIn.fail({ method: 'GET', path: /./, hang: true });
      await assert.rejects(
        quick.defaultBranch(),
        /did not answer within 0\.4 s while Driftless tried to read the (repository|project)\. Try again later\./,
      );
    });
  });
}
