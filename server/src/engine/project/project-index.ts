// What a project knows of its files, kept current file by file: the CRDs they define, what kustomizations say about
// other files, every resource declared (with the scopes references resolve in), and the values of patch files the
// policies read. An edit replaces one file's entries; checks across files read these, never the repository again.
import { baseName, classifyFile, hasTemplatesFolder, isKustomizationFile, type FileFacts } from '../classify/file-kind';
import { KustomizationIndex, readKustomization, type KustomizationFacts } from '../kustomize/kustomization';
import { crdFromManifest, CrdRegistry, type CrdDefinition } from '../schema/crds';
import { readsDeliveredPaths } from '../workspace/delivered-paths';
import { ReferenceScopes } from '../workspace/reference-scopes';
import { ResourceIndex, resourcesOfDocuments } from '../workspace/resource-index';
import { parseDocuments, type ParsedDocument } from '../yaml/parse-documents';
import type { ProjectFiles } from './project-files';

type Parse = (text: string) => readonly ParsedDocument[];

export class ProjectIndex {
  readonly crds = new CrdRegistry();
  readonly kustomizations: KustomizationIndex;
  /** Every resource the project's files declare. */
  readonly resources = new ResourceIndex();
  readonly referenceScopes: ReferenceScopes;
  /**
   * Whether every file has been read into the indexes once. Until then a name may be missing only because its file
   * was not read yet: checks across files wait, rather than report and then take back.
   */
  complete = false;
  /** Parses made by a scan that keeps them, each used once by the file's validation. */
  private readonly keptParses = new Map<string, { text: string; documents: readonly ParsedDocument[] }>();
  /** The values of patch files, as policies judge what they patch; read when first asked, kept current by indexFile. */
  private readonly patchValues = new Map<string, readonly unknown[]>();
  private readonly chartRoots = new Map<string, boolean>();

  constructor(private readonly files: ProjectFiles) {
    this.kustomizations = new KustomizationIndex((path) => files.dirname(path));
    this.referenceScopes = new ReferenceScopes(this.resources, this.kustomizations);
  }

  /**
   * Reads `paths` (see indexFile), replacing what was known. `keepParses` (the CLI, which validates every file next)
   * keeps each file's parse for its validation, so no file is parsed twice.
   */
  scan(paths: readonly string[], options: { keepParses?: boolean } = {}): void {
    this.forgetFilesOtherThan(paths);
    for (const file of paths) {
      const text = this.files.readText(file);
      if (!text.ok) continue;
      const documents = parseDocuments(text.text);
      this.indexFile(file, text.text, documents);
      if (options.keepParses) this.keptParses.set(file, { text: text.text, documents });
    }
    this.complete = true;
  }

  /** The parse a scan kept of the file, handed out once (the file's validation takes it). */
  takeKeptParse(path: string): { text: string; documents: readonly ParsedDocument[] } | undefined {
    const kept = this.keptParses.get(path);
    if (kept) this.keptParses.delete(path);
    return kept;
  }

  /** The text a scan with `keepParses` read from the file, until the file is validated. */
  keptText(path: string): string | undefined {
    return this.keptParses.get(path)?.text;
  }

  /**
   * Drops what files no longer indexed had told the project, but for those `keep` names (open in the editor, maybe
   * never saved); true when that changed anything.
   */
  forgetFilesOtherThan(files: readonly string[], keep: (path: string) => boolean = () => false): boolean {
    const current = new Set(files);
    const gone = (source: string) => !current.has(source) && !keep(source);
    let changed = false;
    for (const source of this.crds.sources()) if (gone(source)) changed = this.crds.removeSource(source) || changed;
    for (const source of this.kustomizations.paths()) if (gone(source)) changed = this.kustomizations.set(source, undefined) || changed;
    for (const source of this.resources.files()) if (gone(source)) changed = this.resources.setFile(source, undefined) || changed;
    return changed;
  }

