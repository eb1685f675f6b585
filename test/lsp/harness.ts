// Shared harness of the protocol tests: a fixture workspace written to a temp dir at test time, and the built server
// (dist/server.js --stdio) started on it through the benchmark's LSP client. Documents are mirrored on this side, so
// incremental (ranged) edits can be sent and positions computed from the text the server holds.
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeLensRequest,
  type CodeLens,
  PrepareRenameRequest,
  RenameRequest,
  type WorkspaceEdit,
  CodeActionRequest,
  DidChangeConfigurationNotification,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DocumentLinkRequest,
  DocumentSymbolRequest,
  FileChangeType,
  HoverRequest,
  ReferencesRequest,
  WorkspaceSymbolRequest,
  type CodeAction,
  type Command,
  type CompletionItem,
  type ConfigurationItem,
  type Diagnostic,
  type DocumentLink,
  type DocumentSymbol,
  type Hover,
  type Location,
  type Position,
  type PublishDiagnosticsParams,
  type Range,
  type SymbolInformation,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient, withTimeout, type DiagnosticsArrival, type DiagnosticsWait } from '../bench/lsp-client';
import { DRIFTLESS_SERVER_PATH, driftlessBuildMissing } from '../bench/driftless-server';
import {
  DocumentStatusRequest,
  RenderRequest,
  type DriftlessInitializationOptions,
  type DocumentStatus,
  type DriftlessSettings,
  type RenderResult,
} from '../../server/src/protocol';
import { POLICY_RULES } from '../../server/src/engine/policies/policy-rules';

/** Every wait of these tests; far above what any should take, far below mocha's timeout. */
export const WAIT_MS = 10_000;

/** The Kubernetes versions the server bundles (schemas/index.json): all, oldest first, and the default (newest). */
export const BUNDLED_KUBERNETES = (() => {
  const index = JSON.parse(readFileSync(resolve(__dirname, '../../schemas/index.json'), 'utf8')) as {
    kubernetesVersions: string[];
    defaultKubernetesVersion: string;
  };
  return { versions: index.kubernetesVersions, newest: index.defaultKubernetesVersion };
})();

/** A folder of fixture files in the OS temp dir, removed by dispose(). */
export class FixtureWorkspace {
  private constructor(readonly dir: string) {}

  static create(files: Record<string, string> = {}): FixtureWorkspace {
    // realpath: on macOS the temp dir is a symlink, and the server compares paths.
    const workspace = new FixtureWorkspace(realpathSync(mkdtempSync(join(tmpdir(), 'driftless-lsp-'))));
    for (const [relative, text] of Object.entries(files)) workspace.write(relative, text);
    return workspace;
  }

  /** An existing folder as a workspace (a symbolic link to another workspace, say); dispose() removes nothing. */
  static at(dir: string): FixtureWorkspace {
    const workspace = new FixtureWorkspace(dir);
    workspace.dispose = () => undefined;
    return workspace;
  }

  /** A folder made elsewhere (a git repository a test built), used as the workspace; dispose() removes it too. */
  static existing(dir: string): FixtureWorkspace {
    return new FixtureWorkspace(realpathSync(dir));
  }

  path(relative: string): string {
    return join(this.dir, relative);
  }

  uri(relative: string): string {
    return pathToFileURL(this.path(relative)).href;
  }

  write(relative: string, text: string | Buffer): void {
    mkdirSync(dirname(this.path(relative)), { recursive: true });
    writeFileSync(this.path(relative), text);
  }

