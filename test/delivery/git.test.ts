// Delivery's git against real repositories: commits of exactly the chosen files (validation gating them, an override
// written into the message), branches, pushes to bare remotes that a pre-receive hook protects or a second clone has
// moved on, checkouts of pull requests — and, whatever fails, the repository as it was apart from what was asked.
import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitChange, planCommit } from '../../server/src/node/delivery/commit-plan';
import { DeliveryGit, pushRejection } from '../../server/src/node/delivery/delivery-git';
import { checkoutPullRequest, pushBranch } from '../../server/src/node/delivery/pull-requests';
import { Project } from '../../server/src/node/project';
import { SchemaFiles } from '../../server/src/node/schema-files';
import { renderToolsOrSkip } from '../helpers/render-tools';
import {
  bareRepository,
  cloneOf,
  commitAndPushAll,
  git,
  GITOPS_TREE,
  headOf,
  makeCartChange,
  protectBranch,
  read,
  remove,
  scratch,
  status,
  writeTree,
} from './repositories';

function project(root: string): Project {
  const loaded = new Project(root, new SchemaFiles());
  loaded.scan();
  return loaded;
}

const BROKEN_SERVICE = 'apiVersion: v1\nkind: Service\nmetadata: {name: cart}\nspec:\n  ports: [{port: 99999}]\n';

