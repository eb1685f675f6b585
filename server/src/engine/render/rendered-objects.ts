// The Kubernetes objects of rendered YAML (kustomize, helm template, a folder's manifests): one per document, the items
// of a `List` flattened as kubectl apply flattens them; documents that are no object left out. Read with the
// validator's limits (rendered-documents.ts): a render is repository content too.
import { readRenderedDocuments } from './rendered-documents';
import { isRecord, type Json } from '../json';

export type RenderedObjects = { ok: true; objects: Json[] } | { ok: false; error: string };

export function renderedObjects(yaml: string): RenderedObjects {
  const read = readRenderedDocuments(yaml);
  if (!read.ok) return read;
  const objects: Json[] = [];
  const add = (value: unknown) => {
    if (!isRecord(value) || typeof value.kind !== 'string') return;
    if (value.kind.endsWith('List') && Array.isArray(value.items)) value.items.forEach(add);
    else objects.push(value);
  };
  read.values.forEach(add);
  return { ok: true, objects };
}
