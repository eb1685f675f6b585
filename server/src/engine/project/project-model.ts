// One repository as Driftless sees it: its configuration, what its files say (the indexes), what its Flux and Argo CD
// objects deliver, its environments and how each is rendered, and the validation of a file's text with the checks
// across files. Its files and git repository come in through ProjectFiles: on disk for the server and the CLI
// (node/project.ts), in memory for tests. Both the CLI and the language server validate through it, identically.
import { topLevelPullRequestSettings, type PullRequestSettings } from '../delivery/pull-request-settings';
import { baseName, classifyFile, isKustomizationFile, type FileFacts } from '../classify/file-kind';
import type { ConfigValues, EffectiveConfig } from '../config/project-config';
import { withCrossFileFindings } from '../checks/cross-file-checks';
import type { CrossFileContext } from '../checks/cross-file-check';
import { discoverEnvironments } from '../environments/discover-environments';
import { mergeEnvironments, readDeclaredEnvironments, type Environment } from '../environments/environment';
import { environmentsIncluding, type IncludingEnvironment } from '../environments/including-environments';
import type { KustomizationFacts } from '../kustomize/kustomization';
import type { WorkspaceCompletionHost } from '../language/workspace-completion';
import { renderPlan, type RenderPlan } from '../render/render-plan';
import type { Severity } from '../rules';
import { SchemaCatalog } from '../schema/catalog';
import type { CrdRegistry } from '../schema/crds';
import type { ModelineSchema } from '../schema/modeline-schemas';
import type { SchemaData } from '../schema/schema-data';
import type { Finding } from '../validate/finding';
import { ruleSetting, severityOf, toDiagnostics, type Diagnostic } from '../validate/report';
import { FileValidator, type FileReport, type ValidationHost } from '../validate/validate-file';
import type { DeliveredPathHost } from '../workspace/delivered-paths';
import type { PolicyCheckHost } from '../workspace/policy-checks';
import type { ReferenceScopes } from '../workspace/reference-scopes';
import type { ResourceIndex } from '../workspace/resource-index';
import { LineIndex } from '../yaml/line-index';
import { parseDocuments, type DocumentCache, type DocumentContent, type ParsedDocument } from '../yaml/parse-documents';
import { selectorNotJudged } from '../workspace/selector-checks';
import { resolvePatches } from '../kustomize/build-shaping';
import { judgesWholeResources } from '../checks/cross-file-check';
import { completionHost } from './completion-host';
import { ModelineSchemaFiles } from './modeline-files';
import { ParsedFileCache } from './parsed-file-cache';
import { ProjectConfiguration } from './project-configuration';
import { ProjectDeliverers } from './project-deliverers';
import type { ProjectFiles } from './project-files';
import { ProjectIndex } from './project-index';

export interface FileValidation {
  report: FileReport;
  diagnostics: Diagnostic[];
  lines: LineIndex;
}

export interface ProjectOptions {
  /** The project's folder: where .driftless.yaml is, else the git repository's root, else where a run started. */
  root: string;
  schemaData: SchemaData;
  /** The files and git repository it reads. */
  files: ProjectFiles;
  /** The editor's `driftless.*` settings, under .driftless.yaml's. */
  settings?: ConfigValues;
  /** A Kubernetes version that beats every configuration (the CLI's --kubernetes-version). */
  versionOverride?: string;
}

export class ProjectModel implements ValidationHost {
  readonly root: string;
  /** The file system as checks across files, path links and renders see it. */
  readonly files: ProjectFiles;
  readonly catalog: SchemaCatalog;
  private readonly configuration: ProjectConfiguration;
  private readonly index: ProjectIndex;
  private readonly delivery: ProjectDeliverers;
  private readonly validator: FileValidator;
  private readonly modelines: ModelineSchemaFiles;
  private readonly checkContext: CrossFileContext;
  /** Charts' values.schema.json, and their Chart.yaml and values.yaml, read when a values file is checked. */
  private readonly jsonFiles: ParsedFileCache<unknown>;
  private readonly yamlDocuments: ParsedFileCache<unknown>;
  private readonly referenceHost: PolicyCheckHost;