  /**
   * Takes what a file tells the project now (`undefined`: it is gone): the CRDs it defines, what it says about other
   * files if it is a kustomization, the resources it declares. True when anything other files' validation reads
   * changed, so open documents must be validated again. `delivererChanged` is told when the file held (or now holds)
   * a Flux or Argo CD object, whose paths are read from its file.
   */
  indexFile(path: string, text: string | undefined, parsed?: readonly ParsedDocument[], delivererChanged?: () => void): boolean {
    let documents = parsed;
    const parse = (content: string) => (documents ??= parseDocuments(content));
    const delivered = this.deliversPaths(path);
    const crdsChanged = this.updateCrds(path, text, parse);
    const kustomizationChanged = isKustomizationFile(path) && this.updateKustomization(path, text, parse);
    const resourcesChanged = this.updateResources(path, text, parse);
    if (delivered || this.deliversPaths(path)) delivererChanged?.();
    return crdsChanged || kustomizationChanged || resourcesChanged || this.updatePatch(path, text, parse);
  }

  /** Whether the file declares a Flux or Argo CD object that reads paths of the repository. */
  deliversPaths(path: string): boolean {
    return this.resources.resourcesOf(path).some((r) => readsDeliveredPaths(r.apiVersion, r.kind));
  }

  /** The documents' values of a patch file, as the policies judge what it patches (read once, then kept current). */
  patchDocuments(file: string): readonly unknown[] {
    let values = this.patchValues.get(file);
    if (!values) {
      const text = this.files.readText(file);
      values = text.ok ? parseDocuments(text.text).map((d) => d.content.value) : [];
      this.patchValues.set(file, values);
    }
    return values;
  }

  /** What classification and validation need to know of a file beyond its text. */
  facts(path: string): FileFacts {
    return {
      path,
      inHelmChartTemplates: this.inHelmChartTemplates(path),
      kustomizePatch: this.kustomizations.isPatch(path),
      namespaceSetByKustomize: this.kustomizations.hasNamespaceSet(path),
    };
  }

  /** The kustomization files that name `path` as a resource, patch or component. */
  kustomizationsNaming(path: string): string[] {
    return this.kustomizations.paths().filter((file) => {
      const facts: KustomizationFacts | undefined = this.kustomizations.factsOf(file);
      return !!facts && [...facts.resources, ...facts.patches, ...facts.components].includes(path);
    });
  }

  /** A patch's values, once read, follow its edits: what it patches is judged again (true) when they change. */
  private updatePatch(path: string, text: string | undefined, parse: Parse): boolean {
    const before = this.patchValues.get(path);
    if (!before) return false;
    const values = text === undefined ? [] : parse(text).map((d) => d.content.value);
    this.patchValues.set(path, values);
    return JSON.stringify(values) !== JSON.stringify(before);
  }

  private updateCrds(path: string, text: string | undefined, parse: Parse): boolean {
    if (text === undefined || !text.includes('CustomResourceDefinition')) return this.crds.removeSource(path);
    const crds: CrdDefinition[] = [];
    for (const document of parse(text)) {
      const crd = crdFromManifest(document.content.value);
      if (crd) crds.push(crd);
    }
    return this.crds.setSource(path, crds);
  }

  /** The resources of files that hold manifests (not kustomization.yaml, Chart.yaml, templates or the config). */
  private updateResources(path: string, text: string | undefined, parse: Parse): boolean {
    if (text === undefined || classifyFile({ path, inHelmChartTemplates: this.inHelmChartTemplates(path) }) !== 'manifests')
      return this.resources.setFile(path, undefined);
    return this.resources.setFile(path, resourcesOfDocuments(path, parse(text)));
  }

  private updateKustomization(path: string, text: string | undefined, parse: Parse): boolean {
    if (text === undefined) return this.kustomizations.set(path, undefined);
    const value = parse(text)[0]?.content.value;
    const folder = this.files.dirname(path);
    return this.kustomizations.set(
      path,
      readKustomization(
        path,
        value,
        (entry) => this.files.resolve(folder, entry),
        (entry) => this.files.kindOf(entry) !== undefined,
      ),
    );
  }

  /** Whether a Chart.yaml sits next to the nearest `templates` folder above the file. */
  private inHelmChartTemplates(path: string): boolean {
    if (!hasTemplatesFolder(path)) return false;
    let dir = this.files.dirname(path);
    while (dir !== this.files.dirname(dir) && baseName(dir) !== 'templates') dir = this.files.dirname(dir);
    const chartRoot = this.files.dirname(dir);
    let known = this.chartRoots.get(chartRoot);
    if (known === undefined) {
      known = this.files.kindOf(this.files.resolve(chartRoot, 'Chart.yaml')) !== undefined;
      this.chartRoots.set(chartRoot, known);
    }
    return known;
  }
}
