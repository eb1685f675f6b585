// The language server's life in the client: start it over IPC, restart it with backoff when it crashes or stops
// answering, and tell the user once. Everything it computes comes back through the LanguageClient.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { PingRequest, WorkspaceTrustNotification, type DriftlessInitializationOptions } from '../../server/src/protocol';

/** Crashes closer together than this count toward giving up; a server that ran longer starts the count again. */
const CRASH_WINDOW_MS = 3 * 60_000;
const MAX_RESTARTS = 5;
const HEALTH_INTERVAL_MS = 30_000;
const HEALTH_TIMEOUT_MS = 20_000;

export class ServerConnection implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly crashes: number[] = [];
  private toldAboutCrash = false;
  private healthTimer: ReturnType<typeof setInterval> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a (re)started server is ready: features re-query what they show. */
  readonly onDidStart = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
  ) {}

  get languageClient(): LanguageClient | undefined {
    return this.client?.state === State.Running ? this.client : undefined;
  }

  /** The server's process id, asked of the server itself. */
  async processId(): Promise<number | undefined> {
    const client = this.languageClient;
    if (!client) return undefined;
    return (await client.sendRequest(PingRequest.type)).processId;
  }

  /** Resolves once a server is running (waiting through a start or restart in progress). */
  async ready(): Promise<void> {
    while (!this.languageClient) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  async start(): Promise<void> {
    const serverModule = this.context.asAbsolutePath(path.join('dist', 'server.js'));
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };
    const initializationOptions: DriftlessInitializationOptions = { workspaceTrusted: vscode.workspace.isTrusted };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'yaml' },
        { scheme: 'untitled', language: 'yaml' },
      ],
      initializationOptions,
      outputChannel: this.output,
      synchronize: { configurationSection: 'driftless' },
      errorHandler: {
        error: (): ErrorHandlerResult => ({ action: ErrorAction.Continue }),
        closed: () => this.onClosed(),
      },
    };
    this.client = new LanguageClient('driftless', 'Driftless', serverOptions, clientOptions);
    await this.client.start();
    this.changed.fire();
    this.watchHealth();
  }

  async restart(): Promise<void> {
    this.stopWatchingHealth();
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(5000);
      } catch {
        // A hung server does not answer shutdown; dispose kills it.
      }
      await client.dispose();
    }
    await this.start();
  }

  /** The server process exited: restart it after a growing pause, unless it keeps crashing. */
  private async onClosed(): Promise<CloseHandlerResult> {
    const now = Date.now();
    this.crashes.push(now);
    while (this.crashes.length && now - this.crashes[0]! > CRASH_WINDOW_MS) this.crashes.shift();
    if (this.crashes.length > MAX_RESTARTS) {
      void vscode.window
        .showErrorMessage(
          'The Driftless language server keeps stopping, so it was not restarted. See the Driftless output for why.',
          'Show Output',
          'Restart',
        )
        .then((choice) => {
          if (choice === 'Show Output') this.output.show();
          if (choice === 'Restart') void this.restart();
        });
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    if (!this.toldAboutCrash) {
      this.toldAboutCrash = true;
      void vscode.window
        .showWarningMessage('The Driftless language server stopped unexpectedly and is being restarted.', 'Show Output')
        .then((choice) => {
          if (choice === 'Show Output') this.output.show();
        });
    }
    const delay = 500 * 2 ** (this.crashes.length - 1);
    this.output.warn(`Language server stopped; restarting in ${delay} ms (restart ${this.crashes.length} of ${MAX_RESTARTS}).`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    setTimeout(() => this.changed.fire(), 1000);
    return { action: CloseAction.Restart, handled: true };
  }

  /** A server that stops answering (an endless loop, a deadlock) is as dead as one that crashed. */
  private watchHealth(): void {
    this.stopWatchingHealth();
    this.healthTimer = setInterval(() => {
      const client = this.languageClient;
      if (!client) return;
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), HEALTH_TIMEOUT_MS));
      void Promise.race([client.sendRequest(PingRequest.type), timeout]).then((answer) => {
        if (answer !== 'timeout' || client !== this.client) return;
        this.output.error(`Language server did not answer for ${HEALTH_TIMEOUT_MS / 1000} s; restarting it.`);
        void this.restart();
      });
    }, HEALTH_INTERVAL_MS);
  }

  private stopWatchingHealth(): void {
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = undefined;
  }

  notifyTrust(): void {
    void this.languageClient?.sendNotification(WorkspaceTrustNotification.type, { trusted: vscode.workspace.isTrusted });
  }

  dispose(): void {
    this.stopWatchingHealth();
    this.changed.dispose();
    void this.client?.stop();
  }
}
