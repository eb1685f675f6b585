// Quick fixes: turn a finding's fix hints into text edits (replace a value, rename a misspelt key, add a missing
// required field), plus "disable this rule on this line" for every finding.
import { isMap, isPair, type Node, type Pair } from 'yaml';
import type { SchemaCatalog } from '../schema/catalog';
import type { FixHint } from '../validate/finding';
import type { RuleId } from '../rules';
import { validateWithSchema } from '../validate/validate-resource';
import type { LineIndex } from '../yaml/line-index';
import { findPair, locatePath, type JsonPath } from '../yaml/locate';
import type { ParsedDocument } from '../yaml/parse-documents';

export interface TextEdit {
  /** Offsets in the file. */
  start: number;
  end: number;
  newText: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  preferred: boolean;
}

export interface FixableDiagnostic {
  rule: RuleId;
  start: number;
  documentIndex: number;
  fixes?: FixHint[];
}

export interface FixContext {
  catalog: SchemaCatalog;
  kubernetesVersion: string;
}

function mappingAt(document: ParsedDocument, path: JsonPath): Node | undefined {
  let node: unknown = document.content.positional.contents;
  for (const segment of path) {
    if (isMap(node)) node = findPair(node, String(segment))?.value;
    else if (node && typeof node === 'object' && 'items' in node && typeof segment === 'number')
      node = (node as { items: unknown[] }).items[segment];
    else return undefined;
  }
  return isMap(node) ? node : undefined;
}

function plainScalar(value: string | boolean): string {
  if (typeof value === 'boolean') return String(value);
  return /^[A-Za-z0-9_./-]+$/.test(value) && !/^(?:true|false|yes|no|on|off|null|~|\d+)$/i.test(value) ? value : JSON.stringify(value);
}

function addFieldEdit(document: ParsedDocument, hint: Extract<FixHint, { kind: 'add-field' }>, text: string): TextEdit | undefined {
  const mapping = mappingAt(document, hint.parent);
  if (!mapping || !isMap(mapping) || mapping.flow) return undefined;
  const pairs = mapping.items.filter(isPair) as Pair<Node, Node | null>[];
  const first = pairs[0];
  const last = pairs[pairs.length - 1];
  if (!first?.key?.range || !last) return undefined;
  const keyStart = document.start + first.key.range[0];
  const column = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
  const indent = ' '.repeat(column);
  const lastEnd = document.start + (last.value?.range?.[1] ?? last.key.range?.[1] ?? first.key.range[1]);
  const lineEnd = text.indexOf('\n', Math.max(lastEnd - 1, 0));
  const insertAt = lineEnd === -1 ? text.length : lineEnd + 1;
  const value = hint.valueHint === 'object' ? ' {}' : hint.valueHint === 'array' ? ' []' : ' ';
  const prefix = lineEnd === -1 ? '\n' : '';
  return { start: insertAt, end: insertAt, newText: `${prefix}${indent}${hint.field}:${value}\n` };
}

/** A removed apiVersion may be swapped for its replacement only when the object is valid under the new schema. */
function migrationAllowed(document: ParsedDocument, replacement: string, context: FixContext): boolean {
  const value = document.content.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  if (typeof record.kind !== 'string') return false;
  const lookup = context.catalog.lookup(replacement, record.kind, context.kubernetesVersion);
  if (lookup.status !== 'found') return false;
  const findings = validateWithSchema({ ...record, apiVersion: replacement }, lookup.schema);
  return !findings.some((f) => f.rule.startsWith('schema-'));
}

export function quickFixes(
  diagnostic: FixableDiagnostic,
  text: string,
  lines: LineIndex,
  documents: readonly ParsedDocument[],
  context: FixContext,
): QuickFix[] {
  const document = documents.find((d) => d.index === diagnostic.documentIndex);
  const fixes: QuickFix[] = [];
  if (document && !document.content.empty) {
    for (const hint of diagnostic.fixes ?? []) {
      if (hint.kind === 'replace-value') {
        const isMigration =
          hint.path.length === 1 &&
          hint.path[0] === 'apiVersion' &&
          (diagnostic.rule === 'removed-api-version' || diagnostic.rule === 'deprecated-api-version');
        if (isMigration && !migrationAllowed(document, String(hint.value), context)) continue;
        const span = locatePath(document.content.positional, document.content.text, hint.path, 'value');
        fixes.push({
          title: hint.title,
          edits: [{ start: document.start + span.start, end: document.start + span.end, newText: plainScalar(hint.value) }],
          preferred: true,
        });
      } else if (hint.kind === 'rename-key') {
        const span = locatePath(document.content.positional, document.content.text, hint.path, 'key');
        fixes.push({
          title: `Rename to \`${hint.to}\``,
          edits: [{ start: document.start + span.start, end: document.start + span.end, newText: hint.to }],
          preferred: true,
        });
      } else {
        const edit = addFieldEdit(document, hint, text);
        if (edit) fixes.push({ title: `Add required field \`${hint.field}\``, edits: [edit], preferred: false });
      }
    }
  }
  const line = lines.positionAt(diagnostic.start).line;
  const lineStart = lines.lineStart(line);
  const indent = /^\s*/.exec(lines.lineText(line))![0];
  fixes.push({
    title: `Disable ${diagnostic.rule} for this line`,
    edits: [{ start: lineStart, end: lineStart, newText: `${indent}# driftless-disable-next-line ${diagnostic.rule}\n` }],
    preferred: false,
  });
  return fixes;
}
