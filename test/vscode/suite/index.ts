// The extension-host test entry point (extensionTestsPath): VS Code calls run() inside the extension host, on
// code-server (test/vscode/run.ts) as under @vscode/test-electron. DRIFTLESS_VSCODE_SUITE picks the suite bundle
// (main, trust or package) built next to this file; a rejected run() makes VS Code exit with code 1.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import { SUITE_MARK } from './mark';

export async function run(): Promise<void> {
  const suite = process.env.DRIFTLESS_VSCODE_SUITE ?? 'main';
  const bundle = join(__dirname, `${suite}.js`);
  if (!existsSync(bundle)) throw new Error(`no test suite "${suite}" (${bundle} does not exist)`);
  const logFile = process.env.DRIFTLESS_VSCODE_LOG;
  if (logFile) writeFileSync(logFile, '');
  // The reporter's lines are marked so the runner can tell them from the workbench's own log, and kept in a file.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
    const text = format(...args);
    console.log(SUITE_MARK + text);
    if (logFile) appendFileSync(logFile, text + '\n');
  };
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: 60_000,
    ...(process.env.DRIFTLESS_VSCODE_GREP ? { grep: process.env.DRIFTLESS_VSCODE_GREP } : {}),
  });
  mocha.addFile(bundle);
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} extension-host test${failures === 1 ? '' : 's'} failed`);
}