describe('delivery: commits, pushes and checkouts with real git', function () {
  this.timeout(60_000);
  let root: string;
  let remote: string;
  let work: string;
  let tools: { kubectl: string };

  beforeEach(async function () {
    tools = renderToolsOrSkip(this);
    root = scratch();
    remote = bareRepository(join(root, 'remotes'), 'acme', 'fleet');
    work = await cloneOf(remote, join(root, 'work'));
    writeTree(work, GITOPS_TREE);
    await commitAndPushAll(work);
  });

  afterEach(() => remove(root));

  it('plans a commit: files per environment, the drafted message and branch, the validation', async () => {
    makeCartChange(work);
    writeTree(work, { 'README.md': '# fleet, edited\n' });
    const plan = await planCommit(project(work), { tools: { kubectl: tools.kubectl } });
    assert.equal(plan.branch, 'main');
    assert.equal(plan.remote, 'origin');
    assert.deepEqual(plan.files.map((f) => `${f.path}: ${f.environments.join(', ')}`).sort(), [
      'README.md: ',
      'cart-prod/kustomization.yaml: cart-prod',
      'cart/base/deployment.yaml: cart-prod, cart-staging',
    ]);
    assert.deepEqual(plan.environmentFiles.sort(), ['cart-prod/kustomization.yaml', 'cart/base/deployment.yaml']);
    assert.equal(plan.subject, 'cart: image 1.0.0 → 1.0.1 in cart-prod; memory 128Mi → 256Mi in cart-prod, cart-staging');
    assert.equal(plan.branchName, 'driftless/cart-prod-image-1.0.1');
    assert.deepEqual(plan.environments, [
      { name: 'cart-prod', objects: 1 },
      { name: 'cart-staging', objects: 1 },
    ]);
    assert.equal(plan.validation.errors, 0);
    // cart-prod's delivery branch is main; cart-staging says none: main, from cart-prod.
    assert.deepEqual(plan.pullRequest, {
      reviewers: ['alice'],
      labels: ['gitops', 'production'],
      base: 'main',
      baseFrom: 'the environments cart-prod, cart-staging',
    });
  });

  it('commits exactly the chosen files on a new branch; other staged and unstaged work stays as it was', async () => {
    makeCartChange(work);
    writeTree(work, { 'README.md': '# fleet, staged\n', 'notes.txt': 'untracked\n' });
    git(work, 'add', 'README.md');
    const outcome = await commitChange(project(work), {
      files: ['cart/base/deployment.yaml', 'cart-prod/kustomization.yaml'],
      message: 'cart: image 1.0.0 → 1.0.1 in cart-prod',
      branch: 'driftless/cart-prod-image-1.0.1',
    });
    assert.ok('commit' in outcome, JSON.stringify(outcome));
    assert.equal(outcome.branch, 'driftless/cart-prod-image-1.0.1');
    assert.equal(git(work, 'branch', '--show-current').trim(), 'driftless/cart-prod-image-1.0.1');
    assert.equal(
      git(work, 'show', '--name-only', '--format=%s', 'HEAD').trim(),
      'cart: image 1.0.0 → 1.0.1 in cart-prod\n\ncart-prod/kustomization.yaml\ncart/base/deployment.yaml',
    );
    assert.equal(status(work), 'M  README.md\n?? notes.txt\n');
    assert.equal(headOf(work, 'main'), headOf(work, 'origin/main'), 'main did not move');
  });

  it('commits deletions and new files, and runs the user’s own hooks', async () => {
    git(work, 'config', 'core.hooksPath', '.githooks-of-user');
    writeTree(work, { '.githooks-of-user/commit-msg': '#!/bin/sh\necho "Reviewed-by: hook" >> "$1"\n' });
    chmodSync(join(work, '.githooks-of-user/commit-msg'), 0o755);
    remove(join(work, 'README.md'));
    writeTree(work, { 'cart/base/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: cart}\nspec:\n  ports: [{port: 80}]\n' });
    const outcome = await commitChange(project(work), { files: ['README.md', 'cart/base/service.yaml'], message: 'Service, no README' });
    assert.ok('commit' in outcome, JSON.stringify(outcome));
    assert.equal(git(work, 'show', '--name-status', '--format=', 'HEAD').trim(), 'D\tREADME.md\nA\tcart/base/service.yaml');
    assert.match(git(work, 'log', '-1', '--format=%B'), /Reviewed-by: hook/);
  });

  it('refuses a commit with validation errors unless overridden, and writes the override into the message', async () => {
    writeTree(work, { 'cart/base/service.yaml': BROKEN_SERVICE });
    const plan = await planCommit(project(work), { tools: { kubectl: tools.kubectl } });
    assert.deepEqual(
      plan.files.map((f) => [f.path, f.errors]),
      [['cart/base/service.yaml', 1]],
    );
    assert.equal(plan.validation.errors, 1);
    const before = headOf(work);
    const refused = await commitChange(project(work), { files: ['cart/base/service.yaml'], message: 'Service' });
    assert.deepEqual(refused, {
      error: 'Validation found 1 error in the files to commit: fix it, or commit with an override (recorded in the commit message).',
      kind: 'validation',
    });
    assert.equal(headOf(work), before);
    assert.equal(status(work), '?? cart/base/service.yaml\n');
    const overridden = await commitChange(project(work), { files: ['cart/base/service.yaml'], message: 'Service', override: true });
    assert.ok('commit' in overridden, JSON.stringify(overridden));
    assert.equal(git(work, 'log', '-1', '--format=%B').trim(), 'Service\n\nDriftless-Override: 1 error');
  });

  it('a commit refused by a hook leaves the branch, the index and the files as they were', async () => {
    writeTree(work, { '.git/hooks/pre-commit': '#!/bin/sh\necho "pre-commit: no commits on Fridays" >&2\nexit 1\n' });
    chmodSync(join(work, '.git/hooks/pre-commit'), 0o755);
    makeCartChange(work);
    const before = status(work);
    const outcome = await commitChange(project(work), { files: ['cart/base/deployment.yaml'], message: 'm', branch: 'driftless/new' });
    assert.ok('error' in outcome);
    assert.match(outcome.error, /git commit failed: .*no commits on Fridays/s);
    assert.equal(git(work, 'branch', '--show-current').trim(), 'main');
    assert.equal(git(work, 'branch', '--list', 'driftless/new').trim(), '', 'the branch made for the commit is gone again');
    // The chosen file stays staged (git add ran), nothing else changed.
    assert.equal(status(work).replace(/^M /m, ' M'), before);
  });

  it('says what to do on a detached HEAD, and commits there only on a new branch', async () => {
    git(work, 'checkout', '--quiet', '--detach');
    makeCartChange(work);
    const refused = await commitChange(project(work), { files: ['cart/base/deployment.yaml'], message: 'm' });
    assert.deepEqual(refused, {
      error: 'HEAD is detached: a commit here would belong to no branch. Name a new branch to commit on (Driftless: Commit… offers one).',
      kind: 'detached',
    });
    assert.deepEqual(await pushBranch(work), {
      error: 'HEAD is detached: there is no branch to push. Make a branch of this commit first.',
      kind: 'detached',
    });
    const onBranch = await commitChange(project(work), { files: ['cart/base/deployment.yaml'], message: 'm', branch: 'rescue' });
    assert.ok('commit' in onBranch);
    assert.equal(git(work, 'branch', '--show-current').trim(), 'rescue');
  });

  it('pushes a new branch with its upstream, and says there is no remote when there is none', async () => {
    makeCartChange(work);
    await commitChange(project(work), { files: ['cart/base/deployment.yaml'], message: 'memory', branch: 'driftless/memory' });
    const pushed = await pushBranch(work);
    assert.deepEqual(pushed, { pushed: true, remote: 'origin', branch: 'driftless/memory', created: true });
    assert.equal(git(remote, 'rev-parse', 'refs/heads/driftless/memory').trim(), headOf(work));
    assert.equal(git(work, 'config', 'branch.driftless/memory.remote').trim(), 'origin');
    git(work, 'remote', 'remove', 'origin');
    assert.deepEqual(await pushBranch(work), {
      error: 'The repository has no remote to push to: add one (git remote add origin URL).',
      kind: 'no-remote',
    });
  });

  it('a push to a protected branch is refused with the remote’s own words and the way out; the commit stays', async () => {
    protectBranch(remote, 'main');
    makeCartChange(work);
    const outcome = await commitChange(project(work), { files: ['cart/base/deployment.yaml'], message: 'memory on main' });
    assert.ok('commit' in outcome);
    const result = await pushBranch(work);
    assert.ok('pushed' in result && !result.pushed, JSON.stringify(result));
    assert.equal(result.reason, 'pre-receive hook declined');
    assert.match(result.gitMessage, /remote: GL-HOOK-ERR: main is a protected branch: changes reach it through pull requests\./);
    assert.match(result.wayOut, /does not take pushes to main .* push it to a new branch and open a pull request instead/);
    assert.equal(headOf(work), outcome.commit, 'the local commit is kept');
    assert.notEqual(git(remote, 'rev-parse', 'refs/heads/main').trim(), outcome.commit);
  });

  it('two clones racing: the second push is a non-fast-forward rejection, never forced, its commit kept', async () => {
    const other = await cloneOf(remote, join(root, 'other'));
    writeTree(other, { 'README.md': '# fleet, theirs\n' });
    git(other, 'commit', '--quiet', '-am', 'theirs');
    git(other, 'push', '--quiet', 'origin', 'main');
    const theirs = headOf(other);
    makeCartChange(work);
    const ours = await commitChange(project(work), { files: ['cart/base/deployment.yaml'], message: 'ours' });
    assert.ok('commit' in ours);
    const result = await pushBranch(work);
    assert.ok('pushed' in result && !result.pushed, JSON.stringify(result));
    assert.match(result.reason, /fetch first|non-fast-forward/);
    assert.match(result.wayOut, /origin\/main has commits yours lacks\. Your commit is kept\. Pull/);
    assert.equal(git(remote, 'rev-parse', 'refs/heads/main').trim(), theirs, 'their commit is still there');
    assert.equal(headOf(work), ours.commit);
  });

  it('reads rejections as git prints them (porcelain and human)', () => {
    assert.equal(
      pushRejection('To ../r.git\n!\trefs/heads/main:refs/heads/main\t[rejected] (non-fast-forward)\nDone\n', 'origin', 'main')?.reason,
      'non-fast-forward',
    );
    assert.equal(
      pushRejection(
        'remote: error: GH006: Protected branch update failed for refs/heads/main.\n ! [remote rejected] main -> main (protected branch hook declined)\n',
        'origin',
        'main',
      )?.reason,
      'protected branch hook declined',
    );
    assert.equal(pushRejection('To https://token:abc@host/r.git\n * [new branch] x -> x\n', 'origin', 'x'), undefined);
    assert.doesNotMatch(
      pushRejection('To https://user:s3cret@host/r.git\n ! [rejected] main -> main (fetch first)\n', 'origin', 'main')!.gitMessage,
      /s3cret/,
    );
  });

  describe('checking out a pull request', () => {
    beforeEach(async () => {
      // The pull request: a branch on the remote, and the ref forges keep for it.
      const author = await cloneOf(remote, join(root, 'author'));
      git(author, 'switch', '--quiet', '-c', 'feature');
      writeTree(author, { 'cart-staging/kustomization.yaml': 'resources: [../../base]\nnamespace: shop-staging\nnameSuffix: -v2\n' });
      git(author, 'commit', '--quiet', '-am', 'staging: v2');
      git(author, 'push', '--quiet', 'origin', 'feature', 'feature:refs/pull/7/head');
    });

    const request = (extra: { keepChangesOn?: string } = {}) => ({
      root: work,
      remote: 'origin',
      number: 7,
      head: 'feature',
      headRef: 'refs/pull/7/head',
      base: 'main',
      ...extra,
    });

    it('checks out a clean tree, and says where the base is for the Changes view', async () => {
      const outcome = await checkoutPullRequest(request());
      assert.ok('branch' in outcome, JSON.stringify(outcome));
      assert.equal(outcome.baseRef, 'origin/main');
      assert.equal(git(work, 'branch', '--show-current').trim(), 'feature');
      assert.match(read(work, 'cart-staging/kustomization.yaml'), /nameSuffix: -v2/);
    });

    it('with changes: touches nothing unless the user keeps them on a branch, then restores nothing lost', async () => {
      makeCartChange(work);
      const before = status(work);
      const dirty = await checkoutPullRequest(request());
      assert.ok('dirty' in dirty, JSON.stringify(dirty));
      assert.deepEqual(dirty.dirty, ['cart-prod/kustomization.yaml', 'cart/base/deployment.yaml']);
      assert.match(dirty.keepBranch, /^driftless\/kept-\d{8}-\d{6}$/);
      assert.equal(status(work), before);
      const outcome = await checkoutPullRequest(request({ keepChangesOn: 'driftless/kept-1' }));
      assert.ok('branch' in outcome && outcome.kept, JSON.stringify(outcome));
      assert.equal(
        git(work, 'show', '--name-only', '--format=%s', 'driftless/kept-1').trim(),
        'Driftless: changes kept before checking out pull request #7\n\ncart-prod/kustomization.yaml\ncart/base/deployment.yaml',
      );
      assert.equal(status(work), '');
      assert.equal(git(work, 'branch', '--show-current').trim(), 'feature');
    });

    it('never resets a local branch that moved away from the pull request (it would need a merge)', async () => {
      git(work, 'switch', '--quiet', '-c', 'feature');
      writeTree(work, { 'README.md': '# mine\n' });
      git(work, 'commit', '--quiet', '-am', 'mine');
      git(work, 'switch', '--quiet', 'main');
      const mine = headOf(work, 'feature');
      const outcome = await checkoutPullRequest(request());
      assert.ok('error' in outcome);
      assert.equal(outcome.kind, 'conflict');
      assert.match(
        outcome.error,
        /both moved on: updating it needs a merge, which Driftless does not make for you\. Nothing was changed\./,
      );
      assert.equal(headOf(work, 'feature'), mine);
      assert.equal(git(work, 'branch', '--show-current').trim(), 'main');
    });

    it('refuses refs and names that are not what a pull request has', async () => {
      assert.deepEqual(await checkoutPullRequest({ ...request(), headRef: 'refs/heads/main' }), {
        error: 'refs/heads/main is no pull request’s head.'.replace('’', "'"),
        kind: 'bad-input',
      });
      const dashed = await checkoutPullRequest({ ...request(), head: '--upload-pack=evil' });
      assert.ok('error' in dashed && dashed.kind === 'bad-input');
    });
  });

  it('a merge in progress stops commits and checkouts alike', async () => {
    const git2 = await DeliveryGit.open(work);
    writeFileSync(join(work, '.git', 'MERGE_HEAD'), headOf(work) + '\n');
    makeCartChange(work);
    assert.equal((await git2.state()).operation, 'a merge');
    const outcome = await commitChange(project(work), { files: ['cart/base/deployment.yaml'], message: 'm' });
    assert.deepEqual(outcome, {
      error: 'The repository is in the middle of a merge: finish or abort it first, then commit.',
      kind: 'conflict',
    });
    assert.ok(existsSync(join(work, '.git', 'MERGE_HEAD')));
  });

  it('refuses paths outside the repository before git sees them', async () => {
    makeCartChange(work);
    const outcome = await commitChange(project(work), { files: ['../outside.yaml'], message: 'm' });
    assert.ok('error' in outcome && outcome.kind === 'bad-input', JSON.stringify(outcome));
    assert.match(outcome.error, /is not a file of the repository/);
  });
});
