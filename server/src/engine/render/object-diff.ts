// What a change does to an environment: the objects of two renders (the base and the working tree) matched by
// identity, each added, removed or changed, with a unified diff of its YAML. Secret values never appear: they are
// masked on both sides before anything is shown (secret-mask.ts); a changed value shows as changed, and nothing else
// about it. Renders are read with the validator's limits (rendered-documents.ts).
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import { readRenderedDocuments } from './rendered-documents';
import { masked } from './secret-mask';
import { isRecord, type Json } from '../json';

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

interface Identified {
  id: string;
  kind: string;
  name: string;
  namespace?: string;
  value: Json;
}

/** The objects of a render, keyed by apiVersion, kind, namespace and name; or why the render cannot be read. */
export function objectsOf(rendered: string): Map<string, Identified> | { error: string } {
  const read = readRenderedDocuments(rendered);
  if (!read.ok) return { error: read.error };
  const objects = new Map<string, Identified>();
  for (const value of read.values) {
    if (!isRecord(value) || typeof value.kind !== 'string') continue;
    const metadata = isRecord(value.metadata) ? value.metadata : {};
    const name = typeof metadata.name === 'string' ? metadata.name : '';
    const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
    const id = `${String(value.apiVersion)} ${value.kind} ${namespace ? `${namespace}/` : ''}${name}`;
    objects.set(id, { id, kind: value.kind, name, ...(namespace ? { namespace } : {}), value });
  }
  return objects;
}

const yamlOf = (value: Json) => stringify(value, { sortMapEntries: true });

/** The changes from the base render to the working tree's, in a stable order (by identity). */
export function diffRenders(base: string, head: string, label: { base: string; head: string }): ObjectChange[] | { error: string } {
  const before = objectsOf(base);
  if (!(before instanceof Map)) return { error: `on ${label.base}: ${before.error}` };
  const after = objectsOf(head);
  if (!(after instanceof Map)) return after;
  const changes: ObjectChange[] = [];
  for (const id of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const oldObject = before.get(id);
    const nowObject = after.get(id);
    // The base side masked plainly, the working tree's against it: a changed Secret value reads "changed" there.
    const old = oldObject && { ...oldObject, yaml: yamlOf(masked(oldObject.value)) };
    const now = nowObject && { ...nowObject, yaml: yamlOf(masked(nowObject.value, oldObject?.value)) };
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
      // Without jsdiff's `=====` line: it separates patches of one file in a multi-file patch, and here is noise.
      diff: createTwoFilesPatch(`${label.base}/${id}`, `${label.head}/${id}`, old?.yaml ?? '', now?.yaml ?? '', undefined, undefined, {
        context: 3,
      }).replace(/^=+\n/, ''),
    });
  }
  return changes;
}
