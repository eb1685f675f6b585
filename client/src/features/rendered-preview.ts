// "Open Rendered Manifests": an environment — or a kustomization, chart or folder picked in the explorer or open in
// the editor — rendered by the server, shown as a read-only virtual document titled after the environment
// (driftless-rendered:/<name> (rendered)), rendered again when a file is saved. Errors are shown in the document.
// The document has an outline (its objects), the findings of its objects as squiggles, a hover naming the object and
// its findings, and "Go to source" — a code lens per object, and Go to Definition on a field — that opens the line of
// the repository that wrote it (driftless/renderedSource). The picker lists the open file's environments first.
import * as vscode from 'vscode';
import {
  FileEnvironmentsRequest,
  RenderedSourceRequest,
  RenderRequest,
  type RenderedSourceResult,
  type RenderResult,
} from '../../../server/src/protocol';
import type { ClientContext, Feature } from '../feature';

const SCHEME = 'driftless-rendered';
/** The comment line above a render's YAML: its lines in the document are one below the server's. */
const HEADER_LINES = 1;

type Rendered = Extract<RenderResult, { ok: true }>;

/** A name as a tab title can show it: a slash would end the title at the last one, a division slash does not. */
function titleOf(name: string): string {
  return `${name.replace(/[\\/]/g, '∕')} (rendered)`;
}

/** The URI of an environment's rendered document: its name in the title and the query, its workspace folder too. */
export function renderedUri(environment: string, folder?: string): vscode.Uri {
  const query = new URLSearchParams({ environment, ...(folder ? { folder } : {}) });
  return vscode.Uri.from({ scheme: SCHEME, path: `/${titleOf(environment)}`, query: query.toString() });
}

/** The URI of a folder's rendered document (a kustomization's, a chart's): its path relative to the workspace. */
function renderedPathUri(resource: vscode.Uri): vscode.Uri {
  const name = vscode.workspace.asRelativePath(resource, false);
  return vscode.Uri.from({ scheme: SCHEME, path: `/${titleOf(name)}`, query: new URLSearchParams({ path: resource.fsPath }).toString() });
}

/** What a rendered document's URI asks for: an environment (named in the query, or in the path of older URIs), or a path. */
function requestOf(uri: vscode.Uri): { environment: string; folder?: string } | { path: string; name: string } {
  const query = new URLSearchParams(uri.query);
  const path = query.get('path');
  // `/<title> (rendered)`; older URIs were `/<name>.yaml`.
  const title = uri.path.replace(/^\//, '');
  const name = (title.endsWith(' (rendered)') ? title.slice(0, -' (rendered)'.length) : title.replace(/\.yaml$/, '')).replace(/∕/g, '/');
  if (path) return { path, name };
  const folder = query.get('folder') ?? undefined;
  return { environment: query.get('environment') ?? name, ...(folder ? { folder } : {}) };
}

class RenderedDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  readonly open = new Set<string>();
  /** The last render shown in each document. */
  readonly renders = new Map<string, Rendered>();
  readonly diagnostics = vscode.languages.createDiagnosticCollection('driftless-rendered');

  constructor(private readonly context: ClientContext) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    this.open.add(uri.toString());
    const client = this.context.server.languageClient;
    if (!client) return '# The Driftless language server is not running.\n';
    const asked = requestOf(uri);
    const label = 'path' in asked ? asked.name : asked.environment;
    const params = 'path' in asked ? { path: asked.path } : asked;
    const result = await client.sendRequest(RenderRequest.type, params, token);
    if (!result.ok) {
      this.renders.delete(uri.toString());
      this.diagnostics.delete(uri);
      return `# ${label} cannot be rendered:\n${result.error.replace(/^/gm, '# ')}\n`;
    }
    this.renders.set(uri.toString(), result);
    this.diagnostics.set(
      uri,
      (result.findings ?? []).map((finding) => {
        const { start, end } = finding.range;
        const range = new vscode.Range(start.line + HEADER_LINES, start.character, end.line + HEADER_LINES, end.character);
        const severity =
          finding.severity === 'error'
            ? vscode.DiagnosticSeverity.Error
            : finding.severity === 'warning'
              ? vscode.DiagnosticSeverity.Warning
              : vscode.DiagnosticSeverity.Information;
        const diagnostic = new vscode.Diagnostic(range, finding.message, severity);
        diagnostic.source = 'driftless (rendered)';
        diagnostic.code = finding.rule;
        return diagnostic;
      }),
    );
    return `# ${label}, rendered by ${result.tool}. Read-only: edit the sources.\n${result.yaml}`;
  }

  refreshAll(): void {
    for (const uri of this.open) this.changed.fire(vscode.Uri.parse(uri));
  }

  forget(uri: vscode.Uri): void {
    this.open.delete(uri.toString());
    this.renders.delete(uri.toString());
    this.diagnostics.delete(uri);
  }

  /** The object at a document line, if any. */
  objectAt(uri: vscode.Uri, line: number): Rendered['objects'][number] | undefined {
    const yamlLine = line - HEADER_LINES;
    return this.renders.get(uri.toString())?.objects.find((o) => o.startLine <= yamlLine && yamlLine <= o.endLine);
  }

  /** Where the object or field at a position was written, asked of the server. */
  async sourceOf(
    uri: vscode.Uri,
    position: vscode.Position,
    options: { object?: boolean; token?: vscode.CancellationToken } = {},
  ): Promise<RenderedSourceResult> {
    const client = this.context.server.languageClient;
    const rendered = this.renders.get(uri.toString());
    const asked = requestOf(uri);
    if (!client || !rendered) return { error: 'This rendered document has no render to trace.' };
    if ('path' in asked) return { error: 'Go to source traces environments: open this one from the Environments view.' };
    // The position in the server's YAML: the header line above it left out.
    const lines = rendered.yaml.split('\n');
    const line = Math.max(0, position.line - HEADER_LINES);
    const offset =
      lines.slice(0, line).reduce((sum, text) => sum + text.length + 1, 0) + Math.min(position.character, lines[line]?.length ?? 0);
    const params = { ...asked, yaml: rendered.yaml, offset, ...(options.object ? { object: true } : {}) };
    return client.sendRequest(RenderedSourceRequest.type, params, options.token);
  }
}

