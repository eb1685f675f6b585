// The Driftless language server: `node dist/server.js --stdio`, or started by the VS Code client over IPC.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { DriftlessLanguageServer } from './lsp/language-server';
import { cleanUpOnSignals, sweepLeftovers } from './node/leftovers';
import { SchemaFiles } from './node/schema-files';

const connection = createConnection(ProposedFeatures.all);
// A promise nobody awaited that fails is logged, never the end of the server (Node's default since 15).
process.on('unhandledRejection', (error) => {
  connection.console.error(`Driftless: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
});
// Stopped by a signal mid-render (the editor closing): its tools stopped, its temporary folders and worktrees removed.
cleanUpOnSignals();
// What earlier servers killed outright left in the temp dir.
sweepLeftovers();
new DriftlessLanguageServer(connection, new SchemaFiles());
connection.listen();
