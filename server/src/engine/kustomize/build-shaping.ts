// What kustomize's builds do to a base's objects before they reach the cluster — labels (selectors and pod templates
// included, where kustomize's field specs put them), namespace, name prefix and suffix, images, replicas — so that a
// file applied only through kustomize builds is judged as its builds emit it: a base that leaves its selector to the
// kustomization that includes it is correct (`kubectl kustomize` emits a valid object).
import { isRecord, type Json } from '../json';
import type { PatchEntry } from './kustomization';
import { patchApplies, withOperations } from './patch-targets';
import { applyPatches } from './strategic-merge';

/** What one kustomization (or component) transforms in the objects it builds. */
export interface KustomizeTransforms {
  /** Labels added to metadata, and where each set goes besides. */
  labels: { pairs: Record<string, string>; selectors: boolean; templates: boolean }[];
  namespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  images: { name: string; newName?: string; newTag?: string; digest?: string }[];
  replicas: { name: string; count: number }[];
  /** Its patches as it names them (files not read here)... */
  patches: readonly PatchEntry[];
  /** ... and with their documents, once the project has read them (see resolvePatches). */
  resolvedPatches?: readonly { target?: PatchEntry['target']; document: unknown }[];
}

/** The transforms of one build for one file, innermost kustomization first (the order kustomize applies them). */
export type KustomizeShape = readonly KustomizeTransforms[];

/** Reads the transforms of a kustomization's parsed contents (`patches`: its patch entries, as read elsewhere). */
export function transformsOf(record: Record<string, unknown>, patches: readonly PatchEntry[]): KustomizeTransforms {
  const labels: KustomizeTransforms['labels'] = [];
  const pairsOf = (value: unknown) =>
    isRecord(value) ? Object.fromEntries(Object.entries(value).map(([key, v]) => [key, typeof v === 'string' ? v : String(v)])) : {};
  if (isRecord(record.commonLabels)) labels.push({ pairs: pairsOf(record.commonLabels), selectors: true, templates: true });
  for (const entry of Array.isArray(record.labels) ? record.labels : []) {
    if (!isRecord(entry) || !isRecord(entry.pairs)) continue;
    const selectors = entry.includeSelectors === true;
    labels.push({ pairs: pairsOf(entry.pairs), selectors, templates: selectors || entry.includeTemplates === true });
  }
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  const images: KustomizeTransforms['images'] = [];
  for (const entry of Array.isArray(record.images) ? record.images : []) {
    if (!isRecord(entry) || typeof entry.name !== 'string') continue;
    const image: KustomizeTransforms['images'][number] = { name: entry.name };
    for (const key of ['newName', 'newTag', 'digest'] as const)
      if (typeof entry[key] === 'string' || typeof entry[key] === 'number') image[key] = String(entry[key]);
    images.push(image);
  }
  const replicas: KustomizeTransforms['replicas'] = [];
  for (const entry of Array.isArray(record.replicas) ? record.replicas : [])
    if (isRecord(entry) && typeof entry.name === 'string' && typeof entry.count === 'number')
      replicas.push({ name: entry.name, count: entry.count });
  const namespace = text(record.namespace);
  const namePrefix = text(record.namePrefix);
  const nameSuffix = text(record.nameSuffix);
  return {
    labels,
    images,
    replicas,
    patches,
    ...(namespace ? { namespace } : {}),
    ...(namePrefix ? { namePrefix } : {}),
    ...(nameSuffix ? { nameSuffix } : {}),
  };
}

/** Whether transforms change anything a document's own checks judge. */
export function transformsAnything(transforms: KustomizeTransforms): boolean {
  return (
    transforms.labels.length > 0 ||
    transforms.images.length > 0 ||
    transforms.replicas.length > 0 ||
    transforms.patches.length > 0 ||
    transforms.namespace !== undefined ||
    transforms.namePrefix !== undefined ||
    transforms.nameSuffix !== undefined
  );
}