async function show(uri: vscode.Uri): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(document, 'yaml');
  await vscode.window.showTextDocument(document, { preview: true });
}

/** The environments the picker offers: the open file's first (they are what an edit of it changes). */
async function pickEnvironment(context: ClientContext): Promise<{ name: string; folder: string } | undefined> {
  const shown = context.shown.environments();
  const client = context.server.languageClient;
  const document = vscode.window.activeTextEditor?.document;
  const applying =
    client && document?.uri.scheme === 'file'
      ? await client.sendRequest(FileEnvironmentsRequest.type, { uri: document.uri.toString() }).catch(() => null)
      : null;
  const applies = (folder: string, name: string) => applying?.folder === folder && applying.environments.includes(name);
  const picks = (shown?.folders ?? []).flatMap((f) =>
    f.environments.map((e) => ({
      label: e.name,
      description: applies(f.root, e.name) ? `applies the open file · ${e.source}` : e.source,
      detail: e.cluster || undefined,
      folder: f.root,
      first: applies(f.root, e.name),
    })),
  );
  const ordered = [...picks.filter((p) => p.first), ...picks.filter((p) => !p.first)];
  const picked = await vscode.window.showQuickPick(ordered, { placeHolder: 'The environment to render' });
  return picked ? { name: picked.label, folder: picked.folder } : undefined;
}

