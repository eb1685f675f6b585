// Runs an extension-host suite in code-server: start an instance, open the workbench in chromium with the development
// and test paths in the page's payload, and wait (with a hard timeout) for the exit code the workbench reports through
// window.codeAutomationExit. The suite's lines arrive through window.codeAutomationLog and are printed as they come;
// the workbench's own log and code-server's output are kept, and shown when the suite fails. A suite that exits 0
// without writing its results (suite/index.ts), or having run no test, has not passed.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { freePort, say, scratchDir, startCodeServer, workbenchUrl, type CodeServerHandle } from '../../scripts/code-server';
import type { SuiteResults } from './suite/index';
import { SUITE_MARK } from './suite/mark';

export interface SuiteRun {
  /** The suite folder under test/vscode/suite/, and the run's name in the report. */
  suite: string;
  /** A folder or a .code-workspace file to open. */
  folder?: string;
  workspace?: string;
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  /** Default: a fresh, empty one. */
  extensionsDir?: string;
  trust?: boolean;
  settings?: Record<string, unknown>;
  /** Settings of the machine (remote settings): where `machine`-scoped ones such as driftless.kubeconfig apply. */
  machineSettings?: Record<string, unknown>;
  env?: Record<string, string>;
  timeoutMs: number;
  /** Where logs and timings of this run go. */
  resultsDir: string;
}

export interface SuiteResult {
  suite: string;
  /** 0 passed; a number: VS Code's exit code; a word: the run did not finish. */
  exitCode: number | 'timeout' | 'error';
  seconds: number;
  error?: string;
  /** Measurements the suite recorded (helpers.recordTiming). */
  timingsFile: string;
  /** What the suite ran, as its entry point wrote it; absent when the entry point never finished. */
  results?: SuiteResults;
}

/** The suite's results file, read; a problem when it is missing or shows no test run. */
export function readSuiteResults(file: string): { results?: SuiteResults; problem?: string } {
  if (!existsSync(file)) return { problem: `the suite wrote no results (${file}): its entry point did not run to the end` };
  const results = JSON.parse(readFileSync(file, 'utf8')) as SuiteResults;
  if (results.passes + results.failures === 0) return { results, problem: `the ${results.suite} suite ran no test` };
  return { results };
}

