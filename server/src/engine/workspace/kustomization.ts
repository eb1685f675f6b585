// What kustomizations say about other files, read from their kustomization.yaml files: which files are patches (judged
// as the partial objects they are), and which resources get their namespace set by kustomize (a Namespace object
// there may carry a placeholder name). The seed of the repository graph.
import { isRemoteEntry, isResourceField, kustomizationReferences, type ReferenceField } from './kustomization-references';

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
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a parsed kustomization.yaml; `resolve` turns a relative entry into a path (the host knows the file system). */
export function readKustomization(path: string, value: unknown, resolve: (entry: string) => string): KustomizationFacts {
  const references = kustomizationReferences(value).filter((r) => !isRemoteEntry(r.entry));
  const entries = (accept: (field: ReferenceField) => boolean) => references.filter((r) => accept(r.field)).map((r) => resolve(r.entry));
  const namespace = isRecord(value) ? value.namespace : undefined;
  return {
    path,
    ...(typeof namespace === 'string' && namespace ? { namespace } : {}),
    resources: entries(isResourceField),
    components: entries((field) => field === 'components'),
    patches: entries((field) => field === 'patches'),
  };
}

interface Derived {
  byFolder: Map<string, KustomizationFacts>;
  patches: Set<string>;
  namespaced: Set<string>;
}

/** What the kustomizations of a repository imply for each file. */
export class KustomizationIndex {
  private readonly byPath = new Map<string, KustomizationFacts>();
  private derived: Derived | undefined;

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
    return true;
  }

  paths(): string[] {
    return [...this.byPath.keys()];
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
    this.derived = { byFolder, patches, namespaced };
    return this.derived;
  }
}
