// CustomResourceDefinitions in the workspace: editing one re-validates its custom resources in other files, unsaved,
// as the user types; a CRD file appearing on disk makes an unknown kind known.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describe1, driftless, fileIn, open, ruleOf, waitForDiagnostics, waitForRule, writeFile, yaml } from '../helpers';

describe('workspace CRDs', function () {
  before(async function () {
    await driftless();
  });

  it('adding a value to an open CRD’s enum clears the custom resource’s error; undoing brings it back', async function () {
    const resource = fileIn('sample-repo', 'sandbox/backup-schedule-bad-method.yaml');
    await open(resource);
    const before = await waitForRule(resource, 'schema-enum', 8);
    assert.match(before.message, /Snapshot, Restic/);

    const crd = await open(fileIn('sample-repo', 'infrastructure/crds/backup.example.com_schedules.yaml'));
    const restic = crd.document
      .getText()
      .split('\n')
      .findIndex((line) => /^\s*- Restic\s*$/.test(line));
    assert.ok(restic > 0, 'the CRD lists Restic in an enum');
    const indent = /^\s*/.exec(crd.document.lineAt(restic).text)![0];
    const edit = new vscode.WorkspaceEdit();
    edit.insert(crd.document.uri, new vscode.Position(restic + 1, 0), `${indent}- Rsync\n`);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(crd.document.isDirty, 'the CRD edit is not saved');
    await waitForDiagnostics(resource, (ds) => ds.length === 0, 'the enum error to go after the CRD edit');

    await vscode.window.showTextDocument(crd.document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitForRule(resource, 'schema-enum', 8);
  });

  it('a CRD written to disk makes its kind validated in files already open', async function () {
    const resource = await writeFile(
      fileIn('sample-repo', 'sandbox/widget.yaml'),
      yaml('apiVersion: toys.example.com/v1', 'kind: Widget', 'metadata:', '  name: spinner', 'spec:', '  size: large'),
    );
    await open(resource);
    const unknown = await waitForDiagnostics(resource, (ds) => ds.length > 0, 'the unknown-kind hint');
    assert.deepEqual(unknown.map(ruleOf), ['unknown-custom-resource'], JSON.stringify(unknown.map(describe1)));

    await writeFile(
      fileIn('sample-repo', 'infrastructure/crds/toys.example.com_widgets.yaml'),
      yaml(
        'apiVersion: apiextensions.k8s.io/v1',
        'kind: CustomResourceDefinition',
        'metadata:',
        '  name: widgets.toys.example.com',
        'spec:',
        '  group: toys.example.com',
        '  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}',
        '  scope: Namespaced',
        '  versions:',
        '    - name: v1',
        '      served: true',
        '      storage: true',
        '      schema:',
        '        openAPIV3Schema:',
        '          type: object',
        '          properties:',
        '            spec:',
        '              type: object',
        '              properties:',
        '                size: {type: integer}',
      ),
    );
    const typed = await waitForRule(resource, 'schema-type', 6);
    assert.match(typed.message, /`size` must be an integer/);
  });
});
