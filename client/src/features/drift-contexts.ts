// Which kubeconfig context each environment is compared with: the one .driftless.yaml gives it, else the one the user
// picked once (a quick pick of the kubeconfig's contexts), remembered per workspace in workspaceState — or "not
// compared", remembered too, so nobody is asked twice. "Driftless: Choose Cluster Context" changes it.
import * as vscode from 'vscode';
import { KubeContextsRequest, type KubeContextsResult } from '../../../server/src/protocol';
import type { ServerConnection } from '../server-connection';

const STORAGE_KEY = 'driftless.driftContexts';

/** A remembered choice: a context's name, or null for "do not compare it". */
export type ContextChoice = string | null;

/** One environment of one workspace folder (its project root). */
export interface EnvironmentKey {
  folder: string;
  environment: string;
}

const keyOf = (key: EnvironmentKey) => `${key.folder}\u0000${key.environment}`;

export class DriftContexts {
  private readonly changed = new vscode.EventEmitter<EnvironmentKey[]>();
  /** Fires with the environments whose context the user changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly server: ServerConnection,
  ) {}

  dispose(): void {
    this.changed.dispose();
  }

  private all(): Record<string, ContextChoice> {
    return this.state.get<Record<string, ContextChoice>>(STORAGE_KEY) ?? {};
  }

  /** The remembered choice; undefined when the user was never asked. */
  remembered(key: EnvironmentKey): ContextChoice | undefined {
    const all = this.all();
    return keyOf(key) in all ? all[keyOf(key)] : undefined;
  }

  async remember(keys: readonly EnvironmentKey[], choice: ContextChoice): Promise<void> {
    const all = { ...this.all() };
    for (const key of keys) all[keyOf(key)] = choice;
    await this.state.update(STORAGE_KEY, all);
    this.changed.fire([...keys]);
  }

  /** The kubeconfig's contexts as the server reads them. */
  async contexts(folder: string | undefined): Promise<KubeContextsResult> {
    const client = this.server.languageClient;
    if (!client) return { error: 'The Driftless language server is not running.' };
    return client.sendRequest(KubeContextsRequest.type, folder ? { folder } : {});
  }

  /**
   * Asks which context `keys` are compared with, and remembers the answer; undefined when the user dismissed the
   * question (nothing is remembered then).
   */
  async ask(keys: readonly EnvironmentKey[], declared?: string): Promise<ContextChoice | undefined> {
    if (!keys.length) return undefined;
    const found = await this.contexts(keys[0]!.folder);
    if ('error' in found) {
      const choice = await vscode.window.showErrorMessage(`Driftless cannot read a kubeconfig: ${found.error}`, 'Set driftless.kubeconfig');
      if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'driftless.kubeconfig');
      return undefined;
    }
    const names = keys.map((k) => k.environment);
    type Item = vscode.QuickPickItem & { choice: ContextChoice };
    const items: Item[] = [
      ...found.contexts.map((context) => ({
        label: context.name,
        description: [context.name === found.current ? 'current' : undefined, context.server].filter(Boolean).join(' · '),
        detail:
          [context.namespace && `namespace ${context.namespace}`, context.user && `user ${context.user}`].filter(Boolean).join(', ') ||
          undefined,
        choice: context.name,
      })),
      { label: '', kind: vscode.QuickPickItemKind.Separator, choice: null },
      { label: '$(circle-slash) Do not compare', description: 'with any cluster', choice: null },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: `Cluster context for ${names.length === 1 ? names[0] : `${names.length} environments: ${names.join(', ')}`}`,
      placeHolder: declared
        ? `.driftless.yaml names ${declared}; a choice here wins in this workspace`
        : `Remembered for this workspace (kubeconfig: ${found.files.join(', ')}); change it with "Driftless: Choose Cluster Context"`,
      matchOnDescription: true,
    });
    if (!picked) return undefined;
    await this.remember(keys, picked.choice);
    return picked.choice;
  }
}
