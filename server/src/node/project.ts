// One repository as Driftless sees it on disk: its .driftless.yaml, the CRDs in it, and validation of its files.
// Used by the CLI and by the language server (one per workspace folder), so both validate identically.
import { topLevelPullRequestSettings, type PullRequestSettings } from '../engine/delivery/pull-request-settings';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsyaml from 'js-yaml';
import { classifyFile, hasTemplatesFolder, isKustomizationFile, isKustomizeConfig, type FileFacts } from '../engine/classify/file-kind';
import {
  CONFIG_FILE_NAME,
  effectiveConfig,
  parseConfigText,
  readConfigValues,
  type ConfigValues,
  type EffectiveConfig,
} from '../engine/config/project-config';
import { SchemaCatalog } from '../engine/schema/catalog';
import { crdFromManifest, CrdRegistry, type CrdDefinition } from '../engine/schema/crds';
import type { ModelineSchema } from '../engine/schema/modeline-schemas';
import type { SchemaData } from '../engine/schema/schema-data';
import { KustomizationIndex, readKustomization, type KustomizationFacts } from '../engine/kustomize/kustomization';
import { checkKustomizationReferences } from '../engine/kustomize/kustomization-checks';
import {
  checkDeliveredPaths,
  deliveredPaths,
  plainDirectoryReads,
  readsDeliveredPaths,
  resolveDelivered,
  type DeliveredPathHost,
} from '../engine/workspace/delivered-paths';
import { discoverEnvironments } from '../engine/environments/discover-environments';
import { generatedApplications, type GeneratorHost } from '../engine/argo/applicationset-generators';
import { renderPlan, type RenderPlan } from '../engine/render/render-plan';
import { mergeEnvironments, readDeclaredEnvironments, type Environment } from '../engine/environments/environment';
import { environmentsIncluding, type Deliverer, type IncludingEnvironment } from '../engine/environments/including-environments';
import { checkPatchReferences, checkResourceReferences } from '../engine/workspace/reference-checks';
import { ReferenceScopes } from '../engine/workspace/reference-scopes';
import { checkSelectors } from '../engine/workspace/selector-checks';
import type { NameCandidate, WorkspaceCompletionHost } from '../engine/language/workspace-completion';
import { checkChartDependencies } from '../engine/helm/chart-dependencies';
import { checkHelmValues } from '../engine/helm/helm-values-checks';
import { checkDuplicateObjects, checkWholeFolderDuplicates, type WholeFolderBuild } from '../engine/workspace/duplicate-checks';
import { checkResourcePolicies, type PolicyCheckHost } from '../engine/workspace/policy-checks';
import { ResourceIndex, resourcesOfDocuments } from '../engine/workspace/resource-index';
import { kustomizationFileIn, type WorkspaceFiles } from '../engine/workspace/workspace-files';
import type { Finding } from '../engine/validate/finding';
import { ruleSetting, severityOf, toDiagnostics, type Diagnostic } from '../engine/validate/report';
import type { Severity } from '../engine/rules';
import { FileValidator, type FileReport, type ValidationHost } from '../engine/validate/validate-file';
import { LineIndex } from '../engine/yaml/line-index';
import { DocumentCache, parseDocuments, type DocumentContent, type ParsedDocument } from '../engine/yaml/parse-documents';
import { diskFiles } from './disk-files';
import { isConfined, isUnder } from './confined-path';
import { ParsedFileCache } from './parsed-file-cache';
import { findGitRepository } from './git-remotes';
import { excludeMatcher, findYamlFiles } from './find-yaml-files';
import { readTextFile } from './read-text-file';
import { isRecord, valueAt } from '../engine/json';

export interface FileValidation {
  report: FileReport;
  diagnostics: Diagnostic[];
  lines: LineIndex;
}

/** The folder a run belongs to: the nearest with .driftless.yaml, else the git root, else `start`. */
export function findProjectRoot(start: string): string {
  let gitRoot: string | undefined;
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, CONFIG_FILE_NAME))) return dir;
    if (!gitRoot && existsSync(join(dir, '.git'))) gitRoot = dir;
    if (dirname(dir) === dir) return gitRoot ?? resolve(start);
  }
}

