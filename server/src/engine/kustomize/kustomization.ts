// What kustomizations say about other files, read from their kustomization.yaml files: which files are patches (judged
// as the partial objects they are), and which resources get their namespace set by kustomize (a Namespace object
// there may carry a placeholder name). The seed of the repository graph.
import type { ImageOverride } from '../policies/policy-context';
import { parseDocuments } from '../yaml/parse-documents';
import {
  isRemoteEntry,
  isResourceField,
  kustomizationReferences,
  type KustomizationReference,
  type ReferenceField,
} from './kustomization-references';
import { isRecord } from '../json';
import { transformsAnything, transformsOf, type KustomizeShape, type KustomizeTransforms } from './build-shaping';

export interface KustomizationFacts {
  /** Where the kustomization file is. */
  path: string;
  namespace?: string;
  /** `resources:` entries, resolved: files or folders (bases). Remote URLs are left out. */
  resources: string[];
  /** `components:` folders, resolved. */
  components: string[];
  /** Patch files named under `patches`, `patchesStrategicMerge` and `patchesJson6902`, resolved. */
  patches: string[];
  /** The other files it reads (generator inputs, `crds`, `configurations`, `openapi`, `replacements`), resolved. */
  reads: string[];
  /** ConfigMaps and Secrets its generators make (their names before kustomize adds the hash suffix). */
  generated: { kind: 'ConfigMap' | 'Secret'; name: string; namespace?: string }[];
  /** It takes in what cannot be seen offline: remote bases or resources, or Helm charts (`helmCharts`). */
  appliesUnseen: boolean;
  /** `kind: Component`: only ever built as part of another kustomization. */
  isComponent: boolean;
  /** Label keys it adds to what it builds (`commonLabels`, `labels`), selectors and pod templates included. */
  addedLabelKeys: string[];
  /** Its `images:` overrides. */
  images: ImageOverride[];
  /** Its patches: files (resolved) or inline patches (parsed), with the `target` they select by. */
  patchEntries: PatchEntry[];
  /** What its transformers do to the objects it builds (labels, namespace, names, images, replicas). */
  transforms: KustomizeTransforms;
}

/** A patch of a kustomization (strategic merge or JSON 6902): a file, or the parsed text of an inline `patch:`. */
export interface PatchEntry {
  file?: string;
  inline?: unknown;
  /** `target.kind` and `target.name` (a regular expression, as kustomize reads it), when the patch gives one. */
  target?: { kind?: string; name?: string };
}

/** The label keys `commonLabels` and `labels` add (to selectors and templates too, or only to metadata). */
function addedLabelKeysOf(record: Record<string, unknown>): string[] {
  const keys = isRecord(record.commonLabels) ? Object.keys(record.commonLabels) : [];
  for (const entry of Array.isArray(record.labels) ? record.labels : [])
    if (isRecord(entry) && isRecord(entry.pairs)) keys.push(...Object.keys(entry.pairs));
  return keys;
}

function imagesOf(record: Record<string, unknown>): ImageOverride[] {
  const images: ImageOverride[] = [];
  for (const entry of Array.isArray(record.images) ? record.images : []) {
    if (!isRecord(entry) || typeof entry.name !== 'string') continue;
    const override: ImageOverride = { name: entry.name };
    for (const key of ['newName', 'newTag', 'digest'] as const)
      if (typeof entry[key] === 'string' || typeof entry[key] === 'number') override[key] = String(entry[key]);
    images.push(override);
  }
  return images;
}

/** An inline patch as kustomize reads it: YAML (or JSON) text, a strategic merge patch or a JSON 6902 list of operations. */
function inlinePatch(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  const value = parseDocuments(text)[0]?.content.value;
  return isRecord(value) || Array.isArray(value) ? value : undefined;
}

function targetOf(entry: Record<string, unknown>): PatchEntry['target'] {
  if (!isRecord(entry.target)) return undefined;
  return {
    ...(typeof entry.target.kind === 'string' ? { kind: entry.target.kind } : {}),
    ...(typeof entry.target.name === 'string' ? { name: entry.target.name } : {}),
  };
}

