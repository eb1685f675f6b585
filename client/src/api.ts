// What the extension exports (vscode.extensions.getExtension('driftless.driftless').exports): state that other
// extensions and the extension-host tests read instead of poking at internals.
import type { ChangesResult, EnvironmentsResult, PullRequestsResult } from '../../server/src/protocol';

export interface StatusBarState {
  text: string;
  tooltip: string;
  visible: boolean;
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
  /** What the Pull Requests view lists now (undefined before it was first shown). */
  pullRequests(): PullRequestsResult | undefined;
  /** How long `activate` took, in milliseconds of extension-host time. */
  readonly activationMs: number;
}
