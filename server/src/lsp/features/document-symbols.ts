// textDocument/documentSymbol: the outline, one symbol per resource.
import { SymbolKind } from 'vscode-languageserver/node';
import { resourceSymbols } from '../../engine/language/symbols';
import { toRange } from '../convert';
import type { ServerFeature } from '../document-requests';

export const documentSymbols: ServerFeature = (requests) => {
  requests.connection.onDocumentSymbol(
    (params) =>
      requests.handle(params.textDocument.uri, ({ validation }) =>
        resourceSymbols(validation.report.documents).map((symbol) => ({
          name: symbol.name,
          detail: symbol.detail,
          kind: SymbolKind.Object,
          range: toRange(validation.lines, symbol.start, symbol.end),
          selectionRange: toRange(validation.lines, symbol.selectionStart, symbol.selectionEnd),
        })),
      ) ?? [],
  );
};