  constructor(options: ProjectOptions) {
    const { root, files } = options;
    this.root = root;
    this.files = files;
    this.index = new ProjectIndex(files);
    this.catalog = new SchemaCatalog(options.schemaData, this.index.crds);
    this.validator = new FileValidator(this.catalog, this);
    const bundled = () => {
      const index = this.catalog.index();
      return { versions: index.kubernetesVersions, newest: index.defaultKubernetesVersion };
    };
    this.configuration = new ProjectConfiguration(root, files, bundled, options.settings, options.versionOverride);
    this.delivery = new ProjectDeliverers(root, files, this.index);
    this.modelines = new ModelineSchemaFiles(files, () => this.repositoryRoot);
    this.jsonFiles = new ParsedFileCache<unknown>(files, (text) => JSON.parse(text) as unknown);
    this.yamlDocuments = new ParsedFileCache<unknown>(files, (text) => parseDocuments(text)[0]?.content.value);
    this.referenceHost = {
      scopes: this.index.referenceScopes,
      display: (path) => files.relative(root, path),
      displayFolder: (path) => files.relative(root, files.dirname(path)) || '.',
      patchDocuments: (file) => this.index.patchDocuments(file),
      policyIsOn: (rule) => ruleSetting(rule, this.config.rules) !== 'off',
    };
    const index = this.index;
    this.checkContext = {
      files,
      get indexComplete() {
        return index.complete;
      },
      kustomizations: this.index.kustomizations,
      references: this.referenceHost,
      delivered: this.delivery.deliveredPaths,
      wholeFolderBuildsOf: (file) => this.delivery.wholeFolderBuildsOf(file),
      jsonFile: (path) => this.jsonFiles.get(path),
      yamlFile: (path) => this.yamlDocuments.get(path),
    };
  }

  // ---- Configuration ----

  get config(): EffectiveConfig {
    return this.configuration.config;
  }

  get configPath(): string {
    return this.configuration.path;
  }

  /** Re-reads .driftless.yaml (or takes its unsaved text) and the editor settings; true when anything changed. */
  reloadConfig(settings?: ConfigValues, configText?: string): boolean {
    return this.configuration.reload(settings, configText);
  }

  isExcluded(path: string): boolean {
    return this.configuration.isExcluded(path);
  }

  /** The top-level `delivery.pullRequest` of .driftless.yaml (each environment's own is on the environment). */
  pullRequestSettings(): PullRequestSettings | undefined {
    return topLevelPullRequestSettings(this.configuration.fileValues?.delivery);
  }

  /** A path as the user reads it: relative to the project's root. */
  displayPath(path: string): string {
    return this.referenceHost.display(path);
  }

  // ---- The files it reads, and what they say ----

  get crds(): CrdRegistry {
    return this.index.crds;
  }

  /** Every resource the project's files declare. */
  get resources(): ResourceIndex {
    return this.index.resources;
  }

  get referenceScopes(): ReferenceScopes {
    return this.index.referenceScopes;
  }

  /**
   * Whether every file has been read into the indexes once. Until then a name may be missing only because its file
   * was not read yet: checks across files wait, rather than report and then take back.
   */
  get indexComplete(): boolean {
    return this.index.complete;
  }

