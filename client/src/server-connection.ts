// The language server's life in the client: start it over IPC, restart it with backoff when it crashes, fails to
// start or stops answering, and tell the user once. Restarts are done here rather than by vscode-languageclient, so
// no request failing during a restart turns into an error notification.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { PingRequest, WorkspaceTrustNotification, type DriftlessInitializationOptions } from '../../server/src/protocol';

/** Crashes closer together than this count toward giving up; a server that ran longer starts the count again. */
const CRASH_WINDOW_MS = 3 * 60_000;
const MAX_RESTARTS = 5;
const HEALTH_INTERVAL_MS = 30_000;
const HEALTH_TIMEOUT_MS = 20_000;

/**
 * vscode-languageclient forces an error notification when a start fails (a server killed while it initializes); the
 * restart logic below tells the user once instead, so forced notifications go to the output channel only.
 */
class DriftlessLanguageClient extends LanguageClient {
  override error(message: string, data?: unknown, showNotification?: boolean | 'force'): void {
    super.error(message, data, showNotification === 'force' ? false : showNotification);
  }
}

export class ServerConnection implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly crashes: number[] = [];
  private toldAboutCrash = false;
  private restarting = false;
  private disposed = false;
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

  /** Starts a server; a failure to start counts as a crash and is retried with backoff. */
  async start(): Promise<void> {
    const client = this.createClient();
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.output.error(`The language server did not start: ${String(error)}`);
      if (this.client === client) this.onServerStopped();
      return;
    }
    this.changed.fire();
    this.watchHealth();
  }

  private createClient(): LanguageClient {
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
      // The user is told about a stopped server once, below; the log holds the rest.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationFailedHandler: () => false,
      synchronize: { configurationSection: 'driftless' },
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue, handled: true }),
        closed: () => {
          // Only the current server's end is a crash: a client being stopped on purpose is no longer current.
          if (this.client === created) this.onServerStopped();
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
    };
    const created = new DriftlessLanguageClient('driftless', 'Driftless', serverOptions, clientOptions);
    return created;
  }

  /** Restarts on request (the command, a hung server): no backoff, no message. */
  async restart(): Promise<void> {
    this.stopWatchingHealth();
    await this.stopClient();
    await this.start();
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      if (client.state === State.Running) await client.stop(5000);
    } catch {
      // A hung server does not answer shutdown; dispose kills it.
    }
    await client.dispose().catch(() => undefined);
  }

  /** The server process exited or could not start: restart it after a growing pause, unless it keeps failing. */
  private onServerStopped(): void {
    if (this.disposed || this.restarting) return;
    this.stopWatchingHealth();
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
      return;
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
    this.restarting = true;
    setTimeout(() => {
      void this.stopClient()
        .then(() => {
          this.restarting = false;
          return this.disposed ? undefined : this.start();
        })
        .catch((error: unknown) => this.output.error(`Restarting the language server failed: ${String(error)}`));
    }, delay);
  }

  /** A server that stops answering (an endless loop, a deadlock) is as dead as one that crashed. */
  private watchHealth(): void {
    this.stopWatchingHealth();
    this.healthTimer = setInterval(() => {
      const client = this.languageClient;
      if (!client) return;
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), HEALTH_TIMEOUT_MS));
      void Promise.race([client.sendRequest(PingRequest.type), timeout])
        .then((answer) => {
          if (answer !== 'timeout' || client !== this.client) return;
          this.output.error(`Language server did not answer for ${HEALTH_TIMEOUT_MS / 1000} s; restarting it.`);
          void this.restart();
        })
        .catch(() => undefined);
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
    this.disposed = true;
    this.stopWatchingHealth();
    this.changed.dispose();
    void this.stopClient();
  }
}
