// The language server's life: initialization, settings, file events, keeping each project's index current, and
// validating open documents (diagnostics). Request features live in lsp/features/, one module each; no validation
// logic is here: it lives in the engine and node/Project.
import {
  CodeActionKind,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocumentSyncKind,
  TextDocuments,
  WatchKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { SchemaData } from '../engine/schema/schema-data';
import type { Project } from '../node/project';
import { readTextFile } from '../node/read-text-file';
import { inSkippedFolder } from '../node/find-yaml-files';
import { log, logTo } from '../node/log';
import { tooManyDocuments } from '../engine/yaml/document-limits';
import { ruleSetting } from '../engine/validate/report';
import {
  EnvironmentsChangedNotification,
  PingRequest,
  WorkspaceTrustNotification,
  type DriftlessInitializationOptions,
  type DriftlessSettings,
} from '../protocol';
import { renderedToLspDiagnostic, toLspDiagnostic } from './convert';
import { DocumentRequests, type ServerFeature } from './document-requests';
import { codeActions } from './features/code-actions';
import { completion } from './features/completion';
import { documentStatus } from './features/document-status';
import { documentSymbols } from './features/document-symbols';
import { hover } from './features/hover';
import { navigation } from './features/navigation';
import { environmentLens } from './features/environment-lens';
import { environments } from './features/environments';
import { renderRequests, toolsOf } from './features/render';
import { driftRequests } from './features/drift';
import { driftActionRequests } from './features/drift-actions';
import { deliveryRequests } from './features/delivery';
import { deployRequests } from './features/deploy';
import { pathLinks } from './features/path-links';
import { workspaceSymbols } from './features/workspace-symbols';
import { OpenDocuments, type OpenDocument } from './open-documents';
import { Projects, settingsToConfig, uriToPath } from './projects';
import { RenderedDiagnostics } from './rendered-diagnostics';
import { alreadyShown, decidedByRenders } from '../node/render/rendered-validation';
import { ValidationScheduler } from './validation-scheduler';
import { WorkspaceDiagnostics } from './workspace-diagnostics';
import type { FileValidation } from '../engine/project/project-model';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';

/** Enough for any repository a person browses; a monorepo of thousands of manifests is checked in CI (the CLI). */
const DEFAULT_MAX_PROBLEM_FILES = 1000;
const YAML_GLOB = '**/*.{yaml,yml}';
const RENDER_INPUT_GLOB = '**/{*.tpl,*.json,*.env,*.properties,*.txt,*.toml,*.ini,*.conf,*.cfg,*.sh,Kustomization}';
const FEATURES: ServerFeature[] = [hover, completion, documentSymbols, codeActions, documentStatus, pathLinks, navigation, environmentLens];

export class DriftlessLanguageServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly open = new OpenDocuments();
  private readonly projects: Projects;
  private readonly scheduler: ValidationScheduler;
  private readonly rendered: RenderedDiagnostics;
  private readonly workspaceDiagnostics: WorkspaceDiagnostics;
  private settings: DriftlessSettings = {};
  private canPullSettings = false;
  private canWatchFiles = false;
  /** Untrusted until the client says otherwise: a client that says nothing about trust gets no process run. */
  private trusted = false;
  private readonly shownSettingsProblems = new Set<string>();
  private initializedDone = false;
  /** Called once the workspace folders are open; requests that act on them (deliver, deploy) wait for it. */
  private foldersOpened: () => void = () => undefined;
  private readonly workspaceFoldersOpen = new Promise<void>((resolve) => (this.foldersOpened = resolve));

  constructor(
    private readonly connection: Connection,
    schemaData: SchemaData,
  ) {
    logTo((level, message) => connection.console[level](message));
    this.projects = new Projects(schemaData);
    this.scheduler = new ValidationScheduler((uri) => this.publish(uri));
    this.rendered = new RenderedDiagnostics({
      // Only the workspace folders: a file opened from elsewhere does not make its repository's tools run.
      projects: () => this.projects.ofWorkspaceFolders(),
      trusted: () => this.trusted,
      enabled: () => this.settings.validateRenderedOutput !== false,
      tools: () => toolsOf(this.settings),
      republish: (paths) => {
        for (const state of this.open.all()) if (paths.has(state.path)) this.scheduler.soon(state.uri);
        for (const project of this.projects.ofWorkspaceFolders())
          for (const path of paths) if (path.startsWith(project.root)) this.workspaceDiagnostics.refresh(project, path);
      },
      failed: (error) => this.connection.console.error(`Driftless: rendering the environments failed: ${String(error)}`),
      statusesChanged: () => void this.connection.sendNotification(EnvironmentsChangedNotification.type),
      coverageChanged: () => this.revalidateAll(),
      toolMissing: (message) =>
        void this.connection.window.showInformationMessage(
          `Driftless: ${message} Until then environments are not rendered: validation of the files goes on.`,
        ),
    });
    this.workspaceDiagnostics = new WorkspaceDiagnostics({
      projects: () => this.projects.ofWorkspaceFolders(),
      scope: () => (this.settings.problems?.scope === 'openFiles' ? 'openFiles' : 'workspace'),
      maxFiles: () => {
        const max = this.settings.problems?.maxFiles;
        return typeof max === 'number' && max >= 1 ? Math.floor(max) : DEFAULT_MAX_PROBLEM_FILES;
      },
      isOpen: (path) => this.open.isOpen(path),
      diagnosticsOf: (project, path) => {
        const text = readTextFile(path);
        return text.ok ? this.diagnosticsFor(project, path, text.text) : undefined;
      },
      send: (uri, diagnostics) => void this.connection.sendDiagnostics({ uri, diagnostics }),
      passed: ({ files, withFindings, notShown, ms }) =>
        log(
          'debug',
          `Problems: ${files} files validated in ${ms} ms, ${withFindings} with findings` +
            (notShown ? `; ${notShown} more past driftless.problems.maxFiles` : ''),
        ),
      failed: (error) => this.connection.console.error(`Driftless: validating the workspace's files failed: ${String(error)}`),
    });
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => void this.initialized());
    connection.onDidChangeConfiguration(() => void this.reloadSettings());
    connection.onDidChangeWatchedFiles((params) => {
      // git's own files (the Changes view's worktrees, index locks) are nothing a manifest or a render reads: they
      // must not abandon a pass of rendered findings under way. Its config is the exception: a remote added or
      // changed there decides which Argo CD Applications and Flux sources deliver this repository.
      if (params.changes.some((change) => isGitConfig(change.uri))) this.remotesChanged();
      const changes = params.changes.filter((change) => !isInGitDirectory(change.uri));
      for (const change of changes) this.fileChanged(change.uri, change.type);
      if (changes.length) this.rendered.schedule();
    });
    const requests = new DocumentRequests(connection, this.documents, this.open);
    for (const feature of FEATURES) feature(requests);
    workspaceSymbols(requests, () => this.projects.all());
    environments(
      requests,
      () => this.projects.all(),
      (root, environment) => this.rendered.statusOf(root, environment),
    );
    renderRequests(requests, {
      // Only the workspace folders: a file opened from elsewhere does not make its repository's tools run.
      projects: () => this.projects.ofWorkspaceFolders(),
      trusted: () => this.trusted,
      settings: () => this.settings,
    });
    const drift = driftRequests(requests, {
      projects: () => this.projects.all(),
      trusted: () => this.trusted,
      settings: () => this.settings,
    });
    driftActionRequests(requests, drift, (uri) => this.documents.get(uri)?.version ?? null);
    deliveryRequests(requests, {
      projects: () => this.projects.all(),
      foldersOpened: () => this.workspaceFoldersOpen,
      trusted: () => this.trusted,
      settings: () => this.settings,
      log: (message) => this.connection.console.error(message),
    });
    deployRequests(requests, {
      projects: () => this.projects.all(),
      foldersOpened: () => this.workspaceFoldersOpen,
      trusted: () => this.trusted,
      settings: () => this.settings,
      log: (message) => this.connection.console.error(message),
    });
    connection.onRequest(PingRequest.type, () => ({ uptimeSeconds: Math.round(process.uptime()), processId: process.pid }));
    connection.onNotification(WorkspaceTrustNotification.type, (params) => {
      this.trusted = params.trusted;
      this.rendered.schedule();
    });

    this.documents.onDidOpen((event) => {
      const state = this.open.open(event.document, (path) => this.projectFor(path));
      this.noteContent(state, event.document.getText());
      this.scheduler.now(event.document.uri);
    });
    this.documents.onDidChangeContent((event) => {
      const state = this.open.get(event.document.uri);
      if (state) this.noteContent(state, event.document.getText());
      this.scheduler.soon(event.document.uri);
    });
    this.documents.onDidClose((event) => {
      this.scheduler.cancel(event.document.uri);
      const state = this.open.get(event.document.uri);
      this.open.close(event.document.uri);
      // An unsaved CRD or config edit no longer counts: go back to what is on disk.
      if (state) this.fileChanged(event.document.uri, FileChangeType.Changed);
      // The project of a file opened from outside the workspace goes with its last open file: it indexed a folder
      // the user never opened (a file from the home folder would keep the home folder indexed).
      if (state && !this.open.all().some((other) => other.project === state.project)) this.projects.dropOutside(state.project);
      // With the Problems panel on the whole workspace the file's findings stay, as its saved text has them.
      if (!state || !this.workspaceDiagnostics.refresh(state.project, state.path))
        void this.connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
    });
    this.documents.listen(connection);
  }

  private initialize(params: InitializeParams): InitializeResult {
    const options = params.initializationOptions as Partial<DriftlessInitializationOptions> | undefined;
    // Only an explicit `true` trusts: a client that sends no trust option (or another editor's) gets validation only.
    this.trusted = options?.workspaceTrusted === true;
    this.canPullSettings = !!params.capabilities.workspace?.configuration;
    this.canWatchFiles = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p) ?? [];
    const rootPath = params.rootUri ? uriToPath(params.rootUri) : undefined;
    this.projects.setWorkspaceFolders(folders.length ? folders : rootPath ? [rootPath] : []);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: [' ', ':'], resolveProvider: false },
        documentSymbolProvider: true,
        documentLinkProvider: { resolveProvider: false },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        codeLensProvider: { resolveProvider: false },
        workspaceSymbolProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: false } },
      },
      serverInfo: { name: 'driftless', version: typeof DRIFTLESS_VERSION === 'string' ? DRIFTLESS_VERSION : 'development' },
    };
  }

  private async initialized(): Promise<void> {
    if (this.canWatchFiles) {
      await this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        // Any file or folder a kustomization names can appear or go; only YAML contents matter beyond that.
        watchers: [
          { globPattern: YAML_GLOB },
          { globPattern: '**/*', kind: WatchKind.Create | WatchKind.Delete },
          // What renders read besides YAML: Helm helpers, generator inputs, values schemas, extension-less kustomizations.
          { globPattern: RENDER_INPUT_GLOB, kind: WatchKind.Change },
        ],
      });
    }
    try {
      await this.reloadSettings();
      this.projects.openWorkspaceFolders(settingsToConfig(this.settings));
    } finally {
      this.foldersOpened();
    }
    this.initializedDone = true;
    for (const project of this.projects.all()) void this.rescan(project);
  }

  /** Whether the workspace is trusted: later features (rendering, cluster writes) check this. */
  get workspaceTrusted(): boolean {
    return this.trusted;
  }

  private async reloadSettings(): Promise<void> {
    if (this.canPullSettings) {
      try {
        const [settings] = (await this.connection.workspace.getConfiguration([{ section: 'driftless' }])) as [DriftlessSettings | null];
        this.settings = settings && typeof settings === 'object' ? settings : {};
      } catch {
        this.settings = {};
      }
    }
    const config = settingsToConfig(this.settings);
    for (const project of this.projects.all()) {
      project.reloadConfig(config);
      this.reportSettingsProblems(project);
    }
    this.revalidateAll();
    if (this.initializedDone) {
      // Exclusions may have changed which files there are.
      this.workspaceDiagnostics.filesChanged();
      this.rendered.schedule();
    }
  }

  private reportSettingsProblems(project: Project): void {
    for (const problem of project.config.settingsProblems) {
      if (this.shownSettingsProblems.has(problem)) continue;
      this.shownSettingsProblems.add(problem);
      void this.connection.window.showWarningMessage(`Driftless: ${problem}`);
    }
  }

  /** The document's project; one seen for the first time (a file outside the workspace folders) gets its CRDs found. */
  private projectFor(path: string | undefined): Project {
    const known = new Set(this.projects.all());
    const project = this.projects.forPath(path, settingsToConfig(this.settings));
    if (!known.has(project) && this.initializedDone) void this.rescan(project);
    return project;
  }

  private async rescan(project: Project): Promise<void> {
    const changed = await this.projects.scan(project, (path) => this.open.isOpen(path));
    // A scan reads the folders again (settings, exclusions, .driftless.yaml changed): so does the Problems panel.
    this.workspaceDiagnostics.filesChanged();
    if (changed) this.revalidateAll(project);
    this.rendered.schedule();
  }

  /** Unsaved edits of CRDs, kustomizations, resources and .driftless.yaml take effect as the user types. */
  private noteContent(state: OpenDocument, text: string): void {
    const owner = this.projects.configOwner(state.path);
    if (owner && owner.reloadConfig(settingsToConfig(this.settings), text)) this.revalidateAll(owner, state.uri);
    // A file too large or binary to validate is not read for the index either (the cache shares the parse with validation).
    const readable = this.whyNotValidated(text) === undefined;
    if (state.project.indexFile(state.path, readable ? text : undefined, readable ? state.cache.parse(text) : undefined))
      this.revalidateAll(state.project, state.uri);
  }

  private fileChanged(uri: string, type: FileChangeType): void {
    const path = uriToPath(uri);
    if (!path || this.open.get(uri)) return;
    if (type !== FileChangeType.Changed) {
      this.revalidatePathReaders();
      // A file or folder that appeared or went changes which files the Problems panel covers.
      this.workspaceDiagnostics.filesChanged();
    }
    const owner = this.projects.configOwner(path);
    if (owner && owner.reloadConfig(settingsToConfig(this.settings))) {
      void this.rescan(owner);
      this.revalidateAll(owner);
    }
    if (!/\.ya?ml$/i.test(path)) {
      if (type !== FileChangeType.Changed) this.folderChanged(path, type);
      return;
    }
    for (const project of this.projects.all()) {
      if (!path.startsWith(project.root) || project.isExcluded(path)) continue;
      const text = type === FileChangeType.Deleted ? undefined : readTextFile(path);
      if (project.indexFile(path, text?.ok ? text.text : undefined)) this.revalidateAll(project);
      else if (type === FileChangeType.Changed) this.workspaceDiagnostics.refresh(project, path);
    }
  }

  /**
   * The watcher reports a folder that appeared or went with everything in it (a checkout, a copy, `rm -r`) as the folder
   * alone, without its files: those are indexed, or forgotten, here.
   */
  private folderChanged(folder: string, type: FileChangeType): void {
    if (inSkippedFolder(folder)) return;
    for (const project of this.projects.all()) {
      if (!folder.startsWith(project.root) || project.isExcluded(folder)) continue;
      if (type === FileChangeType.Deleted) {
        if (project.forgetFolder(folder, (path) => this.open.isOpen(path))) this.revalidateAll(project);
        continue;
      }
      // A file that is not YAML gives no files; one open in the editor is indexed from the editor's text.
      const files = project.yamlFiles([folder]).filter((path) => !this.open.isOpen(path));
      let changed = false;
      for (const path of files) {
        const text = readTextFile(path);
        changed = project.indexFile(path, text.ok ? text.text : undefined) || changed;
      }
      if (changed) this.revalidateAll(project);
    }
  }

  /** A repository's remotes changed (`.git/config`): what Argo CD and Flux deliver from it is judged again. */
  private remotesChanged(): void {
    for (const project of this.projects.all()) if (project.reloadRemotes()) this.revalidateAll(project);
    this.revalidatePathReaders();
    this.rendered.schedule();
  }

  /** Open kustomizations, Flux and Argo CD resources check that the paths they name exist: one appeared or went. */
  private revalidatePathReaders(): void {
    for (const state of this.open.all()) {
      if (!state.project.readsPaths(state.path)) continue;
      this.open.forget(state);
      this.scheduler.soon(state.uri);
    }
  }

  private revalidateAll(project?: Project, except?: string): void {
    if (this.initializedDone) this.workspaceDiagnostics.schedule();
    this.open.invalidate(project);
    for (const state of this.open.all())
      if ((!project || state.project === project) && state.uri !== except) this.scheduler.soon(state.uri);
  }

  private publish(uri: string): void {
    const document = this.documents.get(uri);
    const state = this.open.get(uri);
    if (!document || !state) return;
    const text = document.getText();
    // The editor's copy is validated through the document's cache, unless it is too large or binary to validate at all.
    const validated = this.whyNotValidated(text) ? undefined : this.open.validate(state, document);
    const diagnostics = this.diagnosticsFor(state.project, state.path, text, validated);
    void this.connection.sendDiagnostics({ uri, version: document.version, diagnostics });
  }

  /**
   * A file's findings as published: its own validation (`validated`, else done now) and what the renders found on
   * its lines; a file too large or binary gets the one finding that says so.
   */
  private diagnosticsFor(project: Project, path: string, text: string, validated?: FileValidation): LspDiagnostic[] {
    const skipped = this.whyNotValidated(text);
    if (skipped) {
      const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      const setting = ruleSetting(skipped.rule, project.config.rules);
      const severity = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information };
      return setting === 'off'
        ? []
        : [{ range, severity: severity[setting], code: skipped.rule, source: 'driftless', message: skipped.message }];
    }
    const result = validated ?? project.validateText(path, text);
    // A file that reaches the cluster only through kustomize builds, all of them rendered: the renders decide what is
    // wrong with the objects (their findings come below, on this file's lines); its own judgement of them steps back.
    const renderedHere = this.rendered.findingsFor(path);
    const own = this.rendered.rendersWithoutFailure(project.kustomizeOnlyBuildFolders(path))
      ? decidedByRenders(result.diagnostics, (d) => ({ ...d, line: result.lines.positionAt(d.start).line }), renderedHere)
      : result.diagnostics;
    const diagnostics = own.map((d) => toLspDiagnostic(d, result.lines));
    // A render's finding the file's own validation already shows (a base's error in every overlay) is said once.
    const shown = own.map((d) => ({ rule: d.rule, severity: d.severity, line: result.lines.positionAt(d.start).line }));
    for (const finding of renderedHere) if (!alreadyShown(finding, shown)) diagnostics.push(renderedToLspDiagnostic(finding));
    return diagnostics;
  }

  /** Files the editor holds but Driftless leaves alone: over the size limit, or binary (the editor shows NULs). */
  private whyNotValidated(text: string): { rule: 'file-too-large' | 'file-not-text'; message: string } | undefined {
    const limitMB = typeof this.settings.maxFileSizeMB === 'number' && this.settings.maxFileSizeMB > 0 ? this.settings.maxFileSizeMB : 32;
    if (text.length > limitMB * 1048576) {
      return { rule: 'file-too-large', message: `This file is larger than driftless.maxFileSizeMB (${limitMB} MB); it was not validated.` };
    }
    const crowded = tooManyDocuments(text);
    if (crowded) return { rule: 'file-too-large', message: `This file is ${crowded}` };
    if (text.slice(0, 8192).includes('\u0000'))
      return { rule: 'file-not-text', message: 'This file is binary (it contains NUL bytes); it was not validated.' };
    return undefined;
  }
}

declare const DRIFTLESS_VERSION: string | undefined;

/** Whether a URI names a file inside a `.git` folder (or the folder itself). */
function isInGitDirectory(uri: string): boolean {
  return /\/\.git(?:\/|$)/.test(uri);
}

/** Whether a URI names a repository's git config (where its remotes are). */
function isGitConfig(uri: string): boolean {
  return /\/\.git\/config$/.test(uri);
}
