// Activation: start the language server and register the client's features. All computation happens in the server;
// the client presents results and asks for consent.
import * as vscode from 'vscode';
import type { ClientContext, Feature } from './feature';
import { serverCommands } from './features/commands';
import { redHatYamlConflict } from './features/red-hat-yaml';
import { statusBar } from './features/status-bar';
import { workspaceTrust } from './features/workspace-trust';
import { ServerConnection } from './server-connection';

const FEATURES: Feature[] = [serverCommands, statusBar, workspaceTrust, redHatYamlConflict];

let server: ServerConnection | undefined;

export function activate(extension: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Driftless', { log: true });
  server = new ServerConnection(extension, output);
  const context: ClientContext = { extension, server };
  extension.subscriptions.push(output, server, ...FEATURES.flatMap((feature) => feature(context)));
  // Not awaited: activation stays cheap; the server's results arrive when it is ready.
  server.start().catch((error: unknown) => output.error(`The Driftless language server did not start: ${String(error)}`));
}

export function deactivate(): void {
  server?.dispose();
  server = undefined;
}
