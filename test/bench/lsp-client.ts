// A small LSP client over stdio for benchmarks and protocol tests: starts a server process, speaks the protocol, and
// timestamps the diagnostics it receives. Every wait has a timeout and fails at once, with the server's last words,
// if the server exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CancellationToken,
  type GenericRequestHandler,
  type NotificationType,
  type MessageConnection,
  type RequestParam,
  type RequestType,
  type RequestType0,
} from 'vscode-jsonrpc/node';
import {
  CompletionRequest,
  ConfigurationRequest,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  WorkDoneProgressCreateRequest,
  type ClientCapabilities,
  type CompletionItem,
  type ConfigurationItem,
  type InitializeResult,
  type Position,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';

export interface ServerCommand {
  command: string;
  args: string[];
  cwd?: string;
}

export interface LspClientOptions {
  server: ServerCommand;
  /** The workspace folder the server is given; it should exist. */
  workspaceDir: string;
  /** Answers one item of a `workspace/configuration` request. */
  configuration: (item: ConfigurationItem) => unknown;
  /** Answers workspace/configuration only after this long (a slow editor), to test what the server does meanwhile. */
  configurationDelayMs?: number;
  /** Further server-to-client requests to answer, by method. Array parameters arrive spread, as in vscode-jsonrpc. */
  requestHandlers?: Record<string, GenericRequestHandler<unknown, unknown>>;
  initializationOptions?: unknown;
  /** Default timeout of every wait, in ms. */
  timeoutMs?: number;
}

/** A `publishDiagnostics` notification and when it arrived (performance.now() clock). */
export interface DiagnosticsArrival {
  at: number;
  params: PublishDiagnosticsParams;
}

export interface DiagnosticsWait {
  /** Wait for the diagnostics of this document version: a publish carrying a version must be at least this one. */
  version?: number;
  /** Further condition on the publish, e.g. a non-empty list. */
  predicate?: (params: PublishDiagnosticsParams) => boolean;
  timeoutMs?: number;
}

interface DiagnosticsWaiter {
  uri: string;
  accepts: (params: PublishDiagnosticsParams) => boolean;
  resolve: (arrival: DiagnosticsArrival) => void;
}

const CLIENT_CAPABILITIES: ClientCapabilities = {
  workspace: { configuration: true, workspaceFolders: true },
  textDocument: {
    synchronization: { didSave: true },
    publishDiagnostics: { relatedInformation: true, versionSupport: true },
    completion: {
      completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] },
      contextSupport: true,
    },
    hover: { contentFormat: ['markdown', 'plaintext'] },
  },
  window: { workDoneProgress: true },
};

const DEFAULT_TIMEOUT_MS = 30_000;
const STDERR_TAIL_CHARS = 4_000;
const LOG_TAIL_MESSAGES = 20;

export class LspClient {
  /** When the server process was spawned (performance.now() clock). */
  readonly spawnedAt: number;
  readonly pid: number;
  /** When the initialize response arrived; set by start(). */
  initializeResponseAt = 0;
  initializeResult: InitializeResult | undefined;

