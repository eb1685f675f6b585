// Workspace Trust on and a folder nobody trusted: restricted mode. Validation, hover and completion still work (the
// extension declares limited support for untrusted workspaces); the server is told it is untrusted, and no kustomize
// or helm runs: the tools configured (user settings; the folder's own would be ignored) are wrappers that log each
// run (DRIFTLESS_TOOL_LOG), and the log is counted.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { driftless, extension, hoverText, open, positionOf, until, waitForRule } from '../helpers';

const UNTRUSTED = 'This workspace is not trusted: Driftless runs no kustomize or helm here. Trust the workspace to render.';

/** The runs the wrappers logged, one line each ("kubectl kustomize ...", "helm version"). */
function toolRuns(): string[] {
  const log = process.env.DRIFTLESS_TOOL_LOG;
  assert.ok(log, 'DRIFTLESS_TOOL_LOG is not set: the run did not configure the counted tools');
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

describe('an untrusted workspace', function () {
  it('is untrusted, and the extension still activates', async function () {
    assert.equal(vscode.workspace.getConfiguration('security.workspace.trust').get('enabled'), true, 'Workspace Trust is on');
    assert.equal(vscode.workspace.isTrusted, false, 'the folder is not trusted');
    await driftless();
    assert.ok(extension().isActive);
  });

  it('validates, hovers and completes', async function () {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const uri = vscode.Uri.joinPath(folder.uri, 'deployment.yaml');
    const editor = await open(uri);
    const diagnostic = await waitForRule(uri, 'schema-type', 9);
    assert.equal(diagnostic.message, '`replicas` must be an integer, got the string "three".');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      positionOf(editor.document, 9, 'replicas', 2),
    );
    assert.match(hoverText(hovers), /Number of desired pods\./);
    // A blank line in the container, after its image (line 23).
    const image = positionOf(editor.document, 23, 'image:');
    await editor.edit((edit) => edit.insert(new vscode.Position(23, 0), ' '.repeat(image.character) + '\n'));
    const completion = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      uri,
      new vscode.Position(23, image.character),
    );
    const labels = completion.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    assert.ok(labels.includes('imagePullPolicy'), JSON.stringify(labels));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('renders nothing: the environment’s preview and the Changes view say why, and no kustomize or helm runs', async function () {
    this.timeout(60_000);
    const api = await driftless();
    // The counted tools are what the server would run (so a count of zero is about them), and they do log.
    const kubectl = vscode.workspace.getConfiguration('driftless').get<string>('kubectlPath');
    assert.ok(kubectl && kubectl.endsWith('/counted-tools/kubectl'), `driftless.kubectlPath is ${kubectl}`);
    const before = toolRuns().length;
    try {
      execFileSync(kubectl, ['version', '--client'], { stdio: 'ignore' });
    } catch {
      // Where no real kubectl exists the wrapper fails after logging: the log is what counts.
    }
    assert.equal(toolRuns().length, before + 1, 'the wrapper does not log its runs: a count of zero would prove nothing');

    // The environment the folder holds is listed, so it would be rendered if anything were.
    const names = () => (api.environments()?.folders ?? []).flatMap((f) => f.environments.map((e) => e.name));
    for (let waited = 0; !names().includes('app') && waited < 20_000; waited += 500) {
      await vscode.commands.executeCommand('driftless.refreshEnvironments');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.ok(names().includes('app'), JSON.stringify(api.environments()));

    const preview = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'driftless-rendered', path: '/app.yaml' }));
    assert.match(preview.getText(), /This workspace is not trusted: Driftless runs no kustomize or helm here/);
    await vscode.commands.executeCommand('driftless.refreshChanges');
    for (let waited = 0; api.changes() === undefined && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(api.changes(), { error: UNTRUSTED });
    // Longer than a trusted server takes to render this folder in the background.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const renders = toolRuns()
      .slice(before + 1)
      .filter((line) => !/ version( |$)/.test(line));
    assert.deepEqual(renders, [], 'a tool ran in an untrusted workspace');
  });

  it('compares with no cluster: the Drift view says why, and no drift is asked for', async function () {
    const api = await driftless();
    await vscode.commands.executeCommand('driftless.drift.focus');
    const rows = await until('the Drift view’s message', () => api.drift()?.rows[0]);
    assert.match(rows.label, /^Drift needs a trusted workspace: comparing with a cluster uses your kubeconfig’s credentials/);
    assert.deepEqual(api.drift()?.environments, []);
    assert.equal(api.drift()?.watching, false);
  });
});
