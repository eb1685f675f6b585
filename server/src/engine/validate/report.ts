// Turns a file's findings into diagnostics: located in the file, severities from the project's rule settings,
// inline suppressions applied. Findings are located here, and only in documents that have findings.
import { LineIndex } from '../yaml/line-index';
import type { SourceSpan } from '../yaml/locate';
import type { Finding, FixHint } from './finding';
import { RULES, type RuleId, type RuleSetting, type Severity } from '../rules';
import { readSuppressions } from './suppressions';
import type { FileReport } from './validate-file';

export interface Diagnostic {
  rule: RuleId;
  severity: Severity;
  message: string;
  /** Offsets in the file. */
  start: number;
  end: number;
  documentIndex: number;
  fixes?: FixHint[];
}

export type RuleSettings = Partial<Record<RuleId, RuleSetting>>;

const spans = new WeakMap<Finding, SourceSpan>();

function spanOf(finding: Finding, document: FileReport['documents'][number]['document']): SourceSpan {
  if (finding.span) return finding.span;
  let span = spans.get(finding);
  if (!span) {
    span = document.content.locate(finding.path ?? [], finding.target ?? 'value');
    spans.set(finding, span);
  }
  return span;
}

/** A rule's setting in a project: its configured one, else its default. */
export function ruleSetting(rule: RuleId, rules: RuleSettings): RuleSetting {
  return rules[rule] ?? RULES[rule].severity;
}

export function severityOf(finding: Finding, rules: RuleSettings): RuleSetting {
  return rules[finding.rule] ?? finding.severity ?? RULES[finding.rule].severity;
}

export function toDiagnostics(text: string, report: FileReport, rules: RuleSettings, lines: LineIndex = new LineIndex(text)): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const { document, findings } of report.documents) {
    if (findings.length === 0) continue;
    const suppressions = document.content.text.includes('driftless-disable')
      ? readSuppressions(document.content.text.split('\n'), lines.positionAt(document.start).line)
      : undefined;
    for (const finding of findings) {
      const severity = severityOf(finding, rules);
      if (severity === 'off') continue;
      const span = spanOf(finding, document);
      const start = document.start + span.start;
      const end = document.start + Math.max(span.end, span.start);
      if (suppressions && suppressions.isSuppressed(finding.rule, lines.positionAt(start).line)) continue;
      diagnostics.push({
        rule: finding.rule,
        severity,
        message: finding.message,
        start,
        end,
        documentIndex: document.index,
        ...(finding.fixes ? { fixes: finding.fixes } : {}),
      });
    }
  }
  return diagnostics.sort((a, b) => a.start - b.start);
}
