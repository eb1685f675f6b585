// A finding about one document, located by a path into its value (resolved to a range only when shown).
import type { JsonPath, LocateTarget, SourceSpan } from '../yaml/locate';
import type { RuleId, Severity } from '../rules';

/** What a quick fix would do; code actions turn these into edits. */
export type FixHint =
  | { kind: 'replace-value'; path: JsonPath; value: string | boolean; title: string }
  | { kind: 'rename-key'; path: JsonPath; to: string }
  | { kind: 'add-field'; parent: JsonPath; field: string; valueHint: 'scalar' | 'object' | 'array' };

export interface Finding {
  rule: RuleId;
  message: string;
  /** Overrides the rule's default severity (before the project's rule settings apply). */
  severity?: Severity;
  /** Where, as a path into the document's value ... */
  path?: JsonPath;
  target?: LocateTarget;
  /** ... or as a span in the document's text. */
  span?: SourceSpan;
  fixes?: FixHint[];
}

export function finding(rule: RuleId, message: string, path: JsonPath, target: LocateTarget = 'value', fixes?: FixHint[]): Finding {
  return { rule, message, path, target, ...(fixes && fixes.length ? { fixes } : {}) };
}

/** `spec.template.spec.containers[0].image` */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}

/** The field a message names: `replicas`, or `containers[1]` for a list item. */
export function fieldName(path: JsonPath): string {
  const last = path[path.length - 1];
  if (last === undefined) return 'the document';
  if (typeof last === 'number') {
    const parent = path[path.length - 2];
    return `\`${typeof parent === 'string' ? parent : 'item'}[${last}]\``;
  }
  return `\`${last}\``;
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

/** JSON Schema type names as messages say them: "an integer or a string". */
export function typeWords(types: readonly string[]): string {
  return types.map((t) => TYPE_WORDS[t] ?? t).join(' or ');
}

/** "the string "three"", "the number 1.5", "a list", ... */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `the boolean ${value}`;
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

/** Flux post-build `${VAR}` and Helm/ApplicationSet `{{ }}` values are filled in later: not judged by format. */
export function isPlaceholder(value: unknown): boolean {
  // One scan for "{" first: almost no value has one, and this runs on every string.
  return typeof value === 'string' && value.indexOf('{') !== -1 && (value.includes('${') || value.includes('{{'));
}
