// kustomize's strategic merge of patches over a resource, as far as what Driftless reads of the result needs it (the
// policies judge a workload as applied): maps merge, `null` removes a key, containers merge by name, and `$patch`
// directives replace or delete. Each merged container remembers the container written in the resource.
import { isRecord, type Json } from '../json';

/**
 * The lists merged by their items' `name` (their patch merge key in the Kubernetes API: containers, volumes, env,
 * pull secrets). Other lists are replaced.
 */
const NAMED_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers', 'volumes', 'env', 'imagePullSecrets']);

/** A merged list item (a container) -> the item written in the resource it came from. */
export type MergeOrigins = Map<Json, Json>;

/**
 * The resource with each patch merged in, in order. Only what the policies read has to be right: maps merge
 * recursively, `null` removes a key, `$patch: replace|delete` act on maps and named list items, `- $patch: replace`
 * replaces a named list; other directives (`$setElementOrder`, `$retainKeys`, ...) do not change what is read.
 */
export function applyPatches(resource: Json, patches: readonly unknown[]): { value: Json; origins: MergeOrigins } {
  const origins: MergeOrigins = new Map();
  let value = resource;
  for (const patch of patches) {
    // A patch that deletes the whole resource drops it from its own build only; the other builds still apply it.
    if (!isRecord(patch) || patch.$patch === 'delete') continue;
    const merged = mergeMap(value, patch, origins);
    if (merged) value = merged;
  }
  return { value, origins };
}

function mergeMap(base: unknown, patch: Json, origins: MergeOrigins): Json | undefined {
  if (patch.$patch === 'delete') return undefined;
  const out: Json = isRecord(base) && patch.$patch !== 'replace' ? { ...base } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) {
      delete out[key];
    } else if (isRecord(value)) {
      const merged = mergeMap(out[key], value, origins);
      if (merged) out[key] = merged;
      else delete out[key];
    } else if (Array.isArray(value) && NAMED_LISTS.has(key)) {
      out[key] = mergeNamedList(out[key], value, origins);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function isListReplace(item: unknown): boolean {
  return isRecord(item) && item.$patch === 'replace' && item.name === undefined;
}

function mergeNamedList(base: unknown, patch: unknown[], origins: MergeOrigins): unknown[] {
  const items = Array.isArray(base) ? [...(base as unknown[])] : [];
  const indexOf = (name: unknown) => items.findIndex((item) => isRecord(item) && item.name === name);
  const carryOrigin = (merged: Json, from: unknown) => {
    if (isRecord(from)) origins.set(merged, origins.get(from) ?? from);
  };
  if (patch.some(isListReplace)) {
    // The patch's items are the list; a container that keeps its name is still the one written in the resource.
    const replaced: unknown[] = [];
    for (const item of patch) {
      if (isListReplace(item)) continue;
      if (!isRecord(item)) {
        replaced.push(item);
        continue;
      }
      const merged = mergeMap(undefined, item, origins);
      if (!merged) continue;
      const same = indexOf(item.name);
      if (same !== -1) carryOrigin(merged, items[same]);
      replaced.push(merged);
    }
    return replaced;
  }
  for (const item of patch) {
    // Without its merge key an item cannot be matched (kustomize refuses such a patch).
    if (!isRecord(item) || typeof item.name !== 'string') continue;
    const index = indexOf(item.name);
    if (item.$patch === 'delete') {
      if (index !== -1) items.splice(index, 1);
      continue;
    }
    const merged = mergeMap(index === -1 ? undefined : items[index], item, origins);
    if (!merged) continue;
    if (index === -1) {
      items.push(merged);
    } else {
      carryOrigin(merged, items[index]);
      items[index] = merged;
    }
  }
  return items;
}
