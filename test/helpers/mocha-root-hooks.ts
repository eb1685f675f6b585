// Loaded by mocha before any test file (.mocharc.json "require"): gives the run its temporary folder (TMPDIR) and its
// skips file, removes each top-level suite's temporary folders when it ends, and at the end prints what did not run and
// fails the run if a test was skipped without a word.
import { join } from 'node:path';
import { skipSummary, startSkipsFile, testsNotRun, unexplainedSkips, recordSkip } from './skips';
import { markSuiteRunning, removeRunFolder, removeTemporaryFolders, startRunFolder } from './temporary-folders';

/** Where mocha's skips are recorded; the VS Code runner reads it for the summary that ends `npm test`. */
export const MOCHA_SKIPS_FILE = join(__dirname, '..', '..', 'test-results', 'skips', 'mocha.jsonl');

const { removedInterrupted } = startRunFolder();
startSkipsFile(MOCHA_SKIPS_FILE, 'mocha');
if (removedInterrupted.length)
  console.log(`removed the temporary folders of ${removedInterrupted.length} interrupted run(s): ${removedInterrupted.join(', ')}`);

function rootSuite(context: Mocha.Context): Mocha.Suite {
  const suite = context.test?.parent;
  if (!suite) throw new Error('mocha root hook without its suite');
  return suite;
}

export const mochaHooks = {
  beforeAll(this: Mocha.Context): void {
    markSuiteRunning();
    // Each top-level suite (one per file, mostly) removes what it made when it ends, after every hook of its own.
    for (const suite of rootSuite(this).suites) {
      suite.afterAll('remove the temporary folders it made', () => removeTemporaryFolders(suite.fullTitle()));
    }
  },

  afterAll(this: Mocha.Context): void {
    const root = rootSuite(this);
    const notRun = testsNotRun(root);
    if (notRun.length) {
      const banner = `${notRun.length} OF THE ${root.total()} TESTS DID NOT RUN (a grep, or the run stopped)`;
      console.log(`\n${'!'.repeat(banner.length)}\n${banner}\n${'!'.repeat(banner.length)}`);
      recordSkip(
        `${notRun.length} test(s), e.g. "${notRun[0]}"`,
        'filtered out (--grep, --fgrep), or the run stopped before them (--bail, a failed hook)',
        'filtered',
      );
    }
    const summary = skipSummary([MOCHA_SKIPS_FILE]);
    console.log(`\n== mocha: what did not run, and why (test-results/skips/mocha.jsonl) ==\n${summary.join('\n')}`);
    removeRunFolder();
    const unexplained = unexplainedSkips(root);
    if (unexplained.length) {
      throw new Error(
        `${unexplained.length} test(s) skipped without saying why (use skipWithReason from test/helpers/skips.ts):\n  ${unexplained.join('\n  ')}`,
      );
    }
  },
};
