// The Kubernetes objects of rendered YAML (kustomize, helm template, a folder's manifests): one per document, the items
// of a `List` flattened as kubectl apply flattens them; documents that are no object left out.
import { parseDocuments } from '../yaml/parse-documents';

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function renderedObjects(yaml: string): Json[] {
  const objects: Json[] = [];
  const add = (value: unknown) => {
    if (!isRecord(value) || typeof value.kind !== 'string') return;
    if (value.kind.endsWith('List') && Array.isArray(value.items)) value.items.forEach(add);
    else objects.push(value);
  };
  for (const document of parseDocuments(yaml)) add(document.content.value);
  return objects;
}
