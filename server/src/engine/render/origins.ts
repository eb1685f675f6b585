// Where each rendered object comes from. kustomize records it when a kustomization sets `buildMetadata:
// [originAnnotations, transformerAnnotations]`: Driftless renders through a temporary kustomization that wraps the real
// one and asks for it, then takes the annotations off again, so the objects are exactly what a plain build gives.
import { parseAllDocuments } from 'yaml';

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
export const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';
/** The transformers that apply patches: the kustomizations that configured them are where a changed value may come from. */
const PATCH_TRANSFORMERS = new Set(['PatchTransformer', 'PatchStrategicMergeTransformer', 'PatchJson6902Transformer']);

/**
 * The wrapping kustomization: the real one as its only resource (a path relative to the wrapper's folder), or as its
 * only component when it is a `kind: Component` (kustomize takes those only under `components:`).
 */
export function originWrapper(relativeTarget: string, isComponent: boolean): string {
  const field = isComponent ? 'components' : 'resources';
  return `# Written by Driftless to learn where each object comes from.\n${field}:\n  - ${JSON.stringify(relativeTarget)}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n`;
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The objects of an origin-tracked render, each with where it came from. */
export function trackedObjects(rendered: string): TrackedObject[] {
  const objects: TrackedObject[] = [];
  for (const document of parseAllDocuments(rendered)) {
    const value = document.toJS() as unknown;
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
  for (const document of parseAllDocuments(annotation)) {
    const entries = document.toJS() as unknown;
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (!isRecord(entry) || typeof entry.configuredIn !== 'string') continue;
      const by = isRecord(entry.configuredBy) ? entry.configuredBy.kind : undefined;
      if (typeof by === 'string' && PATCH_TRANSFORMERS.has(by) && !found.includes(entry.configuredIn)) found.push(entry.configuredIn);
    }
  }
  return found;
}
