// Helm's two merges of values, with Helm's semantics, in one place: the user's values files (and --set, inline values)
// merged with each other in order (pkg/cli/values mergeMaps: a null is kept, as a value), then coalesced over the
// chart's values.yaml (pkg/chartutil CoalesceValues: a null removes the chart's default).
import { isRecord as isTable } from '../json';

/**
 * The user's values layers merged as Helm merges `-f` files: maps key by key, anything else (lists, scalars, null)
 * replaced by the later layer. A null stays: coalescing over the chart's defaults then removes that default.
 */
export function mergeValueFiles(layers: readonly unknown[]): unknown {
  return layers.reduce((merged, layer) => mergeTwo(merged, layer ?? {}), {});
}

function mergeTwo(into: unknown, from: unknown): unknown {
  if (!isTable(into) || !isTable(from)) return from;
  const merged: Record<string, unknown> = { ...into };
  for (const [key, value] of Object.entries(from)) merged[key] = key in merged ? mergeTwo(merged[key], value) : value;
  return merged;
}

/**
 * The user's values coalesced over the chart's values.yaml, as Helm's chartutil.CoalesceValues: maps merge
 * recursively, lists and scalars are replaced, and a key the user sets to null is deleted when values.yaml has it
 * (a null for a key it does not have stays). What templates see, and what Helm validates against values.schema.json.
 */
export function coalesceValues(override: unknown, defaults: unknown): unknown {
  if (!isTable(override)) return isTable(defaults) ? { ...defaults } : {};
  if (!isTable(defaults)) return override;
  const result: Record<string, unknown> = { ...override };
  for (const [key, value] of Object.entries(defaults)) {
    if (!Object.prototype.hasOwnProperty.call(override, key)) {
      result[key] = value;
      continue;
    }
    const mine = override[key];
    if (mine === null) delete result[key];
    else if (isTable(mine) && isTable(value)) result[key] = coalesceTables(mine, value);
  }
  return result;
}

function coalesceTables(dst: Record<string, unknown>, src: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...dst };
  // As Helm 3.17's coalesceTablesFullKey: over the defaults' keys only, so a null for a key the chart does not have
  // stays (a template then sees it as null), as at the top level.
  for (const key of Object.keys(src)) {
    const has = Object.prototype.hasOwnProperty.call(dst, key);
    const mine = dst[key];
    if (has && mine === null) delete result[key];
    else if (!has) result[key] = src[key];
    else if (isTable(mine) && isTable(src[key])) result[key] = coalesceTables(mine, src[key]);
  }
  return result;
}
