// State kept per open document: its parse cache and its last validation. Created on open, dropped on close.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileValidation } from '../engine/project/project-model';
import type { Project } from '../node/project';
import { DocumentCache } from '../engine/yaml/parse-documents';
import { uriToPath } from './projects';

export interface OpenDocument {
  uri: string;
  /** The file path, or a stand-in for unsaved (untitled) documents. */
  path: string;
  project: Project;
  cache: DocumentCache;
  /** The text and result of the latest validation, for hover, completion and code actions. */
  validated?: { version: number; text: string; result: FileValidation };
}

export class OpenDocuments {
  private readonly states = new Map<string, OpenDocument>();

  get(uri: string): OpenDocument | undefined {
    return this.states.get(uri);
  }

  open(document: TextDocument, projectFor: (path: string | undefined) => Project): OpenDocument {
    let state = this.states.get(document.uri);
    if (!state) {
      const path = uriToPath(document.uri);
      state = {
        uri: document.uri,
        path: path ?? decodeURIComponent(document.uri.replace(/^[a-z-]+:/, '')),
        project: projectFor(path),
        cache: new DocumentCache(),
      };
      this.states.set(document.uri, state);
    }
    return state;
  }

  /** Whether a file is open in the editor (its text there is the truth, saved or not). */
  isOpen(path: string): boolean {
    for (const state of this.states.values()) if (state.path === path) return true;
    return false;
  }

  close(uri: string): void {
    this.states.delete(uri);
  }

  all(): OpenDocument[] {
    return [...this.states.values()];
  }

  /** Forgets every result, after a change (settings, config, CRDs) that can alter any document's findings. */
  invalidate(project?: Project): void {
    for (const state of this.states.values()) if (!project || state.project === project) state.validated = undefined;
  }

  /** Forgets one document's result, after a change elsewhere (a file it names appeared or went). */
  forget(state: OpenDocument): void {
    state.validated = undefined;
  }

  /** Runs validation if the text changed since the last run, and returns the current result. */
  validate(state: OpenDocument, document: TextDocument): FileValidation {
    if (state.validated?.version === document.version && state.validated.text === document.getText()) return state.validated.result;
    const text = document.getText();
    const result = state.project.validateText(state.path, text, state.cache);
    state.validated = { version: document.version, text, result };
    return result;
  }
}
