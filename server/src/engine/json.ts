// Plain JSON values as the engine reads them from parsed YAML and compares them: records, strings with something in
// them, deep equality, copies, paths into a value, and RFC 6901 JSON pointers (list items by index).
import type { JsonPath, PathSegment } from './yaml/locate';

export type Json = Record<string, unknown>;

/** An object that is not a list (a YAML mapping). */
export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string with something in it besides white space, trimmed; else undefined (a field left blank is no value). */
export function trimmedText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** A string that is not empty, as written (white space kept); else undefined. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}

/** A deep copy of a JSON value (what JSON.parse could have made: no cycles, no functions). */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (isRecord(value)) {
    const copy: Json = {};
    for (const [key, item] of Object.entries(value)) copy[key] = cloneJson(item);
    return copy as T;
  }
  return value;
}

/** RFC 6901: `/spec/template/spec/containers/0/image`; `~` and `/` in keys escaped as `~0` and `~1`. */
export function pointerOf(path: JsonPath): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** The segments of a JSON pointer, unescaped (numbers stay strings: only the value tells a list index). */
export function segmentsOf(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at `path`, if every step exists (`undefined` otherwise): list items by number, mapping keys by name. */
export function valueAt(value: unknown, path: JsonPath): unknown {
  let node = value;
  for (const segment of path) {
    if (Array.isArray(node)) node = typeof segment === 'number' ? node[segment] : undefined;
    else if (isRecord(node)) node = node[segment];
    else return undefined;
  }
  return node;
}

/** A JSON pointer (`/spec/containers/0`, as ajv's instancePath) as a path into `value`: list indexes as numbers. */
export function pathOfPointer(pointer: string, value: unknown): PathSegment[] {
  const path: PathSegment[] = [];
  let current = value;
  for (const segment of segmentsOf(pointer)) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      path.push(Number(segment));
      current = current[Number(segment)];
    } else {
      path.push(segment);
      current = isRecord(current) ? current[segment] : undefined;
    }
  }
  return path;
}

/** Removes the value at `path` from `value` (in place); true when something was there. */
export function removeAtPath(value: unknown, path: JsonPath): boolean {
  if (!path.length) return false;
  const parent = valueAt(value, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof last === 'number' && last < parent.length) {
    parent.splice(last, 1);
    return true;
  }
  if (isRecord(parent) && typeof last === 'string' && last in parent) {
    delete parent[last];
    return true;
  }
  return false;
}

/** A scalar as text (objects and arrays: empty), for messages built from values read off objects. */
export function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}
