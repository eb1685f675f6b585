// Every custom message between the Driftless client and server, declared once and imported by both sides.
// Only types and method names live here, so the client bundle pulls in nothing of the server.
import type { EnvironmentStatus, EnvironmentView } from './engine/environments/environment';
import type { RenderedObjectOutline } from './engine/render/rendered-outline';
import type { EnvironmentDiffs } from './engine/render/environment-diffs';
import type { EnvironmentDrift } from './engine/drift/drift-report';
import type { CheckoutOutcome, CommitPlan, PullRequestList, TokenNeeded } from './engine/delivery/delivery-reports';
import type { DeployResult, EnvironmentHistory } from './engine/deploy/deploy-result';
import {
  NotificationType,
  NotificationType0,
  RequestType,
  RequestType0,
  type Location,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol';

/** Options the client passes in `initialize`. */
export interface DriftlessInitializationOptions {
  /** Workspace Trust: when false the server never runs processes or writes to clusters. */
  workspaceTrusted: boolean;
}

/** The settings under `driftless.*` the server reads (VS Code fills in the contributed defaults). */
export interface DriftlessSettings {
  kubernetesVersion?: string;
  crds?: string[];
  exclude?: string[];
  rules?: Record<string, string>;
  maxFileSizeMB?: number;
  /** The tools rendering runs (paths; else found on PATH). */
  kubectlPath?: string;
  kustomizePath?: string;
  helmPath?: string;
  /** Render environments in the background and show their findings on the source lines (default true). */
  validateRenderedOutput?: boolean;
  /** `driftless.drift.ignore`: differences that are no drift, added to .driftless.yaml's `drift.ignore`. */
  drift?: { ignore?: unknown[] };
  /** The Problems panel: every file of the workspace (default) or the open ones; at most `maxFiles` files per folder. */
  problems?: { scope?: 'workspace' | 'openFiles'; maxFiles?: number };
  /** `driftless.kubeconfig` (machine scope): the kubeconfig file drift reads instead of KUBECONFIG and ~/.kube/config. */
  kubeconfig?: string;
  /** Forges the user runs, by URL (never tokens). */
  forges?: ForgeSetting[];
}

export interface DocumentStatusParams {
  uri: string;
}

export interface DocumentStatus {
  /** "1.31" */
  kubernetesVersion: string;
  /** Where the version came from: the CLI flag, .driftless.yaml, the editor setting, or the newest bundled. */
  versionSource: 'flag' | 'config' | 'settings' | 'default';
  /** One entry per distinct schema the document's resources use: "Kubernetes 1.31", "bundled CRD (argo-cd)". */
  schemaSources: string[];
  /** The .driftless.yaml that applies, if any (a file path). */
  configFile?: string;
  /** Every Kubernetes version Driftless bundles, oldest first (for a version picker). */
  bundledVersions: string[];
  /** The workspace index of the document's project: whether every file has been read once, and what it holds. */
  index: { complete: boolean; files: number; resources: number };
}

export namespace DocumentStatusRequest {
  export const method = 'driftless/documentStatus';
  export const type = new RequestType<DocumentStatusParams, DocumentStatus | null, void>(method);
}

/** Answered at once by a healthy server; the client restarts a server that stops answering. */
export namespace PingRequest {
  export const method = 'driftless/ping';
  export const type = new RequestType0<{ uptimeSeconds: number; processId: number }, void>(method);
}

export interface WorkspaceTrustParams {
  trusted: boolean;
}

/** Sent when the user grants Workspace Trust, so features that run processes can start. */
export namespace WorkspaceTrustNotification {
  export const method = 'driftless/didChangeWorkspaceTrust';
  export const type = new NotificationType<WorkspaceTrustParams>(method);
}

export type { EnvironmentStatus };
export type EnvironmentEntry = EnvironmentView & { status?: EnvironmentStatus };

/** The environments of each workspace folder's repository (the Environments view, `driftless environments`). */
export interface EnvironmentsResult {
  /** False while a workspace index is still being read: the list may grow. */
  complete: boolean;
  folders: { root: string; environments: EnvironmentEntry[] }[];
}

/** The environments' statuses changed (a background render pass ended): ask for them again (server to client). */
export namespace EnvironmentsChangedNotification {
  export const method = 'driftless/environmentsChanged';
  export const type = new NotificationType0(method);
}

export namespace EnvironmentsRequest {
  export const method = 'driftless/environments';
  export const type = new RequestType0<EnvironmentsResult, void>(method);
}

export interface RenderParams {
  /** An environment's name, in the project of `folder` (a workspace folder path; the first one when absent). */
  environment?: string;
  folder?: string;
  /**
   * Instead of an environment: a folder, or a file in it (a kustomization.yaml, a Chart.yaml), rendered as what it is —
   * its kustomization, its chart, or its manifests (as `driftless render <path>`).
   */
  path?: string;
}

/** A finding of a rendered object, on its place in the rendered YAML (0-based lines of `yaml`). */
export interface RenderedTextFinding {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  range: Range;
}

export type RenderResult =
  | {
      ok: true;
      yaml: string;
      tool: string;
      cached: boolean;
      /** The objects of `yaml` with their lines (the rendered document's outline). */
      objects: RenderedObjectOutline[];
      /** What the rendered objects are found to have, on their lines in `yaml`. */
      findings: RenderedTextFinding[];
    }
  | { ok: false; error: string };

/** Renders an environment with kustomize or helm; refused in an untrusted workspace. */
export namespace RenderRequest {
  export const method = 'driftless/render';
  export const type = new RequestType<RenderParams, RenderResult, void>(method);
}

export interface RenderedSourceParams {
  /** The environment rendered, in the project of `folder` (a workspace folder path; the first one when absent). */
  environment: string;
  folder?: string;
  /** The rendered YAML as shown (a render's `yaml`), and the offset in it of the object or field to trace. */
  yaml: string;
  offset: number;
  /** Trace the object at the offset (where its name is written), not the field there. */
  object?: boolean;
}

export type RenderedSourceResult =
  | {
      location: Location;
      /** What the place is: a resource file, a patch, a kustomization, a values file, a template. */
      via: string;
      /** `Deployment web` or `Deployment web: spec.replicas`. */
      traced: string;
    }
  | { error: string };

/**
 * "Go to source" in a rendered document: the line of the repository that wrote the object or field at an offset of
 * its render (kustomize's origins and patches, Helm's templates and values). Refused when untrusted.
 */
export namespace RenderedSourceRequest {
  export const method = 'driftless/renderedSource';
  export const type = new RequestType<RenderedSourceParams, RenderedSourceResult, void>(method);
}

export interface ChangesParams {
  /** A workspace folder path; the first one when absent. */
  folder?: string;
  /** The ref to compare with (a pull request's base, say); default: the environments' base branch. */
  base?: string;
}

/**
 * The diffs (paths in them relative to the repository's root), that root (where a failed render's file is opened
 * from), and the diffs as Markdown for a pull request (what `driftless diff --format markdown` prints).
 */
export type ChangesResult = (EnvironmentDiffs & { root: string; markdown: string }) | { error: string };

/** The rendered diff of every environment against the base branch (the Changes view); refused when untrusted. */
export namespace ChangesRequest {
  export const method = 'driftless/changes';
  export const type = new RequestType<ChangesParams, ChangesResult, void>(method);
}

export interface DriftParams {
  /** An environment's name, in the project of `folder` (a workspace folder path; the first one when absent). */
  environment: string;
  folder?: string;
  /** A kubeconfig context instead of the environment's (its .driftless.yaml cluster.context, else the current one). */
  context?: string;
  /** Include both compared sides of each object (normalized, Secret values masked), for a diff editor. */
  documents?: boolean;
}

/**
 * The environment's drift (`driftless drift --format json`'s document, with each difference's change details, the
 * GitOps controllers' own status, notes and the requests sent), or why it could not be compared at all.
 */
export type DriftResult = EnvironmentDrift | { error: string };

/** Git against the live cluster for one environment (the Drift view); refused when untrusted; cancellable. */
export namespace DriftRequest {
  export const method = 'driftless/drift';
  export const type = new RequestType<DriftParams, DriftResult, void>(method);
}

/** An object of a drift report, as the Drift view names it. */
export interface DriftObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** The kubeconfig contexts drift would use (the Drift view asks which one an environment is compared with). */
export interface KubeContextsParams {
  folder?: string;
}

export type KubeContextsResult =
  | {
      /** The kubeconfig files read, in order. */
      files: string[];
      current?: string;
      contexts: { name: string; cluster: string; server?: string; namespace?: string; user?: string }[];
    }
  | { error: string };

/** The contexts of the kubeconfig drift reads (driftless.kubeconfig, else KUBECONFIG, else ~/.kube/config); refused when untrusted. */
export namespace KubeContextsRequest {
  export const method = 'driftless/kubeContexts';
  export const type = new RequestType<KubeContextsParams, KubeContextsResult, void>(method);
}

export interface DriftDocumentParams extends DriftParams {
  object: DriftObjectRef;
  /** `git`: what git declares (as the server predicts it stored); `live`: what the cluster has. Both normalized. */
  side: 'git' | 'live';
}

export type DriftDocumentResult = { text: string } | { error: string };

/**
 * One side of an object's drift as YAML (normalized, Secret values `***`), for the diff editor: from the environment's
 * last drift run, or a new one. Refused when untrusted.
 */
export namespace DriftDocumentRequest {
  export const method = 'driftless/driftDocument';
  export const type = new RequestType<DriftDocumentParams, DriftDocumentResult, void>(method);
}

export interface WatchDriftParams {
  /** The environments to watch (those the Drift view shows), as their drift was asked for; an empty list stops all. */
  environments: DriftParams[];
}

/** Which environments' clusters to watch for changes while the Drift view is open (client to server). */
export namespace WatchDriftNotification {
  export const method = 'driftless/watchDrift';
  export const type = new NotificationType<WatchDriftParams>(method);
}

export interface DriftChangedParams {
  /** The workspace folder (project root), environment and context as the drift was asked for. */
  folder: string;
  environment: string;
  context?: string;
  /** What changed: `Deployment web changed`, `the watch of ConfigMap failed: …`. */
  reason: string;
}

/** A watched environment's cluster changed in a way that can change its drift: ask for it again (server to client). */
export namespace DriftChangedNotification {
  export const method = 'driftless/driftChanged';
  export const type = new NotificationType<DriftChangedParams>(method);
}

export interface DriftFieldParams extends DriftParams {
  object: DriftObjectRef;
  /** The difference's JSON pointer into the live object. */
  path: string;
}

export interface IgnoreFieldParams extends DriftFieldParams {
  /** `config`: .driftless.yaml's `drift.ignore`; `application`: the environment's Argo CD Application's `spec.ignoreDifferences`. */
  into: 'config' | 'application';
}

export type DriftActionResult =
  /** The edit to apply (the client applies it, so the user sees it and can undo it), and what it does. */
  | { edit: WorkspaceEdit; description: string; reveal?: Location }
  /** Nothing to write here: where the value comes from in git, and what to change there. */
  | { where: string; location?: Location }
  | { error: string };

/** "Ignore this field": the ignore rule for one difference, as an edit of .driftless.yaml or the Application. Refused when untrusted. */
export namespace IgnoreFieldRequest {
  export const method = 'driftless/ignoreDriftField';
  export const type = new RequestType<IgnoreFieldParams, DriftActionResult, void>(method);
}

/** "Take the live value into git": an edit of the line git writes the value on, or where it comes from. Refused when untrusted. */
export namespace TakeLiveValueRequest {
  export const method = 'driftless/takeLiveValue';
  export const type = new RequestType<DriftFieldParams, DriftActionResult, void>(method);
}

export interface FileEnvironmentsParams {
  uri: string;
}

/** The environments whose render reads a file (for the drift status bar item). */
export type FileEnvironmentsResult = { folder: string; environments: string[] } | null;

export namespace FileEnvironmentsRequest {
  export const method = 'driftless/fileEnvironments';
  export const type = new RequestType<FileEnvironmentsParams, FileEnvironmentsResult, void>(method);
}

// Delivery: commit, push, pull requests. Every request writes or reaches a forge: all are refused in an untrusted
// workspace. Tokens travel per request (from VS Code's GitHub sign-in or SecretStorage), never stored by the server.

/** A forge the user runs (setting `driftless.forges`): GitHub Enterprise, a self-hosted GitLab, Gitea or Forgejo. */
export interface ForgeSetting {
  url: string;
  kind: 'github' | 'gitlab' | 'gitea';
}

export interface DeliveryParams {
  /** A workspace folder path; the first one when absent. */
  folder?: string;
}

/** What a commit of the working tree's changes would be (nothing is written). */
export namespace PlanCommitRequest {
  export const method = 'driftless/delivery/planCommit';
  export const type = new RequestType<DeliveryParams, CommitPlan | DeliveryFailure, void>(method);
}

export interface CommitParams extends DeliveryParams {
  /** Paths relative to the repository's root. */
  files: string[];
  message: string;
  /** A new branch to make and commit on; absent: the current branch. */
  branch?: string;
  /** Commit despite validation errors (recorded in the message's Driftless-Override trailer). */
  override?: boolean;
}

export type CommitResult = { commit: string; branch: string; message: string } | DeliveryFailure;

export namespace CommitRequest {
  export const method = 'driftless/delivery/commit';
  export const type = new RequestType<CommitParams, CommitResult, void>(method);
}

export interface PushParams extends DeliveryParams {
  /** Default: the current branch. */
  branch?: string;
  remote?: string;
}

export type PushResult =
  | { pushed: true; remote: string; branch: string; created: boolean }
  /** Rejected: git's own words and the way out; the local commit is kept. */
  | { pushed: false; reason: string; gitMessage: string; wayOut: string }
  | DeliveryFailure;

export namespace PushRequest {
  export const method = 'driftless/delivery/push';
  export const type = new RequestType<PushParams, PushResult, void>(method);
}

export interface ForgeParams extends DeliveryParams {
  /** The forge token for this repository's host (never stored by the server). */
  token?: string;
}

export interface CreatePullRequestParams extends ForgeParams {
  /** Default: the current branch. */
  head?: string;
  /** Default: .driftless.yaml's delivery.pullRequest.base, else the remote's default branch. */
  base?: string;
  title?: string;
  /** Default: .driftless.yaml's delivery.pullRequest.draft. */
  draft?: boolean;
}

export type CreatePullRequestResult =
  | {
      pullRequest: { url: string; number: number; title: string; head: string; base: string; draft: boolean };
      /** False: one was open for the branch already, and is linked. */
      created: boolean;
      bodyCut: boolean;
      warnings: string[];
    }
  | ForgeTokenNeeded
  | DeliveryFailure;

export namespace CreatePullRequestRequest {
  export const method = 'driftless/delivery/createPullRequest';
  export const type = new RequestType<CreatePullRequestParams, CreatePullRequestResult, void>(method);
}

export type PullRequestsResult = PullRequestList | ForgeTokenNeeded | DeliveryFailure;

/** The open pull requests of the repository, with their checks and review state (the Pull Requests view). */
export namespace PullRequestsRequest {
  export const method = 'driftless/delivery/pullRequests';
  export const type = new RequestType<ForgeParams, PullRequestsResult, void>(method);
}

export interface CheckoutPullRequestParams extends DeliveryParams {
  remote: string;
  number: number;
  head: string;
  headRef: string;
  base: string;
  /** Keep the working tree's changes on this new branch first (the user chose to). */
  keepChangesOn?: string;
}

export type CheckoutPullRequestResult = CheckoutOutcome;
export type { CommitPlan, PullRequestList };

export namespace CheckoutPullRequestRequest {
  export const method = 'driftless/delivery/checkoutPullRequest';
  export const type = new RequestType<CheckoutPullRequestParams, CheckoutPullRequestResult, void>(method);
}

/** A delivery request that could not be done: why, in the user's terms, and a kind for the client to act on. */
export interface DeliveryFailure {
  error: string;
  kind: string;
}

/** The forge needs a token the request did not carry (the client asks for one, stores it, and asks again). */
export type ForgeTokenNeeded = TokenNeeded;

// Deploy and rollback. Every request reads a cluster with the kubeconfig's credentials, and `run` writes to a
// cluster and a remote: all are refused in an untrusted workspace. `run` carries the digest of the plan the user saw:
// a plan that changed meanwhile is refused. Cancelling `run` stops it at its next safe step.

/** What a deploy or rollback is asked for: the editor command's argument object, resolved by the client. */
export interface DeployParams extends ForgeParams {
  environment: string;
  kind: 'deploy' | 'rollback';
  /** Default: the environment's delivery.mode. */
  mode?: 'pull-request' | 'commit' | 'apply';
  /** A rollback's revision. */
  revision?: string;
  /** A rollback without new commits (the controller synced to it, or its render applied). */
  immediate?: boolean;
  prune?: boolean;
  answers: { confirm?: string; override?: boolean; suspendAutoSync?: boolean; forceConflicts?: boolean };
  /** A kubeconfig context instead of the environment's. */
  context?: string;
  /** How long each wait may take (merge, sync, rollouts), in seconds. */
  timeoutSeconds?: number;
  /** argocd-server's token (from SecretStorage, keyed by its URL; never stored by the server, never logged). */
  argocdToken?: string;
  /** `run` only: the digest of the plan the user agreed to. */
  planDigest?: string;
  /** `run` only: progress notifications carry this id. */
  progressId?: string;
}

/** `driftless deploy --format json`'s object: the plan, what was done, the controller's state, the record. */
export type { DeployResult, EnvironmentHistory };

/** The plan only (a dry run): nothing is written. */
export namespace DeployPlanRequest {
  export const method = 'driftless/deploy/plan';
  /** `markdown`: the plan as the editor shows it (read-only), beside the consent. */
  export const type = new RequestType<DeployParams, (DeployResult & { markdown?: string }) | DeliveryFailure, void>(method);
}

/** The deploy or rollback, run as planned; cancellable. */
export namespace DeployRunRequest {
  export const method = 'driftless/deploy/run';
  export const type = new RequestType<DeployParams, DeployResult | DeliveryFailure, void>(method);
}

/** What a running deploy is doing now (for the progress notification). */
export namespace DeployProgressNotification {
  export const method = 'driftless/deploy/progress';
  export const type = new NotificationType<{ progressId: string; message: string }>(method);
}

export interface DeployHistoryParams extends DeliveryParams {
  environment: string;
}

/** An environment's history: commits changing its inputs, its controller's history, the deploy records. */
export namespace DeployHistoryRequest {
  export const method = 'driftless/deploy/history';
  export const type = new RequestType<DeployHistoryParams, EnvironmentHistory | DeliveryFailure, void>(method);
}