type FieldPath = readonly string[];

/** Where kustomize puts selector labels (its commonLabels field specs), and whether it creates the field. */
const SELECTOR_FIELDS: Record<string, { path: FieldPath; create: boolean }[]> = {
  Service: [{ path: ['spec', 'selector'], create: true }],
  ReplicationController: [{ path: ['spec', 'selector'], create: true }],
  Deployment: [{ path: ['spec', 'selector', 'matchLabels'], create: true }],
  ReplicaSet: [{ path: ['spec', 'selector', 'matchLabels'], create: true }],
  DaemonSet: [{ path: ['spec', 'selector', 'matchLabels'], create: true }],
  StatefulSet: [{ path: ['spec', 'selector', 'matchLabels'], create: true }],
  Job: [{ path: ['spec', 'selector', 'matchLabels'], create: false }],
  CronJob: [{ path: ['spec', 'jobTemplate', 'spec', 'selector', 'matchLabels'], create: false }],
  PodDisruptionBudget: [{ path: ['spec', 'selector', 'matchLabels'], create: false }],
  NetworkPolicy: [{ path: ['spec', 'podSelector', 'matchLabels'], create: false }],
};

/** Where kustomize puts pod template labels (created). */
const TEMPLATE_FIELDS: Record<string, FieldPath[]> = {
  ReplicationController: [['spec', 'template', 'metadata', 'labels']],
  Deployment: [['spec', 'template', 'metadata', 'labels']],
  ReplicaSet: [['spec', 'template', 'metadata', 'labels']],
  DaemonSet: [['spec', 'template', 'metadata', 'labels']],
  StatefulSet: [['spec', 'template', 'metadata', 'labels']],
  Job: [['spec', 'template', 'metadata', 'labels']],
  CronJob: [
    ['spec', 'jobTemplate', 'metadata', 'labels'],
    ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels'],
  ],
};

