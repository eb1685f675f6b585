// Activation: start the language server and register the client's features. All computation happens in the server;
// the client presents results and asks for consent.
import * as vscode from 'vscode';
import type { DriftlessApi } from './api';
import type { ClientContext, Feature } from './feature';
import { serverCommands } from './features/commands';
import { changesView } from './features/changes-view';
import { driftView } from './features/drift-view';
import { deliveryCommands } from './features/delivery-commands';
import { deployCommands } from './features/deploy-commands';
import { ForgeTokens } from './features/forge-tokens';
import { pullRequestsView } from './features/pull-requests-view';
import { environmentLens } from './features/environment-lens';
import { environmentsView } from './features/environments-view';
import { renderedPreview } from './features/rendered-preview';
import { redHatYamlConflict } from './features/red-hat-yaml';
import { statusBar } from './features/status-bar';
import { workspaceTrust } from './features/workspace-trust';
import { ServerConnection } from './server-connection';

const FEATURES: Feature[] = [
  serverCommands,
  statusBar,
  workspaceTrust,
  redHatYamlConflict,
  environmentLens,
  environmentsView,
  renderedPreview,
  changesView,
  driftView,
  deliveryCommands,
  deployCommands,
  pullRequestsView,
];

let server: ServerConnection | undefined;

export function activate(extension: vscode.ExtensionContext): DriftlessApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Driftless', { log: true });
  const connection = new ServerConnection(extension, output);
  server = connection;
  const context: ClientContext = {
    extension,
    server: connection,
    forgeTokens: new ForgeTokens(extension.secrets),
    shown: {
      statusBar: { text: '', tooltip: '', visible: false },
      environments: () => undefined,
      changes: () => undefined,
      changesRows: () => [],
      environmentsRows: () => [],
      drift: () => undefined,
      driftSettled: () => Promise.resolve(),
      pullRequests: () => undefined,
    },
  };
  extension.subscriptions.push(output, connection, ...FEATURES.flatMap((feature) => feature(context)));
  // Not awaited: activation stays cheap; the server's results arrive when it is ready.
  connection.start().catch((error: unknown) => output.error(`The Driftless language server did not start: ${String(error)}`));
  const activationMs = performance.now() - started;
  const { version } = extension.extension.packageJSON as { version?: string };
  output.info(`Driftless ${version ?? ''} activated in ${activationMs.toFixed(1)} ms; starting the language server`);
  return {
    ready: () => connection.ready(),
    statusBar: () => context.shown.statusBar,
    environments: () => context.shown.environments(),
    changes: () => context.shown.changes(),
    changesRows: () => context.shown.changesRows(),
    environmentsRows: () => context.shown.environmentsRows(),
    drift: () => context.shown.drift(),
    driftSettled: () => context.shown.driftSettled(),
    pullRequests: () => context.shown.pullRequests(),
    serverProcessId: () => connection.processId(),
    activationMs,
  };
}

export function deactivate(): void {
  server?.dispose();
  server = undefined;
}
