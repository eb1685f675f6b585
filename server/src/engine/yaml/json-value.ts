// Reading a parsed document's value by path: the JsonPath the engine uses everywhere, and the JSON pointers ajv reports.
import type { JsonPath, PathSegment } from './locate';

/** The value at `path`, if every step exists. */
export function valueAt(value: unknown, path: JsonPath): unknown {
  let node = value;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** A JSON pointer (`/spec/containers/0`, as ajv's instancePath) as a path into `value`: list indexes as numbers. */
export function pathOfPointer(pointer: string, value: unknown): PathSegment[] {
  const path: PathSegment[] = [];
  let current = value;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      path.push(Number(segment));
      current = current[Number(segment)];
    } else {
      path.push(segment);
      current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}
