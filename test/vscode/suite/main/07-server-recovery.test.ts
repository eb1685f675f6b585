// A language server that dies is restarted (with backoff) and validation goes on; runs last, as it kills servers.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DriftlessApi } from '../../../../client/src/api';
import { driftless, fileIn, open, recordTiming, ruleOf, until, waitForDiagnostics, waitForRule } from '../helpers';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function killAndWaitForNext(api: DriftlessApi): Promise<{ before: number; after: number; ms: number }> {
  const before = await api.serverProcessId();
  assert.ok(before, 'the server has a process id');
  const started = performance.now();
  process.kill(before, 'SIGKILL');
  const after = await until(
    `a new server after killing ${before}`,
    async () => {
      const pid = await api.serverProcessId();
      return pid !== undefined && pid !== before ? pid : undefined;
    },
    30_000,
  );
  assert.ok(!isRunning(before), `the killed server ${before} still runs`);
  return { before, after, ms: performance.now() - started };
}

describe('server crash recovery', function () {
  it('a server killed with SIGKILL is replaced by a new one, and diagnostics keep coming', async function () {
    const api = await driftless();
    const uri = fileIn('sample-repo', 'sandbox/selector-mismatch.yaml');
    const editor = await open(uri);
    await waitForRule(uri, 'selector-mismatch', 12);

    const first = await killAndWaitForNext(api);
    recordTiming('crashToNewServerMs', first.ms);
    // The new server validates edits of a document that was open before the crash.
    const label = editor.document.lineAt(15).text;
    assert.match(label, /reports-worker/);
    await editor.edit((edit) => edit.replace(editor.document.lineAt(15).range, label.replace('reports-worker', 'report-worker')));
    await waitForDiagnostics(uri, (ds) => !ds.some((d) => ruleOf(d) === 'selector-mismatch'), 'the fixed selector to validate');

    // A second crash soon after: restarted again (after a longer pause), not given up.
    const second = await killAndWaitForNext(api);
    recordTiming('secondCrashToNewServerMs', second.ms);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitForRule(uri, 'selector-mismatch', 12);
    // Every open document is validated by the new server, not only the one edited.
    const other = fileIn('sample-repo', 'sandbox/duplicate-container-name.yaml');
    await open(other);
    await waitForRule(other, 'schema-duplicate-item', 31);
  });
});
