// What kustomizations say about other files, read from their kustomization.yaml files: which files are patches (judged
// as the partial objects they are), and which resources get their namespace set by kustomize (a Namespace object
// there may carry a placeholder name). The seed of the repository graph.

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

/** A `patchesStrategicMerge` entry is a file path, or an inline patch (YAML text with a newline or a colon). */
function looksLikePath(entry: string): boolean {
  return !entry.includes('\n') && !/:\s/.test(entry) && /\.(ya?ml|json)$/i.test(entry.trim());
}

/** The patch files a kustomization (or Component) names, as written (relative to its folder). */
export function patchFilePaths(kustomization: unknown): string[] {
  if (!isRecord(kustomization)) return [];
  const paths: string[] = [];
  for (const key of ['patches', 'patchesJson6902']) {
    const list = kustomization[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) if (isRecord(entry) && typeof entry.path === 'string') paths.push(entry.path);
  }
  const strategic = kustomization.patchesStrategicMerge;
  if (Array.isArray(strategic))
    for (const entry of strategic) if (typeof entry === 'string' && looksLikePath(entry)) paths.push(entry.trim());
  return paths;
}

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\/|^git@|^github\.com\//i;

function localEntries(list: unknown): string[] {
  return Array.isArray(list)
    ? list.filter((e): e is string => typeof e === 'string' && e.trim() !== '' && !REMOTE.test(e)).map((e) => e.trim())
    : [];
}

/** Reads a parsed kustomization.yaml; `resolve` turns a relative entry into a path (the host knows the file system). */
export function readKustomization(path: string, value: unknown, resolve: (entry: string) => string): KustomizationFacts {
  const record = isRecord(value) ? value : {};
  return {
    path,
    ...(typeof record.namespace === 'string' && record.namespace ? { namespace: record.namespace } : {}),
    resources: [...localEntries(record.resources), ...localEntries(record.bases)].map(resolve),
    components: localEntries(record.components).map(resolve),
    patches: patchFilePaths(record).map(resolve),
  };
}

/** What the kustomizations of a repository imply for each file. */
export class KustomizationIndex {
  private readonly byPath = new Map<string, KustomizationFacts>();
  private derived: { patches: Set<string>; namespaced: Set<string> } | undefined;

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

  private derive(): { patches: Set<string>; namespaced: Set<string> } {
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
    this.derived = { patches, namespaced };
    return this.derived;
  }
}