function patchEntriesOf(record: Record<string, unknown>, resolve: (entry: string) => string): PatchEntry[] {
  const entries: PatchEntry[] = [];
  for (const entry of Array.isArray(record.patches) ? record.patches : []) {
    if (!isRecord(entry)) continue;
    const target = targetOf(entry);
    const inline = inlinePatch(entry.patch);
    if (typeof entry.path === 'string') entries.push({ file: resolve(entry.path), ...(target ? { target } : {}) });
    else if (inline !== undefined) entries.push({ inline, ...(target ? { target } : {}) });
  }
  for (const entry of Array.isArray(record.patchesStrategicMerge) ? record.patchesStrategicMerge : []) {
    if (typeof entry !== 'string') continue;
    const inline = /\n|^\s*\{/.test(entry) ? inlinePatch(entry) : undefined;
    entries.push(inline !== undefined ? { inline } : { file: resolve(entry) });
  }
  // The older form of JSON 6902 patches: a file of operations and the target they apply to.
  for (const entry of Array.isArray(record.patchesJson6902) ? record.patchesJson6902 : []) {
    const target = isRecord(entry) ? targetOf(entry) : undefined;
    if (!isRecord(entry) || !target) continue;
    const inline = inlinePatch(entry.patch);
    if (typeof entry.path === 'string') entries.push({ file: resolve(entry.path), target });
    else if (inline !== undefined) entries.push({ inline, target });
  }
  return entries;
}

/** Reads a parsed kustomization.yaml; `resolve` turns a relative entry into a path (the host knows the file system). */
export function readKustomization(
  path: string,
  value: unknown,
  resolve: (entry: string) => string,
  /** Whether a path exists: an entry that does not is remote to kustomize (or missing, which another check reports). */
  exists: (path: string) => boolean,
): KustomizationFacts {
  const all = kustomizationReferences(value);
  const isLocal = (r: KustomizationReference) => !isRemoteEntry(r.entry) || exists(resolve(r.entry));
  const references = all.filter(isLocal);
  const record = isRecord(value) ? value : {};
  const generated: KustomizationFacts['generated'] = [];
  for (const [key, kind] of [
    ['configMapGenerator', 'ConfigMap'],
    ['secretGenerator', 'Secret'],
  ] as const) {
    const list = record[key];
    if (!Array.isArray(list)) continue;
    // A `merge` or `replace` generator changes one its bases make; it makes none.
    for (const generator of list)
      if (
        isRecord(generator) &&
        typeof generator.name === 'string' &&
        generator.name &&
        !['merge', 'replace'].includes(String(generator.behavior))
      )
        generated.push({
          kind,
          name: generator.name,
          ...(typeof generator.namespace === 'string' ? { namespace: generator.namespace } : {}),
        });
  }
  const hasHelmCharts = Array.isArray(record.helmCharts) && record.helmCharts.length > 0;
  const hasRemote = all.some((r) => (isResourceField(r.field) || r.field === 'components') && !isLocal(r));
  const entries = (accept: (field: ReferenceField) => boolean) => references.filter((r) => accept(r.field)).map((r) => resolve(r.entry));
  const namespace = record.namespace;
  const patchEntries = patchEntriesOf(record, resolve);
  return {
    path,
    ...(typeof namespace === 'string' && namespace ? { namespace } : {}),
    resources: entries(isResourceField),
    components: entries((field) => field === 'components'),
    patches: entries((field) => field === 'patches'),
    reads: entries((field) => !isResourceField(field) && field !== 'components' && field !== 'patches'),
    generated,
    appliesUnseen: hasHelmCharts || hasRemote,
    isComponent: record.kind === 'Component',
    addedLabelKeys: addedLabelKeysOf(record),
    images: imagesOf(record),
    patchEntries,
    transforms: transformsOf(record, patchEntries),
  };
}

/** What one `kustomize build` of a kustomization nothing else includes puts together. */
export interface KustomizeBuild {
  /** The kustomization file at its root. */
  root: string;
  /** Each manifest file it reads, with the namespace kustomize gives its resources (the outermost `namespace:`). */
  files: Map<string, string | undefined>;
  /** What its generators make, with the namespace kustomize gives them and the kustomization whose generator it is. */
  generated: { kind: 'ConfigMap' | 'Secret'; name: string; namespace?: string; source: string }[];
  /**
   * The namespaces where parts of it apply objects nobody can see offline (remote bases, Helm charts); undefined: a
   * part without a namespace. Empty: everything it applies is in the repository.
   */
  unseenIn: (string | undefined)[];
  /** Label keys its kustomizations add on the way: a selector's or a pod's value for them is not known here. */
  addedLabelKeys: Set<string>;
  /** The `images:` overrides of its kustomizations. */
  images: ImageOverride[];
  /** The strategic-merge patches of its kustomizations. */
  patchEntries: PatchEntry[];
  /** Per manifest file, the transforms this build applies to its objects, innermost first (none: it changes nothing). */
  shapes: Map<string, KustomizeShape>;
}

interface Derived {
  byFolder: Map<string, KustomizationFacts>;
  patches: Set<string>;
  namespaced: Set<string>;
  builds: KustomizeBuild[];
  buildsOfFile: Map<string, KustomizeBuild[]>;
}

/** What the kustomizations of a repository imply for each file. */
export class KustomizationIndex {
  private readonly byPath = new Map<string, KustomizationFacts>();
  private derived: Derived | undefined;
  private changes = 0;

  constructor(
    /** The folder a kustomization file sits in. */
    private readonly folderOf: (path: string) => string,
  ) {}

  /** Replaces what one kustomization file says (undefined: it is gone); true when that changed anything. */
  set(path: string, facts: KustomizationFacts | undefined): boolean {
    const before = this.byPath.get(path);
    if (JSON.stringify(before) === JSON.stringify(facts)) return false;
    if (facts) this.byPath.set(path, facts);
    else this.byPath.delete(path);
    this.derived = undefined;
    this.changes++;
    return true;
  }

  /** Counts changes, so that what is derived from the index knows when to recompute. */
  get generation(): number {
    return this.changes;
  }

  paths(): string[] {
    return [...this.byPath.keys()];
  }

  /** What the kustomization file at `path` says, when the index knows it. */
  factsOf(path: string): KustomizationFacts | undefined {
    return this.byPath.get(path);
  }

  isPatch(file: string): boolean {
    return this.derive().patches.has(file);
  }

  /** Whether a kustomization that sets `namespace:` takes this file in, directly or through bases and components. */
  hasNamespaceSet(file: string): boolean {
    return this.derive().namespaced.has(file);
  }

  /** Whether a folder holds a kustomization this index knows. */
  hasKustomization(folder: string): boolean {
    return this.derive().byFolder.has(folder);
  }

  /**
   * The folders through which `folder`, an entry of the kustomization at `path`, leads back to that kustomization's
   * own folder (kustomize stops there: "cycle detected"), or undefined.
   */
  cycleThrough(path: string, folder: string): string[] | undefined {
    const home = this.folderOf(path);
    const { byFolder } = this.derive();
    const seen = new Set<string>();
    const walk = (current: string, chain: string[]): string[] | undefined => {
      if (current === home) return chain;
      const facts = byFolder.get(current);
      if (!facts || seen.has(current)) return undefined;
      seen.add(current);
      for (const next of [...facts.resources, ...facts.components]) {
        const found = walk(next, [...chain, next]);
        if (found) return found;
      }
      return undefined;
    };
    return walk(folder, [folder]);
  }

  private derive(): Derived {
    if (this.derived) return this.derived;
    const byFolder = new Map<string, KustomizationFacts>();
    for (const facts of this.byPath.values()) byFolder.set(this.folderOf(facts.path), facts);
    const patches = new Set<string>();
    for (const facts of this.byPath.values()) for (const patch of facts.patches) patches.add(patch);
    const namespaced = new Set<string>();
    const visited = new Set<KustomizationFacts>();
    // The namespace of a kustomization applies to its resources, the bases it builds on, and its components.
    const mark = (facts: KustomizationFacts) => {
      if (visited.has(facts)) return;
      visited.add(facts);
      for (const entry of facts.resources) {
        const base = byFolder.get(entry);
        if (base) mark(base);
        else namespaced.add(entry);
      }
      for (const folder of facts.components) {
        const component = byFolder.get(folder);
        if (component) mark(component);
      }
    };
    for (const facts of this.byPath.values()) if (facts.namespace) mark(facts);
    const builds = this.buildsFrom(byFolder);
    const buildsOfFile = new Map<string, KustomizeBuild[]>();
    for (const build of builds)
      for (const file of build.files.keys()) {
        const list = buildsOfFile.get(file);
        if (list) list.push(build);
        else buildsOfFile.set(file, [build]);
      }
    this.derived = { byFolder, patches, namespaced, builds, buildsOfFile };
    return this.derived;
  }

  /** The builds that read this file (none: nothing wires it, or only kustomizations in a cycle do). */
  buildsOf(file: string): readonly KustomizeBuild[] {
    return this.derive().buildsOfFile.get(file) ?? [];
  }

  builds(): readonly KustomizeBuild[] {
    return this.derive().builds;
  }

  /**
   * One build per kustomization no other includes (Components are built only inside others); the outer `namespace:`
   * wins, as kustomize applies it last.
   */
  private buildsFrom(byFolder: Map<string, KustomizationFacts>): KustomizeBuild[] {
    const included = new Set<string>();
    for (const facts of this.byPath.values()) for (const entry of [...facts.resources, ...facts.components]) included.add(entry);
    const builds: KustomizeBuild[] = [];
    for (const root of this.byPath.values()) {
      if (root.isComponent || included.has(this.folderOf(root.path))) continue;
      const build: KustomizeBuild = {
        root: root.path,
        files: new Map(),
        generated: [],
        unseenIn: [],
        addedLabelKeys: new Set(),
        images: [],
        patchEntries: [],
        shapes: new Map(),
      };
      const visited = new Set<KustomizationFacts>();
      /** `after`: the transforms of the kustomizations around this one, innermost first (kustomize's order). */
      const walk = (facts: KustomizationFacts, outer: string | undefined, after: KustomizeTransforms[]) => {
        if (visited.has(facts)) return;
        visited.add(facts);
        const namespace = outer ?? facts.namespace;
        // A kustomization's components transform what it has gathered, then its own transformers run.
        const components = facts.components.flatMap((folder) => {
          const component = byFolder.get(folder);
          return component ? [component.transforms] : [];
        });
        const shape = [...components, facts.transforms, ...after].filter(transformsAnything);
        if (facts.appliesUnseen) build.unseenIn.push(namespace);
        for (const key of facts.addedLabelKeys) build.addedLabelKeys.add(key);
        build.images.push(...facts.images);
        build.patchEntries.push(...facts.patchEntries);
        for (const generated of facts.generated) {
          const generatedNamespace = namespace ?? generated.namespace;
          build.generated.push({
            kind: generated.kind,
            name: generated.name,
            ...(generatedNamespace ? { namespace: generatedNamespace } : {}),
            source: facts.path,
          });
        }
        for (const entry of facts.resources) {
          const base = byFolder.get(entry);
          if (base) walk(base, namespace, [...components, facts.transforms, ...after]);
          else if (!build.files.has(entry)) {
            build.files.set(entry, namespace);
            if (shape.length) build.shapes.set(entry, shape);
          }
        }
        for (const folder of facts.components) {
          const component = byFolder.get(folder);
          if (component) walk(component, namespace, [facts.transforms, ...after]);
        }
      };
      walk(root, undefined, []);
      builds.push(build);
    }
    return builds;
  }
}
