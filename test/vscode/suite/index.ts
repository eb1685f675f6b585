// The extension-host test entry point (extensionTestsPath): VS Code calls run() inside the extension host, on
// code-server (test/vscode/run.ts) as under @vscode/test-electron. DRIFTLESS_VSCODE_SUITE picks the suite bundle
// (main, trust or package) built next to this file; a rejected run() makes VS Code exit with code 1. A run that finds
// no test fails; DRIFTLESS_VSCODE_GREP narrows it, and says so; a skip that does not say why fails it
// (test/helpers/skips.ts). What ran is written to DRIFTLESS_VSCODE_RESULTS for the runner to check.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import { recordSkip, setSkipPrinter, unexplainedSkips } from '../../helpers/skips';
import { SUITE_MARK } from './mark';

/** What the runner reads back: a host that never ran this file leaves none, and the runner fails it. */
export interface SuiteResults {
  suite: string;
  /** Tests in the suite, and those the grep left to run. */
  total: number;
  selected: number;
  grep?: string;
  passes: number;
  failures: number;
  pending: number;
}

export async function run(): Promise<void> {
  const suite = process.env.DRIFTLESS_VSCODE_SUITE ?? 'main';
  const bundle = join(__dirname, `${suite}.js`);
  if (!existsSync(bundle)) throw new Error(`no test suite "${suite}" (${bundle} does not exist)`);
  const logFile = process.env.DRIFTLESS_VSCODE_LOG;
  if (logFile) writeFileSync(logFile, '');
  const print = (text: string) => {
    console.log(SUITE_MARK + text);
    if (logFile) appendFileSync(logFile, text + '\n');
  };
  // The reporter's lines are marked so the runner can tell them from the workbench's own log, and kept in a file.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => print(format(...args));
  setSkipPrinter((line) => print(line.replace(/^\n/, '')));
  process.env.DRIFTLESS_SKIPS_RUN = `vscode ${suite}${process.env.DRIFTLESS_VSCODE_HOST ? ` (${process.env.DRIFTLESS_VSCODE_HOST})` : ''}`;
  const grep = process.env.DRIFTLESS_VSCODE_GREP || undefined;
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000, ...(grep ? { grep } : {}) });
  mocha.addFile(bundle);

  const results = await new Promise<SuiteResults>((resolve) => {
    const runner = mocha.run(() =>
      resolve({
        suite,
        total: mocha.suite.total(),
        selected: runner.total,
        ...(grep ? { grep } : {}),
        passes: runner.stats?.passes ?? 0,
        failures: runner.stats?.failures ?? 0,
        pending: runner.stats?.pending ?? 0,
      }),
    );
    if (grep) {
      const banner = `DRIFTLESS_VSCODE_GREP=${JSON.stringify(grep)} FILTERS THIS RUN: ${runner.total} of the ${mocha.suite.total()} tests of the ${suite} suite run`;
      print(`${'!'.repeat(banner.length)}\n${banner}\n${'!'.repeat(banner.length)}`);
      recordSkip(
        `${mocha.suite.total() - runner.total} of the ${mocha.suite.total()} tests of the ${suite} suite`,
        `DRIFTLESS_VSCODE_GREP=${grep}`,
        'filtered',
      );
    }
  });
  if (process.env.DRIFTLESS_VSCODE_RESULTS) writeFileSync(process.env.DRIFTLESS_VSCODE_RESULTS, JSON.stringify(results, null, 2) + '\n');

  const problems: string[] = [];
  if (results.failures > 0) problems.push(`${results.failures} extension-host test${results.failures === 1 ? '' : 's'} failed`);
  if (results.selected === 0)
    problems.push(
      `the ${suite} suite found no test to run${grep ? ` matching DRIFTLESS_VSCODE_GREP=${grep}` : ''} (${results.total} in all)`,
    );
  else if (results.passes + results.failures === 0) problems.push(`the ${suite} suite ran no test (all ${results.pending} skipped)`);
  const unexplained = unexplainedSkips(mocha.suite);
  if (unexplained.length)
    problems.push(`${unexplained.length} test(s) skipped without saying why (use skipWithReason):\n  ${unexplained.join('\n  ')}`);
  if (problems.length) throw new Error(problems.join('; '));
}
