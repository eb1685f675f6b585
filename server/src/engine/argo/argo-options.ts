// What an Argo CD Application's source options add to a render. Kustomize options (`spec.source.kustomize`) are what
// Argo CD sets with `kustomize edit` before it builds: here they become the fields of a kustomization that wraps the
// Application's folder. Helm options (`spec.source.helm`) become `helm template` arguments.
import { isRecord, trimmedText, type Json } from '../json';

/** An `images:` entry of a kustomization. */
export interface ImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/**
 * An Argo CD image override as `kustomize edit set image` reads it: `[<name>=]<newName>[:<tag>][@<digest>]`; without
 * `name=`, the name is the image itself.
 */
export function imageEntry(override: string): ImageEntry | undefined {
  const [left, right] = override.includes('=') ? override.split('=', 2) : [undefined, override];
  if (!right) return undefined;
  let rest = right;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  // A tag is after the last colon that comes after the last slash (a registry may have a port).
  const colon = rest.lastIndexOf(':');
  const tag = colon > rest.lastIndexOf('/') ? rest.slice(colon + 1) : undefined;
  const image = tag !== undefined ? rest.slice(0, colon) : rest;
  const name = left ?? image;
  return {
    name,
    ...(left !== undefined && image !== name ? { newName: image } : {}),
    ...(tag ? { newTag: tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

/**
 * The kustomization fields Argo CD's kustomize options amount to, for a kustomization that wraps the Application's
 * folder (`resolve`: a path of the options, relative to that folder, made absolute). Undefined when it sets none.
 */
export function argoKustomizeFields(options: unknown, resolve: (path: string) => string): Json | undefined {
  if (!isRecord(options)) return undefined;
  const fields: Json = {};
  for (const key of ['namePrefix', 'nameSuffix', 'namespace'] as const)
    if (trimmedText(options[key])) fields[key] = trimmedText(options[key]);
  for (const key of ['commonLabels', 'commonAnnotations'] as const) if (isRecord(options[key])) fields[key] = options[key];
  const images = (Array.isArray(options.images) ? options.images : []).flatMap((image) => {
    const entry = typeof image === 'string' ? imageEntry(image) : undefined;
    return entry ? [entry] : [];
  });
  if (images.length) fields.images = images;
  const replicas = (Array.isArray(options.replicas) ? options.replicas : []).filter(
    (r): r is Json => isRecord(r) && typeof r.name === 'string' && (typeof r.count === 'number' || typeof r.count === 'string'),
  );
  if (replicas.length) fields.replicas = replicas.map((r) => ({ name: r.name, count: Number(r.count) }));
  const patches = (Array.isArray(options.patches) ? options.patches : []).filter(isRecord).map((patch) => {
    const path = trimmedText(patch.path);
    return path ? { ...patch, path: resolve(path) } : patch;
  });
  if (patches.length) fields.patches = patches;
  const components = (Array.isArray(options.components) ? options.components : []).flatMap((c) =>
    trimmedText(c) ? [resolve(trimmedText(c)!)] : [],
  );
  if (components.length) fields.components = components;
  return Object.keys(fields).length ? fields : undefined;
}

/** A `--set`, `--set-string` or `--set-file` of `helm template`. */
export interface HelmSet {
  name: string;
  value: string;
  as: 'value' | 'string' | 'file';
}

/** Argo CD's Helm `parameters` and `fileParameters` (`resolve`: a file path, relative to the chart, made absolute). */
export function argoHelmSets(options: unknown, resolve: (path: string) => string): HelmSet[] {
  if (!isRecord(options)) return [];
  const sets: HelmSet[] = [];
  for (const parameter of Array.isArray(options.parameters) ? options.parameters : []) {
    const value = parameter && isRecord(parameter) ? parameter.value : undefined;
    if (!isRecord(parameter) || !trimmedText(parameter.name) || !['string', 'number', 'boolean'].includes(typeof value)) continue;
    sets.push({
      name: trimmedText(parameter.name)!,
      value: String(value),
      as: parameter.forceString === true ? 'string' : 'value',
    });
  }
  for (const parameter of Array.isArray(options.fileParameters) ? options.fileParameters : []) {
    if (!isRecord(parameter) || !trimmedText(parameter.name) || !trimmedText(parameter.path)) continue;
    sets.push({ name: trimmedText(parameter.name)!, value: resolve(trimmedText(parameter.path)!), as: 'file' });
  }
  return sets;
}
