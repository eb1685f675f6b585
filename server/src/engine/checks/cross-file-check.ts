// A check across files: judges one document of a file against the rest of the repository, through what a project
// gives it (CrossFileContext: its indexes, its files, the paths Flux and Argo CD read). Each check is one module of
// this folder, listed once in cross-file-checks.ts. Pure: no I/O but through the context.
import type { FileKind } from '../classify/file-kind';
import type { KustomizationIndex } from '../kustomize/kustomization';
import type { Finding } from '../validate/finding';
import type { DeliveredPathHost } from '../workspace/delivered-paths';
import type { WholeFolderBuild } from '../workspace/duplicate-checks';
import type { PolicyCheckHost } from '../workspace/policy-checks';
import type { WorkspaceFiles } from '../workspace/workspace-files';
import type { DocumentContent } from '../yaml/parse-documents';

/** The file being validated. */
export interface CheckedFile {
  path: string;
  kind: FileKind;
}

/** One document of it (never an empty one). */
export interface CheckedDocument {
  value: unknown;
  /** The document's index in its file. */
  index: number;
  content: DocumentContent;
}

/** What a check may read of the project. */
export interface CrossFileContext {
  readonly files: WorkspaceFiles;
  /**
   * Whether every file has been read into the indexes once. Until then a name may be missing only because its file
   * was not read yet: checks that report missing names wait.
   */
  readonly indexComplete: boolean;
  readonly kustomizations: KustomizationIndex;
  /** Reference scopes, paths as shown, patch files' documents, policy settings. */
  readonly references: PolicyCheckHost;
  /** The repository as Flux and Argo CD paths see it. */
  readonly delivered: DeliveredPathHost;
  /** The folders built whole (no kustomization of their own) that take in this file's resources. */
  wholeFolderBuildsOf(file: string): readonly WholeFolderBuild[];
  /** A JSON file's value (a chart's values.schema.json), parsed once per change; undefined when missing or not JSON. */
  jsonFile(path: string): unknown;
  /** A YAML file's first document's value (a chart's Chart.yaml or values.yaml), parsed once per change. */
  yamlFile(path: string): unknown;
}

export interface CrossFileCheck {
  /** Stable and unique: names the check in tests (test/unit/cross-file-checks.test.ts) and documents. */
  readonly id: string;
  /** Whether the check judges this file at all (decided once per validation of the file). */
  appliesTo(file: CheckedFile, context: CrossFileContext): boolean;
  /** The findings of one document. */
  check(document: CheckedDocument, file: CheckedFile, context: CrossFileContext): Finding[];
}

/**
 * Whether a file's resources are judged as whole objects across files: a file of manifests that is no kustomize
 * patch (a patch's names resolve in the builds that apply it: see patch-references), once the index is complete.
 */
export function judgesWholeResources(file: CheckedFile, context: CrossFileContext): boolean {
  return file.kind === 'manifests' && context.indexComplete && !context.kustomizations.isPatch(file.path);
}
