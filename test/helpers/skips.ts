// Skips that say why: a skipped test prints one line (what did not run, and why) and is recorded in the run's skips
// file, so `npm test` can end with a summary of everything that did not run. A bare `this.skip()` is a lint error
// (eslint.config.mjs) and a pending test no call here explains fails the run (unexplainedSkips), so no skip is silent.
// No vscode import: the extension-host suites use this too.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `missing`: something this machine lacks (render tools, the shared corpus, a display, Go) or a condition it is in;
 * `filtered`: left out of this run on request (a grep, `--only`); `by-design`: a case the suite lists as not
 * applicable or excepted, with its reason.
 */
export type SkipKind = 'missing' | 'filtered' | 'by-design';

export interface SkipRecord {
  /** The run that skipped: `mocha`, `vscode main`, `vscode runner`, ... */
  run: string;
  /** The test's full title, or the suite's (`... (every test in it)`) when a hook skipped them all. */
  what: string;
  /** The suite the skipped test belongs to (the summary counts by-design skips per suite). */
  suite: string;
  reason: string;
  kind: SkipKind;
}

/** The first line of a skips file: which run wrote it, and when it started. */
interface SkipsHeader {
  run: string;
  startedAt: string;
}

/** Where this process records its skips (a JSON-lines file), set by whoever starts the run; unset: print only. */
const SKIPS_FILE_VARIABLE = 'DRIFTLESS_SKIPS_FILE';
/** The run's name in the records. */
const SKIPS_RUN_VARIABLE = 'DRIFTLESS_SKIPS_RUN';

let printLine: (line: string) => void = (line) => console.log(line);
const explainedTests = new Set<string>();
const explainedSuites = new Set<string>();

/** Where the lines go (the extension host marks them so its runner shows them). */
export function setSkipPrinter(printer: (line: string) => void): void {
  printLine = printer;
}

/** Starts a skips file for a run (truncating an older one) and makes this process record into it. */
export function startSkipsFile(file: string, run: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const header: SkipsHeader = { run, startedAt: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(header) + '\n');
  process.env[SKIPS_FILE_VARIABLE] = file;
  process.env[SKIPS_RUN_VARIABLE] = run;
}

/** Records a skip that is not a mocha test (a whole part of a runner): printed now, summarised at the end. */
export function recordSkip(what: string, reason: string, kind: SkipKind = 'missing', suite = what, title = what): void {
  const record: SkipRecord = { run: process.env[SKIPS_RUN_VARIABLE] ?? 'mocha', what, suite, reason, kind };
  // On a line of its own (the dot reporter prints no newline); the reason once, when the title does not say it already.
  // A by-design skip is one of a suite's listed cases: its own title is enough there.
  const shown = kind === 'by-design' ? `(by design) ${title}` : what;
  printLine(`\n  SKIPPED ${shown.includes(reason) ? shown : `${shown}: ${reason}`}`);
  const file = process.env[SKIPS_FILE_VARIABLE];
  if (file) appendFileSync(file, JSON.stringify(record) + '\n');
}

/**
 * Skips the running test (from a test or a beforeEach hook) or every test of the suite (from a before hook), saying
 * once what did not run and why.
 */
export function skipWithReason(context: Mocha.Context, reason: string, kind: SkipKind = 'missing'): never {
  const runnable = context.test;
  if (!runnable) throw new Error('skipWithReason: no running test or hook');
  const isHook = (runnable as { type?: string }).type === 'hook'; // Mocha's Hook and Test say which they are; its types do not.
  // A before-all hook has a currentTest too (the suite's first): only a before-each hook skips just that one.
  const isEachHook = isHook && /^"(before|after) each" hook/.test(runnable.title);
  let what: string;
  if (isEachHook && context.currentTest) {
    what = context.currentTest.fullTitle();
    explainedTests.add(what);
  } else if (isHook) {
    what = `${runnable.parent!.fullTitle()} (every test in it: ${runnable.parent!.total()})`;
    explainedSuites.add(runnable.parent!.fullTitle());
  } else {
    what = runnable.fullTitle();
    explainedTests.add(what);
  }
  recordSkip(what, reason, kind, runnable.parent?.fullTitle() ?? what, isHook ? what : runnable.title);
  // eslint-disable-next-line no-restricted-syntax, no-restricted-properties -- the one place a skip happens: said and recorded.
  context.skip();
}

function walkTests(suite: Mocha.Suite, visit: (test: Mocha.Test) => void): void {
  suite.tests.forEach(visit);
  for (const child of suite.suites) walkTests(child, visit);
}

function explained(test: Mocha.Test): boolean {
  if (explainedTests.has(test.fullTitle())) return true;
  for (let suite: Mocha.Suite | undefined = test.parent; suite; suite = suite.parent) {
    if (explainedSuites.has(suite.fullTitle())) return true;
  }
  return false;
}

/** After a run: the pending tests no skipWithReason call explains (it.skip, a bare this.skip(), a test without a body). */
export function unexplainedSkips(root: Mocha.Suite): string[] {
  const unexplained: string[] = [];
  walkTests(root, (test) => {
    if (test.isPending() && !explained(test)) unexplained.push(test.fullTitle());
  });
  return unexplained;
}

/** After a run: the tests that neither ran nor were skipped (filtered out by --grep, or the run stopped before them). */
export function testsNotRun(root: Mocha.Suite): string[] {
  const notRun: string[] = [];
  walkTests(root, (test) => {
    if (test.state === undefined && !test.isPending()) notRun.push(test.fullTitle());
  });
  return notRun;
}

/** A skips file's header and records; undefined when the file does not exist. */
export function readSkipsFile(file: string): { header: SkipsHeader; records: SkipRecord[] } | undefined {
  if (!existsSync(file)) return undefined;
  const [first, ...rest] = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  if (!first) return undefined;
  return { header: JSON.parse(first) as SkipsHeader, records: rest.map((line) => JSON.parse(line) as SkipRecord) };
}

/**
 * The summary of what did not run, from skips files: every skip for want of something on one line, the by-design ones
 * counted per suite (their titles say why).
 */
export function skipSummary(files: readonly string[], now = Date.now()): string[] {
  const lines: string[] = [];
  for (const file of files) {
    const read = readSkipsFile(file);
    if (!read) continue;
    const minutesAgo = Math.round((now - Date.parse(read.header.startedAt)) / 60_000);
    const listed = read.records.filter((r) => r.kind !== 'by-design');
    const count = (kind: SkipKind) => read.records.filter((r) => r.kind === kind).length;
    const byDesign = read.records.filter((r) => r.kind === 'by-design');
    lines.push(
      `${read.header.run} (started ${read.header.startedAt}, ${minutesAgo} min ago): ${count('missing')} skipped for want of something, ${count('filtered')} filtered out, ${byDesign.length} by design`,
    );
    for (const record of listed)
      lines.push(`  - [${record.run}]${record.kind === 'filtered' ? ' (filtered)' : ''} ${record.what}: ${record.reason}`);
    const bySuite = new Map<string, number>();
    for (const record of byDesign) bySuite.set(record.suite, (bySuite.get(record.suite) ?? 0) + 1);
    for (const [suite, count] of bySuite) lines.push(`  - by design, ${count} in "${suite}" (each test's title says why)`);
  }
  return lines;
}