export async function runSuiteInCodeServer(run: SuiteRun, browser: Browser): Promise<SuiteResult> {
  const started = Date.now();
  const scratch = scratchDir(`vscode-${run.suite}`);
  mkdirSync(run.resultsDir, { recursive: true });
  const timingsFile = join(run.resultsDir, `vscode-timings.${run.suite}.json`);
  writeFileSync(timingsFile, '{}\n');
  const resultsFile = join(run.resultsDir, `vscode-results.${run.suite}.json`);
  rmSync(resultsFile, { force: true });
  const workbenchLog: string[] = [];
  let server: CodeServerHandle | undefined;
  const result = (exitCode: SuiteResult['exitCode'], error?: string): SuiteResult => ({
    suite: run.suite,
    exitCode,
    seconds: (Date.now() - started) / 1000,
    timingsFile,
    ...(error ? { error } : {}),
  });
  try {
    const port = await freePort();
    server = await startCodeServer({
      port,
      folder: (run.workspace ?? run.folder)!,
      extensionsDir: run.extensionsDir ?? join(scratch, 'extensions'),
      userDataDir: join(scratch, 'user-data'),
      logFile: join(run.resultsDir, `code-server.${run.suite}.log`),
      ...(run.trust !== undefined ? { trust: run.trust } : {}),
      // The web workbench saves edits after a second by default; the suites edit and revert as on the desktop.
      settings: { 'files.autoSave': 'off', ...run.settings },
      ...(run.machineSettings ? { machineSettings: run.machineSettings } : {}),
      env: {
        ...run.env,
        DRIFTLESS_VSCODE_SUITE: run.suite,
        DRIFTLESS_VSCODE_TIMINGS: timingsFile,
        DRIFTLESS_VSCODE_LOG: join(run.resultsDir, `vscode-suite.${run.suite}.log`),
        DRIFTLESS_VSCODE_RESULTS: resultsFile,
      },
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      let reportExit: (code: number) => void = () => undefined;
      const exited = new Promise<number>((resolve) => (reportExit = resolve));
      await context.exposeBinding('codeAutomationExit', (_source, code: number) => reportExit(code));
      await context.exposeBinding('codeAutomationLog', (_source, type: string, args: unknown[]) => {
        const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
        if (text.startsWith(SUITE_MARK)) process.stdout.write(`  ${text.slice(SUITE_MARK.length)}\n`);
        else workbenchLog.push(`[${type}] ${text}`);
      });
      const page = await context.newPage();
      page.on('pageerror', (error) => workbenchLog.push(`[page error] ${error.message}`));
      page.on('crash', () => workbenchLog.push('[page crashed]'));
      const url = workbenchUrl(server, {
        ...(run.workspace ? { workspace: run.workspace } : { folder: run.folder! }),
        extensionDevelopmentPath: run.extensionDevelopmentPath,
        extensionTestsPath: run.extensionTestsPath,
      });
      await page.goto(url, { timeout: 30_000 });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), run.timeoutMs))),
      ]).finally(() => clearTimeout(timer));
      if (outcome === 'timeout') {
        return result(
          'timeout',
          `no exit code from the extension host within ${run.timeoutMs / 1000} s (a suite that hangs, or a workbench that never ran it: check the payload paths)`,
        );
      }
      const { results, problem } = readSuiteResults(resultsFile);
      if (outcome === 0 && problem) return { ...result('error', problem), ...(results ? { results } : {}) };
      return { ...result(outcome), ...(results ? { results } : {}) };
    } finally {
      await context.close().catch(() => undefined);
    }
  } catch (error) {
    return result('error', error instanceof Error ? error.message : String(error));
  } finally {
    await server?.stop();
    if (!process.env.DRIFTLESS_KEEP_SCRATCH) rmSync(scratch, { recursive: true, force: true });
    const logFile = join(run.resultsDir, `workbench.${run.suite}.log`);
    writeFileSync(logFile, workbenchLog.join('\n') + '\n');
    say(`${run.suite}: code-server run finished in ${((Date.now() - started) / 1000).toFixed(1)} s (workbench log: ${logFile})`);
  }
}

/** What the host logged, for a failed run: the workbench's errors and warnings, and code-server's last lines. */
export function describeFailure(run: SuiteRun, result: SuiteResult, codeServerLogLines = 40): string {
  const lines = [`${run.suite}: ${result.error ?? `the extension host exited with ${result.exitCode}`}`];
  lines.push(`  suite output: ${join(run.resultsDir, `vscode-suite.${run.suite}.log`)}`);
  lines.push(`  workbench log: ${join(run.resultsDir, `workbench.${run.suite}.log`)}`);
  lines.push(`  code-server log: ${join(run.resultsDir, `code-server.${run.suite}.log`)}`);
  return lines.join('\n') + '\n' + hostLogExcerpt(run, codeServerLogLines);
}

function hostLogExcerpt(run: SuiteRun, lines: number): string {
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  const workbench = read(join(run.resultsDir, `workbench.${run.suite}.log`))
    .split('\n')
    .filter((line) => /^\[(error|warn|warning|page error|page crashed)\]/.test(line) && !/open-vsx\.org|marketplace|gallery/i.test(line))
    .slice(-30);
  const codeServer = read(join(run.resultsDir, `code-server.${run.suite}.log`))
    .trimEnd()
    .split('\n')
    .slice(-lines);
  return [
    '--- workbench errors and warnings (last 30) ---',
    ...workbench,
    `--- code-server and extension host output (last ${lines} lines) ---`,
    ...codeServer,
    '---',
  ].join('\n');
}
