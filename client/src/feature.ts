// What every client feature receives, and the shape of a feature: a function that registers its parts.
import type * as vscode from 'vscode';
import type { ChangesResult, EnvironmentsResult, PullRequestsResult } from '../../server/src/protocol';
import type { ForgeTokens } from './features/forge-tokens';
import type { DriftViewState, StatusBarState, ViewRow } from './api';
import type { ServerConnection } from './server-connection';

export interface ClientContext {
  extension: vscode.ExtensionContext;
  server: ServerConnection;
  /** Forge tokens (VS Code's GitHub sign-in, SecretStorage), shared by the delivery features. */
  forgeTokens: ForgeTokens;
  /** State features publish for the extension's API (see api.ts). */
  shown: {
    statusBar: StatusBarState;
    environments: () => EnvironmentsResult | undefined;
    changes: () => ChangesResult | undefined;
    changesRows: () => ViewRow[];
    environmentsRows: () => ViewRow[];
    drift: () => DriftViewState | undefined;
    /** Resolves when the Drift view compares nothing. */
    driftSettled: () => Promise<void>;
    pullRequests: () => PullRequestsResult | undefined;
  };
}

export type Feature = (context: ClientContext) => vscode.Disposable[];
