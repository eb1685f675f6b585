// What the Drift view's two actions on a difference write: "Ignore this field" an ignore rule naming the object and the
// field (a jq path selecting list items by name where the path goes through a named item, as Argo CD's documentation
// writes them, else a JSON pointer); "Take the live value into git" the live value in place of git's scalar, quoted as
// the scalar it replaces where that reads the same to kubectl (go-yaml v2), else in double quotes.
import { apiGroupOf } from '../kubernetes/api-version';
import type { JsonPath } from '../yaml/locate';
import { DocumentContent } from '../yaml/parse-documents';
import { deepEqual, isRecord, type Json } from '../json';

/** An object as the Drift view names it. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `.spec.template.spec.containers[] | select(.name == "web") | .image`; undefined when no list item on the way has a name. */
export function jqPathOf(live: unknown, path: JsonPath): string | undefined {
  const stages: string[] = [];
  let current = '';
  let node = live;
  let named = false;
  for (const segment of path) {
    if (typeof segment === 'number') {
      const item: unknown = Array.isArray(node) ? node[segment] : undefined;
      if (!isRecord(item) || typeof item.name !== 'string') return undefined;
      stages.push(`${current || '.'}[]`, `select(.name == ${JSON.stringify(item.name)})`);
      current = '';
      named = true;
      node = item;
    } else {
      current += IDENTIFIER.test(segment) ? `.${segment}` : `.${JSON.stringify(segment)}`;
      node = isRecord(node) ? node[segment] : undefined;
    }
  }
  if (!named) return undefined;
  if (current) stages.push(current);
  return stages.join(' | ');
}

/**
 * The rule leaving out one difference of one object: as `.driftless.yaml` writes it (with the environment) or as an
 * Argo CD Application's `ignoreDifferences` entry (`argo`: no environment; an empty group means the core group there,
 * so it is left out for core objects, as Argo CD's own examples do).
 */
export function ignoreRuleFor(
  object: ObjectRef,
  pointer: string,
  path: JsonPath,
  live: unknown,
  options: { environment?: string } = {},
): Json {
  const group = apiGroupOf(object.apiVersion);
  const jq = jqPathOf(live, path);
  return {
    ...(group ? { group } : {}),
    kind: object.kind,
    name: object.name,
    ...(object.namespace ? { namespace: object.namespace } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
    ...(jq ? { jqPathExpressions: [jq] } : { jsonPointers: [pointer] }),
  };
}

/**
 * The path in git's object (as rendered) of the value at `path` in the live object: list items matched by their name
 * where they have one (an apply keeps the live order, and a patch may add items), else by position. Undefined when git
 * does not set that value.
 */
export function renderedPathOf(rendered: unknown, live: unknown, path: JsonPath): JsonPath | undefined {
  const out: (string | number)[] = [];
  let have = rendered;
  let seen = live;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(have) || !Array.isArray(seen)) return undefined;
      const item: unknown = seen[segment];
      const name = isRecord(item) && typeof item.name === 'string' ? item.name : undefined;
      const index = name !== undefined ? have.findIndex((candidate) => isRecord(candidate) && candidate.name === name) : segment;
      if (index < 0 || index >= have.length) return undefined;
      out.push(index);
      have = have[index];
      seen = item;
    } else {
      if (!isRecord(have) || !(segment in have)) return undefined;
      out.push(segment);
      have = have[segment];
      seen = isRecord(seen) ? seen[segment] : undefined;
    }
  }
  return out;
}

export type Scalar = string | number | boolean | null;

export function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** The value a scalar's source text stands for, as kubectl reads it (go-yaml v2); undefined when it is no scalar. */
export function scalarValueOf(source: string): unknown {
  const parsed = DocumentContent.parse(`value: ${source}\n`);
  if (parsed.problems.length || !isRecord(parsed.value)) return undefined;
  const value = parsed.value.value;
  return isScalar(value) ? value : undefined;
}

/**
 * `value` as YAML text in place of the scalar written `replaced`: plain, or in the quotes `replaced` used, when that
 * reads back as `value`; else double-quoted (JSON's string syntax is YAML's).
 */
export function scalarText(value: Scalar, replaced: string): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  const quote = replaced.trimStart()[0];
  const plain = /[\n\r]|\s#|^\s|\s$/.test(value) ? [] : [value];
  const candidates = quote === "'" ? [`'${value.replace(/'/g, "''")}'`] : quote === '"' ? [] : plain;
  return candidates.find((text) => deepEqual(scalarValueOf(text), value)) ?? JSON.stringify(value);
}
