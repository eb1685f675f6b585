// The two sides of an object's drift as read-only virtual documents (driftless-drift:), served by the server
// (driftless/driftDocument: normalized, Secret values `***`), opened side by side in VS Code's diff editor: git on the
// left, the cluster on the right. Open sides follow their environment's new comparisons.
import * as vscode from 'vscode';
import { DriftDocumentRequest, type DriftObjectRef, type DriftParams } from '../../../server/src/protocol';
import type { ServerConnection } from '../server-connection';
import type { DriftEntry, DriftModel, DriftObject } from './drift-model';

export const DRIFT_SCHEME = 'driftless-drift';

interface Side extends DriftParams {
  object: DriftObjectRef;
  side: 'git' | 'live';
}

function sideUri(params: DriftParams, object: DriftObject, side: 'git' | 'live'): vscode.Uri {
  const name = `${object.kind}-${object.namespace ? `${object.namespace}-` : ''}${object.name}`.replace(/[^\w.-]/g, '_');
  const query: Side = {
    ...params,
    object: {
      apiVersion: object.apiVersion,
      kind: object.kind,
      ...(object.namespace ? { namespace: object.namespace } : {}),
      name: object.name,
    },
    side,
  };
  return vscode.Uri.from({ scheme: DRIFT_SCHEME, path: `/${side}/${params.environment}/${name}.yaml`, query: JSON.stringify(query) });
}

export class DriftDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly open = new Map<string, vscode.Uri>();

  constructor(
    private readonly server: ServerConnection,
    private readonly model: DriftModel,
  ) {}

  dispose(): void {
    this.changed.dispose();
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    this.open.set(uri.toString(), uri);
    const client = this.server.languageClient;
    if (!client) return '# The Driftless language server is not running.\n';
    let params: Side;
    try {
      params = JSON.parse(uri.query) as Side;
    } catch {
      return '# Not a Driftless drift document.\n';
    }
    const answer = await client.sendRequest(DriftDocumentRequest.type, params, token);
    return 'text' in answer ? answer.text : `# ${answer.error.replace(/\n/g, '\n# ')}\n`;
  }

  forget(uri: vscode.Uri): void {
    this.open.delete(uri.toString());
  }

  /** An environment was compared again: its open sides are read again. */
  refresh(entry: DriftEntry): void {
    for (const uri of this.open.values()) {
      const params = JSON.parse(uri.query) as Side;
      if (params.folder === entry.folder && params.environment === entry.environment) this.changed.fire(uri);
    }
  }

  /** Opens the diff editor on an object: git's side on the left, the cluster's on the right. */
  async openDiff(entry: DriftEntry, object: DriftObject): Promise<void> {
    const params = this.model.paramsOf(entry);
    const title = `${object.kind} ${object.name} (${entry.environment}): git ↔ ${entry.context ?? 'cluster'}`;
    await vscode.commands.executeCommand('vscode.diff', sideUri(params, object, 'git'), sideUri(params, object, 'live'), title, {
      preview: true,
    });
  }
}
