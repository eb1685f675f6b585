// Where each rendered object comes from. kustomize records it when a kustomization sets `buildMetadata:
// [originAnnotations]`: Driftless renders through a temporary kustomization that wraps the real one and asks for it,
// then takes the annotations off again, so the objects are exactly what a plain build gives.
import { parseAllDocuments } from 'yaml';

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

/**
 * The wrapping kustomization: the real one as its only resource (a path relative to the wrapper's folder), or as its
 * only component when it is a `kind: Component` (kustomize takes those only under `components:`).
 */
export function originWrapper(relativeTarget: string, isComponent: boolean): string {
  const field = isComponent ? 'components' : 'resources';
  return `# Written by Driftless to learn where each object comes from.\n${field}:\n  - ${JSON.stringify(relativeTarget)}\nbuildMetadata: [originAnnotations]\n`;
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
    if (annotations && typeof recorded === 'string') {
      origin = /^path: (.+)$/m.exec(recorded)?.[1]?.trim();
      delete annotations[ORIGIN_ANNOTATION];
      if (Object.keys(annotations).length === 0) delete metadata!.annotations;
    }
    objects.push({ object: value, ...(origin ? { origin } : {}) });
  }
  return objects;
}
