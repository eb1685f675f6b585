// Workspace Trust on and a folder nobody trusted: restricted mode. Validation, hover and completion still work (the
// extension declares limited support for untrusted workspaces); the server is told it is untrusted.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { driftless, extension, hoverText, open, positionOf, until, waitForRule } from '../helpers';

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

  it('renders nothing: no kustomize or helm runs, and the rendered document says why', async function () {
    await driftless();
    const document = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'driftless-rendered', path: '/anything.yaml' }));
    assert.match(document.getText(), /This workspace is not trusted: Driftless runs no kustomize or helm here/);
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
