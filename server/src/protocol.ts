// Every custom message between the Driftless client and server, declared once and imported by both sides.
// Only types and method names live here, so the client bundle pulls in nothing of the server.
import type { EnvironmentView } from './engine/environments/environment';
import type { EnvironmentDiffs } from './node/render/environment-diff';
import type { EnvironmentDrift } from './node/drift/drift-environments';
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';

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

/** The environments of each workspace folder's repository (the Environments view, `driftless environments`). */
export interface EnvironmentsResult {
  /** False while a workspace index is still being read: the list may grow. */
  complete: boolean;
  folders: { root: string; environments: EnvironmentView[] }[];
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

export type RenderResult = { ok: true; yaml: string; tool: string; cached: boolean } | { ok: false; error: string };

/** Renders an environment with kustomize or helm; refused in an untrusted workspace. */
export namespace RenderRequest {
  export const method = 'driftless/render';
  export const type = new RequestType<RenderParams, RenderResult, void>(method);
}

export interface ChangesParams {
  /** A workspace folder path; the first one when absent. */
  folder?: string;
}

export type ChangesResult = EnvironmentDiffs | { error: string };

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
