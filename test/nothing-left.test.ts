// The last test of the mocha run (.mocharc.json lists it last): nothing the suite made is left in its temporary
// folder, and no repository it made still has a git worktree registered (test/helpers/temporary-folders.ts).
import { strict as assert } from 'node:assert';
import { currentRunFolder, leftoversInRunFolder, registeredWorktreeLeaks } from './helpers/temporary-folders';

describe('the run leaves nothing behind', function () {
  it('ran with its own temporary folder (TMPDIR), so what it leaves can be seen', function () {
    const folder = currentRunFolder();
    assert.ok(folder, 'no run folder: test/helpers/mocha-root-hooks.ts was not loaded');
    assert.equal(process.env.TMPDIR, folder);
  });

  it('no repository made by the tests still lists a linked git worktree', function () {
    assert.deepEqual(registeredWorktreeLeaks(), [], 'worktrees left registered (a render, diff or test did not remove its worktree)');
  });

  it('nothing is left in the temporary folder', function () {
    assert.deepEqual(
      leftoversInRunFolder(),
      [],
      `left in ${currentRunFolder()} (the name's prefix says which test or feature made it; DRIFTLESS_KEEP_TEMP=1 keeps them to look at)`,
    );
  });
});