/** The pod specs whose containers' images kustomize's `images` rewrites. */
const POD_SPECS: Record<string, FieldPath> = {
  Pod: ['spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

const REPLICATED = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);

/** A deep copy, so the parse (cached, shared) is never changed; parsed YAML values are JSON's. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The record at `path` under `root`; created (as kustomize does for `create` field specs) or undefined. */
function recordAt(root: Json, path: FieldPath, create: boolean): Json | undefined {
  let current: Json = root;
  for (const key of path) {
    const next = current[key];
    if (isRecord(next)) current = next;
    else if (next === undefined || next === null) {
      if (!create) return undefined;
      const made: Json = {};
      current[key] = made;
      current = made;
    } else return undefined;
  }
  return current;
}

function addLabels(target: Json | undefined, pairs: Record<string, string>): void {
  if (target) Object.assign(target, pairs);
}

/** `name[:tag][@digest]` split as kustomize's image transformer reads it. */
function splitImage(image: string): { name: string; tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const rest = at === -1 ? image : image.slice(0, at);
  const colon = rest.lastIndexOf(':');
  const tag = colon > rest.lastIndexOf('/') ? rest.slice(colon + 1) : undefined;
  const name = tag === undefined ? rest : rest.slice(0, colon);
  return { name, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

function rewriteImage(image: string, overrides: KustomizeTransforms['images']): string {
  const parts = splitImage(image);
  const override = overrides.find((o) => o.name === parts.name);
  if (!override) return image;
  const name = override.newName ?? parts.name;
  if (override.digest) return `${name}@${override.digest}`;
  const tag = override.newTag ?? parts.tag;
  return `${name}${tag !== undefined ? `:${tag}` : ''}${parts.digest && !override.newTag ? `@${parts.digest}` : ''}`;
}

/** The shape with each kustomization's patch documents: inline ones as written, files as `read` gives them. */
export function resolvePatches(shape: KustomizeShape, read: (file: string) => readonly unknown[]): KustomizeShape {
  return shape.map((transforms) =>
    transforms.patches.length
      ? {
          ...transforms,
          resolvedPatches: transforms.patches.flatMap((entry) =>
            (entry.file !== undefined ? read(entry.file) : [entry.inline]).map((document) => ({
              ...(entry.target ? { target: entry.target } : {}),
              document,
            })),
          ),
        }
      : transforms,
  );
}

/** A kustomization's patches over one object (first, as kustomize runs them), matched by its kind and current name. */
function patched(object: Json, transforms: KustomizeTransforms): Json {
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  let value = object;
  for (const { target, document } of transforms.resolvedPatches ?? []) {
    if (!patchApplies(target ? { target } : {}, document, { kind, name })) continue;
    value = Array.isArray(document) ? (withOperations(value, document) as Json) : applyPatches(value, [document]).value;
  }
  return value;
}

function applyTransforms(original: Json, transforms: KustomizeTransforms, withPatches: boolean): Json {
  const object = withPatches && transforms.resolvedPatches?.length ? copy(patched(original, transforms)) : original;
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const metadata = recordAt(object, ['metadata'], true)!;
  const originalName = typeof metadata.name === 'string' ? metadata.name : undefined;
  for (const { pairs, selectors, templates } of transforms.labels) {
    addLabels(recordAt(metadata, ['labels'], true), pairs);
    if (selectors) for (const field of SELECTOR_FIELDS[kind] ?? []) addLabels(recordAt(object, field.path, field.create), pairs);
    if (templates) for (const path of TEMPLATE_FIELDS[kind] ?? []) addLabels(recordAt(object, path, true), pairs);
  }
  // Only a namespace written is replaced: kustomize leaves cluster-scoped objects alone, and no check needs one added.
  if (transforms.namespace !== undefined && kind !== 'Namespace' && metadata.namespace !== undefined)
    metadata.namespace = transforms.namespace;
  if (transforms.images.length) {
    const podSpec = POD_SPECS[kind] ? recordAt(object, POD_SPECS[kind], false) : undefined;
    for (const list of ['containers', 'initContainers'])
      for (const container of Array.isArray(podSpec?.[list]) ? (podSpec[list] as unknown[]) : [])
        if (isRecord(container) && typeof container.image === 'string') container.image = rewriteImage(container.image, transforms.images);
  }
  if (REPLICATED.has(kind) && originalName !== undefined) {
    const replicas = transforms.replicas.find((r) => r.name === originalName);
    if (replicas) recordAt(object, ['spec'], true)!.replicas = replicas.count;
  }
  if (
    originalName !== undefined &&
    (transforms.namePrefix || transforms.nameSuffix) &&
    kind !== 'Namespace' &&
    kind !== 'CustomResourceDefinition'
  )
    metadata.name = `${transforms.namePrefix ?? ''}${originalName}${transforms.nameSuffix ?? ''}`;
  return object;
}

/**
 * The object as one build emits it (a copy; `value` itself is left as it is); a List's items each shaped. Without
 * `patches`, the build's transformers only (what its patches write is the patches' to answer for).
 */
export function shapedByBuild(value: Json, shape: KustomizeShape, patches = true): Json {
  const shaped = copy(value);
  const isList = typeof shaped.kind === 'string' && shaped.kind.endsWith('List') && Array.isArray(shaped.items);
  const objects: unknown[] = isList ? (shaped.items as unknown[]) : [shaped];
  for (let i = 0; i < objects.length; i++) {
    const item = objects[i];
    if (!isRecord(item)) continue;
    let object: Json = item;
    for (const transforms of shape) object = applyTransforms(object, transforms, patches);
    objects[i] = object;
  }
  return isList ? shaped : (objects[0] as Json);
}

/** The value at `path` in `value`, or undefined. */
export function valueAtPath(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (Array.isArray(current) && typeof key === 'number') current = current[key];
    else if (isRecord(current) && typeof key === 'string') current = current[key];
    else return undefined;
  }
  return current;
}
