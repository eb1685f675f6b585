// The CLI's output formats: text for people, JSON for scripts, SARIF 2.1.0 for code-scanning tools.
import { RULES, ruleDocumentationUrl, type RuleId, type RuleInfo, type RuleSetting, type Severity } from '../engine/rules';

/** One finding as the CLI reports it: 1-based lines and columns, UTF-16 columns as in LSP, endColumn exclusive. */
export interface CliDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  rule: RuleId;
  message: string;
}

export interface CliSummary {
  files: number;
  resources: number;
  errors: number;
  warnings: number;
  infos: number;
}

export interface ValidationOutput {
  diagnostics: CliDiagnostic[];
  summary: CliSummary;
  kubernetesVersion: string;
  versionSource: string;
}

export function formatJson(output: ValidationOutput): string {
  return JSON.stringify({ diagnostics: output.diagnostics, summary: output.summary, kubernetesVersion: output.kubernetesVersion }, null, 2);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function formatText(output: ValidationOutput, color: boolean): string {
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const colors: Record<Severity, string> = { error: '31', warning: '33', info: '36' };
  const lines = output.diagnostics.map(
    (d) => `${d.file}:${d.line}:${d.column}: ${paint(colors[d.severity], d.severity)} ${paint('2', d.rule)}: ${d.message}`,
  );
  const { files, resources, errors, warnings, infos } = output.summary;
  const from =
    { config: ' (from .driftless.yaml)', settings: '', default: ' (newest bundled)', flag: ' (from --kubernetes-version)' }[
      output.versionSource
    ] ?? '';
  lines.push(
    `${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(infos, 'info')} in ${plural(files, 'file')} ` +
      `(${plural(resources, 'resource')}); Kubernetes ${output.kubernetesVersion}${from}.`,
  );
  return lines.join('\n');
}

const SARIF_LEVEL: Record<RuleSetting, string> = { error: 'error', warning: 'warning', info: 'note', off: 'none' };

export function formatSarif(output: ValidationOutput, toolVersion: string): string {
  const used = [...new Set(output.diagnostics.map((d) => d.rule))].sort();
  const rules = (Object.keys(RULES) as RuleId[]).map((id) => ({
    id,
    shortDescription: { text: RULES[id].summary },
    helpUri: (RULES[id] as RuleInfo).link ?? ruleDocumentationUrl(id),
    defaultConfiguration: { level: SARIF_LEVEL[RULES[id].severity] },
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'driftless', version: toolVersion, informationUri: 'https://github.com/driftless-dev/driftless', rules } },
        columnKind: 'utf16CodeUnits',
        results: output.diagnostics.map((d) => ({
          ruleId: d.rule,
          ruleIndex: rules.findIndex((r) => r.id === d.rule),
          level: SARIF_LEVEL[d.severity],
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: d.file.split('\\').join('/'), uriBaseId: '%SRCROOT%' },
                region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
              },
            },
          ],
        })),
        properties: { kubernetesVersion: output.kubernetesVersion, rulesUsed: used },
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
