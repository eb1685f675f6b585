// What a change does to an environment: the objects of two renders (the base and the working tree) matched by
// identity, each added, removed or changed, with a unified diff of its YAML. Secret values never appear: they are
// masked on both sides before anything is compared or shown (a changed value still shows as changed).
import { createTwoFilesPatch } from 'diff';
import { parseAllDocuments, stringify } from 'yaml';

export interface ObjectChange {
  change: 'added' | 'removed' | 'changed';
  /** `apps/v1 Deployment shop/web` */
  id: string;
  kind: string;
  name: string;
  namespace?: string;
  /** Unified diff of the object's YAML, base first. */
  diff: string;
  /** The object's YAML on each side (Secret values masked); absent on the side it does not exist. */
  before?: string;
  after?: string;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A stand-in for a Secret value that shows whether it changed without showing it (a short, non-reversible tag). */
function maskedValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  return `*** (masked, ${(hash % 0xffff).toString(16).padStart(4, '0')})`;
}

/** The object with a Secret's `data` and `stringData` values masked. */
export function masked(object: Json): Json {
  if (object.kind !== 'Secret' || object.apiVersion !== 'v1') return object;
  const copy: Json = { ...object };
  for (const key of ['data', 'stringData'])
    if (isRecord(copy[key])) copy[key] = Object.fromEntries(Object.entries(copy[key]).map(([k, v]) => [k, maskedValue(v)]));
  return copy;
}

interface Identified {
  id: string;
  kind: string;
  name: string;
  namespace?: string;
  yaml: string;
}

/** The objects of a render, keyed by apiVersion, kind, namespace and name, as YAML with Secret values masked. */
export function objectsOf(rendered: string): Map<string, Identified> {
  const objects = new Map<string, Identified>();
  for (const document of parseAllDocuments(rendered)) {
    const value = document.toJS() as unknown;
    if (!isRecord(value) || typeof value.kind !== 'string') continue;
    const metadata = isRecord(value.metadata) ? value.metadata : {};
    const name = typeof metadata.name === 'string' ? metadata.name : '';
    const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
    const id = `${String(value.apiVersion)} ${value.kind} ${namespace ? `${namespace}/` : ''}${name}`;
    objects.set(id, {
      id,
      kind: value.kind,
      name,
      ...(namespace ? { namespace } : {}),
      yaml: stringify(masked(value), { sortMapEntries: true }),
    });
  }
  return objects;
}

/** The changes from the base render to the working tree's, in a stable order (by identity). */
export function diffRenders(base: string, head: string, label: { base: string; head: string }): ObjectChange[] {
  const before = objectsOf(base);
  const after = objectsOf(head);
  const changes: ObjectChange[] = [];
  for (const id of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const old = before.get(id);
    const now = after.get(id);
    if (old && now && old.yaml === now.yaml) continue;
    const object = (now ?? old)!;
    changes.push({
      change: !old ? 'added' : !now ? 'removed' : 'changed',
      id,
      kind: object.kind,
      name: object.name,
      ...(object.namespace ? { namespace: object.namespace } : {}),
      ...(old ? { before: old.yaml } : {}),
      ...(now ? { after: now.yaml } : {}),
      diff: createTwoFilesPatch(`${label.base}/${id}`, `${label.head}/${id}`, old?.yaml ?? '', now?.yaml ?? '', undefined, undefined, {
        context: 3,
      }),
    });
  }
  return changes;
}