  set indexComplete(complete: boolean) {
    this.index.complete = complete;
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
      this.files.yamlFiles(p, {
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
      .map((p) => this.files.resolve(this.root, p))
      .filter((p) => this.files.isConfined(p, this.repositoryRoot));
    const crds = configured.flatMap((p) => this.files.yamlFiles(p, { root: this.root, exclude: [], confineTo: this.repositoryRoot }));
    return [...new Set([...this.yamlFiles(), ...crds])];
  }

  /**
   * Reads every indexed file (see indexFile), replacing what was known. `keepParses` (the CLI, which validates every
   * file next) keeps each file's parse for its validation, so no file is parsed twice.
   */
  scan(options: { keepParses?: boolean } = {}): void {
    this.index.scan(this.indexedFiles(), options);
  }

  /**
   * Drops what files no longer indexed had told the project, but for those `keep` names (open in the editor, maybe
   * never saved); true when that changed anything.
   */
  forgetFilesOtherThan(files: readonly string[], keep?: (path: string) => boolean): boolean {
    return this.index.forgetFilesOtherThan(files, keep);
  }

  /**
   * A folder went with everything in it: what its files told the project goes too, but for those `keep` names (open in
   * the editor); true when that changed anything.
   */
  forgetFolder(folder: string, keep: (path: string) => boolean = () => false): boolean {
    const under = folder.endsWith('/') ? folder : `${folder}/`;
    const changed = this.index.forgetFilesOtherThan([], (path) => !path.startsWith(under) || keep(path));
    if (changed) this.delivery.forgetWholeFolders();
    return changed;
  }

  /**
   * Takes what a file tells the project now (`undefined`: it is gone): the CRDs it defines, what it says about other
   * files if it is a kustomization, the resources it declares. True when anything other files' validation reads
   * changed, so open documents must be validated again.
   */
  indexFile(path: string, text: string | undefined, parsed?: readonly ParsedDocument[]): boolean {
    // What Flux and Argo CD objects apply is read from their files: forget it when one may have changed.
    return this.index.indexFile(path, text, parsed, () => this.delivery.forgetWholeFolders());
  }

  /** Reads the repository's remotes again (its `.git/config` changed); true when they changed. */
  reloadRemotes(): boolean {
    return this.delivery.reloadRemotes();
  }

  /** Whether a file names paths whose existence its findings depend on: a kustomization, a Chart.yaml, a Flux or Argo CD resource. */
  readsPaths(path: string): boolean {
    return isKustomizationFile(path) || baseName(path) === 'Chart.yaml' || this.index.deliversPaths(path);
  }

  /** Every kustomization file of the project. */
  kustomizationFiles(): string[] {
    return this.index.kustomizations.paths();
  }

  /** The kustomization files that name `path` as a resource, patch or component. */
  kustomizationsNaming(path: string): string[] {
    return this.index.kustomizationsNaming(path);
  }

  /** What a kustomization file says (its patches, resources, namespace), as the index knows it. */
  kustomizationFacts(path: string): KustomizationFacts | undefined {
    return this.index.kustomizations.factsOf(path);
  }

  /** Whether a kustomization names the file as a patch (its resources are partial, not definitions). */
  isPatch(path: string): boolean {
    return this.index.kustomizations.isPatch(path);
  }

  facts(path: string): FileFacts {
    const facts = this.index.facts(path);
    const shapes = this.kustomizeShapesOf(path);
    return shapes ? { ...facts, kustomizeShapes: shapes } : facts;
  }

  /**
   * What the kustomize builds that take a file in do to its objects, when that is the only way it reaches a cluster:
   * a file also applied as written (a Flux path without kustomization, an Argo CD directory source) is judged as written.
   */
  /**
   * The folders of the kustomize builds that take a file in, when those builds are the only way it reaches a cluster
   * (not also applied as written); undefined otherwise. Their renders, when at hand, decide what is wrong in it.
   */
  kustomizeOnlyBuildFolders(path: string): string[] | undefined {
    const builds = this.index.kustomizations.buildsOf(path);
    if (!builds.length || this.delivery.wholeFolderBuildsOf(path).length) return undefined;
    return builds.map((build) => this.files.dirname(build.root));
  }

  private kustomizeShapesOf(path: string): FileFacts['kustomizeShapes'] {
    const builds = this.index.kustomizations.buildsOf(path);
    if (!builds.length || builds.every((build) => !build.shapes.has(path))) return undefined;
    if (this.delivery.wholeFolderBuildsOf(path).length) return undefined;
    return builds.map((build) => resolvePatches(build.shapes.get(path) ?? [], (file) => this.index.patchDocuments(file)));
  }

  /** The text a scan with `keepParses` read from the file, until the file is validated: the CLI need not read it twice. */
  keptText(path: string): string | undefined {
    return this.index.keptText(path);
  }

  // ---- Delivery and environments ----

  /** What the checks and links of Flux and Argo CD paths need to know of the repository. */
  get deliveredPaths(): DeliveredPathHost {
    return this.delivery.deliveredPaths;
  }

  /**
   * The root nothing the project reads may lead out of: the git repository's top-level folder (where Flux and Argo CD
   * paths start), else the project's root.
   */
  get repositoryRoot(): string {
    return this.delivery.repositoryRoot;
  }

  /** What completion offers from the repository: names of what is defined, Service ports, paths. */
  get workspaceCompletion(): WorkspaceCompletionHost {
    return completionHost(this.index, this.files, this.deliveredPaths, (path) => this.displayPath(path));
  }

  /** The environments of the repository: discovered, with those .driftless.yaml declares laid over them. */
  environments(): Environment[] {
    const dirname = (path: string) => this.files.dirname(path);
    const discovered = discoverEnvironments({
      deliveringResources: () => this.delivery.deliveringResources(),
      deliverers: () => this.delivery.deliverers(),
      buildRoots: () => this.index.kustomizations.builds().map((build) => build.root),
      ...this.delivery.generatorHost,
      dirname,
      display: (path) => this.displayPath(path),
    });
    const declared = readDeclaredEnvironments(
      this.configuration.fileValues?.environments,
      (path) => this.files.resolve(this.root, path),
      this.configPath,
    );
    return mergeEnvironments(discovered, declared);
  }

  /** How an environment is rendered, with the ConfigMaps of the repository for Flux's `substituteFrom` and `valuesFrom`. */
  renderPlanOf(environment: Environment): RenderPlan {
    return renderPlan(environment, this.files, this.repositoryRoot, (kind, name, namespace) =>
      this.delivery.variablesOf(kind, name, namespace),
    );
  }

  /** Which environments apply a file's resources (code lens). */
  environmentsIncluding(file: string): IncludingEnvironment[] {
    return environmentsIncluding(file, {
      buildRootsOf: (path) => this.index.kustomizations.buildsOf(path).map((build) => build.root),
      deliverers: () => this.delivery.deliverers(),
      dirname: (path) => this.files.dirname(path),
    });
  }

  // ---- Validation ----

  /** Validates a file's text; `cache` (one per open editor) lets unchanged documents skip parsing and validation. */
  validateText(path: string, text: string, cache?: DocumentCache): FileValidation {
    const kept = this.index.takeKeptParse(path);
    const documents: readonly ParsedDocument[] = cache ? cache.parse(text) : kept?.text === text ? kept.documents : parseDocuments(text);
    const own = this.validator.validate(this.facts(path), documents, this.config.kubernetesVersion);
    const report = withCrossFileFindings(own, path, this.checkContext);
    const lines = new LineIndex(text);
    return { report, diagnostics: toDiagnostics(text, report, this.config.rules, lines), lines };
  }

  /**
   * Why the selectors of a document's Services and PodDisruptionBudgets were not judged against the workloads (hover):
   * what may run pods nobody can see offline where they apply. Empty when they were judged.
   */
  selectorNotJudged(path: string, content: DocumentContent): string[] {
    if (!judgesWholeResources({ path, kind: classifyFile(this.facts(path)) }, this.checkContext)) return [];
    return selectorNotJudged(path, content, this.referenceHost);
  }

  /**
   * The findings of a rendered object as the API server would judge it: the checks of one document, with the
   * project's Kubernetes version and rule settings (rules set off are left out). Checks across files judge the
   * sources, not renders.
   */
  validateRendered(text: string): { finding: Finding; severity: Severity }[] {
    const documents = parseDocuments(text);
    const facts = {
      path: this.files.resolve(this.root, 'rendered.yaml'),
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

  /**
   * A whole render judged as validateRendered judges each object, with the findings' places in its text: the
   * squiggles of a rendered document shown in the editor.
   */
  renderedDiagnostics(text: string): FileValidation {
    const facts = {
      path: this.files.resolve(this.root, 'rendered.yaml'),
      inHelmChartTemplates: false,
      kustomizePatch: false,
      namespaceSetByKustomize: false,
    };
    const report = this.validator.validate(facts, parseDocuments(text), this.config.kubernetesVersion);
    const lines = new LineIndex(text);
    return { report, diagnostics: toDiagnostics(text, report, this.config.rules, lines), lines };
  }

  /** A modeline's local schema file (validation asks on every run; the file is read again only when it changed). */
  loadModelineSchema(fromPath: string, reference: string): ModelineSchema {
    return this.modelines.loadModelineSchema(fromPath, reference);
  }
}
