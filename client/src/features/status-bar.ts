// The status bar item for the active manifest: which Kubernetes version it is validated against and where its
// schemas came from. A click picks another version, saved as the workspace setting — unless .driftless.yaml sets it.
import * as vscode from 'vscode';
import { DocumentStatusRequest, type DocumentStatus } from '../../../server/src/protocol';
import type { ClientContext, Feature } from '../feature';

const SOURCE_WORDS: Record<DocumentStatus['versionSource'], string> = {
  flag: 'set on the command line',
  config: 'set by .driftless.yaml',
  settings: 'set by the driftless.kubernetesVersion setting',
  default: 'the newest bundled version',
};

export function describeStatus(status: DocumentStatus): { text: string; tooltip: string } {
  const schemas = status.schemaSources.length ? status.schemaSources.join(', ') : 'no Kubernetes resources in this file';
  return {
    text: `$(check-all) K8s ${status.kubernetesVersion}`,
    tooltip: `Driftless validates against Kubernetes ${status.kubernetesVersion} (${SOURCE_WORDS[status.versionSource]}).\nSchemas: ${schemas}.\nClick to choose another version.`,
  };
}

async function currentStatus({ server }: ClientContext): Promise<DocumentStatus | null> {
  const editor = vscode.window.activeTextEditor;
  const client = server.languageClient;
  if (!editor || editor.document.languageId !== 'yaml' || !client) return null;
  return client.sendRequest(DocumentStatusRequest.type, { uri: editor.document.uri.toString() });
}

async function pickVersion(context: ClientContext): Promise<void> {
  const status = await currentStatus(context);
  if (!status) {
    void vscode.window.showInformationMessage('Open a YAML file to choose the Kubernetes version Driftless validates it against.');
    return;
  }
  if (status.versionSource === 'config' && status.configFile) {
    const choice = await vscode.window.showInformationMessage(
      `.driftless.yaml sets Kubernetes ${status.kubernetesVersion} for this repository; change it there so the CLI agrees.`,
      'Open .driftless.yaml',
    );
    if (choice) await vscode.window.showTextDocument(vscode.Uri.file(status.configFile));
    return;
  }
  const items = [...status.bundledVersions].reverse().map((version) => ({
    label: version,
    description: version === status.kubernetesVersion ? 'current' : undefined,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: 'Kubernetes version to validate against (saved in this workspace)',
  });
  if (!picked) return;
  await vscode.workspace.getConfiguration('driftless').update('kubernetesVersion', picked.label, vscode.ConfigurationTarget.Workspace);
}

export const statusBar: Feature = (context) => {
  const item = vscode.window.createStatusBarItem('driftless.kubernetesVersion', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Driftless Kubernetes version';
  item.command = 'driftless.selectKubernetesVersion';
  let generation = 0;
  const refresh = async () => {
    const mine = ++generation;
    try {
      const status = await currentStatus(context);
      if (mine !== generation) return;
      if (!status) {
        item.hide();
        context.shown.statusBar = { ...context.shown.statusBar, visible: false };
        return;
      }
      const { text, tooltip } = describeStatus(status);
      item.text = text;
      item.tooltip = tooltip;
      item.show();
      context.shown.statusBar = { text, tooltip, visible: true };
    } catch {
      item.hide();
      context.shown.statusBar = { ...context.shown.statusBar, visible: false };
    }
  };
  void refresh();
  return [
    item,
    vscode.commands.registerCommand('driftless.selectKubernetesVersion', () => pickVersion(context)),
    vscode.window.onDidChangeActiveTextEditor(() => void refresh()),
    vscode.languages.onDidChangeDiagnostics(() => void refresh()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('driftless')) void refresh();
    }),
    context.server.onDidStart(() => void refresh()),
  ];
};
