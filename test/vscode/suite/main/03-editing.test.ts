// Editing help through VS Code's own commands, as the editor asks for it: hover, completion, the outline, quick fixes.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  driftless,
  driftlessDiagnostics,
  fileIn,
  hoverText,
  open,
  positionOf,
  ruleOf,
  waitForDiagnostics,
  waitForRule,
  writeFile,
  yaml,
} from '../helpers';

async function hover(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  return hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position));
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

function documentationOf(item: vscode.CompletionItem): string {
  const doc = item.documentation;
  return typeof doc === 'string' ? doc : (doc?.value ?? '');
}

describe('editing help', function () {
  before(async function () {
    await driftless();
  });

  describe('hover', function () {
    it('on a key: the field’s type and documentation, for the version .driftless.yaml sets', async function () {
      const uri = fileIn('sample-repo', 'sandbox/replicas-as-string.yaml');
      const editor = await open(uri);
      const text = await hover(uri, positionOf(editor.document, 9, 'replicas', 2));
      assert.match(text, /\*\*replicas\*\* · `integer`/);
      assert.match(text, /Number of desired pods\./);
      assert.match(text, /Kubernetes 1\.31 · apps\/v1 Deployment/);
    });

    it('on a removed apiVersion: since when, and what replaces it', async function () {
      const uri = fileIn('sample-repo', 'sandbox/removed-api-pdb.yaml');
      const editor = await open(uri);
      const text = await hover(uri, positionOf(editor.document, 2, 'policy/v1beta1', 3));
      assert.match(text, /\*\*Removed\*\* in Kubernetes 1\.25 \(target: 1\.31\)/);
      assert.match(text, /Use `policy\/v1`/);
    });

    it('on a custom resource’s field: the documentation from the workspace CRD', async function () {
      const uri = fileIn('sample-repo', 'infrastructure/backup-schedule.yaml');
      const editor = await open(uri);
      const line =
        editor.document
          .getText()
          .split('\n')
          .findIndex((l) => /^\s+method:/.test(l)) + 1;
      assert.ok(line > 0, 'backup-schedule.yaml has a method');
      const text = await hover(uri, positionOf(editor.document, line, 'method', 1));
      assert.match(text, /\*\*method\*\*/);
      assert.match(text, /Snapshot/);
    });
  });

  describe('completion', function () {
    const CONTAINER = yaml(
      'apiVersion: apps/v1', //  1
      'kind: Deployment', //  2
      'metadata:', //  3
      '  name: web', //  4
      'spec:', //  5
      '  selector:', //  6
      '    matchLabels:', //  7
      '      app: web', //  8
      '  template:', //  9
      '    metadata:', // 10
      '      labels:', // 11
      '        app: web', // 12
      '    spec:', // 13
      '      containers:', // 14
      '        - name: web', // 15
      '          image: nginx:1.27', // 16
      '          ', // 17: the cursor, inside the container
    );

    it('inside a container: the container’s fields, with documentation, not those already there', async function () {
      const uri = await writeFile(fileIn('sample-repo', 'sandbox/completion.yaml'), CONTAINER);
      await open(uri);
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        uri,
        new vscode.Position(16, 10),
      );
      const labels = list.items.map(labelOf);
      for (const field of ['ports', 'imagePullPolicy', 'env', 'resources', 'command', 'livenessProbe']) {
        assert.ok(labels.includes(field), `no "${field}" among ${JSON.stringify(labels)}`);
      }
      for (const present of ['name', 'image']) assert.ok(!labels.includes(present), `offers "${present}", already present`);
      const ports = list.items.find((item) => labelOf(item) === 'ports')!;
      assert.equal(ports.kind, vscode.CompletionItemKind.Property);
      assert.match(documentationOf(ports), /ports to expose from the container/i);
    });

    it('accepting a suggestion inserts it, and an enum value completes', async function () {
      const uri = fileIn('sample-repo', 'sandbox/completion.yaml');
      const editor = await open(uri);
      await editor.edit((edit) => edit.insert(new vscode.Position(16, 10), 'imagePullPolicy: '));
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        uri,
        new vscode.Position(16, 27),
      );
      assert.deepEqual(list.items.map(labelOf).sort(), ['Always', 'IfNotPresent', 'Never']);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });
  });

  describe('outline', function () {
    it('one symbol per resource, named `Kind name`', async function () {
      for (const [file, expected] of [
        ['clusters/staging/backend.yaml', ['HelmRepository shop-charts', 'HelmRelease backend']],
        ['infrastructure/cluster-issuers.yaml', ['ClusterIssuer letsencrypt', 'ClusterIssuer letsencrypt-staging']],
      ] as const) {
        const uri = fileIn('sample-repo', file);
        await open(uri);
        const symbols = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[]>(
          'vscode.executeDocumentSymbolProvider',
          uri,
        );
        assert.deepEqual(
          symbols.map((s) => s.name),
          expected,
          file,
        );
      }
    });
  });

  describe('quick fixes', function () {
    async function fixes(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
      return vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        diagnostic.range,
        vscode.CodeActionKind.QuickFix.value,
      );
    }

    async function apply(action: vscode.CodeAction | undefined, all: vscode.CodeAction[]): Promise<void> {
      assert.ok(action?.edit, `no such fix among ${JSON.stringify(all.map((a) => a.title))}`);
      assert.ok(await vscode.workspace.applyEdit(action.edit), 'the edit was not applied');
    }

    it('a misspelt key: “Rename to `imagePullPolicy`” fixes it and the diagnostic goes away', async function () {
      const uri = fileIn('sample-repo', 'sandbox/misspelt-field.yaml');
      const editor = await open(uri);
      const diagnostic = await waitForRule(uri, 'schema-unknown-field', 24);
      const actions = await fixes(uri, diagnostic);
      const rename = actions.find((a) => a.title === 'Rename to `imagePullPolicy`');
      assert.equal(rename?.isPreferred, true);
      await apply(rename, actions);
      assert.equal(editor.document.lineAt(23).text, '          imagePullPolicy: IfNotPresent');
      await waitForDiagnostics(uri, (ds) => ds.length === 0, 'no diagnostics after the fix');
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });

    it('a removed apiVersion: the migration to policy/v1 is offered and clears the error', async function () {
      const uri = fileIn('sample-repo', 'sandbox/removed-api-pdb.yaml');
      const editor = await open(uri);
      const diagnostic = await waitForRule(uri, 'removed-api-version', 2);
      const actions = await fixes(uri, diagnostic);
      const migrate = actions.find((a) => a.isPreferred && a.edit && /policy\/v1\b/.test(a.title));
      await apply(migrate, actions);
      assert.equal(editor.document.lineAt(1).text, 'apiVersion: policy/v1');
      await waitForDiagnostics(uri, (ds) => ds.length === 0, 'no diagnostics after the migration');
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });

    it('any finding: “Disable <rule> for this line” inserts a suppression comment that silences it', async function () {
      const uri = fileIn('sample-repo', 'sandbox/invalid-label-value.yaml');
      const editor = await open(uri);
      const diagnostic = await waitForRule(uri, 'invalid-label', 8);
      const actions = await fixes(uri, diagnostic);
      await apply(
        actions.find((a) => a.title === 'Disable invalid-label for this line'),
        actions,
      );
      assert.match(editor.document.lineAt(7).text, /^\s*# driftless-disable-next-line invalid-label$/);
      await waitForDiagnostics(uri, (ds) => !ds.some((d) => ruleOf(d) === 'invalid-label'), 'the finding to be silenced');
      assert.deepEqual(driftlessDiagnostics(uri), []);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });
  });
});
