// Differences a team has decided are not drift: rules from .driftless.yaml (`drift.ignore`), the editor's settings,
// and the environment's Argo CD Application (`spec.ignoreDifferences`). A rule names objects (group and kind as Argo
// CD matches them, with globs; name; namespace) and the fields to leave out: JSON pointers, jq paths (see jq-paths),
// or every field some managers own (`managedFieldsManagers`: an HPA's replicas, a controller's caBundle).
import { argoGlobMatches } from '../argo/argo-glob';
import type { JsonPath } from '../yaml/locate';
import { parseJqPaths, pathsOf, type JqPaths } from './jq-paths';
import type { ObjectIdentity } from './object-identity';
import { isRecord, nonEmptyString, pathOfPointer, removeAtPath, valueAt } from '../json';

export interface IgnoreRule {
  /** Undefined: any group (an Argo CD rule without one means the core group, ''). Globs as Argo CD's. */
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  /** Only for this environment (rules of .driftless.yaml may name one). */
  environment?: string;
  jsonPointers: string[];
  jqPathExpressions: string[];
  managedFieldsManagers: string[];
  /** Where the rule is written: `.driftless.yaml`, `settings`, `Application web`. */
  source: string;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];
}

/**
 * The rules of a list as written (`drift.ignore` of .driftless.yaml or the settings, or an Application's
 * `ignoreDifferences`, `argo` set). Entries that are no rule are dropped; the schema of the file reports them.
 */
export function readIgnoreRules(value: unknown, source: string, options: { argo?: boolean } = {}): IgnoreRule[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry): IgnoreRule[] => {
    if (!isRecord(entry)) return [];
    const group = nonEmptyString(entry.group) ?? (options.argo ? '' : undefined);
    const rule: IgnoreRule = {
      ...(group !== undefined ? { group } : {}),
      ...(nonEmptyString(entry.kind) ? { kind: nonEmptyString(entry.kind)! } : {}),
      ...(nonEmptyString(entry.name) ? { name: nonEmptyString(entry.name)! } : {}),
      ...(nonEmptyString(entry.namespace) ? { namespace: nonEmptyString(entry.namespace)! } : {}),
      ...(!options.argo && nonEmptyString(entry.environment) ? { environment: nonEmptyString(entry.environment)! } : {}),
      jsonPointers: strings(entry.jsonPointers),
      jqPathExpressions: strings(entry.jqPathExpressions),
      managedFieldsManagers: strings(entry.managedFieldsManagers),
      source,
    };
    return rule.jsonPointers.length || rule.jqPathExpressions.length || rule.managedFieldsManagers.length ? [rule] : [];
  });
}

/** The rules that apply to an object of an environment. */
export function rulesFor(rules: readonly IgnoreRule[], identity: ObjectIdentity, environment: string): IgnoreRule[] {
  return rules.filter(
    (rule) =>
      (rule.environment === undefined || rule.environment === environment) &&
      (rule.group === undefined || argoGlobMatches(rule.group, identity.group)) &&
      (rule.kind === undefined || argoGlobMatches(rule.kind, identity.kind)) &&
      (rule.name === undefined || rule.name === identity.name) &&
      (rule.namespace === undefined || rule.namespace === (identity.namespace ?? '')),
  );
}

const parsedJq = new Map<string, JqPaths>();

function jqOf(expression: string): JqPaths {
  let parsed = parsedJq.get(expression);
  if (!parsed) {
    parsed = parseJqPaths(expression);
    if (parsedJq.size > 1000) parsedJq.clear();
    parsedJq.set(expression, parsed);
  }
  return parsed;
}

/** Later list items first, so removing one does not move the next one to remove. */
function laterFirst(a: JsonPath, b: JsonPath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i]!, b[i]!];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return y - x;
    return String(y).localeCompare(String(x));
  }
  return b.length - a.length;
}

/**
 * Removes from `object` (in place) the fields the rules' JSON pointers and jq paths name; returns the rules' problems
 * (a jq expression outside the supported subset), each once.
 */
export function removeIgnoredFields(object: unknown, rules: readonly IgnoreRule[]): string[] {
  const problems: string[] = [];
  const paths: JsonPath[] = [];
  for (const rule of rules) {
    for (const pointer of rule.jsonPointers) {
      const path = pathOfPointer(pointer, object);
      if (path.length && valueAt(object, path) !== undefined) paths.push(path);
    }
    for (const expression of rule.jqPathExpressions) {
      const parsed = jqOf(expression);
      if (!parsed.ok) problems.push(`${rule.source}: jq path "${expression}": ${parsed.error}`);
      else paths.push(...pathsOf(parsed, object));
    }
  }
  for (const path of paths.sort(laterFirst)) removeAtPath(object, path);
  return problems;
}

/** The managers whose fields the rules leave out. */
export function ignoredManagers(rules: readonly IgnoreRule[]): string[] {
  return [...new Set(rules.flatMap((rule) => rule.managedFieldsManagers))];
}
