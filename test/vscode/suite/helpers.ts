// What the extension-host tests share: the extension's API, the fixture folders the runner prepared, opening files,
// and waiting for what the user would see — on events with a deadline, never a fixed sleep.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { format } from 'node:util';
import * as vscode from 'vscode';
import type { DriftlessApi } from '../../../client/src/api';
import { SUITE_MARK } from './mark';

export const EXTENSION_ID = 'driftless.driftless';
/** The longest any single wait may take; far above what a wait takes, below mocha's timeout. */
export const WAIT_MS = 20_000;
/**
 * A bound on activate() that catches a hang or work done at activation, not a speed goal: the goal (100 ms) is
 * checked by `npm run bench` on the recorded activationMs, where a busy 2-core machine cannot fail the test suite.
 */
export const ACTIVATION_HANG_MS = 5_000;

/** Everything the suite prints goes through this: the runner shows these lines live and keeps them on failure. */
export function log(...args: unknown[]): void {
  console.log(SUITE_MARK + format(...args));
}

export function extension(): vscode.Extension<DriftlessApi> {
  const found = vscode.extensions.getExtension<DriftlessApi>(EXTENSION_ID);
  assert.ok(found, `the extension ${EXTENSION_ID} is not installed in this VS Code`);
  return found;
}

/** The extension's API once its language server answers. */
export async function driftless(): Promise<DriftlessApi> {
  const api = await extension().activate();
  await within(api.ready(), WAIT_MS, 'the Driftless language server to start');
  return api;
}

export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The workspace folder of that name (the runner opens a multi-root workspace of fixture folders). */
export function folder(name: string): vscode.WorkspaceFolder {
  const found = vscode.workspace.workspaceFolders?.find((f) => f.name === name);
  assert.ok(found, `no workspace folder "${name}" among ${JSON.stringify(vscode.workspace.workspaceFolders?.map((f) => f.name))}`);
  return found;
}

export function fileIn(folderName: string, relative: string): vscode.Uri {
  return vscode.Uri.joinPath(folder(folderName).uri, relative);
}

export async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Writes a file in a fixture folder (the folders are temporary copies). */
export async function writeFile(uri: vscode.Uri, text: string): Promise<vscode.Uri> {
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return uri;
}

export function yaml(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

/** The rule id of a diagnostic (its code, which also links to the rule's documentation). */
export function ruleOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code);
}

const SEVERITY_WORDS = ['error', 'warning', 'info', 'info'] as const; // Hints show as infos, as in the CLI.

export function severityOf(diagnostic: vscode.Diagnostic): (typeof SEVERITY_WORDS)[number] {
  return SEVERITY_WORDS[diagnostic.severity];
}

/** `line:column severity rule: message`, 1-based as the CLI prints it. */
export function describe1(diagnostic: vscode.Diagnostic): string {
  const { line, character } = diagnostic.range.start;
  return `${line + 1}:${character + 1} ${severityOf(diagnostic)} ${ruleOf(diagnostic)}: ${diagnostic.message}`;
}

export function driftlessDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'driftless');
}

/**
 * Resolves with the document's Driftless diagnostics once `accept` holds for them, checking now and on every
 * diagnostics change of that document; rejects after `ms` with what was there.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  ms = WAIT_MS,
): Promise<vscode.Diagnostic[]> {
  const now = driftlessDiagnostics(uri);
  if (accept(now)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((changed) => changed.toString() === uri.toString())) return;
      const diagnostics = driftlessDiagnostics(uri);
      if (!accept(diagnostics)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(diagnostics);
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      const shown = driftlessDiagnostics(uri).map(describe1);
      reject(
        new Error(
          `timed out after ${ms} ms waiting for ${what} in ${vscode.workspace.asRelativePath(uri)}; it has: ${JSON.stringify(shown)}`,
        ),
      );
    }, ms);
  });
}

/** Waits for a diagnostic of `rule` on 1-based `line`. */
export async function waitForRule(uri: vscode.Uri, rule: string, line: number, ms = WAIT_MS): Promise<vscode.Diagnostic> {
  const all = await waitForDiagnostics(
    uri,
    (ds) => ds.some((d) => ruleOf(d) === rule && d.range.start.line === line - 1),
    `${rule} on line ${line}`,
    ms,
  );
  return all.find((d) => ruleOf(d) === rule && d.range.start.line === line - 1)!;
}

/**
 * Polls `probe` until it returns something other than undefined (for state without an event, such as the server's
 * process id); rejects after `ms` with `what` and the last error the probe threw.
 */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = WAIT_MS, everyMs = 50): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${ms} ms waiting for ${what}${lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A position in the document: the `occurrence`-th match of `text` on 1-based `line`, plus `offset` characters. */
export function positionOf(document: vscode.TextDocument, line: number, text: string, offset = 0): vscode.Position {
  const lineText = document.lineAt(line - 1).text;
  const column = lineText.indexOf(text);
  assert.ok(column >= 0, `line ${line} of ${document.uri.path} does not contain ${JSON.stringify(text)}: ${JSON.stringify(lineText)}`);
  return new vscode.Position(line - 1, column + offset);
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

/** Records a measurement for the runner, which collects them into test-results/vscode-timings.json. */
export function recordTiming(name: string, value: number | boolean | string): void {
  log(`timing ${name}: ${typeof value === 'number' ? value.toFixed(1) : value}`);
  const file = process.env.DRIFTLESS_VSCODE_TIMINGS;
  if (!file) return;
  let timings: Record<string, unknown> = {};
  try {
    timings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // The first measurement of this run.
  }
  timings[name] = typeof value === 'number' ? Math.round(value * 10) / 10 : value;
  writeFileSync(file, JSON.stringify(timings, null, 2) + '\n');
}

/** Sets (or with undefined, removes) a workspace setting and waits until VS Code reports the change. */
export async function setWorkspaceSetting(section: string, key: string, value: unknown): Promise<void> {
  const changed = new Promise<void>((resolve) => {
    const subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(`${section}.${key}`)) return;
      subscription.dispose();
      resolve();
    });
  });
  const current = vscode.workspace.getConfiguration(section).inspect(key)?.workspaceValue;
  if (JSON.stringify(current) === JSON.stringify(value)) return;
  await vscode.workspace.getConfiguration(section).update(key, value, vscode.ConfigurationTarget.Workspace);
  await within(changed, WAIT_MS, `the setting ${section}.${key} to change`);
}
