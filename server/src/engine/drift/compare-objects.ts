// Where two versions of an object differ, as JSON paths with the value on each side. Two ways: every field of both
// (the server's prediction of what an apply of git would store, against what is stored: both come from the API
// server, so defaults and spellings agree), and only the fields git sets (when there is no prediction: without
// dry-run permission, or to learn cheaply that an object is in sync). The second matches list items as the API
// server merges them, by the key fields the live object's managedFields show (`k:{"name":"web"}`).
import { parseQuantity } from '../kubernetes/quantity';
import type { JsonPath } from '../yaml/locate';
import type { ListKind } from './managed-fields';
import { deepEqual, isRecord } from '../json';

export interface Difference {
  path: JsonPath;
  /** Undefined: the field is not set on that side. */
  desired: unknown;
  live: unknown;
}

const isScalarList = (list: unknown[]) => list.every((item) => typeof item !== 'object' || item === null);

/** Every difference between two normalized objects: fields, and list items by index. */
export function compareWhole(desired: unknown, live: unknown, path: JsonPath = [], out: Difference[] = []): Difference[] {
  if (isRecord(desired) && isRecord(live)) {
    const keys = [...Object.keys(desired), ...Object.keys(live).filter((key) => !(key in desired))];
    for (const key of keys) compareWhole(desired[key], live[key], [...path, key], out);
  } else if (Array.isArray(desired) && Array.isArray(live) && !isScalarList(desired) && !isScalarList(live)) {
    // Lists of objects item by item (an apply keeps the live order and adds new items at the end); lists of scalars
    // (args, command) whole, as a shifted item would otherwise show as every item after it changed.
    for (let i = 0; i < Math.max(desired.length, live.length); i++) compareWhole(desired[i], live[i], [...path, i], out);
  } else if (!deepEqual(desired, live)) {
    out.push({ path, desired, live });
  }
  return out;
}

const isEmpty = (value: unknown) =>
  value === undefined || value === null || (Array.isArray(value) && !value.length) || (isRecord(value) && !Object.keys(value).length);

const QUANTITY_PARENTS = new Set(['limits', 'requests', 'hard', 'capacity', 'allocatable', 'overhead']);

/** Quantities the server canonicalizes (`1000m` is stored as `1`, `0.5` as `500m`): equal when their amounts are. */
function sameQuantity(path: JsonPath, desired: unknown, live: unknown): boolean {
  const key = path[path.length - 1];
  const parent = path[path.length - 2];
  if (!(key === 'sizeLimit' || (typeof parent === 'string' && QUANTITY_PARENTS.has(parent)))) return false;
  const a = parseQuantity(desired);
  const b = parseQuantity(live);
  return a !== undefined && b !== undefined && Math.abs(a - b) <= Math.abs(a) * 1e-12;
}

/** How the list at a path of the live object is merged (see managed-fields listKindAt). */
export type ListKindAt = (path: JsonPath) => ListKind | undefined;

/**
 * The fields git sets whose live value differs. Fields git leaves out are the server's defaults, or other managers'
 * (an HPA's replicas, an injected sidecar): not compared. Paths name live list items by their live index; an item git
 * adds that is not live is named after the live items.
 */
export function compareFieldsGitSets(
  desired: unknown,
  live: unknown,
  listKind: ListKindAt,
  path: JsonPath = [],
  out: Difference[] = [],
): Difference[] {
  if (desired === null || desired === undefined) return out;
  if (isEmpty(desired) && isEmpty(live)) return out;
  if (isRecord(desired)) {
    if (!isRecord(live)) out.push({ path, desired, live });
    else for (const [key, value] of Object.entries(desired)) compareFieldsGitSets(value, live[key], listKind, [...path, key], out);
    return out;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) out.push({ path, desired, live });
    else compareLists(desired, live, listKind, path, out);
    return out;
  }
  if (!deepEqual(desired, live) && !sameQuantity(path, desired, live)) out.push({ path, desired, live });
  return out;
}

/** Items that are records, each with its own `name`: the merge key of most lists of Kubernetes objects. */
function namedItems(list: unknown[]): boolean {
  const names = list.map((item) => (isRecord(item) && typeof item.name === 'string' ? item.name : undefined));
  return names.every((name) => name !== undefined) && new Set(names).size === names.length;
}

function compareLists(desired: unknown[], live: unknown[], listKind: ListKindAt, path: JsonPath, out: Difference[]): void {
  // Without managedFields to tell (an object no manager has written item by item), items with names are matched by
  // name, as a strategic merge patch does for containers, env, volumes and ports.
  const kind = listKind(path) ?? (desired.length && namedItems(desired) && namedItems(live) ? { kind: 'map', keys: ['name'] } : undefined);
  if (kind?.kind === 'set') {
    // Other managers may add items of their own (finalizers): only git's items must be there.
    if (!desired.every((item) => live.some((other) => deepEqual(item, other)))) out.push({ path, desired, live });
    return;
  }
  if (kind?.kind === 'map' && desired.every((item) => isRecord(item) && kind.keys.some((key) => key in item))) {
    const used = new Set<number>();
    let added = 0;
    for (const item of desired as Record<string, unknown>[]) {
      // Key fields git leaves out take the server's default (a port's protocol): match on those it sets.
      const index = live.findIndex(
        (other, i) => !used.has(i) && isRecord(other) && kind.keys.every((key) => !(key in item) || deepEqual(item[key], other[key])),
      );
      if (index === -1) {
        out.push({ path: [...path, live.length + added++], desired: item, live: undefined });
        continue;
      }
      used.add(index);
      compareFieldsGitSets(item, live[index], listKind, [...path, index], out);
    }
    return;
  }
  // Atomic lists, or lists never written item by item: the same items in the same order.
  if (desired.length !== live.length || isScalarList(desired)) {
    if (!deepEqual(desired, live)) out.push({ path, desired, live });
    return;
  }
  desired.forEach((item, i) => compareFieldsGitSets(item, live[i], listKind, [...path, i], out));
}
