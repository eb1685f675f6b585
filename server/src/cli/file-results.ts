// Validates one file for the CLI and expresses its findings in the CLI's terms (1-based lines and columns).
import type { RuleId } from '../engine/rules';
import { ruleSetting } from '../engine/validate/report';
import type { Project } from '../node/project';
import { readTextFile } from '../node/read-text-file';
import type { CliDiagnostic } from './output-formats';

export interface FileResult {
  diagnostics: CliDiagnostic[];
  resources: number;
  /** Set when the file could not be read at all (exit code 2). */
  error?: string;
}

export function validateFileForCli(project: Project, file: string, display: string): FileResult {
  const kept = project.keptText(file);
  const text = kept !== undefined ? { ok: true as const, text: kept } : readTextFile(file);
  if (!text.ok) {
    if (text.reason === 'unreadable') return { diagnostics: [], resources: 0, error: `${display}: ${text.message}` };
    const rule: RuleId = text.reason === 'too-large' ? 'file-too-large' : 'file-not-text';
    const severity = ruleSetting(rule, project.config.rules);
    if (severity === 'off') return { diagnostics: [], resources: 0 };
    return {
      diagnostics: [
        { file: display, line: 1, column: 1, endLine: 1, endColumn: 1, severity, rule, message: `This file is ${text.message}` },
      ],
      resources: 0,
    };
  }
  const { report, diagnostics, lines } = project.validateText(file, text.text);
  return {
    resources: report.documents.reduce((sum, d) => sum + d.resources.length, 0),
    diagnostics: diagnostics.map((d) => {
      const start = lines.positionAt(d.start);
      const end = lines.positionAt(d.end);
      return {
        file: display,
        line: start.line + 1,
        column: start.character + 1,
        endLine: end.line + 1,
        endColumn: end.character + 1,
        severity: d.severity,
        rule: d.rule,
        message: d.message,
      };
    }),
  };
}
