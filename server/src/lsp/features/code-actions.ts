// textDocument/codeAction: quick fixes for Driftless diagnostics, from the fix hints they carry back in `data`.
import { CodeActionKind, type CodeAction } from 'vscode-languageserver/node';
import { quickFixes } from '../../engine/language/quick-fixes';
import { isRuleId } from '../../engine/rules';
import { toRange, type DiagnosticData } from '../convert';
import type { ServerFeature } from '../document-requests';

export const codeActions: ServerFeature = (requests) => {
  requests.connection.onCodeAction(
    (params) =>
      requests.handle(params.textDocument.uri, ({ document, state, validation }) => {
        const text = document.getText();
        const documents = validation.report.documents.map((d) => d.document);
        const context = { catalog: state.project.catalog, kubernetesVersion: state.project.config.kubernetesVersion };
        const actions: CodeAction[] = [];
        for (const diagnostic of params.context.diagnostics) {
          const data = diagnostic.data as DiagnosticData | undefined;
          if (diagnostic.source !== 'driftless' || !data || typeof diagnostic.code !== 'string' || !isRuleId(diagnostic.code)) continue;
          const fixable = {
            rule: diagnostic.code,
            start: document.offsetAt(diagnostic.range.start),
            documentIndex: data.documentIndex,
            ...(data.fixes ? { fixes: data.fixes } : {}),
          };
          for (const fix of quickFixes(fixable, text, validation.lines, documents, context)) {
            const edits = fix.edits.map((e) => ({ range: toRange(validation.lines, e.start, e.end), newText: e.newText }));
            actions.push({
              title: fix.title,
              kind: CodeActionKind.QuickFix,
              diagnostics: [diagnostic],
              isPreferred: fix.preferred,
              edit: { changes: { [document.uri]: edits } },
            });
          }
        }
        return actions;
      }) ?? [],
  );
};
