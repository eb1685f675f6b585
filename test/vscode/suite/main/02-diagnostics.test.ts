// Diagnostics as the user sees them in the sample repository: on the right lines, with the rule and plain words, the
// same as the CLI reports for the same files — a clean editor means a clean pipeline.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  describe1,
  driftless,
  driftlessDiagnostics,
  extension,
  fileIn,
  folder,
  open,
  ruleOf,
  severityOf,
  waitForDiagnostics,
  waitForRule,
} from '../helpers';
import type { CliDiagnostic as CliFinding } from '../../../../server/src/cli/output-formats';

/** What `driftless validate --format json` says about the sample repository, run from the extension's own dist/. */
function cliFindings(): CliFinding[] {
  const root = folder('sample-repo').uri.fsPath;
  const cli = join(extension().extensionPath, 'dist', 'cli.js');
  // Under Electron (test-electron) the extension host's executable is Electron: run it as Node.
  const result = spawnSync(process.execPath, [cli, 'validate', '.', '--format', 'json'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    timeout: 60_000,
  });
  assert.ok(
    result.status === 0 || result.status === 1,
    `the CLI exited with ${result.status}: ${result.stderr} ${result.error?.message ?? ''}`,
  );
  return (JSON.parse(result.stdout) as { diagnostics: CliFinding[] }).diagnostics;
}

describe('diagnostics', function () {
  before(async function () {
    await driftless();
  });

  it('a string where an integer belongs: a schema-type error on line 9, on the value, in plain words', async function () {
    const uri = fileIn('sample-repo', 'sandbox/replicas-as-string.yaml');
    const editor = await open(uri);
    const diagnostic = await waitForRule(uri, 'schema-type', 9);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostic.source, 'driftless');
    assert.equal(diagnostic.message, '`replicas` must be an integer, got the string "three".');
    assert.equal(editor.document.getText(diagnostic.range), '"three"');
    // The code links to the rule's documentation.
    const code = diagnostic.code as { value: string; target: vscode.Uri };
    assert.match(code.target.toString(), /#rule-schema-type$/);
    assert.equal(driftlessDiagnostics(uri).length, 1, JSON.stringify(driftlessDiagnostics(uri).map(describe1)));
  });

  it('every deliberate mistake in sandbox/ shows on its line, exactly as the CLI reports it', async function () {
    const expected = cliFindings().filter((f) => f.file.startsWith('sandbox/'));
    assert.ok(expected.length >= 10, `the CLI found only ${expected.length} findings in sandbox/`);
    const files = [...new Set(expected.map((f) => f.file))].sort();
    for (const file of files) {
      const uri = fileIn('sample-repo', file);
      await open(uri);
      const wanted = expected
        .filter((f) => f.file === file)
        .map((f) => `${f.line}:${f.column} ${f.severity} ${f.rule}: ${f.message}`)
        .sort();
      const shown = await waitForDiagnostics(uri, (ds) => ds.length >= wanted.length, `${wanted.length} diagnostics`);
      assert.deepEqual(shown.map(describe1).sort(), wanted, file);
    }
  });

  it('the README’s list of mistakes: each rule on its line', async function () {
    const mistakes: [string, string, number][] = [
      ['sandbox/selector-mismatch.yaml', 'selector-mismatch', 12],
      ['sandbox/misspelt-field.yaml', 'schema-unknown-field', 24],
      ['sandbox/invalid-cpu-quantity.yaml', 'invalid-quantity', 26],
      ['sandbox/port-out-of-range.yaml', 'invalid-port', 26],
      ['sandbox/invalid-label-value.yaml', 'invalid-label', 8],
      ['sandbox/removed-api-pdb.yaml', 'removed-api-version', 2],
      ['sandbox/duplicate-container-name.yaml', 'schema-duplicate-item', 31],
      ['sandbox/backup-schedule-bad-method.yaml', 'schema-enum', 8],
      ['sandbox/misnamed-resource/kustomization.yaml', 'missing-path', 6],
    ];
    for (const [file, rule, line] of mistakes) {
      const uri = fileIn('sample-repo', file);
      await open(uri);
      const diagnostic = await waitForRule(uri, rule, line);
      assert.equal(severityOf(diagnostic), 'error', `${file}: ${describe1(diagnostic)}`);
    }
  });

  it('YAML that is not Kubernetes (a CI workflow, a compose file) gets no findings', async function () {
    const quiet = ['.github/workflows/ci.yaml', 'docker-compose.yaml'].map((file) => fileIn('sample-repo', file));
    for (const uri of quiet) await open(uri);
    // Opened after them, a file with a mistake: once its diagnostics arrive, the server has answered for the others.
    const witness = fileIn('sample-repo', 'sandbox/invalid-label-value.yaml');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await open(witness);
    await waitForDiagnostics(witness, (ds) => ds.some((d) => ruleOf(d) === 'invalid-label'), 'invalid-label');
    for (const uri of quiet) assert.deepEqual(driftlessDiagnostics(uri).map(describe1), [], uri.path);
  });

  it('an edit re-validates as the user types, and fixing the mistake clears it', async function () {
    const uri = fileIn('sample-repo', 'sandbox/invalid-cpu-quantity.yaml');
    const editor = await open(uri);
    const diagnostic = await waitForRule(uri, 'invalid-quantity', 26);
    assert.equal(editor.document.getText(diagnostic.range), '100 m');
    await editor.edit((edit) => edit.replace(diagnostic.range, '100m'));
    await waitForDiagnostics(uri, (ds) => ds.length === 0, 'no diagnostics after the fix');
    await editor.edit((edit) => edit.replace(new vscode.Range(diagnostic.range.start, diagnostic.range.start.translate(0, 4)), '1.5.0'));
    await waitForRule(uri, 'invalid-quantity', 26);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
