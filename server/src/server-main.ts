// The Driftless language server: `node dist/server.js --stdio`, or started by the VS Code client over IPC.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { DriftlessLanguageServer } from './lsp/language-server';
import { SchemaFiles } from './node/schema-files';

const connection = createConnection(ProposedFeatures.all);
new DriftlessLanguageServer(connection, new SchemaFiles());
connection.listen();
