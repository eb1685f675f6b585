// Engine results to LSP shapes. Offsets become UTF-16 line/character positions, as LSP counts them.
import {
  CompletionItemKind,
  DiagnosticSeverity,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem as LspCompletionItem,
  type Diagnostic as LspDiagnostic,
  type Range,
} from 'vscode-languageserver/node';
import type { CompletionItem } from '../engine/language/completion';
import { ruleDocumentationUrl } from '../engine/rules';
import type { Diagnostic } from '../engine/validate/report';
import type { LineIndex } from '../engine/yaml/line-index';
import { renderedMessage, type RenderedFinding } from '../node/render/rendered-validation';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

/** What a diagnostic carries back to the server in code-action requests. */
export interface DiagnosticData {
  documentIndex: number;
  fixes?: Diagnostic['fixes'];
}

export function toRange(lines: LineIndex, start: number, end: number): Range {
  return lines.rangeOf(start, end);
}

export function toLspDiagnostic(diagnostic: Diagnostic, lines: LineIndex): LspDiagnostic {
  const data: DiagnosticData = { documentIndex: diagnostic.documentIndex, ...(diagnostic.fixes ? { fixes: diagnostic.fixes } : {}) };
  return {
    range: toRange(lines, diagnostic.start, diagnostic.end),
    severity: SEVERITY[diagnostic.severity],
    code: diagnostic.rule,
    codeDescription: { href: ruleDocumentationUrl(diagnostic.rule) },
    source: 'driftless',
    message: diagnostic.message,
    data,
  };
}

/** A finding of a render, shown on the source line it was traced to. */
export function renderedToLspDiagnostic(finding: RenderedFinding): LspDiagnostic {
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    code: finding.rule,
    codeDescription: { href: ruleDocumentationUrl(finding.rule) },
    source: 'driftless',
    message: renderedMessage(finding),
  };
}

const COMPLETION_KIND = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  skeleton: CompletionItemKind.Snippet,
} as const;

export function toLspCompletion(item: CompletionItem, lines: LineIndex): LspCompletionItem {
  return {
    label: item.label,
    kind: COMPLETION_KIND[item.kind],
    ...(item.detail ? { detail: item.detail } : {}),
    ...(item.documentation ? { documentation: { kind: MarkupKind.Markdown, value: item.documentation } } : {}),
    textEdit: { range: toRange(lines, item.replaceStart, item.replaceEnd), newText: item.insertText },
    insertTextFormat: item.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    ...(item.sortText ? { sortText: item.sortText } : {}),
    ...(item.filterText ? { filterText: item.filterText } : {}),
  };
}
