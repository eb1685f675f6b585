// Who owns which field of a live object, from its metadata.managedFields (server-side apply's field ownership).
// A FieldsV1 set is a tree: `f:<name>` a field, `k:<json>` the item of an associative list whose key fields have those
// values, `v:<json>` the item of a set with that value, `i:<n>` the item at an index; `.` under a node means the
// manager owns that node itself (a map's or an item's existence), and an empty node is an owned leaf (a scalar, or a
// value the schema makes atomic, owned whole). See sigs.k8s.io/structured-merge-diff fieldpath/serialize.go.
import type { JsonPath } from '../yaml/locate';
import { deepEqual, isRecord, type Json } from '../json';

export interface ManagedFieldsEntry {
  manager: string;
  /** `Apply` (server-side apply) or `Update` (anything else: kubectl edit, scale, patch, controllers). */
  operation: string;
  /** `status`, `scale`: the subresource the change went through. */
  subresource?: string;
  time?: string;
  fields: Json;
}

/** Who made a field what it is: the manager owning it, or owning the nearest owned field above it (`via`). */
export interface FieldOwner {
  manager: string;
  operation: string;
  subresource?: string;
  time?: string;
  /** Set when no manager owns the field itself: the path of the owned field above it the attribution comes from. */
  via?: JsonPath;
}

export function managedFieldsOf(object: unknown): ManagedFieldsEntry[] {
  const metadata = isRecord(object) && isRecord(object.metadata) ? object.metadata : {};
  if (!Array.isArray(metadata.managedFields)) return [];
  return metadata.managedFields.flatMap((entry): ManagedFieldsEntry[] => {
    if (!isRecord(entry) || typeof entry.manager !== 'string' || !isRecord(entry.fieldsV1)) return [];
    return [
      {
        manager: entry.manager,
        operation: typeof entry.operation === 'string' ? entry.operation : 'Update',
        ...(typeof entry.subresource === 'string' && entry.subresource ? { subresource: entry.subresource } : {}),
        ...(typeof entry.time === 'string' ? { time: entry.time } : {}),
        fields: entry.fieldsV1,
      },
    ];
  });
}

const parsedKeys = new Map<string, unknown>();

function parseKey(text: string): unknown {
  let parsed = parsedKeys.get(text);
  if (parsed === undefined && !parsedKeys.has(text)) {
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      parsed = Symbol('unparsable');
    }
    if (parsedKeys.size > 10_000) parsedKeys.clear();
    parsedKeys.set(text, parsed);
  }
  return parsed;
}

/** Whether the set key `key` (a child of a list's node) names `item`, the list's item at `index`. */
function keyNames(key: string, item: unknown, index: number): boolean {
  if (key.startsWith('k:')) {
    const fields = parseKey(key.slice(2));
    return isRecord(fields) && isRecord(item) && Object.entries(fields).every(([name, value]) => deepEqual(item[name], value));
  }
  if (key.startsWith('v:')) return item !== undefined && deepEqual(parseKey(key.slice(2)), item);
  if (key.startsWith('i:')) return Number(key.slice(2)) === index;
  return false;
}

/** The child of a set node for one step of a path through `value` (the object's value at the node). */
function childOf(node: Json, value: unknown, segment: string | number): Json | undefined {
  if (typeof segment === 'string') {
    const child = node[`f:${segment}`];
    return isRecord(child) ? child : undefined;
  }
  const item = Array.isArray(value) ? (value as unknown[])[segment] : undefined;
  for (const [key, child] of Object.entries(node)) if (isRecord(child) && keyNames(key, item, segment)) return child;
  return undefined;
}

const isOwned = (node: Json) => '.' in node || Object.keys(node).length === 0;

export interface SetReach {
  /** How many steps of the path the set follows. */
  depth: number;
  /** The set's node at `depth`. */
  node: Json;
  /** The set owns the value at the path: the field itself, or an atomic value above it. */
  ownsPath: boolean;
  /** The set owns fields inside the value at the path. */
  ownsInside: boolean;
  /** How many steps down the nearest owned field above the path is (-1: none). */
  ownedAbove: number;
}

