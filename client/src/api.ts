// What the extension exports (vscode.extensions.getExtension('driftless.driftless').exports): state that other
// extensions and the extension-host tests read instead of poking at internals.
import type { ChangesResult, DriftResult, EnvironmentsResult, PullRequestsResult } from '../../server/src/protocol';

export interface StatusBarState {
  text: string;
  tooltip: string;
  visible: boolean;
}

/** A row of the Drift view as shown: its label, description, icon and children. */
export interface DriftRow {
  label: string;
  description?: string;
  icon?: string;
  children?: DriftRow[];
}

/** A row of a Driftless tree view as shown (the Environments and Changes views). */
export interface ViewRow {
  label: string;
  description?: string;
  icon?: string;
  /** The tooltip's text (Markdown as written, for a Markdown tooltip). */
  tooltip?: string;
  contextValue?: string;
  /** What a click runs. */
  command?: { command: string; arguments: unknown[] };
  children?: ViewRow[];
}

/** What the Drift view knows and shows. */
export interface DriftViewState {
  environments: { folder: string; environment: string; context: string | null; comparing: boolean; result?: DriftResult }[];
  rows: DriftRow[];
  /** The drift status bar item as shown now. */
  statusBar: StatusBarState;
  /** Whether the shown environments' clusters are being watched (the view is visible, the workspace trusted). */
  watching: boolean;
}

export interface DriftlessApi {
  /** Resolves when the language server has started and answered its first request. */
  ready(): Promise<void>;
  /** The Kubernetes-version status bar item as shown now. */
  statusBar(): StatusBarState;
  /** The language server's process id, or undefined while it is not running. */
  serverProcessId(): Promise<number | undefined>;
  /** What the Environments view lists now (undefined before the server answered). */
  environments(): EnvironmentsResult | undefined;
  /** What the Changes view shows now (undefined before the server answered). */
  changes(): ChangesResult | undefined;
  /** The Changes view's rows as shown now. */
  changesRows(): ViewRow[];
  /** The Environments view's rows as shown now. */
  environmentsRows(): ViewRow[];
  /** What the Drift view knows and shows now (undefined before it was created). */
  drift(): DriftViewState | undefined;
  /** Resolves when the Drift view is comparing nothing. */
  driftSettled(): Promise<void>;
  /** What the Pull Requests view lists now (undefined before it was first shown). */
  pullRequests(): PullRequestsResult | undefined;
  /** How long `activate` took, in milliseconds of extension-host time. */
  readonly activationMs: number;
}
