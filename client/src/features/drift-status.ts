// The status bar item with the drift of the environments the open file is rendered into (driftless/fileEnvironments):
// `$(cloud) frontend-production: 2 drifted · 1 missing`, or how many objects are out of sync across several. A result
// older than a minute is asked for again when the file is shown (the view's watches keep shown ones current); an
// environment without a context is never compared from here. A click shows it in the Drift view.
import * as vscode from 'vscode';
import { FileEnvironmentsRequest } from '../../../server/src/protocol';
import type { StatusBarState } from '../api';
import type { ServerConnection } from '../server-connection';
import { driftCount, type DriftEntry, type DriftModel } from './drift-model';
import { summaryText } from './drift-tree';

const STALE_MS = 60_000;

export class DriftStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('driftless.drift', vscode.StatusBarAlignment.Right, 99);
  private generation = 0;
  /** The environments of the active file (folder, names). */
  private current: DriftEntry[] = [];
  state: StatusBarState = { text: '', tooltip: '', visible: false };

  constructor(
    private readonly server: ServerConnection,
    private readonly model: DriftModel,
    private readonly trusted: () => boolean,
  ) {
    this.item.name = 'Driftless drift';
  }

  dispose(): void {
    this.item.dispose();
  }

  /** The active editor changed: find its environments, ask for stale results, show. */
  async update(): Promise<void> {
    const mine = ++this.generation;
    const editor = vscode.window.activeTextEditor;
    const client = this.server.languageClient;
    if (!editor || editor.document.uri.scheme !== 'file' || !client || !this.trusted()) return this.hide();
    const found = await client.sendRequest(FileEnvironmentsRequest.type, { uri: editor.document.uri.toString() }).catch(() => null);
    if (mine !== this.generation) return;
    if (!found?.environments.length) return this.hide();
    await this.model.environments();
    if (mine !== this.generation) return;
    this.current = found.environments.flatMap((environment) => this.model.get({ folder: found.folder, environment }) ?? []);
    for (const entry of this.current)
      if (entry.context && !entry.comparing && (!entry.at || Date.now() - entry.at > STALE_MS)) this.model.compare(entry);
    this.show();
  }

  /** An entry changed: shown again if it is the active file's. */
  changed(entry: DriftEntry | undefined): void {
    if (!entry || this.current.includes(entry)) this.show();
  }

  private hide(): void {
    this.current = [];
    this.item.hide();
    this.state = { text: '', tooltip: '', visible: false };
  }

  private show(): void {
    const known = this.current.filter((entry) => entry.result && 'objects' in entry.result);
    if (!known.length) {
      if (this.current.some((entry) => entry.comparing)) this.set('$(sync~spin) Drift', 'Comparing with the cluster…');
      else this.hide();
      return;
    }
    const lines = known.map((entry) => {
      const result = entry.result as Extract<typeof entry.result, { objects: unknown }>;
      return `${entry.environment} (${entry.context}): ${summaryText(result.summary)}`;
    });
    const counts = known.map((entry) => driftCount(entry.result as Extract<typeof entry.result, { objects: unknown }>));
    const total = counts.reduce((a, b) => a + b, 0);
    const only = known.length === 1 ? (known[0]!.result as Extract<DriftEntry['result'], { objects: unknown }>) : undefined;
    const text = only
      ? `$(cloud) ${known[0]!.environment}: ${summaryText({ ...only.summary, inSync: 0 }).replace('no objects', 'in sync')}`
      : `$(cloud) Drift: ${total ? `${total} out of sync in ${counts.filter(Boolean).length} of ${known.length} environments` : `${known.length} environments in sync`}`;
    this.set(text, `${lines.join('\n')}\nClick to show the Drift view.`);
  }

  private set(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = { command: 'driftless.showDrift', title: 'Show Drift', arguments: [this.current[0]] };
    this.item.show();
    this.state = { text, tooltip, visible: true };
  }
}