  remove(relative: string): void {
    rmSync(this.path(relative), { force: true, recursive: true });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface SessionOptions {
  /** The `driftless` section answered to workspace/configuration; may be changed later (then call settingsChanged). */
  settings?: DriftlessSettings;
  /** Answers workspace/configuration only after this long, as a busy editor may. */
  configurationDelayMs?: number;
  /**
   * Whether the best-practice policies report. Off unless asked: the fixtures are minimal manifests (no limits, no
   * probes) made to show other findings; policies have tests of their own.
   */
  policies?: boolean;
  /**
   * The Workspace Trust the client tells the server in `initializationOptions` (as the VS Code client does): trusted
   * unless a test says otherwise; `not-sent` sends no trust option at all (the server must then take it as untrusted).
   */
  trust?: 'trusted' | 'untrusted' | 'not-sent';
}

const POLICIES_OFF = Object.fromEntries(Object.keys(POLICY_RULES).map((id) => [id, 'off']));

/** A ranged change, as an editor with incremental sync sends it. */
export interface RangedChange {
  range: Range;
  text: string;
}

/** The built server, started on one fixture workspace. */
export class ServerSession {
  /** Every item of every workspace/configuration request the server sent, in order. */
  readonly configurationRequests: ConfigurationItem[] = [];
  settings: DriftlessSettings;
  private readonly documents = new Map<string, TextDocument>();
  private client!: LspClient;
  private configured!: () => void;
  private readonly firstConfiguration = new Promise<void>((resolve) => (this.configured = resolve));

  private constructor(
    readonly workspace: FixtureWorkspace,
    options: SessionOptions,
  ) {
    this.settings = options.settings ?? {};
    this.policies = options.policies ?? false;
  }

  private readonly policies: boolean;

  /** The settings as answered: the policies turned off unless the session asked for them. */
  private answeredSettings(): DriftlessSettings {
    return this.policies ? this.settings : { ...this.settings, rules: { ...POLICIES_OFF, ...this.settings.rules } };
  }

  static async start(workspace: FixtureWorkspace, options: SessionOptions = {}): Promise<ServerSession> {
    const missing = driftlessBuildMissing();
    if (missing.length) throw new Error(`Build the server first (npm run build); missing: ${missing.join(', ')}`);
    const session = new ServerSession(workspace, options);
    session.client = await LspClient.start({
      server: { command: process.execPath, args: [DRIFTLESS_SERVER_PATH, '--stdio'] },
      workspaceDir: workspace.dir,
      ...((options.trust ?? 'trusted') === 'not-sent'
        ? {}
        : {
            initializationOptions: {
              workspaceTrusted: (options.trust ?? 'trusted') === 'trusted',
            } satisfies DriftlessInitializationOptions,
          }),
      configuration: (item) => {
        session.configurationRequests.push(item);
        session.configured();
        return item.section === 'driftless' ? session.answeredSettings() : null;
      },
      timeoutMs: WAIT_MS,
      ...(options.configurationDelayMs ? { configurationDelayMs: options.configurationDelayMs } : {}),
    });
    return session;
  }

  /**
   * Resolves once the server has pulled the settings and handled the answer: the answer goes out before the request
   * sent here, and the server reads its messages in order.
   */
  async settled(): Promise<void> {
    await withTimeout(this.firstConfiguration, WAIT_MS, 'the workspace/configuration request');
    await this.client.request(DocumentStatusRequest.type, { uri: this.uri('.driftless-settled-probe.yaml') });
  }

  get lsp(): LspClient {
    return this.client;
  }

  uri(relative: string): string {
    return this.workspace.uri(relative);
  }

  /** The text the server holds for an open document (mirrored here). */
  text(relative: string): string {
    return this.document(relative).getText();
  }

  version(relative: string): number {
    return this.document(relative).version;
  }

  /** Opens a document and resolves with the first publish for it. */
  async open(relative: string, text: string, version = 1): Promise<PublishDiagnosticsParams> {
    const uri = this.uri(relative);
    this.documents.set(uri, TextDocument.create(uri, 'yaml', version, text));
    const published = this.waitForPublish(relative, { version });
    this.client.open(uri, text, version);
    return (await published).params;
  }

  /** Opens a document and waits until a publish for it meets `predicate`. */
  async openUntil(relative: string, text: string, predicate: (diagnostics: Diagnostic[]) => boolean, version = 1): Promise<Diagnostic[]> {
    const uri = this.uri(relative);
    this.documents.set(uri, TextDocument.create(uri, 'yaml', version, text));
    const published = this.waitForPublish(relative, { version, predicate: (p) => predicate(p.diagnostics) });
    this.client.open(uri, text, version);
    return (await published).params.diagnostics;
  }

  /** Sends one didChange with ranged changes (the next version) and resolves with the publish for that version. */
  async edit(relative: string, changes: RangedChange[]): Promise<PublishDiagnosticsParams> {
    const version = this.sendEdit(relative, changes);
    return (await this.waitForPublish(relative, { version })).params;
  }

  /** Sends one didChange with ranged changes; returns the new version without waiting. */
  sendEdit(relative: string, changes: RangedChange[]): number {
    const document = this.document(relative);
    const version = document.version + 1;
    TextDocument.update(document, changes, version);
    this.client.notify(DidChangeTextDocumentNotification.method, {
      textDocument: { uri: document.uri, version },
      contentChanges: changes,
    });
    return version;
  }

  /** A ranged change replacing the first occurrence of `find` (after `from`, a needle) with `replacement`. */
  replace(relative: string, find: string, replacement: string, from?: string): RangedChange {
    const text = this.text(relative);
    const after = from === undefined ? 0 : text.indexOf(from);
    if (after === -1) throw new Error(`"${from}" is not in ${relative}`);
    const offset = text.indexOf(find, after);
    if (offset === -1) throw new Error(`"${find}" is not in ${relative}`);
    const document = this.document(relative);
    return { range: { start: document.positionAt(offset), end: document.positionAt(offset + find.length) }, text: replacement };
  }

  /** The position of `needle` in an open document (`delta` characters into it). */
  positionOf(relative: string, needle: string, delta = 0): Position {
    const offset = this.text(relative).indexOf(needle);
    if (offset === -1) throw new Error(`"${needle}" is not in ${relative}`);
    return this.document(relative).positionAt(offset + delta);
  }

  /** Resolves with the next publish for `relative` meeting `predicate` (register before causing it). */
  nextDiagnostics(relative: string, predicate?: (diagnostics: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    const wait = this.waitForPublish(relative, predicate ? { predicate: (p) => predicate(p.diagnostics) } : {});
    return wait.then((arrival) => arrival.params.diagnostics);
  }

  /** waitForDiagnostics, with what did arrive in the error: a timeout alone does not tell a missing publish from a wrong one. */
  waitForPublish(relative: string, wait: DiagnosticsWait): Promise<DiagnosticsArrival> {
    // A wait for an open document's version takes only publishes of the editor's text: the Problems panel's publishes
    // of the file as on disk carry no version.
    const { predicate } = wait;
    const forVersion: DiagnosticsWait =
      wait.version === undefined ? wait : { ...wait, predicate: (p) => p.version !== undefined && (!predicate || predicate(p)) };
    return this.client.waitForDiagnostics(this.uri(relative), forVersion).catch((error: Error) => {
      const latest = this.latest(relative);
      const last = latest === undefined ? 'nothing was published for it' : `the last publish had ${JSON.stringify(brief(latest))}`;
      throw new Error(`${error.message}\n${relative}: ${last}.`);
    });
  }

  /** The diagnostics of `relative` once they meet `predicate`: the last received if they do, else the next that does. */
  async diagnosticsUntil(relative: string, predicate: (diagnostics: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    // Both in one turn of the event loop: no publish can arrive between the look and the wait.
    const latest = this.latest(relative);
    if (latest && predicate(latest)) return latest;
    return this.nextDiagnostics(relative, predicate);
  }

  /** The last diagnostics received for a document. */
  latest(relative: string): Diagnostic[] | undefined {
    return this.client.diagnosticsOf(this.uri(relative))?.params.diagnostics;
  }

  close(relative: string): void {
    const uri = this.uri(relative);
    this.documents.delete(uri);
    this.client.close(uri);
  }

  /** Tells the server the settings changed (it pulls them again with workspace/configuration). */
  settingsChanged(settings: DriftlessSettings): void {
    this.settings = settings;
    this.client.notify(DidChangeConfigurationNotification.method, { settings: null });
  }

  hover(relative: string, position: Position): Promise<Hover | null> {
    return this.client.request(HoverRequest.type, { textDocument: { uri: this.uri(relative) }, position });
  }

  completion(relative: string, position: Position): Promise<CompletionItem[]> {
    return this.client.completion(this.uri(relative), position);
  }

  async symbols(relative: string): Promise<DocumentSymbol[]> {
    const result = await this.client.request(DocumentSymbolRequest.type, { textDocument: { uri: this.uri(relative) } });
    return (result ?? []).filter((s: DocumentSymbol | SymbolInformation): s is DocumentSymbol => 'selectionRange' in s);
  }

  async codeActions(relative: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const result = await this.client.request(CodeActionRequest.type, {
      textDocument: { uri: this.uri(relative) },
      range,
      context: { diagnostics },
    });
    return (result ?? []).filter((a: CodeAction | Command): a is CodeAction => !('command' in a && typeof a.command === 'string'));
  }

  async documentLinks(relative: string): Promise<DocumentLink[]> {
    return (await this.client.request(DocumentLinkRequest.type, { textDocument: { uri: this.uri(relative) } })) ?? [];
  }

  async workspaceSymbols(query: string): Promise<SymbolInformation[]> {
    return ((await this.client.request(WorkspaceSymbolRequest.type, { query })) ?? []) as SymbolInformation[];
  }

  async references(relative: string, position: Position, includeDeclaration = false): Promise<Location[]> {
    return (
      (await this.client.request(ReferencesRequest.type, {
        textDocument: { uri: this.uri(relative) },
        position,
        context: { includeDeclaration },
      })) ?? []
    );
  }

  definition(relative: string, position: Position): Promise<unknown> {
    return this.client.request(DefinitionRequest.type, { textDocument: { uri: this.uri(relative) }, position });
  }

  render(environment: string): Promise<RenderResult> {
    return this.client.request(RenderRequest.type, { environment });
  }

  codeLenses(relative: string): Promise<CodeLens[] | null> {
    return this.client.request(CodeLensRequest.type, { textDocument: { uri: this.uri(relative) } });
  }

  prepareRename(relative: string, position: Position): Promise<unknown> {
    return this.client.request(PrepareRenameRequest.type, { textDocument: { uri: this.uri(relative) }, position });
  }

  rename(relative: string, position: Position, newName: string): Promise<WorkspaceEdit | null> {
    return this.client.request(RenameRequest.type, { textDocument: { uri: this.uri(relative) }, position, newName });
  }

  /** Tells the server what the editor's file watcher would: files created, changed or deleted on disk. */
  filesChanged(changes: { relative: string; type: 'created' | 'changed' | 'deleted' }[]): void {
    const types = { created: FileChangeType.Created, changed: FileChangeType.Changed, deleted: FileChangeType.Deleted };
    this.client.notify(DidChangeWatchedFilesNotification.method, {
      changes: changes.map((c) => ({ uri: this.uri(c.relative), type: types[c.type] })),
    });
  }

  documentStatus(relative: string): Promise<DocumentStatus | null> {
    return this.client.request(DocumentStatusRequest.type, { uri: this.uri(relative) });
  }

  /** Polite shutdown; the workspace is left for the caller to dispose. */
  async stop(): Promise<void> {
    await this.client?.shutdown();
  }

  private document(relative: string): TextDocument {
    const document = this.documents.get(this.uri(relative));
    if (!document) throw new Error(`${relative} is not open`);
    return document;
  }
}

/** Diagnostics reduced to what the assertions compare: rule, severity and exact range. */
export function brief(diagnostics: readonly Diagnostic[]): { code: unknown; severity: unknown; range: string }[] {
  return diagnostics.map((d) => ({ code: d.code, severity: d.severity, range: rangeText(d.range) }));
}

/** "line:character-line:character", 0-based, as LSP counts. */
export function rangeText(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

export function codes(diagnostics: readonly Diagnostic[]): unknown[] {
  return diagnostics.map((d) => d.code);
}

/** The text after applying one code action's edits (all in `uri`) to `text`. */
export function applyEdits(text: string, action: CodeAction, uri: string): string {
  const edits = action.edit?.changes?.[uri];
  if (!edits) throw new Error(`"${action.title}" has no edits for ${uri}`);
  const document = TextDocument.create(uri, 'yaml', 0, text);
  return TextDocument.applyEdits(document, edits);
}

/** Every line of a YAML fixture joined with newlines, plus a final newline. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** A diagnostic's message as text (LSP 3.18 allows markup). */
export function messageOf(diagnostic: Diagnostic): string {
  return typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
}

/** A code action's edits to `uri` as the ranged changes an editor applying it sends. */
export function changesOf(action: CodeAction, uri: string): RangedChange[] {
  const edits = action.edit?.changes?.[uri];
  if (!edits) throw new Error(`"${action.title}" has no edits for ${uri}`);
  return edits.map((e) => ({ range: e.range, text: e.newText }));
}