export const renderedPreview: Feature = (context) => {
  const documents = new RenderedDocuments(context);
  const selector: vscode.DocumentSelector = { scheme: SCHEME };
  // From a code lens or a hover: the object on that line; from the palette: the field at the cursor.
  const goToSource = async (uri?: vscode.Uri, line?: number) => {
    const editor = vscode.window.activeTextEditor;
    const target = uri ?? editor?.document.uri;
    if (!target || target.scheme !== SCHEME) return undefined;
    const position = line !== undefined ? new vscode.Position(line, 0) : (editor?.selection.active ?? new vscode.Position(0, 0));
    const found = await documents.sourceOf(target, position, { object: line !== undefined });
    if ('error' in found) {
      void vscode.window.showInformationMessage(`Driftless: ${found.error}`);
      return found;
    }
    const { start, end } = found.location.range;
    await vscode.window.showTextDocument(vscode.Uri.parse(found.location.uri), {
      selection: new vscode.Range(start.line, start.character, end.line, end.character),
    });
    return found;
  };
  return [
    documents.diagnostics,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, documents),
    vscode.languages.registerDocumentSymbolProvider(selector, {
      provideDocumentSymbols: (document) =>
        (documents.renders.get(document.uri.toString())?.objects ?? []).map((object) => {
          const last = Math.min(object.endLine + HEADER_LINES, document.lineCount - 1);
          const range = new vscode.Range(object.startLine + HEADER_LINES, 0, last, document.lineAt(last).text.length);
          return new vscode.DocumentSymbol(`${object.kind} ${object.name}`, object.namespace ?? '', vscode.SymbolKind.Object, range, range);
        }),
    }),
    vscode.languages.registerHoverProvider(selector, {
      provideHover: (document, position) => {
        const object = documents.objectAt(document.uri, position.line);
        if (!object) return undefined;
        const rendered = documents.renders.get(document.uri.toString());
        const findings = (rendered?.findings ?? []).filter(
          (f) => f.range.start.line + HEADER_LINES <= position.line && position.line <= f.range.end.line + HEADER_LINES,
        );
        const hover = new vscode.MarkdownString();
        hover.supportThemeIcons = true;
        // The finding first: it is why one hovers a squiggle.
        for (const finding of findings)
          hover
            .appendMarkdown(`${finding.severity === 'error' ? '$(error)' : '$(warning)'} `)
            .appendText(`${finding.message} (${finding.rule})\n\n`);
        hover.appendMarkdown('**').appendText(`${object.kind} ${object.name}`).appendMarkdown('**');
        if (object.namespace) hover.appendText(` in ${object.namespace}`);
        hover.appendText(` · ${object.apiVersion ?? ''}`);
        const args = encodeURIComponent(JSON.stringify([document.uri.toString(), position.line]));
        hover.appendMarkdown(
          `\n\n[Go to source](command:driftless.goToRenderedSource?${args} "Open the line of the repository that writes this")`,
        );
        hover.isTrusted = { enabledCommands: ['driftless.goToRenderedSource'] };
        return new vscode.Hover(hover);
      },
    }),
    vscode.languages.registerCodeLensProvider(selector, {
      provideCodeLenses: (document) =>
        (documents.renders.get(document.uri.toString())?.objects ?? []).map((object) => {
          // On the object's `kind:` line rather than its `---`, where the eye looks for it.
          const line = Math.min(object.startLine + HEADER_LINES, document.lineCount - 1);
          return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
            title: 'Go to source',
            tooltip: `Open where ${object.kind} ${object.name} is written`,
            command: 'driftless.goToRenderedSource',
            arguments: [document.uri.toString(), line],
          });
        }),
    }),
    vscode.languages.registerDefinitionProvider(selector, {
      provideDefinition: async (document, position, token) => {
        const found = await documents.sourceOf(document.uri, position, { token });
        if ('error' in found) return undefined;
        const { start, end } = found.location.range;
        return new vscode.Location(
          vscode.Uri.parse(found.location.uri),
          new vscode.Range(start.line, start.character, end.line, end.character),
        );
      },
    }),
    vscode.commands.registerCommand('driftless.goToRenderedSource', (uri?: string | vscode.Uri, line?: number) =>
      goToSource(typeof uri === 'string' ? vscode.Uri.parse(uri) : uri, line),
    ),
    vscode.commands.registerCommand(
      'driftless.openRendered',
      async (item?: vscode.Uri | { environment?: { name: string }; root?: string }) => {
        // From the explorer or an editor's title: the folder (or the kustomization or Chart.yaml) itself.
        if (item instanceof vscode.Uri) return show(renderedPathUri(item));
        let name = item?.environment?.name;
        let folder = item?.root;
        if (!name) {
          const picked = await pickEnvironment(context);
          if (!picked) return;
          ({ name, folder } = picked);
        }
        return show(renderedUri(name, folder));
      },
    ),
    vscode.workspace.onDidSaveTextDocument(() => documents.refreshAll()),
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (document.uri.scheme !== SCHEME) return;
      // Setting the language closes and reopens the document without asking for its content again: only a document
      // still closed a moment later is forgotten (its render, its squiggles).
      const key = document.uri.toString();
      setTimeout(() => {
        if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) documents.forget(document.uri);
      }, 2_000);
    }),
  ];
};
