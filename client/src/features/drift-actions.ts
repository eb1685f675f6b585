// The actions on a difference of the Drift view (inline on its row, and as commands that ask which difference):
// "Ignore this field" — into .driftless.yaml, or the environment's Argo CD Application if the user picks it — and "Take
// the live value into git". The server computes the edit; it is applied here as a WorkspaceEdit, shown, and saved when
// the file had no other unsaved change (renders read files from disk, so the view can compare again at once); Ctrl+Z
// undoes it. Where nothing can be written, the server says where the value comes from, and a button opens it.
import * as vscode from 'vscode';
import {
  IgnoreFieldRequest,
  TakeLiveValueRequest,
  type DriftActionResult,
  type DriftFieldParams,
  type IgnoreFieldParams,
} from '../../../server/src/protocol';
import type { ServerConnection } from '../server-connection';
import type { EnvironmentKey } from './drift-contexts';
import type { DriftDifference, DriftEntry, DriftModel, DriftObject } from './drift-model';

export interface DifferenceNode {
  entry: DriftEntry;
  object: DriftObject;
  difference: DriftDifference;
}

/** A command's argument: the row it was run on, or the same named by a script (`into` answers where a rule goes). */
interface DifferenceArgument {
  entry: EnvironmentKey;
  object: DriftObject;
  difference: DriftDifference;
  into?: IgnoreFieldParams['into'];
}

function isDifferenceArgument(value: unknown): value is DifferenceArgument {
  return typeof value === 'object' && value !== null && 'difference' in value && 'object' in value && 'entry' in value;
}

/** The difference a command is about: the row it was run on, else one the user picks. */
async function differenceOf(argument: unknown, model: DriftModel, action: string): Promise<DifferenceNode | undefined> {
  if (isDifferenceArgument(argument)) {
    const entry = model.get(argument.entry);
    return entry ? { entry, object: argument.object, difference: argument.difference } : undefined;
  }
  const items = model.all().flatMap((entry) =>
    entry.result && 'objects' in entry.result
      ? entry.result.objects.flatMap((object) =>
          object.differences.map((difference) => ({
            label: `${object.kind} ${object.name}: ${difference.path}`,
            description: entry.environment,
            node: { entry, object, difference },
          })),
        )
      : [],
  );
  if (!items.length) {
    void vscode.window.showInformationMessage('The Drift view shows no difference to act on: open it, or refresh it.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { placeHolder: `The difference to ${action}`, matchOnDescription: true }))?.node;
}

function paramsOf(model: DriftModel, node: DifferenceNode): DriftFieldParams {
  const { object } = node;
  return {
    ...model.paramsOf(node.entry),
    object: {
      apiVersion: object.apiVersion,
      kind: object.kind,
      ...(object.namespace ? { namespace: object.namespace } : {}),
      name: object.name,
    },
    path: node.difference.path,
  };
}

/** Applies the server's edit, shows it, saves it when that saves nothing else; what it did, or why not. */
async function applyResult(server: ServerConnection, result: DriftActionResult): Promise<'applied' | 'not applied'> {
  const client = server.languageClient;
  if ('error' in result) {
    void vscode.window.showErrorMessage(`Driftless: ${result.error}`);
    return 'not applied';
  }
  if ('where' in result) {
    const location = result.location;
    void vscode.window.showInformationMessage(`Driftless: ${result.where}`, ...(location ? ['Open'] : [])).then(async (choice) => {
      if (choice && location && client) {
        const converted = client.protocol2CodeConverter.asLocation(location);
        await vscode.window.showTextDocument(converted.uri, { selection: converted.range });
      }
    });
    return 'not applied';
  }
  if (!client) return 'not applied';
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(result.edit);
  const target = result.reveal ? client.protocol2CodeConverter.asLocation(result.reveal) : undefined;
  const before = target ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.uri.toString()) : undefined;
  const wasDirty = before?.isDirty ?? false;
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage('Driftless: the edit could not be applied (the file changed meanwhile?): try again.');
    return 'not applied';
  }
  if (target) {
    const document = await vscode.workspace.openTextDocument(target.uri);
    await vscode.window.showTextDocument(document, { selection: target.range, preview: false });
    if (!wasDirty) await document.save();
  }
  void vscode.window.showInformationMessage(`Driftless: ${result.description}${wasDirty ? ' Save the file to compare again.' : ''}`);
  return 'applied';
}

export function driftActions(server: ServerConnection, model: DriftModel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('driftless.ignoreDriftField', async (argument?: unknown) => {
      const node = await differenceOf(argument, model, 'ignore');
      const client = server.languageClient;
      if (!node || !client) return;
      let into: IgnoreFieldParams['into'] = isDifferenceArgument(argument) && argument.into ? argument.into : 'config';
      if (node.entry.application && !(isDifferenceArgument(argument) && argument.into)) {
        const picked = await vscode.window.showQuickPick(
          [
            { label: '.driftless.yaml', description: 'drift.ignore: Driftless only, this environment', into: 'config' as const },
            {
              label: `The Application ${node.entry.environment}`,
              description: 'spec.ignoreDifferences: Argo CD ignores it too',
              into: 'application' as const,
            },
          ],
          { placeHolder: `Where to write the rule that ignores ${node.difference.path} of ${node.object.kind} ${node.object.name}` },
        );
        if (!picked) return;
        into = picked.into;
      }
      const result = await client.sendRequest(IgnoreFieldRequest.type, { ...paramsOf(model, node), into });
      if ((await applyResult(server, result)) === 'applied') model.compare(node.entry);
      // For scripts (and tests): what the server answered.
      return result;
    }),
    vscode.commands.registerCommand('driftless.takeLiveValue', async (argument?: unknown) => {
      const node = await differenceOf(argument, model, 'take into git');
      const client = server.languageClient;
      if (!node || !client) return;
      const result = await client.sendRequest(TakeLiveValueRequest.type, paramsOf(model, node));
      if ((await applyResult(server, result)) === 'applied') model.compare(node.entry);
      return result;
    }),
  ];
}
