// Where each rendered object comes from. kustomize records it when a kustomization sets `buildMetadata:
// [originAnnotations, transformerAnnotations]`: Driftless renders through a temporary kustomization that wraps the real
// one and asks for it, then takes the annotations off again, so the objects are exactly what a plain build gives.
import { parseDocuments } from '../yaml/parse-documents';
import { readRenderedDocuments } from '../render/rendered-documents';
import { isRecord } from '../json';

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
export const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';
/** The transformers that apply patches: the kustomizations that configured them are where a changed value may come from. */
const PATCH_TRANSFORMERS = new Set(['PatchTransformer', 'PatchStrategicMergeTransformer', 'PatchJson6902Transformer']);

/**
 * The wrapping kustomization: its entries (paths relative to the wrapper's folder: the real kustomization's folder,
 * as a component when it is a `kind: Component`, which kustomize takes only under `components:`; or the manifests
 * and folders Flux would list), the namespace Flux's `targetNamespace` sets, and, with `origins`, the build metadata
 * that makes kustomize record where each object comes from.
 */
export function wrapperKustomization(options: {
  entries: string[];
  isComponent: boolean;
  namespace?: string;
  /** More fields of the kustomization (Argo CD's kustomize options), as kustomize reads them. */
  fields?: Record<string, unknown>;
  origins: boolean;
}): string {
  const field = options.isComponent ? 'components' : 'resources';
  const lines = ['# Written by Driftless around the kustomization it renders.', `${field}:`];
  for (const entry of options.entries) lines.push(`  - ${JSON.stringify(entry)}`);
  if (options.namespace) lines.push(`namespace: ${JSON.stringify(options.namespace)}`);
  // JSON is YAML: each field on one line. A `components` field adds to the wrapper's own.
  for (const [key, value] of Object.entries(options.fields ?? {})) {
    if (key === 'components' && field === 'components' && Array.isArray(value)) {
      lines.splice(2 + options.entries.length, 0, ...value.map((entry) => `  - ${JSON.stringify(entry)}`));
    } else lines.push(`${key}: ${JSON.stringify(value)}`);
  }
  if (options.origins) lines.push('buildMetadata: [originAnnotations, transformerAnnotations]');
  return lines.join('\n') + '\n';
}

/** Whether a kustomization file's text declares a Component. */
export function isComponentText(text: string): boolean {
  return /^kind:\s*["']?Component["']?\s*$/m.test(text);
}

export interface TrackedObject {
  /** The object as a plain build renders it (the origin annotation removed, and `annotations` if it held only that). */
  object: Record<string, unknown>;
  /** The file it was read from, as kustomize wrote it (relative to the wrapper's folder); undefined when generated. */
  origin?: string;
  /** The kustomization files whose patches were applied to it, in the order applied (relative to the wrapper's folder). */
  patchedIn: string[];
}

/** The objects of an origin-tracked render, each with where it came from; or why the render cannot be read. */
export function trackedObjects(rendered: string): TrackedObject[] | { error: string } {
  const read = readRenderedDocuments(rendered);
  if (!read.ok) return { error: read.error };
  const objects: TrackedObject[] = [];
  for (const value of read.values) {
    if (!isRecord(value)) continue;
    const metadata = isRecord(value.metadata) ? value.metadata : undefined;
    const annotations = metadata && isRecord(metadata.annotations) ? metadata.annotations : undefined;
    const recorded = annotations?.[ORIGIN_ANNOTATION];
    let origin: string | undefined;
    let patchedIn: string[] = [];
    if (annotations && typeof recorded === 'string') origin = /^path: (.+)$/m.exec(recorded)?.[1]?.trim();
    if (annotations && typeof annotations[TRANSFORMATIONS_ANNOTATION] === 'string')
      patchedIn = patchingKustomizations(annotations[TRANSFORMATIONS_ANNOTATION]);
    if (annotations) {
      delete annotations[ORIGIN_ANNOTATION];
      delete annotations[TRANSFORMATIONS_ANNOTATION];
      if (Object.keys(annotations).length === 0) delete metadata!.annotations;
    }
    objects.push({ object: value, ...(origin ? { origin } : {}), patchedIn });
  }
  return objects;
}

/** The `configuredIn` kustomizations of the patch transformers a transformations annotation lists, once each, in order. */
function patchingKustomizations(annotation: string): string[] {
  const found: string[] = [];
  for (const document of parseDocuments(annotation)) {
    const entries = document.content.value;
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (!isRecord(entry) || typeof entry.configuredIn !== 'string') continue;
      const by = isRecord(entry.configuredBy) ? entry.configuredBy.kind : undefined;
      if (typeof by === 'string' && PATCH_TRANSFORMERS.has(by) && !found.includes(entry.configuredIn)) found.push(entry.configuredIn);
    }
  }
  return found;
}
