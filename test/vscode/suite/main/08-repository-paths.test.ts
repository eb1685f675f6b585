// Paths in kustomizations as the user meets them: a missing file reported and fixed, the report following files the
// user creates and deletes, and links and go-to-definition to what a kustomization names.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  driftless,
  driftlessDiagnostics,
  fileIn,
  open,
  positionOf,
  ruleOf,
  severityOf,
  until,
  waitForDiagnostics,
  waitForRule,
  writeFile,
} from '../helpers';

const MISNAMED = 'sandbox/misnamed-resource/kustomization.yaml';

describe('paths in kustomizations', function () {
  before(async function () {
    await driftless();
  });

  it('a misspelt resource: missing-path on its entry, and “Change to `service.yaml`” fixes it', async function () {
    const uri = fileIn('sample-repo', MISNAMED);
    const editor = await open(uri);
    const diagnostic = await waitForRule(uri, 'missing-path', 6);
    assert.equal(editor.document.getText(diagnostic.range), 'servce.yaml');
    assert.equal(diagnostic.message, '`servce.yaml` does not exist, so `kustomize build` fails here. Did you mean `service.yaml`?');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title === 'Change to `service.yaml`');
    assert.ok(fix?.edit, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    await waitForDiagnostics(uri, (ds) => ds.length === 0, 'no diagnostics after the fix');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitForRule(uri, 'missing-path', 6);
  });

  it('creating the missing file clears the finding; deleting it brings it back', async function () {
    const uri = fileIn('sample-repo', MISNAMED);
    await open(uri);
    await waitForRule(uri, 'missing-path', 6);
    const created = fileIn('sample-repo', 'sandbox/misnamed-resource/servce.yaml');
    await writeFile(created, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\n');
    try {
      await waitForDiagnostics(uri, (ds) => !ds.some((d) => ruleOf(d) === 'missing-path'), 'missing-path to go once the file exists');
    } finally {
      await vscode.workspace.fs.delete(created);
    }
    await waitForRule(uri, 'missing-path', 6);
  });

  it('links each path to its file, and goes to a base’s kustomization', async function () {
    const uri = fileIn('sample-repo', 'apps/overlays/staging/kustomization.yaml');
    const editor = await open(uri);
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri);
    const shown = links.map((l) => [editor.document.getText(l.range), vscode.workspace.asRelativePath(l.target!, false)]);
    assert.deepEqual(shown, [
      ['../../base', 'apps/base/kustomization.yaml'],
      ['deployment-patch.yaml', 'apps/overlays/staging/deployment-patch.yaml'],
      ['ingress-patch.yaml', 'apps/overlays/staging/ingress-patch.yaml'],
    ]);
    const definitions = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
      'vscode.executeDefinitionProvider',
      uri,
      positionOf(editor.document, 5, '../../base', 3),
    );
    const targets = definitions.map((d) => ('targetUri' in d ? d.targetUri : d.uri));
    assert.deepEqual(
      targets.map((t) => t.toString()),
      [fileIn('sample-repo', 'apps/base/kustomization.yaml').toString()],
    );
    assert.deepEqual(driftlessDiagnostics(uri), []);
  });

  it('Go to Symbol in Workspace finds a resource by name, at its name, with its kind', async function () {
    const symbols = await until('the workspace index to hold the sample repository', async () => {
      const found = await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', 'frontend');
      return found.some((s) => s.containerName.startsWith('Deployment')) ? found : undefined;
    });
    const deployment = symbols.find((s) => s.containerName.startsWith('Deployment'));
    assert.ok(deployment);
    assert.equal(deployment.name, 'frontend');
    assert.equal(deployment.containerName, 'Deployment · apps/base/deployment.yaml');
    assert.equal(vscode.workspace.asRelativePath(deployment.location.uri, false), 'apps/base/deployment.yaml');
    const document = await vscode.workspace.openTextDocument(deployment.location.uri);
    assert.equal(document.lineAt(deployment.location.range.start.line).text.trim(), 'name: frontend');
    // Patches of the Deployment are not offered as its definition.
    assert.ok(!symbols.some((s) => s.location.uri.path.endsWith('-patch.yaml')), JSON.stringify(symbols.map((s) => s.location.uri.path)));
  });

  it('a ConfigMap nothing defines: a warning on its name, gone once a file defines it', async function () {
    const uri = fileIn('sample-repo', 'sandbox/missing-configmap.yaml');
    const editor = await open(uri);
    const diagnostic = await waitForRule(uri, 'unresolved-reference', 21);
    assert.equal(severityOf(diagnostic), 'warning');
    assert.equal(editor.document.getText(diagnostic.range), 'report-settings');
    const created = fileIn('sample-repo', 'sandbox/report-settings.yaml');
    await writeFile(created, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: report-settings\n  namespace: sandbox\n');
    try {
      await waitForDiagnostics(uri, (ds) => ds.length === 0, 'the warning to go once the ConfigMap is defined');
    } finally {
      await vscode.workspace.fs.delete(created);
    }
    await waitForRule(uri, 'unresolved-reference', 21);
  });

  it('from a reference to the generator that makes it, and from a Service to the Ingresses that use it', async function () {
    const deployment = fileIn('sample-repo', 'apps/base/deployment.yaml');
    const editor = await open(deployment);
    const definitions = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
      'vscode.executeDefinitionProvider',
      deployment,
      positionOf(editor.document, 45, 'frontend-config', 2),
    );
    const target = definitions.map((d) => ('targetUri' in d ? { uri: d.targetUri, range: d.targetRange } : d));
    assert.equal(target.length, 1, JSON.stringify(target));
    assert.equal(vscode.workspace.asRelativePath(target[0]!.uri, false), 'apps/base/kustomization.yaml');
    assert.equal(target[0]!.range.start.line, 8);

    const service = fileIn('sample-repo', 'apps/base/service.yaml');
    const serviceEditor = await open(service);
    const references = await vscode.commands.executeCommand<vscode.Location[]>(
      'vscode.executeReferenceProvider',
      service,
      positionOf(serviceEditor.document, 4, 'frontend', 1),
    );
    const files = references.map((r) => vscode.workspace.asRelativePath(r.uri, false)).sort();
    assert.ok(files.includes('apps/base/ingress.yaml'), JSON.stringify(files));
  });
});
