// What the Drift view knows: the workspace's environments and, for each, its cluster context and the last drift the
// server computed (driftless/drift), or that it is being compared, or why it is not. Comparisons run two at a time,
// each cancelled when a newer one of the same environment starts; a request that fails says so on its environment.
// The view, the diff editor, the actions and the status bar item all read this model.
import * as vscode from 'vscode';
import {
  DriftRequest,
  EnvironmentsRequest,
  type DriftParams,
  type DriftResult,
  type EnvironmentsResult,
} from '../../../server/src/protocol';
import type { ServerConnection } from '../server-connection';
import type { DriftContexts, EnvironmentKey } from './drift-contexts';

export type EnvironmentDrift = Extract<DriftResult, { objects: unknown }>;
export type DriftObject = EnvironmentDrift['objects'][number];
export type DriftDifference = DriftObject['differences'][number];
type EnvironmentView = EnvironmentsResult['folders'][number]['environments'][number];

export interface DriftEntry extends EnvironmentKey {
  /** The context .driftless.yaml gives it. */
  declared?: string;
  /** The context it is compared with (declared or picked); null: not compared; undefined: to be asked. */
  context: string | null | undefined;
  /** Whether the context was picked here rather than declared (then it is sent with each request). */
  picked: boolean;
  /** An Argo CD Application's environment (an ignore rule can go into the Application). */
  application: boolean;
  comparing: boolean;
  result?: DriftResult;
  /** When the result arrived (Date.now()). */
  at?: number;
}

const MAX_PARALLEL = 2;

export class DriftModel {
  private readonly changed = new vscode.EventEmitter<DriftEntry | undefined>();
  /** Fires when an entry (or, with undefined, the list) changed. */
  readonly onDidChange = this.changed.event;
  private readonly entries = new Map<string, DriftEntry>();
  private readonly running = new Map<string, vscode.CancellationTokenSource>();
  private readonly queue: string[] = [];
  private loaded: Promise<void> | undefined;
  /** Environments' folders as the Environments request listed them (for a multi-root view). */
  folders: string[] = [];

  constructor(
    private readonly server: ServerConnection,
    readonly contexts: DriftContexts,
  ) {}

  dispose(): void {
    for (const source of this.running.values()) source.cancel();
    this.changed.dispose();
  }

  static keyOf(key: EnvironmentKey): string {
    return `${key.folder}\u0000${key.environment}`;
  }

  all(): DriftEntry[] {
    return [...this.entries.values()];
  }

  get(key: EnvironmentKey): DriftEntry | undefined {
    return this.entries.get(DriftModel.keyOf(key));
  }

  /** The parameters of an entry's requests: its context only when picked here (a declared one the server knows). */
  paramsOf(entry: DriftEntry): DriftParams {
    return { environment: entry.environment, folder: entry.folder, ...(entry.picked && entry.context ? { context: entry.context } : {}) };
  }

  /** The environments, listed once (again with `reload`); their contexts as declared or remembered. */
  environments(reload = false): Promise<void> {
    if (!this.loaded || reload) this.loaded = this.load();
    return this.loaded;
  }

  private async load(): Promise<void> {
    await this.server.ready();
    const client = this.server.languageClient;
    if (!client) return;
    let result: EnvironmentsResult = await client.sendRequest(EnvironmentsRequest.type);
    // The workspace index is still being read: the list may grow.
    for (let tries = 0; !result.complete && tries < 60; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      result = await client.sendRequest(EnvironmentsRequest.type);
    }
    const seen = new Set<string>();
    this.folders = result.folders.filter((f) => f.environments.length).map((f) => f.root);
    for (const folder of result.folders)
      for (const view of folder.environments) {
        const key = { folder: folder.root, environment: view.name };
        seen.add(DriftModel.keyOf(key));
        this.upsert(key, view);
      }
    for (const key of [...this.entries.keys()]) if (!seen.has(key)) this.entries.delete(key);
    this.changed.fire(undefined);
  }

  private upsert(key: EnvironmentKey, view: EnvironmentView): void {
    const remembered = this.contexts.remembered(key);
    const context = remembered !== undefined ? remembered : view.context;
    const existing = this.entries.get(DriftModel.keyOf(key));
    if (!existing) {
      this.entries.set(DriftModel.keyOf(key), {
        ...key,
        ...(view.context ? { declared: view.context } : {}),
        context,
        picked: remembered !== undefined,
        application: view.sourceKind === 'application',
        comparing: false,
      });
      return;
    }
    // Changed in place: a comparison under way holds the entry.
    if (view.context) existing.declared = view.context;
    else delete existing.declared;
    existing.picked = remembered !== undefined;
    existing.application = view.sourceKind === 'application';
    if (existing.context !== context) {
      existing.context = context;
      delete existing.result;
      delete existing.at;
    }
  }

  /** The context of these environments changed: take the remembered choice, and compare them again. */
  contextsChanged(keys: readonly EnvironmentKey[]): void {
    for (const key of keys) {
      const entry = this.get(key);
      if (!entry) continue;
      const remembered = this.contexts.remembered(key);
      entry.context = remembered !== undefined ? remembered : entry.declared;
      entry.picked = remembered !== undefined;
      delete entry.result;
      delete entry.at;
      this.changed.fire(entry);
      this.compare(entry);
    }
  }

  /** Compares every environment that has a context (those without one are left for the user to choose). */
  compareAll(): void {
    for (const entry of this.entries.values()) this.compare(entry);
  }

  /** Compares one environment (again): a comparison of it under way is cancelled. */
  compare(entry: DriftEntry): void {
    if (!entry.context) return;
    const key = DriftModel.keyOf(entry);
    this.running.get(key)?.cancel();
    this.running.delete(key);
    if (!this.queue.includes(key)) this.queue.push(key);
    entry.comparing = true;
    this.changed.fire(entry);
    this.next();
  }

  private next(): void {
    while (this.running.size < MAX_PARALLEL && this.queue.length) {
      const key = this.queue.shift()!;
      const entry = this.entries.get(key);
      if (!entry?.context) continue;
      const source = new vscode.CancellationTokenSource();
      this.running.set(key, source);
      void this.request(entry, source).finally(() => {
        if (this.running.get(key) === source) this.running.delete(key);
        source.dispose();
        this.next();
      });
    }
  }

  private async request(entry: DriftEntry, source: vscode.CancellationTokenSource): Promise<void> {
    const client = this.server.languageClient;
    let result: DriftResult;
    try {
      result = client
        ? await client.sendRequest(DriftRequest.type, this.paramsOf(entry), source.token)
        : { error: 'The Driftless language server is not running.' };
    } catch (error) {
      if (source.token.isCancellationRequested) return;
      result = { error: `The request failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (source.token.isCancellationRequested) return;
    entry.result = result;
    entry.at = Date.now();
    entry.comparing = this.queue.includes(DriftModel.keyOf(entry));
    this.changed.fire(entry);
  }

  /** Resolves when nothing is being compared (for the status bar and the tests). */
  async settled(): Promise<void> {
    while (this.running.size || this.queue.length) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Objects not in sync (drifted, missing, extra) of a result. */
export function driftCount(result: EnvironmentDrift): number {
  return result.summary.drifted + result.summary.missing + result.summary.extra;
}
