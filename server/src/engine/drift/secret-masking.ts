// Secret values never leave the engine: a Secret's data and stringData values, and its last-applied annotation (a
// copy of them), are shown as `***`, on both sides of every difference and in every object handed out. A changed value
// still shows as a difference: the comparison runs on the real values, only what is shown is masked.
import { isSecret, LAST_APPLIED } from './normalize';
import type { JsonPath } from '../yaml/locate';
import { cloneJson, isRecord, type Json } from '../json';

export const MASK = '***';

function maskMap(value: unknown): unknown {
  return isRecord(value) ? Object.fromEntries(Object.keys(value).map((key) => [key, MASK])) : value === undefined ? undefined : MASK;
}

/** A copy of a Secret with its values masked; any other object unchanged. */
export function maskedObject(object: Json): Json {
  if (!isSecret(object)) return object;
  const copy = cloneJson(object);
  for (const field of ['data', 'stringData']) if (field in copy) copy[field] = maskMap(copy[field]);
  const metadata = isRecord(copy.metadata) ? copy.metadata : undefined;
  if (metadata && isRecord(metadata.annotations) && LAST_APPLIED in metadata.annotations) metadata.annotations[LAST_APPLIED] = MASK;
  return copy;
}

/** The value at `path` of a Secret as it may be shown. */
export function maskedValue(secret: boolean, path: JsonPath, value: unknown): unknown {
  if (!secret || value === undefined) return value;
  const [first, second, third] = path;
  if (first === 'data' || first === 'stringData') return path.length === 1 ? maskMap(value) : MASK;
  if (path.length === 0 && isRecord(value)) return maskedObject(value);
  if (first === 'metadata') {
    if (path.length === 1 && isRecord(value)) return maskedObject({ kind: 'Secret', apiVersion: 'v1', metadata: value }).metadata;
    if (second === 'annotations' && path.length === 2 && isRecord(value) && LAST_APPLIED in value)
      return { ...value, [LAST_APPLIED]: MASK };
    if (second === 'annotations' && third === LAST_APPLIED) return MASK;
  }
  return value;
}
