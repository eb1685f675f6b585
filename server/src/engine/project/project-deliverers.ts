// What the Flux and Argo CD objects of a project deliver: the paths they read (with the repository's git remotes, which
// tell whether a source is this repository), the folders they apply (deliverers), the Applications ApplicationSets
// generate, the folders applied whole, and the ConfigMaps Flux takes variables from. Their values are read from their
// files when asked (a path is no fact the index tracks), each file re-read only when it changed.
import { generatedApplications, type GeneratorHost } from '../argo/applicationset-generators';
import type { Deliverer } from '../environments/including-environments';
import { isRecord, valueAt } from '../json';
import type { IndexedResource } from '../workspace/resource-index';
import {
  deliveredPaths,
  plainDirectoryReads,
  readsDeliveredPaths,
  resolveDelivered,
  type DeliveredPathHost,
} from '../workspace/delivered-paths';
import type { WholeFolderBuild } from '../workspace/duplicate-checks';
import { isUnderFolder, kustomizationFileIn } from '../workspace/workspace-files';
import { parseDocuments } from '../yaml/parse-documents';
import { ParsedFileCache } from './parsed-file-cache';
import type { ProjectFiles } from './project-files';
import type { ProjectIndex } from './project-index';

/** A ConfigMap's data. */
function configMapData(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value) || !isRecord(value.data)) return undefined;
  return Object.fromEntries(Object.entries(value.data).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export class ProjectDeliverers {
  /** What the checks and links of Flux and Argo CD paths need to know of the repository. */
  readonly deliveredPaths: DeliveredPathHost;
  /** What ApplicationSet generators read: git files generators' files, cluster generators' cluster Secrets. */
  readonly generatorHost: GeneratorHost;
  private readonly files: ProjectFiles;
  private readonly index: ProjectIndex;
  private readonly root: string;
  private readonly delivererFiles: ParsedFileCache<unknown[]>;
  /** The folders built whole, with their resources; kept while the indexes and the deliverers' files hold. */
  private wholeFolders: { resources: number; kustomizations: number; byFile: Map<string, WholeFolderBuild[]> } | undefined;

  constructor(root: string, files: ProjectFiles, index: ProjectIndex) {
    this.root = root;
    this.files = files;
    this.index = index;
    this.delivererFiles = new ParsedFileCache<unknown[]>(files, (text) => parseDocuments(text).map((d) => d.content.value));
    // The git remotes tell which Argo CD Applications and Flux sources deliver this repository.
    const repository = files.gitRepositoryOf(root);
    this.deliveredPaths = {
      repositoryRoot: repository?.root,
      workspaceRoot: root,
      files,
      remotes: repository?.remotes ?? [],
      gitRepositoryUrls: (name, namespace) =>
        index.resources
          .named('GitRepository', name)
          .filter((r) => namespace === undefined || index.referenceScopes.namespacesOf(r).some((n) => n === undefined || n === namespace))
          .flatMap((r) => (r.sourceUrl ? [r.sourceUrl] : [])),
    };
    this.generatorHost = {
      delivered: this.deliveredPaths,
      // A generator's files are repository content: one that leads out of the repository (a link) is not read.
      readText: (path) => {
        if (!files.isConfined(path, this.repositoryRoot)) return undefined;
        const text = files.readText(path);
        return text.ok ? text.text : undefined;
      },
      secrets: () => [...index.resources.all()].filter((r) => r.kind === 'Secret' && r.apiVersion === 'v1').map((r) => this.valueOf(r)),
    };
  }

  /**
   * The root nothing the project reads may lead out of: the git repository's top-level folder (where Flux and Argo CD
   * paths start), else the project's root.
   */
  get repositoryRoot(): string {
    return this.deliveredPaths.repositoryRoot ?? this.root;
  }

  /** Reads the repository's remotes again (its `.git/config` changed); true when they changed. */
  reloadRemotes(): boolean {
    const remotes = this.files.gitRepositoryOf(this.root)?.remotes ?? [];
    if (JSON.stringify(remotes) === JSON.stringify(this.deliveredPaths.remotes)) return false;
    this.deliveredPaths.remotes = remotes;
    this.wholeFolders = undefined;
    return true;
  }

  /** A Flux or Argo CD object's file changed: what it applies is read again. */
  forgetWholeFolders(): void {
    this.wholeFolders = undefined;
  }

  /** A resource's value, read from its file (kept while the file does not change). */
  valueOf(resource: IndexedResource): unknown {
    return valueAt(this.delivererFiles.get(resource.file)?.[resource.documentIndex], resource.path);
  }

  /** The Flux and Argo CD objects that read paths of the repository, with their values. */
  deliveringResources(): { value: unknown; file: string }[] {
    return [...this.index.resources.all()]
      .filter((r) => readsDeliveredPaths(r.apiVersion, r.kind))
      .map((r) => ({ value: this.valueOf(r), file: r.file }));
  }

  /**
   * The Flux Kustomizations and Argo CD Applications of the repository with the folders they apply. Not cached: a
   * path is no fact the index tracks, and there are few such resources (their files are re-read only when changed).
   */
  deliverers(): Deliverer[] {
    const deliverers: Deliverer[] = [];
    for (const resource of this.index.resources.all()) {
      if (!readsDeliveredPaths(resource.apiVersion, resource.kind)) continue;
      const written = this.valueOf(resource);
      // An ApplicationSet delivers through the Applications it generates (its template's own path when none can be).
      const generated = resource.kind === 'ApplicationSet' ? generatedApplications(written, this.generatorHost) : [];
      const values = generated.length ? generated : [written];
      for (const delivered of values.flatMap((value) => deliveredPaths(value, this.deliveredPaths))) {
        if (delivered.expects !== 'folder' || delivered.base !== undefined || delivered.pattern) continue;
        const folder = resolveDelivered(delivered, resource.file, this.deliveredPaths);
        const packaged = kustomizationFileIn(folder, this.files) !== undefined;
        const recursive = resource.kind === 'Kustomization' && !packaged;
        const plain = delivered.plainDirectory && !packaged && this.files.kindOf(this.files.resolve(folder, 'Chart.yaml')) !== 'file';
        const spec = resource.kind === 'Kustomization' ? valueAt(written, ['spec']) : undefined;
        const target =
          isRecord(spec) && typeof spec.targetNamespace === 'string' && spec.targetNamespace ? spec.targetNamespace : undefined;
        deliverers.push({
          label: delivered.reader.replace(/^the /, ''),
          file: resource.file,
          folder,
          recursive,
          ...(target ? { targetNamespace: target } : {}),
          ...(plain ? { plainDirectory: delivered.plainDirectory } : {}),
        });
      }
    }
    return deliverers;
  }

  /**
   * The data of a ConfigMap the repository defines in `namespace` (Flux's `substituteFrom`, a HelmRelease's
   * `valuesFrom`). A Secret's is never read: its values would end up in renders, diffs and pipeline logs; the
   * variables it holds stay as written.
   */
  variablesOf(kind: 'ConfigMap' | 'Secret', name: string, namespace: string | undefined): Record<string, string> | undefined {
    if (kind === 'Secret') return undefined;
    for (const resource of this.index.resources.named(kind, name)) {
      if (namespace !== undefined && !this.index.referenceScopes.namespacesOf(resource).some((n) => n === undefined || n === namespace))
        continue;
      const data = configMapData(this.valueOf(resource));
      if (data) return data;
    }
    return undefined;
  }

  /** The folders built whole (no kustomization) that take in this file's resources. */
  wholeFolderBuildsOf(file: string): readonly WholeFolderBuild[] {
    const resources = this.index.resources.generation;
    const kustomizations = this.index.kustomizations.generation;
    if (this.wholeFolders?.resources !== resources || this.wholeFolders.kustomizations !== kustomizations)
      this.wholeFolders = { resources, kustomizations, byFile: this.computeWholeFolderBuilds() };
    return this.wholeFolders.byFile.get(file) ?? [];
  }

  /**
   * Each folder Flux builds whole, and the plain manifests each Argo CD Application reads (all its sources' folders
   * together, as it applies them as one set), by the files they take in.
   */
  private computeWholeFolderBuilds(): Map<string, WholeFolderBuild[]> {
    const byFile = new Map<string, WholeFolderBuild[]>();
    const resources = this.index.resources;
    const add = (build: Omit<WholeFolderBuild, 'resources'>, files: string[]) => {
      const complete = { ...build, resources: files.flatMap((file) => resources.resourcesOf(file)) };
      for (const file of files) byFile.set(file, [...(byFile.get(file) ?? []), complete]);
    };
    const applications = new Map<string, Deliverer[]>();
    for (const deliverer of this.deliverers()) {
      if (deliverer.recursive) {
        const files = resources.files().filter((file) => this.takenWhole(file, deliverer.folder));
        add({ label: deliverer.label, folders: [deliverer.folder], by: 'flux', namespace: deliverer.targetNamespace }, files);
      } else if (deliverer.plainDirectory) {
        const key = `${deliverer.file}\n${deliverer.label}`;
        applications.set(key, [...(applications.get(key) ?? []), deliverer]);
      }
    }
    const dirname = (path: string) => this.files.dirname(path);
    for (const sources of applications.values()) {
      const reads = (file: string) =>
        sources.some(
          (d) => isUnderFolder(file, d.folder, dirname) && plainDirectoryReads(d.plainDirectory!, this.files.relative(d.folder, file)),
        );
      const first = sources[0]!;
      const folders = [...new Set(sources.map((d) => d.folder))];
      add(
        { label: first.label, folders, by: 'argo-directory', namespace: first.plainDirectory!.namespace },
        resources.files().filter(reads),
      );
    }
    return byFile;
  }

  /**
   * Whether kustomize-controller's generated kustomization for `folder` lists `file`: below the folder, not inside a
   * subfolder with its own kustomization (that one is listed instead), and no kustomize patch.
   */
  private takenWhole(file: string, folder: string): boolean {
    const kustomizations = this.index.kustomizations;
    if (kustomizations.isPatch(file)) return false;
    for (let current = this.files.dirname(file); current !== folder; current = this.files.dirname(current)) {
      if (this.files.dirname(current) === current || kustomizations.hasKustomization(current)) return false;
    }
    return true;
  }
}
