// What a request handler about one document gets: the document, its state and latest validation, and the schema
// context; errors in a handler are logged and answered empty, so one bug does not take the server down.
import { pathToFileURL } from 'node:url';
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SchemaContext } from '../engine/language/document-schema';
import type { FileValidation } from '../engine/project/project-model';
import { readTextFile } from '../node/read-text-file';
import type { OpenDocument, OpenDocuments } from './open-documents';

export interface DocumentRequest {
  document: TextDocument;
  state: OpenDocument;
  /** The validation of the document's current text (run now if the text changed since the last one). */
  validation: FileValidation;
  schemaContext: SchemaContext;
}

export class DocumentRequests {
  constructor(
    readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly open: OpenDocuments,
  ) {}

  /** A file's text: the editor's for an open file (unsaved edits included), else the disk's. */
  textOf(path: string): string | undefined {
    const open = this.documents.get(pathToFileURL(path).href);
    if (open) return open.getText();
    const file = readTextFile(path);
    return file.ok ? file.text : undefined;
  }

  handle<T>(uri: string, run: (request: DocumentRequest) => T): T | undefined {
    const document = this.documents.get(uri);
    const state = this.open.get(uri);
    if (!document || !state) return undefined;
    try {
      const project = state.project;
      const schemaContext: SchemaContext = {
        catalog: project.catalog,
        kubernetesVersion: project.config.kubernetesVersion,
        host: project,
        facts: project.facts(state.path),
      };
      return run({ document, state, validation: this.open.validate(state, document), schemaContext });
    } catch (error) {
      this.connection.console.error(`Driftless: ${(error as Error).stack ?? String(error)}`);
      return undefined;
    }
  }
}

/** A server feature: registers its handlers. */
export type ServerFeature = (requests: DocumentRequests) => void;
