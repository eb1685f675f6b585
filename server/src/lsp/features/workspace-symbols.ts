// workspace/symbol: every resource of every project, found by name ("Go to Symbol in Workspace", `#` in Quick Open).
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SymbolKind, type SymbolInformation } from 'vscode-languageserver/node';
import { nameOffset } from '../../engine/workspace/resource-index';
import { LineIndex } from '../../engine/yaml/line-index';
import type { Project } from '../../node/project';
import type { DocumentRequests } from '../document-requests';

/** Enough to choose from; the editor filters further as the user types. */
const MAX_SYMBOLS = 250;

export function workspaceSymbols(requests: DocumentRequests, projects: () => Project[]): void {
  const connection = requests.connection;
  connection.onWorkspaceSymbol((params) => {
    try {
      const texts = new Map<string, { text: string; lines: LineIndex } | null>();
      const textOf = (path: string) => {
        if (!texts.has(path)) {
          const text = requests.textOf(path);
          texts.set(path, text === undefined ? null : { text, lines: new LineIndex(text) });
        }
        return texts.get(path) ?? undefined;
      };
      const symbols: SymbolInformation[] = [];
      for (const project of projects()) {
        for (const resource of project.resources.search(params.query, MAX_SYMBOLS)) {
          if (symbols.length >= MAX_SYMBOLS) break;
          if (project.isPatch(resource.file)) continue;
          const file = textOf(resource.file);
          if (!file) continue;
          const at = file.lines.positionAt(nameOffset(file.text, resource));
          symbols.push({
            name: resource.name,
            kind: SymbolKind.Object,
            containerName: [resource.kind, resource.namespace, relative(project.root, resource.file)].filter(Boolean).join(' · '),
            location: { uri: pathToFileURL(resource.file).href, range: { start: at, end: at } },
          });
        }
      }
      return symbols;
    } catch (error) {
      connection.console.error(`Driftless: ${(error as Error).stack ?? String(error)}`);
      return [];
    }
  });
}
