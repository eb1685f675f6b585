// The contributed commands: all under the Driftless category, all registered, and each doing its job.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { driftless, extension, EXTENSION_ID, fileIn, open, until, waitForDiagnostics, waitForRule } from '../helpers';

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

describe('commands', function () {
  it('every contributed command is under the Driftless category, prefixed driftless., and registered', async function () {
    await driftless();
    const contributed = (extension().packageJSON as { contributes: { commands: ContributedCommand[] } }).contributes.commands;
    assert.deepEqual(contributed.map((c) => c.command).sort(), [
      'driftless.checkoutPullRequest',
      'driftless.chooseClusterContext',
      'driftless.clearArgoCdToken',
      'driftless.commit',
      'driftless.compareChanges',
      'driftless.copyChangesMarkdown',
      'driftless.createPullRequest',
      'driftless.deploy',
      'driftless.deployHistory',
      'driftless.goToRenderedSource',
      'driftless.groupEnvironments',
      'driftless.ignoreDriftField',
      'driftless.openChange',
      'driftless.openDrift',
      'driftless.openPullRequestOnForge',
      'driftless.openRendered',
      'driftless.refreshChanges',
      'driftless.refreshDrift',
      'driftless.refreshEnvironments',
      'driftless.refreshPullRequests',
      'driftless.restartServer',
      'driftless.rollback',
      'driftless.selectKubernetesVersion',
      'driftless.setArgoCdToken',
      'driftless.showDrift',
      'driftless.showOutput',
      'driftless.showRenderError',
      'driftless.signInToForge',
      'driftless.takeLiveValue',
    ]);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of contributed) {
      assert.equal(command.category, 'Driftless', command.command);
      assert.ok(registered.has(command.command), `${command.command} is contributed but not registered`);
    }
  });

  it('Driftless: Show Output shows the Driftless output channel', async function () {
    await driftless();
    // The Output panel shows a channel as a document of the `output` scheme, open only while it is shown.
    const driftlessOutput = () =>
      vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && d.uri.path === `${EXTENSION_ID}.Driftless`);
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await until('the Output panel closed', () => (driftlessOutput() ? undefined : true));
    await vscode.commands.executeCommand('driftless.showOutput');
    await until('the Driftless output channel shown', driftlessOutput);
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  it('Driftless: Restart Language Server starts a new server that validates', async function () {
    const api = await driftless();
    const uri = fileIn('sample-repo', 'sandbox/port-out-of-range.yaml');
    await open(uri);
    await waitForRule(uri, 'invalid-port', 26);
    const before = await api.serverProcessId();
    await vscode.commands.executeCommand('driftless.restartServer');
    const after = await until('a new server process', async () => {
      const pid = await api.serverProcessId();
      return pid !== undefined && pid !== before ? pid : undefined;
    });
    assert.notEqual(after, before);
    // The new server has the open documents again and publishes their diagnostics.
    const editor = await open(uri);
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '# edited after the restart\n'));
    await waitForRule(uri, 'invalid-port', 27);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitForDiagnostics(uri, (ds) => ds.some((d) => d.range.start.line === 25), 'the diagnostic back on line 26');
  });
});