/** A ConfigMap's data. */
function configMapData(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value) || !isRecord(value.data)) return undefined;
  return Object.fromEntries(Object.entries(value.data).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export class Project implements ValidationHost {
  readonly catalog: SchemaCatalog;
  readonly crds = new CrdRegistry();
  private readonly validator: FileValidator;
  private settings: ConfigValues | undefined;
  private fileValues: ConfigValues | undefined;
  private configText: string | undefined;
  config: EffectiveConfig;
  private isExcludedPath: (path: string) => boolean = () => false;
  private readonly chartRoots = new Map<string, boolean>();
  private readonly kustomizations = new KustomizationIndex(dirname);
  /** Every resource the project's files declare. */
  readonly resources = new ResourceIndex();
  /** Parses made by scan({ keepParses: true }), each used once by validateText. */
  private readonly keptParses = new Map<string, { text: string; documents: readonly ParsedDocument[] }>();
  readonly referenceScopes = new ReferenceScopes(this.resources, this.kustomizations);
  /** Charts' values.schema.json, and their Chart.yaml and values.yaml, read when a values file is checked. */
  private readonly chartSchemas = new ParsedFileCache<unknown>((text) => JSON.parse(text) as unknown);
  private readonly chartValues = new ParsedFileCache<unknown>((text) => parseDocuments(text)[0]?.content.value);
  /** The values of patch files, as policies judge what they patch; read when first asked, kept current by indexFile. */
  private readonly patchValues = new Map<string, readonly unknown[]>();
  private readonly referenceHost: PolicyCheckHost = {
    scopes: this.referenceScopes,
    display: (path) => relative(this.root, path).split(sep).join('/'),
    displayFolder: (path) => relative(this.root, dirname(path)).split(sep).join('/') || '.',
    patchDocuments: (file) => {
      let values = this.patchValues.get(file);
      if (!values) {
        const text = readTextFile(file);
        values = text.ok ? parseDocuments(text.text).map((d) => d.content.value) : [];
        this.patchValues.set(file, values);
      }
      return values;
    },
    policyIsOn: (rule) => ruleSetting(rule, this.config.rules) !== 'off',
  };
  /** What the checks and links of Flux and Argo CD paths need to know of the repository. */
  readonly deliveredPaths: DeliveredPathHost;
  /** What completion offers from the repository: names of what is defined, Service ports, paths. */
  get workspaceCompletion(): WorkspaceCompletionHost {
    return {
      delivered: this.deliveredPaths,
      namesOf: (kind, file) => {
        const near = new Set<string>();
        for (const scope of this.referenceScopes.scopesOf(file))
          for (const [key, definitions] of scope.definitions) if (key.startsWith(`${kind}/`)) for (const d of definitions) near.add(d.name);
        const candidates: NameCandidate[] = [];
        for (const [key, definitions] of this.referenceScopes.repositoryScope().definitions) {
          if (!key.startsWith(`${kind}/`)) continue;
          for (const d of definitions) candidates.push({ name: d.name, where: this.referenceHost.display(d.file), near: near.has(d.name) });
        }
        return candidates;
      },
      servicePorts: (name) =>
        this.resources.named('Service', name).flatMap((service) => {
          const text = readTextFile(service.file);
          const document = text.ok ? parseDocuments(text.text).find((d) => d.index === service.documentIndex) : undefined;
          const spec = (document?.content.value as { spec?: { ports?: unknown } } | undefined)?.spec;
          return Array.isArray(spec?.ports)
            ? spec.ports.flatMap((p: { name?: unknown; port?: unknown }) =>
                typeof p?.port === 'number' ? [{ port: p.port, ...(typeof p.name === 'string' ? { name: p.name } : {}) }] : [],
              )
            : [];
        }),
    };
  }

  /** A path as the user reads it: relative to the project's root. */
  displayPath(path: string): string {
    return this.referenceHost.display(path);
  }

  /** The environments of the repository: discovered, with those .driftless.yaml declares laid over them. */
  environments(): Environment[] {
    const discovered = discoverEnvironments({
      deliveringResources: () =>
        [...this.resources.all()]
          .filter((r) => readsDeliveredPaths(r.apiVersion, r.kind))
          .map((r) => ({ value: valueAt(this.delivererFiles.get(r.file)?.[r.documentIndex], r.path), file: r.file })),
      deliverers: () => this.deliverers(),
      buildRoots: () => this.kustomizations.builds().map((build) => build.root),
      ...this.generatorHost,
      dirname,
      display: (path) => this.displayPath(path),
    });
    const declared = readDeclaredEnvironments(this.fileValues?.environments, (path) => resolve(this.root, path), this.configPath);
    return mergeEnvironments(discovered, declared);
  }

  /** The top-level `delivery.pullRequest` of .driftless.yaml (each environment's own is on the environment). */
  pullRequestSettings(): PullRequestSettings | undefined {
    return topLevelPullRequestSettings(this.fileValues?.delivery);
  }

  /**
   * The root nothing the project reads may lead out of: the git repository's top-level folder (where Flux and Argo CD
   * paths start), else the project's root.
   */
  get repositoryRoot(): string {
    return this.deliveredPaths.repositoryRoot ?? this.root;
  }

  /** How an environment is rendered, with the ConfigMaps and Secrets of the repository for Flux's `substituteFrom`. */
  renderPlanOf(environment: Environment): RenderPlan {
    return renderPlan(environment, this.files, this.repositoryRoot, (kind, name, namespace) => this.variablesOf(kind, name, namespace));
  }

  /**
   * The data of a ConfigMap the repository defines in `namespace`. A Secret's is never read: its values would end up in
   * renders, diffs and pipeline logs; the variables it holds stay as written.
   */
  private variablesOf(kind: 'ConfigMap' | 'Secret', name: string, namespace: string | undefined): Record<string, string> | undefined {
    if (kind === 'Secret') return undefined;
    for (const resource of this.resources.named(kind, name)) {
      if (namespace !== undefined && !this.referenceScopes.namespacesOf(resource).some((n) => n === undefined || n === namespace)) continue;
      const data = configMapData(valueAt(this.delivererFiles.get(resource.file)?.[resource.documentIndex], resource.path));
      if (data) return data;
    }
    return undefined;
  }

  /** Which environments apply a file's resources (code lens). */
  environmentsIncluding(file: string): IncludingEnvironment[] {
    return environmentsIncluding(file, {
      buildRootsOf: (path) => this.kustomizations.buildsOf(path).map((build) => build.root),
      deliverers: () => this.deliverers(),
      dirname,
    });
  }

  private readonly delivererFiles = new ParsedFileCache<unknown[]>((text) => parseDocuments(text).map((d) => d.content.value));

  /**
   * The Flux Kustomizations and Argo CD Applications of the repository with the folders they apply. Not cached: a
   * path is no fact the index tracks, and there are few such resources (their files are re-read only when changed).
   */
  private deliverers(): Deliverer[] {
    const deliverers: Deliverer[] = [];
    for (const resource of this.resources.all()) {
      if (!readsDeliveredPaths(resource.apiVersion, resource.kind)) continue;
      const written = valueAt(this.delivererFiles.get(resource.file)?.[resource.documentIndex], resource.path);
      // An ApplicationSet delivers through the Applications it generates (its template's own path when none can be).
      const generated = resource.kind === 'ApplicationSet' ? generatedApplications(written, this.generatorHost) : [];
      const values = generated.length ? generated : [written];
      for (const delivered of values.flatMap((value) => deliveredPaths(value, this.deliveredPaths))) {
        if (delivered.expects !== 'folder' || delivered.base !== undefined || delivered.pattern) continue;
        const folder = resolveDelivered(delivered, resource.file, this.deliveredPaths);
        const packaged = kustomizationFileIn(folder, this.files) !== undefined;
        const recursive = resource.kind === 'Kustomization' && !packaged;
        const plain = delivered.plainDirectory && !packaged && this.files.kindOf(join(folder, 'Chart.yaml')) !== 'file';
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

  /** What ApplicationSet generators read: git files generators' files, cluster generators' cluster Secrets. */
  private get generatorHost(): GeneratorHost {
    return {
      delivered: this.deliveredPaths,
      // A generator's files are repository content: one that leads out of the repository (a link) is not read.
      readText: (path) => {
        if (!isConfined(path, this.repositoryRoot)) return undefined;
        const text = readTextFile(path);
        return text.ok ? text.text : undefined;
      },
      secrets: () =>
        [...this.resources.all()]
          .filter((r) => r.kind === 'Secret' && r.apiVersion === 'v1')
          .map((r) => valueAt(this.delivererFiles.get(r.file)?.[r.documentIndex], r.path)),
    };
  }

  /** The file system as checks across files and path links see it. */
  readonly files: WorkspaceFiles = diskFiles;
  private readonly modelineSchemas = new Map<string, { key: string; schema: Record<string, unknown> }>();

  constructor(
    readonly root: string,
    schemaData: SchemaData,
    settings?: ConfigValues,
    /** A Kubernetes version that beats every configuration (the CLI's --kubernetes-version). */
    private readonly versionOverride?: string,
  ) {
    this.catalog = new SchemaCatalog(schemaData, this.crds);
    this.validator = new FileValidator(this.catalog, this);
    this.settings = settings;
    this.config = this.computeConfig();
    // The git remotes tell which Argo CD Applications and Flux sources deliver this repository.
    const repository = findGitRepository(root);
    this.deliveredPaths = {
      repositoryRoot: repository?.root,
      workspaceRoot: root,
      files: diskFiles,
      remotes: repository?.remotes ?? [],
      gitRepositoryUrls: (name, namespace) =>
        this.resources
          .named('GitRepository', name)
          .filter((r) => namespace === undefined || this.referenceScopes.namespacesOf(r).some((n) => n === undefined || n === namespace))
          .flatMap((r) => (r.sourceUrl ? [r.sourceUrl] : [])),
    };
  }

  /** Reads the repository's remotes again (its `.git/config` changed); true when they changed. */
  reloadRemotes(): boolean {
    const remotes = findGitRepository(this.root)?.remotes ?? [];
    if (JSON.stringify(remotes) === JSON.stringify(this.deliveredPaths.remotes)) return false;
    this.deliveredPaths.remotes = remotes;
    this.wholeFolders = undefined;
    return true;
  }

  /** Whether a file names paths whose existence its findings depend on: a kustomization, a Chart.yaml, a Flux or Argo CD resource. */
  readsPaths(path: string): boolean {
    return (
      isKustomizationFile(path) ||
      basename(path) === 'Chart.yaml' ||
      this.resources.resourcesOf(path).some((r) => readsDeliveredPaths(r.apiVersion, r.kind))
    );
  }

  get configPath(): string {
    return join(this.root, CONFIG_FILE_NAME);
  }

  /** Re-reads .driftless.yaml (or takes its unsaved text) and the editor settings; true when anything changed. */
  reloadConfig(settings: ConfigValues | undefined = this.settings, configText?: string): boolean {
    const before = JSON.stringify(this.config);
    this.settings = settings;
    this.configText = configText;
    this.config = this.computeConfig();
    return JSON.stringify(this.config) !== before;
  }

  private computeConfig(): EffectiveConfig {
    let text = this.configText;
    if (text === undefined && existsSync(this.configPath)) {
      const file = readTextFile(this.configPath);
      text = file.ok ? file.text : undefined;
    }
    this.fileValues = undefined;
    if (text !== undefined) {
      try {
        this.fileValues = readConfigValues(parseConfigText(text));
      } catch {
        this.fileValues = {}; // The file's own diagnostics say what is wrong with it.
      }
    }
    const index = this.catalog.index();
    const bundled = { versions: index.kubernetesVersions, newest: index.defaultKubernetesVersion };
    const config = effectiveConfig(this.fileValues, this.settings, bundled, this.versionOverride);
    this.isExcludedPath = excludeMatcher({ root: this.root, exclude: config.exclude });
    return config;
  }

  isExcluded(path: string): boolean {
    return this.isExcludedPath(path);
  }

  /**
   * The YAML files of the project, or of `paths` inside it; folders that cannot be listed are told to `unreadable`,
   * links out of the repository (not followed) to `outside`.
   */
  yamlFiles(
    paths: readonly string[] = [this.root],
    unreadable?: (path: string, reason: string) => void,
    outside?: (link: string, target: string) => void,
  ): string[] {
    return paths.flatMap((p) =>
      findYamlFiles(p, {
        root: this.root,
        exclude: this.config.exclude,
        confineTo: this.repositoryRoot,
        ...(unreadable ? { unreadable } : {}),
        ...(outside ? { outside } : {}),
      }),
    );
  }

  /**
   * The files the project learns from: its YAML, and the CRD files and folders .driftless.yaml lists (those inside
   * the repository: a path in repository content must not make Driftless read elsewhere).
   */
  indexedFiles(): string[] {
    const configured = this.config.crds
      .map((p) => (isAbsolute(p) ? p : join(this.root, p)))
      .filter((p) => isConfined(p, this.repositoryRoot));
    const crds = configured.flatMap((p) => findYamlFiles(p, { root: this.root, exclude: [], confineTo: this.repositoryRoot }));
    return [...new Set([...this.yamlFiles(), ...crds])];
  }

  /**
   * Reads every indexed file (see indexFile), replacing what was known. `keepParses` (the CLI, which validates every
   * file next) keeps each file's parse for its validation, so no file is parsed twice.
   */
  scan(options: { keepParses?: boolean } = {}): void {
    const files = this.indexedFiles();
    this.forgetFilesOtherThan(files);
    for (const file of files) {
      const text = readTextFile(file);
      if (!text.ok) continue;
      const documents = parseDocuments(text.text);
      this.indexFile(file, text.text, documents);
      if (options.keepParses) this.keptParses.set(file, { text: text.text, documents });
    }
    this.indexComplete = true;
  }

  /**
   * Whether every file has been read into the indexes once. Until then a name may be missing only because its file
   * was not read yet: checks across files wait, rather than report and then take back.
   */
  indexComplete = false;

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
    for (const source of this.resources.files()) if (gone(source)) this.resources.setFile(source, undefined);
    return changed;
  }

  /**
   * Takes what a file tells the project now (`undefined`: it is gone): the CRDs it defines, what it says about other
   * files if it is a kustomization, the resources it declares. True when anything other files' validation reads
   * changed, so open documents must be validated again.
   */
  indexFile(path: string, text: string | undefined, parsed?: readonly ParsedDocument[]): boolean {
    let documents = parsed;
    const parse = (content: string) => (documents ??= parseDocuments(content));
    const delivered = this.deliversPaths(path);
    const crdsChanged = this.updateCrds(path, text, parse);
    const kustomizationChanged = isKustomizationFile(path) && this.updateKustomization(path, text, parse);
    const resourcesChanged = this.updateResources(path, text, parse);
    // What Flux and Argo CD objects apply is read from their files on disk: forget it when one may have changed.
    if (delivered || this.deliversPaths(path)) this.wholeFolders = undefined;
    return crdsChanged || kustomizationChanged || resourcesChanged || this.updatePatch(path, text, parse);
  }

  private deliversPaths(path: string): boolean {
    return this.resources.resourcesOf(path).some((r) => readsDeliveredPaths(r.apiVersion, r.kind));
  }

  /** The folders Flux builds whole, with their resources; kept while the indexes and the deliverers' files hold. */
  private wholeFolders: { resources: number; kustomizations: number; byFile: Map<string, WholeFolderBuild[]> } | undefined;

  /** The folders Flux builds whole (no kustomization) that take in this file's resources. */
  private wholeFolderBuildsOf(file: string): readonly WholeFolderBuild[] {
    const resources = this.resources.generation;
    const kustomizations = this.kustomizations.generation;
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
    const add = (build: Omit<WholeFolderBuild, 'resources'>, files: string[]) => {
      const complete = { ...build, resources: files.flatMap((file) => this.resources.resourcesOf(file)) };
      for (const file of files) byFile.set(file, [...(byFile.get(file) ?? []), complete]);
    };
    const applications = new Map<string, Deliverer[]>();
    for (const deliverer of this.deliverers()) {
      if (deliverer.recursive) {
        const files = this.resources.files().filter((file) => this.takenWhole(file, deliverer.folder));
        add({ label: deliverer.label, folders: [deliverer.folder], by: 'flux', namespace: deliverer.targetNamespace }, files);
      } else if (deliverer.plainDirectory) {
        const key = `${deliverer.file}\n${deliverer.label}`;
        applications.set(key, [...(applications.get(key) ?? []), deliverer]);
      }
    }
    for (const sources of applications.values()) {
      const reads = (file: string) =>
        sources.some(
          (d) => isUnder(file, d.folder) && plainDirectoryReads(d.plainDirectory!, relative(d.folder, file).split(sep).join('/')),
        );
      const first = sources[0]!;
      const folders = [...new Set(sources.map((d) => d.folder))];
      add(
        { label: first.label, folders, by: 'argo-directory', namespace: first.plainDirectory!.namespace },
        this.resources.files().filter(reads),
      );
    }
    return byFile;
  }

  /**
   * Whether kustomize-controller's generated kustomization for `folder` lists `file`: below the folder, not inside a
   * subfolder with its own kustomization (that one is listed instead), and no kustomize patch.
   */
  private takenWhole(file: string, folder: string): boolean {
    if (this.kustomizations.isPatch(file)) return false;
    for (let current = dirname(file); current !== folder; current = dirname(current)) {
      if (dirname(current) === current || this.kustomizations.hasKustomization(current)) return false;
    }
    return true;
  }

  /** A patch's values, once read, follow its edits: what it patches is judged again (true) when they change. */
  private updatePatch(path: string, text: string | undefined, parse: (text: string) => readonly ParsedDocument[]): boolean {
    const before = this.patchValues.get(path);
    if (!before) return false;
    const values = text === undefined ? [] : parse(text).map((d) => d.content.value);
    this.patchValues.set(path, values);
    return JSON.stringify(values) !== JSON.stringify(before);
  }

  private updateCrds(path: string, text: string | undefined, parse: (text: string) => readonly ParsedDocument[]): boolean {
    if (text === undefined || !text.includes('CustomResourceDefinition')) return this.crds.removeSource(path);
    const crds: CrdDefinition[] = [];
    for (const document of parse(text)) {
      const crd = crdFromManifest(document.content.value);
      if (crd) crds.push(crd);
    }
    return this.crds.setSource(path, crds);
  }

  /** The resources of files that hold manifests (not kustomization.yaml, Chart.yaml, templates or the config). */
  private updateResources(path: string, text: string | undefined, parse: (text: string) => readonly ParsedDocument[]): boolean {
    if (text === undefined || classifyFile({ path, inHelmChartTemplates: this.inHelmChartTemplates(path) }) !== 'manifests')
      return this.resources.setFile(path, undefined);
    return this.resources.setFile(path, resourcesOfDocuments(path, parse(text)));
  }

  private updateKustomization(path: string, text: string | undefined, parse: (text: string) => readonly ParsedDocument[]): boolean {
    if (text === undefined) return this.kustomizations.set(path, undefined);
    const value = parse(text)[0]?.content.value;
    return this.kustomizations.set(
      path,
      readKustomization(
        path,
        value,
        (entry) => resolve(dirname(path), entry),
        (entry) => this.files.kindOf(entry) !== undefined,
      ),
    );
  }

  /** Every kustomization file of the project. */
  kustomizationFiles(): string[] {
    return this.kustomizations.paths();
  }

  /** The kustomization files that name `path` as a resource, patch or component. */
  kustomizationsNaming(path: string): string[] {
    return this.kustomizations.paths().filter((file) => {
      const facts = this.kustomizations.factsOf(file);
      return !!facts && [...facts.resources, ...facts.patches, ...facts.components].includes(path);
    });
  }

  /** What a kustomization file says (its patches, resources, namespace), as the index knows it. */
  kustomizationFacts(path: string): KustomizationFacts | undefined {
    return this.kustomizations.factsOf(path);
  }

  /**
   * The findings of a rendered object as the API server would judge it: the checks of one document, with the
   * project's Kubernetes version and rule settings (rules set off are left out). Checks across files judge the
   * sources, not renders.
   */
  validateRendered(text: string): { finding: Finding; severity: Severity }[] {
    const documents = parseDocuments(text);
    const facts = {
      path: join(this.root, 'rendered.yaml'),
      inHelmChartTemplates: false,
      kustomizePatch: false,
      namespaceSetByKustomize: false,
    };
    const report = this.validator.validate(facts, documents, this.config.kubernetesVersion);
    return report.documents.flatMap(({ findings }) =>
      findings.flatMap((finding) => {
        const severity = severityOf(finding, this.config.rules);
        return severity === 'off' ? [] : [{ finding, severity }];
      }),
    );
  }

  /** Whether a kustomization names the file as a patch (its resources are partial, not definitions). */
  isPatch(path: string): boolean {
    return this.kustomizations.isPatch(path);
  }

  facts(path: string): FileFacts {
    return {
      path,
      inHelmChartTemplates: this.inHelmChartTemplates(path),
      kustomizePatch: this.kustomizations.isPatch(path),
      namespaceSetByKustomize: this.kustomizations.hasNamespaceSet(path),
    };
  }

  /** Whether a Chart.yaml sits next to the nearest `templates` folder above the file. */
  private inHelmChartTemplates(path: string): boolean {
    if (!hasTemplatesFolder(path)) return false;
    let dir = dirname(path);
    while (dir !== dirname(dir) && basename(dir) !== 'templates') dir = dirname(dir);
    const chartRoot = dirname(dir);
    let known = this.chartRoots.get(chartRoot);
    if (known === undefined) {
      known = existsSync(join(chartRoot, 'Chart.yaml'));
      this.chartRoots.set(chartRoot, known);
    }
    return known;
  }

  /**
   * The chart folder of a values file checked against a values.schema.json: `values.yaml`, or an environment's
   * `values-<env>.yaml`/`values.<env>.yaml`, next to a Chart.yaml and a values.schema.json.
   */
  private chartOfValuesFile(path: string): string | undefined {
    if (!/^values([-._][^/\\]*)?\.ya?ml$/i.test(basename(path))) return undefined;
    const folder = dirname(path);
    return this.files.kindOf(join(folder, 'Chart.yaml')) === 'file' && this.files.kindOf(join(folder, 'values.schema.json')) === 'file'
      ? folder
      : undefined;
  }

  private helmValuesFindings(path: string, content: DocumentContent, chart: string): Finding[] {
    const schema = this.chartSchemas.get(join(chart, 'values.schema.json'));
    if (schema === undefined) return [];
    const chartName = (this.chartValues.get(join(chart, 'Chart.yaml')) as { name?: unknown } | undefined)?.name;
    const options = { chartName: typeof chartName === 'string' ? chartName : basename(chart) };
    const defaultsPath = ['values.yaml', 'values.yml'].map((name) => join(chart, name)).find((p) => this.files.kindOf(p) === 'file');
    if (!defaultsPath || defaultsPath === path) return checkHelmValues(content, schema, options);
    return checkHelmValues(content, schema, { ...options, merged: true, defaults: this.chartValues.get(defaultsPath) });
  }

  /** The text a scan with `keepParses` read from the file, until the file is validated: the CLI need not read it twice. */
  keptText(path: string): string | undefined {
    return this.keptParses.get(path)?.text;
  }

  /** Validates a file's text; `cache` (one per open editor) lets unchanged documents skip parsing and validation. */
  validateText(path: string, text: string, cache?: DocumentCache): FileValidation {
    const kept = this.keptParses.get(path);
    if (kept) this.keptParses.delete(path);
    const documents: readonly ParsedDocument[] = cache ? cache.parse(text) : kept?.text === text ? kept.documents : parseDocuments(text);
    const report = this.withCrossFileFindings(path, this.validator.validate(this.facts(path), documents, this.config.kubernetesVersion));
    const lines = new LineIndex(text);
    return { report, diagnostics: toDiagnostics(text, report, this.config.rules, lines), lines };
  }

  /**
   * Adds what depends on other files. Not cached with the per-document findings: those follow the document's text,
   * these the rest of the repository.
   */
  private withCrossFileFindings(path: string, report: FileReport): FileReport {
    const chart = this.chartOfValuesFile(path);
    if (chart)
      report = this.withFindings(report, (_, index, content) => (index === 0 ? this.helmValuesFindings(path, content, chart) : []));
    if (report.kind === 'helm-chart')
      return this.withFindings(report, (value, index) => (index === 0 ? checkChartDependencies(path, value, this.files) : []));
    if (report.kind === 'kustomization') {
      return this.withFindings(report, (value, i) =>
        i === 0 && isKustomizeConfig(value)
          ? checkKustomizationReferences(path, value, this.files, this.kustomizations, this.indexComplete)
          : [],
      );
    }
    if (!this.indexComplete || report.kind !== 'manifests') return report;
    // A patch's names resolve in the builds that apply it; the rest of these checks judge whole resources.
    if (this.kustomizations.isPatch(path))
      return this.withFindings(report, (_, __, content) => checkPatchReferences(path, content, this.referenceHost));
    return this.withFindings(report, (_, index, content) => [
      ...checkResourceReferences(path, content, this.referenceHost),
      ...checkSelectors(path, content, this.referenceHost),
      ...checkDuplicateObjects(path, index, content, this.referenceHost),
      ...checkWholeFolderDuplicates(path, index, content, this.wholeFolderBuildsOf(path), this.referenceHost),
      ...checkResourcePolicies(path, content, this.referenceHost),
      ...checkDeliveredPaths(path, content, this.deliveredPaths),
    ]);
  }

  /** Adds what `check` finds in each document (`index`: the document's index in its file). */
  private withFindings(report: FileReport, check: (value: unknown, index: number, content: DocumentContent) => Finding[]): FileReport {
    return {
      ...report,
      documents: report.documents.map((entry) => {
        const value = entry.document.content.value;
        const found = value === undefined ? [] : check(value, entry.document.index, entry.document.content);
        return found.length ? { ...entry, findings: [...entry.findings, ...found] } : entry;
      }),
    };
  }

  /** Validation asks on every run; the file is read again only when it changed. */
  loadModelineSchema(fromPath: string, reference: string): ModelineSchema {
    const local = reference.startsWith('file:') ? fileURLToPath(reference) : reference;
    const path = isAbsolute(local) ? local : resolve(dirname(fromPath), local);
    // Confined to the repository of the file that names it (a file opened from elsewhere has its own), else to the
    // project holding it, else to the file's own folder.
    const boundary =
      findGitRepository(dirname(fromPath))?.root ?? (isUnder(fromPath, this.repositoryRoot) ? this.repositoryRoot : dirname(fromPath));
    if (!isConfined(path, boundary)) return { error: `${reference} is outside the repository, which Driftless does not read` };
    try {
      const stats = statSync(path);
      const key = `${path}@${stats.mtimeMs}:${stats.size}`;
      const known = this.modelineSchemas.get(path);
      if (known?.key === key) return known;
      const schema = jsyaml.load(readFileSync(path, 'utf8'));
      if (typeof schema !== 'object' || schema === null) return { error: `${reference} is not a JSON schema` };
      const loaded = { key, schema: schema as Record<string, unknown> };
      this.modelineSchemas.set(path, loaded);
      return loaded;
    } catch (error) {
      return { error: (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${reference} does not exist` : `${reference} cannot be read` };
    }
  }
}
