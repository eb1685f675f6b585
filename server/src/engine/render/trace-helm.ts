// Where a value of a Helm-rendered object was written. `helm template` names each object's template (`# Source:`);
// the template's line for the value's key names the `.Values` it reads, and the values files say where that is set:
// the last file that sets it (Helm merges them in order), else the template line itself.
import { locatePath, type JsonPath, type LocateTarget, type SourceSpan } from '../yaml/locate';
import type { ParsedDocument } from '../yaml/parse-documents';

export interface RenderedTemplateObject {
  /** The object's document text as helm printed it. */
  text: string;
  /** The template as `# Source:` names it: `<chart name>/templates/deployment.yaml`. */
  source?: string;
}

/** Splits `helm template` output into its objects, each with the template `# Source:` names. */
export function splitHelmOutput(output: string): RenderedTemplateObject[] {
  return output
    .split(/^---[ \t]*$/m)
    .map((text) => ({ text, source: /^# Source: (.+)$/m.exec(text)?.[1]?.trim() }))
    .filter((object) => /^\w[^:\n]*:/m.test(object.text))
    .map((object) => (object.source ? object : { text: object.text }));
}

/** The template file a `# Source:` names: the chart's name is its first segment; subcharts sit under `charts/`. */
export function templateFile(source: string, chartFolder: string, join: (...parts: string[]) => string): string {
  const [, ...rest] = source.split('/');
  return join(chartFolder, ...rest);
}

export interface ValuesSource {
  file: string;
  /** The file's first document (values files hold one). */
  document: ParsedDocument;
  /** Where the values start inside it: [] for a values file, e.g. ['spec', 'values'] for a HelmRelease. */
  prefix: JsonPath;
}

export interface HelmTraceLocation {
  file: string;
  start: number;
  end: number;
  via: 'values' | 'template';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function has(value: unknown, path: JsonPath): boolean {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number' && segment < current.length) current = current[segment];
    else if (isRecord(current) && typeof segment === 'string' && segment in current) current = current[segment];
    else return false;
  }
  return true;
}

const VALUES_REFERENCE = /\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)/g;

interface KeyLine {
  start: number;
  end: number;
  /** The `.Values` paths its value reads: on the line, or on the template lines indented under it. */
  references: string[][];
  /** The keys of the mappings it sits in, nearest first (the template's indentation tells). */
  parents: string[];
}

const KEY = /^(\s*(?:-\s+)*)["']?([^\s"':{}#][^"':{}#]*?)["']?\s*:(?:\s|$)/;

/** The keys of the lines above `index` that `index` is indented under, nearest first. */
function parentKeys(lines: readonly string[], index: number, indent: number): string[] {
  const parents: string[] = [];
  let limit = indent;
  for (let i = index - 1; i >= 0 && limit > 0; i--) {
    const match = KEY.exec(lines[i]!);
    if (!match) continue;
    const keyIndent = match[1]!.length;
    if (keyIndent < limit) {
      parents.push(match[2]!);
      // A list item's first key ("- name:") holds its siblings at the same column, its parent further left.
      limit = lines[i]!.length - lines[i]!.trimStart().length;
    }
  }
  return parents;
}

/** The template's lines that write `key:`, with the `.Values` each reads. */
function keyLines(template: string, key: string): KeyLine[] {
  const lines = template.split('\n');
  const found: KeyLine[] = [];
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const match = KEY.exec(line);
    if (match && match[2] === key) {
      const indent = match[1]!.length;
      let reads = line.slice(match[0].length);
      // `resources:` followed by `{{- toYaml .Values.resources | nindent 12 }}` on the lines below.
      for (let j = i + 1; j < lines.length; j++) {
        const next = lines[j]!;
        if (!next.trim()) continue;
        const nextIndent = next.length - next.trimStart().length;
        if (nextIndent <= indent || !next.trimStart().startsWith('{{')) break;
        reads += ` ${next}`;
      }
      const references = [...reads.matchAll(VALUES_REFERENCE)].map((m) => m[1]!.slice(1).split('.'));
      found.push({ start: offset + indent, end: offset + line.length, references, parents: parentKeys(lines, i, indent) });
    }
    offset += line.length + 1;
  }
  return found;
}

/** How many of the path's keys above `index` the line's parents repeat, nearest first: the better the match, the surer. */
function ancestryScore(line: KeyLine, path: JsonPath, index: number): number {
  const keys = path
    .slice(0, index)
    .filter((segment): segment is string => typeof segment === 'string')
    .reverse();
  let score = 0;
  while (score < keys.length && score < line.parents.length && keys[score] === line.parents[score]) score++;
  return score;
}

/**
 * Where the value at `path` of an object rendered from `template` was written. `values`: the values Helm merged, in
 * order (the chart's values.yaml first, inline values last). The value's own key is looked for first, then its
 * parents' (`resources:` reading `.Values.resources` covers `resources.limits.memory`).
 */
export function traceHelmValue(
  templateFile: string,
  template: string,
  path: JsonPath,
  target: LocateTarget,
  values: readonly ValuesSource[],
): HelmTraceLocation {
  let firstKeyLine: KeyLine | undefined;
  for (let i = path.length - 1; i >= 0; i--) {
    const key = path[i];
    if (typeof key !== 'string') continue;
    const lines = keyLines(template, key).sort((a, b) => ancestryScore(b, path, i) - ancestryScore(a, path, i));
    firstKeyLine ??= lines[0];
    for (const line of lines) {
      for (const reference of line.references) {
        const valuesPath = [...reference, ...path.slice(i + 1)];
        const located = locateInValues(valuesPath, target, values);
        if (located) return located;
      }
    }
  }
  if (firstKeyLine) return { file: templateFile, start: firstKeyLine.start, end: firstKeyLine.end, via: 'template' };
  const firstContent = /\S/.exec(template)?.index ?? 0;
  const lineEnd = template.indexOf('\n', firstContent);
  return { file: templateFile, start: firstContent, end: lineEnd === -1 ? template.length : lineEnd, via: 'template' };
}

/** The last values source that sets the path (Helm's last wins), located; else the last that sets a parent. */
function locateInValues(valuesPath: JsonPath, target: LocateTarget, values: readonly ValuesSource[]): HelmTraceLocation | undefined {
  for (let length = valuesPath.length; length > 0; length--) {
    const prefix = valuesPath.slice(0, length);
    for (let i = values.length - 1; i >= 0; i--) {
      const source = values[i]!;
      const full = [...source.prefix, ...prefix];
      if (!has(source.document.content.value, full)) continue;
      const span: SourceSpan = locatePath(source.document.content.positional, source.document.content.text, full, target);
      return { file: source.file, start: source.document.start + span.start, end: source.document.start + span.end, via: 'values' };
    }
  }
  return undefined;
}