  private readonly connection: MessageConnection;
  private readonly waiters = new Set<DiagnosticsWaiter>();
  private readonly latestDiagnostics = new Map<string, DiagnosticsArrival>();
  private readonly logTail: string[] = [];
  /** Every window/showMessage the server sent, in order (what the user would see as notifications). */
  readonly shownMessages: string[] = [];
  /** Every window/logMessage the server sent, in order (what the Output panel would show). */
  readonly loggedMessages: string[] = [];
  /** The same, with each message's level (MessageType: 1 error, 2 warning, 3 info, 4 log, 5 debug). */
  readonly logged: { type: number; message: string }[] = [];
  private stderrTail = '';
  private shuttingDown = false;
  /** Rejects when the process exits (or fails to spawn); every wait races against it. */
  private readonly exited: Promise<never>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: LspClientOptions,
    spawnedAt: number,
  ) {
    this.spawnedAt = spawnedAt;
    this.pid = child.pid ?? -1;
    this.exited = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`${this.describe()} could not start: ${error.message}`)));
      // 'close', not 'exit': by then stderr has been read to the end, so the report has the server's last words.
      child.once('close', (code, signal) => {
        const how = signal ? `signal ${signal}` : `code ${code}`;
        const when = this.shuttingDown ? 'during shutdown' : 'unexpectedly';
        reject(new Error(`${this.describe()} exited ${when} (${how}).${this.lastWords()}`));
      });
    });
    // Nobody may be waiting when the process exits; the rejection is reported by the next wait.
    this.exited.catch(() => undefined);
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    if (!child.stdout || !child.stdin) throw new Error(`${this.describe()} has no stdio pipes`);
    this.connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    this.registerHandlers();
    this.connection.listen();
  }

  /** Spawns the server, then sends initialize and initialized. */
  static async start(options: LspClientOptions): Promise<LspClient> {
    const { command, args, cwd } = options.server;
    const spawnedAt = performance.now();
    const child = spawn(command, args, { cwd: cwd ?? options.workspaceDir, stdio: ['pipe', 'pipe', 'pipe'] });
    const client = new LspClient(child, options, spawnedAt);
    try {
      await client.initialize();
    } catch (error) {
      client.kill();
      throw error;
    }
    return client;
  }

  /** Sends didOpen; returns when it was sent. */
  open(uri: string, text: string, version = 1, languageId = 'yaml'): number {
    const sentAt = performance.now();
    void this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version, text },
    });
    return sentAt;
  }

  /** Sends a full-text didChange; returns when it was sent. */
  change(uri: string, version: number, text: string): number {
    const sentAt = performance.now();
    void this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return sentAt;
  }

  close(uri: string): void {
    void this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Sends any notification, e.g. a server's own extension such as `yaml/registerContentRequest`. */
  notify(method: string, params?: unknown): void {
    void this.connection.sendNotification(method, params);
  }

  /**
   * Resolves with the next publishDiagnostics for `uri` that arrives after this call and meets `wait`. Call it before
   * sending the message that causes the diagnostics, so none is missed. A server that publishes no version is taken at
   * its first publish; one that does is held to `wait.version`.
   */
  waitForDiagnostics(uri: string, wait: DiagnosticsWait = {}): Promise<DiagnosticsArrival> {
    const { version, predicate } = wait;
    let waiter: DiagnosticsWaiter | undefined;
    const arrival = new Promise<DiagnosticsArrival>((resolve) => {
      waiter = {
        uri,
        accepts: (params) =>
          (version === undefined || params.version === undefined || params.version >= version) &&
          (predicate === undefined || predicate(params)),
        resolve,
      };
      this.waiters.add(waiter);
    });
    const what = `diagnostics for ${uri}${version === undefined ? '' : ` (version ${version})`}`;
    return this.bounded(arrival, what, wait.timeoutMs).finally(() => {
      if (waiter) this.waiters.delete(waiter);
    });
  }

  /** The last diagnostics received for `uri`, if any. */
  diagnosticsOf(uri: string): DiagnosticsArrival | undefined {
    return this.latestDiagnostics.get(uri);
  }

  /** Sends any request, bounded like every wait. */
  request<P, R, E>(type: RequestType<P, R, E>, params: RequestParam<P>, timeoutMs?: number): Promise<R> {
    return this.bounded(this.connection.sendRequest(type, params), `the ${type.method} response`, timeoutMs);
  }

  /** Calls `handler` with each notification of `type` the server sends (a custom one, such as driftless/driftChanged). */
  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): void {
    this.connection.onNotification(type, handler);
  }

  /** Sends a request the caller may cancel (`$/cancelRequest`), bounded like every wait. */
  cancellableRequest<P, R, E>(
    type: RequestType<P, R, E>,
    params: RequestParam<P>,
    token: CancellationToken,
    timeoutMs?: number,
  ): Promise<R> {
    return this.bounded(this.connection.sendRequest(type, params, token), `the ${type.method} response`, timeoutMs);
  }

  /** Sends a request without parameters, bounded like every wait. */
  request0<R, E>(type: RequestType0<R, E>, timeoutMs?: number): Promise<R> {
    return this.bounded(this.connection.sendRequest(type), `the ${type.method} response`, timeoutMs);
  }

  async completion(uri: string, position: Position, timeoutMs?: number): Promise<CompletionItem[]> {
    const result = await this.request(CompletionRequest.type, { textDocument: { uri }, position }, timeoutMs);
    if (!result) return [];
    return Array.isArray(result) ? result : result.items;
  }

  /** Polite shutdown (shutdown, exit); kills the process if it does not leave in time. */
  async shutdown(timeoutMs = 5_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.shuttingDown = true;
    const gone = this.exited.catch(() => undefined);
    try {
      await this.bounded(this.connection.sendRequest(ShutdownRequest.type), 'the shutdown response', timeoutMs);
      void this.connection.sendNotification(ExitNotification.type);
      await withTimeout(gone, timeoutMs, `${this.describe()} to exit`);
    } catch {
      this.kill();
      await gone;
    } finally {
      this.connection.dispose();
    }
  }

  kill(): void {
    this.shuttingDown = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private async initialize(): Promise<void> {
    const rootUri = pathToFileURL(this.options.workspaceDir).href;
    this.initializeResult = await this.bounded(
      this.connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        clientInfo: { name: 'driftless-test-client' },
        locale: 'en',
        rootUri,
        workspaceFolders: [{ uri: rootUri, name: 'workspace' }],
        capabilities: CLIENT_CAPABILITIES,
        initializationOptions: this.options.initializationOptions,
      }),
      'the initialize response',
    );
    this.initializeResponseAt = performance.now();
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  private registerHandlers(): void {
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const arrival = { at: performance.now(), params };
      this.latestDiagnostics.set(params.uri, arrival);
      for (const waiter of this.waiters) {
        if (waiter.uri === params.uri && waiter.accepts(params)) {
          this.waiters.delete(waiter);
          waiter.resolve(arrival);
        }
      }
    });
    // Shown as a notification, or as a request when the server offers actions (vscode-languageserver always does).
    this.connection.onNotification('window/showMessage', (params: { message: string }) => {
      this.shownMessages.push(params.message);
    });
    this.connection.onRequest('window/showMessageRequest', (params: { message: string }) => {
      this.shownMessages.push(params.message);
      return null;
    });
    this.connection.onNotification(LogMessageNotification.type, (params) => {
      this.logTail.push(params.message);
      this.loggedMessages.push(params.message);
      this.logged.push({ type: params.type, message: params.message });
      if (this.logTail.length > LOG_TAIL_MESSAGES) this.logTail.shift();
    });
    this.connection.onRequest(ConfigurationRequest.type, async (params) => {
      if (this.options.configurationDelayMs) await new Promise((resolve) => setTimeout(resolve, this.options.configurationDelayMs));
      return params.items.map((item) => this.options.configuration(item));
    });
    // Both are void requests: an undefined result goes out as `"result": null`.
    this.connection.onRequest(RegistrationRequest.type, () => undefined);
    this.connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    for (const [method, handler] of Object.entries(this.options.requestHandlers ?? {})) {
      this.connection.onRequest(method, handler);
    }
  }

  /** Races `promise` against the timeout and the process exit. */
  private bounded<T>(promise: Promise<T>, what: string, timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS): Promise<T> {
    return withTimeout(Promise.race([promise, this.exited]), timeoutMs, `${what} from ${this.describe()}`, () => this.lastWords());
  }

  private describe(): string {
    const { command, args } = this.options.server;
    return `server "${[command, ...args].join(' ')}" (pid ${this.pid})`;
  }

  private lastWords(): string {
    const parts: string[] = [];
    if (this.stderrTail.trim()) parts.push(`stderr (tail):\n${this.stderrTail.trim()}`);
    if (this.logTail.length > 0) parts.push(`log messages (tail):\n${this.logTail.join('\n')}`);
    return parts.length > 0 ? `\n${parts.join('\n')}` : '';
  }
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string, details = () => ''): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.${details()}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
