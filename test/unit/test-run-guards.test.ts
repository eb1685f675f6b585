// The guards that keep a run from narrowing silently (test/helpers/skips.ts), on a small mocha suite run here: a skip
// without a reason is found, one with a reason is not; tests a grep left out are counted; the summary lists them.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { setSkipPrinter, skipSummary, skipWithReason, startSkipsFile, testsNotRun, unexplainedSkips } from '../helpers/skips';
import { temporaryFolder } from '../helpers/temporary-folders';

/** Runs a suite built with mocha's own classes (no globals) and returns its root, every test settled. */
async function runInnerSuite(build: (root: Mocha.Suite) => void, grep?: RegExp): Promise<Mocha.Suite> {
  const inner = new Mocha({ reporter: Mocha.reporters.Base, ...(grep ? { grep } : {}) });
  build(inner.suite);
  await new Promise<void>((resolve) => inner.run(() => resolve()));
  return inner.suite;
}

function test(title: string, fn: (this: Mocha.Context) => void): Mocha.Test {
  return new Mocha.Test(title, fn);
}

describe('the guards against runs that narrow silently', function () {
  const outer = { file: process.env.DRIFTLESS_SKIPS_FILE, run: process.env.DRIFTLESS_SKIPS_RUN };
  let skipsFile: string;
  const printed: string[] = [];

  beforeEach(function () {
    // The inner run records into a file of its own, not into this run's summary.
    skipsFile = join(temporaryFolder('driftless-skips-'), 'inner.jsonl');
    startSkipsFile(skipsFile, 'inner');
    printed.length = 0;
    setSkipPrinter((line) => printed.push(line));
  });

  afterEach(function () {
    setSkipPrinter((line) => console.log(line));
    process.env.DRIFTLESS_SKIPS_FILE = outer.file;
    process.env.DRIFTLESS_SKIPS_RUN = outer.run;
  });

  it('finds a skip that says nothing, and not one that says why (from a test or a before hook)', async function () {
    const root = await runInnerSuite((root) => {
      const suite = Mocha.Suite.create(root, 'inner');
      suite.addTest(
        test('skips bare', function () {
          // eslint-disable-next-line no-restricted-syntax -- the case the guard exists for
          this.skip();
        }),
      );
      suite.addTest(
        test('skips saying why', function () {
          skipWithReason(this, 'no widget on this machine');
        }),
      );
      suite.addTest(test('runs', () => undefined));
      const skipped = Mocha.Suite.create(root, 'skipped whole');
      skipped.beforeAll(function () {
        skipWithReason(this, 'no corpus here');
      });
      skipped.addTest(test('one', () => undefined));
      skipped.addTest(test('two', () => undefined));
    });
    assert.deepEqual(unexplainedSkips(root), ['inner skips bare']);
    assert.deepEqual(testsNotRun(root), []);
    assert.deepEqual(
      printed.map((line) => line.trim()),
      ['SKIPPED inner skips saying why: no widget on this machine', 'SKIPPED skipped whole (every test in it: 2): no corpus here'],
    );
    const records = readFileSync(skipsFile, 'utf8').trim().split('\n').slice(1);
    assert.equal(records.length, 2);
  });

  it('counts the tests a grep left out, and the summary lists each skip of a missing kind', async function () {
    const root = await runInnerSuite((root) => {
      const suite = Mocha.Suite.create(root, 'inner');
      suite.addTest(test('wanted', () => undefined));
      suite.addTest(test('left out', () => undefined));
      suite.addTest(
        test('also wanted, but skipped', function () {
          skipWithReason(this, 'no kubectl');
        }),
      );
    }, /wanted/);
    assert.deepEqual(testsNotRun(root), ['inner left out']);
    const summary = skipSummary([skipsFile]);
    assert.match(summary[0]!, /^inner \(started .*\): 1 skipped for want of something, 0 filtered out, 0 by design$/);
    assert.deepEqual(summary.slice(1), ['  - [inner] inner also wanted, but skipped: no kubectl']);
  });
});
