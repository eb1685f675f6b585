// What every client feature receives, and the shape of a feature: a function that registers its parts.
import type * as vscode from 'vscode';
import type { ChangesResult, EnvironmentsResult } from '../../server/src/protocol';
import type { DriftViewState, StatusBarState } from './api';
import type { ServerConnection } from './server-connection';

export interface ClientContext {
  extension: vscode.ExtensionContext;
  server: ServerConnection;
  /** State features publish for the extension's API (see api.ts). */
  shown: {
    statusBar: StatusBarState;
    environments: () => EnvironmentsResult | undefined;
    changes: () => ChangesResult | undefined;
    drift: () => DriftViewState | undefined;
    /** Resolves when the Drift view compares nothing. */
    driftSettled: () => Promise<void>;
  };
}

export type Feature = (context: ClientContext) => vscode.Disposable[];
