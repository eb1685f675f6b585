// What is never drift, taken off both sides before they are compared: what the API server keeps for itself
// (managedFields, resourceVersion, uid, generation, timestamps, selfLink, status), the last-applied annotation, and
// spellings the server stores differently (a Secret's stringData is stored base64-encoded in data; an empty rules list
// of a Role reads back as none; an aggregated ClusterRole's rules are the aggregation controller's). As Argo CD's
// gitops-engine (pkg/diff Normalize, NormalizeSecret, normalizeRole) and kubectl diff do.
import { apiGroupOf } from '../kubernetes/api-version';
import { cloneJson, isRecord, type Json } from '../json';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
];

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The UTF-8 bytes of a string, base64-encoded (what the API server stores for a stringData value). */
export function base64OfText(text: string): string {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i]!, bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out +=
      BASE64[n >> 18]! +
      BASE64[(n >> 12) & 63]! +
      (b === undefined ? '=' : BASE64[(n >> 6) & 63]!) +
      (c === undefined ? '=' : BASE64[n & 63]!);
  }
  return out;
}

export function isSecret(object: Json): boolean {
  return object.kind === 'Secret' && apiGroupOf(object.apiVersion) === '';
}

/** A copy of the object without what is never drift. */
export function normalizeForComparison(object: Json): Json {
  const copy = cloneJson(object);
  delete copy.status;
  const metadata = isRecord(copy.metadata) ? copy.metadata : undefined;
  if (metadata) {
    for (const field of SERVER_METADATA) delete metadata[field];
    if (isRecord(metadata.annotations)) delete metadata.annotations[LAST_APPLIED];
    for (const field of ['annotations', 'labels'])
      if (metadata[field] === null || (isRecord(metadata[field]) && !Object.keys(metadata[field]).length)) delete metadata[field];
  }
  if (isSecret(copy)) normalizeSecret(copy);
  const group = apiGroupOf(copy.apiVersion);
  if (group === 'rbac.authorization.k8s.io' && (copy.kind === 'Role' || copy.kind === 'ClusterRole')) {
    // The aggregation controller writes an aggregated ClusterRole's rules (Argo CD's ignoreAggregatedRoles).
    if (isRecord(copy.aggregationRule) || (Array.isArray(copy.rules) && !copy.rules.length) || copy.rules === null) delete copy.rules;
  }
  return copy;
}

/** stringData moved into data, base64-encoded, as the API server stores it; a null value is the empty one. */
function normalizeSecret(secret: Json): void {
  const data: Json = isRecord(secret.data) ? secret.data : {};
  if (isRecord(secret.stringData)) {
    for (const [key, value] of Object.entries(secret.stringData)) data[key] = typeof value === 'string' ? base64OfText(value) : value;
    delete secret.stringData;
  }
  for (const [key, value] of Object.entries(data)) if (value === null) data[key] = '';
  if (Object.keys(data).length) secret.data = data;
  else delete secret.data;
}