/** How far one manager's set reaches along `path` of `object`. */
export function reach(fields: Json, object: unknown, path: JsonPath): SetReach {
  let node = fields;
  let value = object;
  let ownedAbove = -1;
  for (let depth = 0; depth < path.length; depth++) {
    const segment = path[depth]!;
    const child = childOf(node, value, segment);
    if (!child) return { depth, node, ownsPath: false, ownsInside: false, ownedAbove };
    // An empty node above the end: the manager owns that whole value (a scalar's parent cannot be a leaf).
    if (Object.keys(child).length === 0 && depth < path.length - 1)
      return { depth: depth + 1, node: child, ownsPath: true, ownsInside: false, ownedAbove: depth + 1 };
    value = Array.isArray(value) && typeof segment === 'number' ? value[segment] : isRecord(value) ? value[String(segment)] : undefined;
    node = child;
    if (depth < path.length - 1 && isOwned(node)) ownedAbove = depth + 1;
  }
  return {
    depth: path.length,
    node,
    ownsPath: path.length > 0 && isOwned(node),
    ownsInside: Object.keys(node).some((key) => key !== '.'),
    ownedAbove,
  };
}

/** Later first; an Update (a change by hand or by a controller) before an Apply of the same moment. */
function moreRecent(a: ManagedFieldsEntry, b: ManagedFieldsEntry): boolean {
  const at = a.time ?? '';
  const bt = b.time ?? '';
  if (at !== bt) return at > bt;
  return a.operation === 'Update' && b.operation !== 'Update';
}

/**
 * The manager that made the value at `path` of the live object what it is: the owner of the field (or of an atomic
 * value holding it, or of fields inside it), else of the nearest owned field above it. Several owners (fields applied
 * with equal values are shared): the most recent.
 */
export function ownerOf(object: unknown, path: JsonPath, entries = managedFieldsOf(object)): FieldOwner | undefined {
  let best: { entry: ManagedFieldsEntry; rank: number; via?: number } | undefined;
  for (const entry of entries) {
    const found = reach(entry.fields, object, path);
    const rank = found.ownsPath ? 1_000_000 : found.ownsInside ? 500_000 : found.ownedAbove >= 0 ? found.ownedAbove : -1;
    if (rank < 0) continue;
    if (!best || rank > best.rank || (rank === best.rank && moreRecent(entry, best.entry)))
      best = { entry, rank, ...(rank < 500_000 ? { via: found.ownedAbove } : {}) };
  }
  if (!best) return undefined;
  const { entry } = best;
  return {
    manager: entry.manager,
    operation: entry.operation,
    ...(entry.subresource ? { subresource: entry.subresource } : {}),
    ...(entry.time ? { time: entry.time } : {}),
    ...(best.via !== undefined ? { via: path.slice(0, best.via) } : {}),
  };
}

/** Whether one of `managers` owns the value at `path` (itself, or an atomic value holding it). */
export function ownedByAny(object: unknown, path: JsonPath, managers: readonly string[], entries = managedFieldsOf(object)): boolean {
  return entries.some((entry) => managers.includes(entry.manager) && reach(entry.fields, object, path).ownsPath);
}

export type ListKind = { kind: 'map'; keys: string[] } | { kind: 'set' };

/**
 * How the API server merges the list at `path` of the live object, as its managed fields show: an associative list
 * (items named by key fields, `k:`), a set (`v:`), or unknown (atomic or never written item by item).
 */
export function listKindAt(object: unknown, path: JsonPath, entries = managedFieldsOf(object)): ListKind | undefined {
  const keys = new Set<string>();
  let set = false;
  for (const entry of entries) {
    const found = reach(entry.fields, object, path);
    if (found.depth !== path.length) continue;
    for (const key of Object.keys(found.node)) {
      if (key.startsWith('v:')) set = true;
      if (!key.startsWith('k:')) continue;
      const fields = parseKey(key.slice(2));
      if (isRecord(fields)) for (const name of Object.keys(fields)) keys.add(name);
    }
  }
  if (keys.size) return { kind: 'map', keys: [...keys].sort() };
  return set ? { kind: 'set' } : undefined;
}
