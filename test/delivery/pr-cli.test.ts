// `driftless pr create` as pipelines run it: the built CLI in a child process, the forge and repository from
// origin's URL, the token from GITHUB_TOKEN / GITLAB_TOKEN / GITEA_TOKEN, the API base from the CI's own variables or
// found by asking the host. Against the GitHub and GitLab stand-ins and a real Gitea: the pull request opened with
// the rendered diff of each environment in its body, the head pushed first, an open one linked (exit 0 both times),
// and every fault exit 2 with a clear message and never the token.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { GitHubStandIn } from '../forges/github-stand-in';
import { GitLabStandIn } from '../forges/gitlab-stand-in';
import { assertGitHubAnswersConform } from '../forges/github-openapi';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { giteaForge, standInForge, type TestForge } from './forges';
import { commitAndPushAll, git, gitAsync, GITOPS_TREE, headOf, makeCartChange, remove, scratch, writeTree } from './repositories';
import { skipWithReason } from '../helpers/skips';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI, asynchronously (the stand-ins answer from this process), with only the environment given. */
function driftless(cwd: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', DRIFTLESS_NO_CODE_CACHE: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const TOKEN_VARIABLE = { github: 'GITHUB_TOKEN', gitlab: 'GITLAB_TOKEN', gitea: 'GITEA_TOKEN' } as const;

const SETUPS: {
  name: string;
  make: (root: string) => Promise<TestForge | { missing: string }>;
  ci: (forge: TestForge) => Record<string, string>;
}[] = [
  // GitHub Actions names its API; GitLab CI too; Gitea is found by asking the host what it runs.
  {
    name: 'GitHub stand-in (GITHUB_API_URL)',
    make: (root) => standInForge('github', root),
    ci: (forge) => ({ GITHUB_API_URL: `${forge.url}/api/v3` }),
  },
  {
    name: 'GitLab stand-in (CI_API_V4_URL)',
    make: (root) => standInForge('gitlab', root),
    ci: (forge) => ({ CI_API_V4_URL: `${forge.url}/api/v4` }),
  },
  { name: 'Gitea, real (found by asking the host)', make: giteaForge, ci: () => ({}) },
];

for (const setup of SETUPS) {
  describe(`CLI: driftless pr create on the ${setup.name}`, function () {
    this.timeout(120_000);
    let root: string;
    let forge: TestForge;
    let work: string;
    let kubectl: string;
    let env: Record<string, string>;

    before(async function () {
      kubectl = renderToolsOrSkip(this).kubectl;
      root = scratch();
      const made = await setup.make(root);
      if ('missing' in made) {
        skipWithReason(this, made.missing);
      }
      forge = made;
      work = await forge.clone(join(root, 'work'));
      writeTree(work, GITOPS_TREE);
      await commitAndPushAll(work);
      git(work, 'branch', '--quiet', '--set-upstream-to', 'origin/main');
      env = { [TOKEN_VARIABLE[forge.kind]]: forge.token, ...setup.ci(forge) };
    });

    after(async () => {
      if (forge?.standIn instanceof GitHubStandIn) assertGitHubAnswersConform(forge.standIn.requests);
      await forge?.stop();
      if (root) remove(root);
    });

    it('pushes the branch, opens the pull request with the rendered diff, then links it instead of a second', async () => {
      git(work, 'switch', '--quiet', '-c', 'driftless/cart-prod-image-1.0.1', 'main');
      makeCartChange(work);
      git(work, 'commit', '--quiet', '-am', 'cart: image 1.0.0 → 1.0.1 in cart-prod; memory 128Mi → 256Mi in cart-prod, cart-staging');
      const first = await driftless(work, ['pr', 'create', '--format', 'json', '--kubectl', kubectl], env);
      assert.equal(first.status, 0, first.stderr);
      const opened = JSON.parse(first.stdout) as { url: string; number: number; created: boolean };
      assert.deepEqual(Object.keys(opened), ['url', 'number', 'created']);
      assert.equal(opened.created, true);
      assert.match(opened.url, new RegExp(`^${forge.url}/.*${opened.number}$`));
      assert.match(first.stderr, /pushed driftless\/cart-prod-image-1\.0\.1 to origin first/);
      assert.equal(
        (await gitAsync(work, 'ls-remote', 'origin', 'refs/heads/driftless/cart-prod-image-1.0.1')).split('\t')[0],
        headOf(work),
      );

      const body = await receivedBody(forge, opened.number);
      assert.match(body, /### Driftless: rendered changes/);
      assert.match(body, /This change changes 2 objects in 2 environments \(against origin\/main\)\./);
      assert.match(body, /<b>cart-prod<\/b>: 1 changed, 0 added, 0 removed/);
      assert.match(body, /-.*image: registry\.example\.com\/shop\/cart:1\.0\.0\n\+.*image: registry\.example\.com\/shop\/cart:1\.0\.1/);
      assert.match(body, /✅ Validation passed: 0 errors, 0 warnings, 0 infos in 2 files\./);

      const again = await driftless(work, ['pr', 'create', '--kubectl', kubectl], env);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(
        again.stdout.trim(),
        `A pull request for driftless/cart-prod-image-1.0.1 is open already: #${opened.number} ${opened.url}`,
      );
      for (const output of [first, again]) assert.ok(!`${output.stdout}${output.stderr}`.includes(forge.token), 'the token never shows');
    });

    it('takes --base, --title and --draft; reviewers and labels come from .driftless.yaml', async () => {
      git(work, 'switch', '--quiet', '-c', 'staging-only', 'main');
      writeTree(work, { 'cart-staging/kustomization.yaml': 'resources: [../cart/base]\nnamespace: shop-staging\nnameSuffix: -v2\n' });
      git(work, 'commit', '--quiet', '-am', 'staging: v2');
      const run = await driftless(work, ['pr', 'create', '--base', 'main', '--title', 'Staging v2', '--draft', '--kubectl', kubectl], env);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^Opened pull request #\d+ \(staging-only → main\) as a draft: http/);
      if (forge.standIn instanceof GitHubStandIn) {
        const pull = forge.standIn.pulls.get('acme/fleet')!.find((p) => p.head === 'staging-only')!;
        assert.equal(pull.title, 'Staging v2');
        assert.equal(pull.draft, true);
        // Only cart-staging changes: the top level's label, no reviewers (cart-prod's are not asked).
        assert.deepEqual(pull.labels, ['gitops']);
        assert.deepEqual(pull.reviewers, []);
      } else if (forge.standIn instanceof GitLabStandIn) {
        const request = forge.standIn.mergeRequests.get('acme/fleet')!.find((r) => r.source === 'staging-only')!;
        assert.equal(request.title, 'Draft: Staging v2');
        assert.deepEqual(request.labels, ['gitops']);
      } else {
        const listed = (await (
          await fetch(`${forge.url}/api/v1/repos/${forge.fullName}/pulls?state=open`, {
            headers: { authorization: `token ${forge.token}` },
          })
        ).json()) as { title: string; head: { ref: string } }[];
        assert.equal(listed.find((p) => p.head.ref === 'staging-only')?.title, 'WIP: Staging v2');
      }
    });

    it('exits 2 with a clear message on a missing or refused token, never showing it', async () => {
      git(work, 'switch', '--quiet', 'driftless/cart-prod-image-1.0.1');
      const missing = await driftless(work, ['pr', 'create', '--kubectl', kubectl], setup.ci(forge));
      assert.equal(missing.status, 2);
      assert.match(
        missing.stderr,
        new RegExp(
          `driftless: ${forge.fullName} is on (GitHub|GitLab|Gitea): set ${TOKEN_VARIABLE[forge.kind]} to a token that may open pull requests there\\.`,
        ),
      );
      const expired = `${forge.token.slice(0, 4)}expired${forge.token.slice(-6)}`;
      const refused = await driftless(work, ['pr', 'create', '--kubectl', kubectl], { ...env, [TOKEN_VARIABLE[forge.kind]]: expired });
      assert.equal(refused.status, 2);
      assert.match(refused.stderr, /refused the token \(401.*\): it is missing, expired or revoked/);
      assert.ok(!`${refused.stdout}${refused.stderr}`.includes(expired));
    });

    it('exits 2 on a detached HEAD, an unknown option value, and a remote that is no forge', async () => {
      git(work, 'checkout', '--quiet', '--detach');
      const detached = await driftless(work, ['pr', 'create', '--kubectl', kubectl], env);
      assert.equal(detached.status, 2);
      assert.equal(detached.stderr.trim(), 'driftless: HEAD is detached: name the branch to propose (--head), or check out a branch.');
      const usage = await driftless(work, ['pr', 'create', '--format', 'yaml'], env);
      assert.equal(usage.status, 2);
      assert.match(usage.stderr, /--format must be text or json/);
      git(work, 'switch', '--quiet', 'driftless/cart-prod-image-1.0.1');
      const original = git(work, 'remote', 'get-url', 'origin').trim();
      git(work, 'remote', 'set-url', 'origin', 'http://127.0.0.1:9/acme/fleet.git');
      try {
        const unknown = await driftless(work, ['pr', 'create', '--kubectl', kubectl], { [TOKEN_VARIABLE[forge.kind]]: forge.token });
        assert.equal(unknown.status, 2);
        assert.match(
          unknown.stderr,
          /driftless: origin \(http:\/\/127\.0\.0\.1:9\/acme\/fleet\.git\): 127\.0\.0\.1 is no forge Driftless knows/,
        );
      } finally {
        git(work, 'remote', 'set-url', 'origin', original);
      }
      git(work, 'remote', 'rename', 'origin', 'upstream');
      try {
        const none = await driftless(work, ['pr', 'create', '--kubectl', kubectl], env);
        assert.equal(none.status, 2);
        assert.match(none.stderr, /driftless: The repository has no remote named origin/);
      } finally {
        git(work, 'remote', 'rename', 'upstream', 'origin');
      }
    });

    it('cuts a huge rendered diff at the forge’s limit, with a note', async function () {
      if (forge.kind !== 'github') skipWithReason(this, "GitHub's limit (65,536) is the one a test can reach quickly", 'by-design');
      git(work, 'switch', '--quiet', '-c', 'huge', 'main');
      const many = Array.from(
        { length: 300 },
        (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings-${i}}\ndata: {value: "${'x'.repeat(300)}"}\n`,
      ).join('---\n');
      writeTree(work, { 'cart/base/settings.yaml': many, 'cart/base/kustomization.yaml': 'resources: [deployment.yaml, settings.yaml]\n' });
      git(work, 'add', '--all');
      git(work, 'commit', '--quiet', '-m', '300 settings');
      const run = await driftless(work, ['pr', 'create', '--format', 'json', '--kubectl', kubectl], env);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /the rendered diff was cut to fit the forge's limit/);
      const body = await receivedBody(forge, (JSON.parse(run.stdout) as { number: number }).number);
      assert.ok([...body].length <= 65_536);
      assert.match(body, /✂️ Cut to fit GitHub's limit of 65,536 characters: [\d,]+ of [\d,]+ shown\./);
    });

    it('gives up on a forge that does not answer, within the time limit', async function () {
      const standIn = forge.standIn;
      if (!standIn) skipWithReason(this, 'a real Gitea cannot be made to fail on cue; the stand-ins cover it', 'by-design');
      git(work, 'switch', '--quiet', 'driftless/cart-prod-image-1.0.1');
      standIn.fail({ method: 'GET', path: /./, hang: true, times: 10 });
      const run = await driftless(work, ['pr', 'create', '--kubectl', kubectl], { ...env, DRIFTLESS_FORGE_TIMEOUT_MS: '500' });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /did not answer within 0\.5 s while Driftless tried to/);
    });
  });
}

/** The body the forge received for a pull request. */
async function receivedBody(forge: TestForge, number: number): Promise<string> {
  if (forge.standIn instanceof GitHubStandIn) return forge.standIn.pulls.get('acme/fleet')!.find((p) => p.number === number)!.body ?? '';
  if (forge.standIn instanceof GitLabStandIn)
    return forge.standIn.mergeRequests.get('acme/fleet')!.find((r) => r.iid === number)!.description ?? '';
  const response = await fetch(`${forge.url}/api/v1/repos/${forge.fullName}/pulls/${number}`, {
    headers: { authorization: `token ${forge.token}` },
  });
  return ((await response.json()) as { body: string }).body;
}
