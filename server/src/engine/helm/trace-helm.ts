// Where a value of a Helm-rendered object was written. `helm template` names each object's template (`# Source:`);
// the template's line for the value's key names the `.Values` it reads, and the values files say where that is set:
// the last file that sets it (Helm merges them in order), else the template line itself.
import { locatePath, type JsonPath, type LocateTarget, type SourceSpan } from '../yaml/locate';
import type { ParsedDocument } from '../yaml/parse-documents';
import { isRecord } from '../json';

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
const INCLUDE = /\b(?:include|template)\s+"([^"]+)"/g;

/** A chart's helper file (`templates/_helpers.tpl`, any `.tpl`): where its named templates are defined. */
export interface HelmHelperFile {
  file: string;
  text: string;
}

/** A named template: the file it is defined in, and its body (from the end of its `define` action to its `end`). */
export interface NamedTemplate {
  file: string;
  start: number;
  body: string;
}

const ACTION = /\{\{-?\s*(define|if|range|with|block|end)\b(?:\s+"([^"]*)")?[^}]*\}\}/g;

/** The `define` blocks of helper files, by name; nested `if`/`range`/`with` blocks end before their define does. */
export function namedTemplates(helpers: readonly HelmHelperFile[]): Map<string, NamedTemplate> {
  const found = new Map<string, NamedTemplate>();
  for (const helper of helpers) {
    let open: { name: string; start: number } | undefined;
    let depth = 0;
    for (const action of helper.text.matchAll(ACTION)) {
      const keyword = action[1]!;
      const end = action.index + action[0].length;
      if (keyword === 'define' && !open) {
        open = { name: action[2] ?? '', start: end };
        depth = 1;
      } else if (open && keyword === 'end') {
        if (--depth === 0) {
          found.set(open.name, { file: helper.file, start: open.start, body: helper.text.slice(open.start, action.index) });
          open = undefined;
        }
      } else if (open) depth++;
    }
  }
  return found;
}

interface KeyLine {
  start: number;
  end: number;
  /** The `.Values` paths its value reads: on the line, or on the template lines indented under it. */
  references: string[][];
  /** The named templates (`include "x"`, `template "x"`) its value writes, there too. */
  includes: string[];
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
      const includes = [...reads.matchAll(INCLUDE)].map((m) => m[1]!);
      found.push({ start: offset + indent, end: offset + line.length, references, includes, parents: parentKeys(lines, i, indent) });
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
  helpers: ReadonlyMap<string, NamedTemplate> = new Map(),
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
      // `labels:` followed by `{{- include "chart.labels" . | nindent 4 }}`: the rest of the path is in the helper.
      for (const name of line.includes) {
        const helper = helpers.get(name);
        const located = helper && traceInHelper(helper, path, i + 1, target, values);
        if (located) return located;
      }
    }
  }
  if (firstKeyLine) return { file: templateFile, start: firstKeyLine.start, end: firstKeyLine.end, via: 'template' };
  const firstContent = /\S/.exec(template)?.index ?? 0;
  const lineEnd = template.indexOf('\n', firstContent);
  return { file: templateFile, start: firstContent, end: lineEnd === -1 ? template.length : lineEnd, via: 'template' };
}

/**
 * Where a named template wrote the part of the value from `from` on: the values key its line for the deepest key
 * reads, else that line in the helper file. Undefined when the helper writes none of those keys.
 */
function traceInHelper(
  helper: NamedTemplate,
  path: JsonPath,
  from: number,
  target: LocateTarget,
  values: readonly ValuesSource[],
): HelmTraceLocation | undefined {
  const within = path.slice(from);
  for (let i = within.length - 1; i >= 0; i--) {
    const key = within[i];
    if (typeof key !== 'string') continue;
    const lines = keyLines(helper.body, key).sort((a, b) => ancestryScore(b, within, i) - ancestryScore(a, within, i));
    for (const line of lines)
      for (const reference of line.references) {
        const located = locateInValues([...reference, ...within.slice(i + 1)], target, values);
        if (located) return located;
      }
    const line = lines[0];
    if (line) return { file: helper.file, start: helper.start + line.start, end: helper.start + line.end, via: 'template' };
  }
  return undefined;
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
