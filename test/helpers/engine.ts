// Test helpers for the engine: projects on in-memory trees, validation of text as the CLI and the server do it, and
// results read by line.
import { join } from 'node:path';
import { ProjectModel } from '../../server/src/engine/project/project-model';
import type { Diagnostic } from '../../server/src/engine/validate/report';
import { SchemaFiles } from '../../server/src/node/schema-files';
import { MemoryFiles } from './memory-files';

export const REPO_ROOT = join(__dirname, '..', '..');
export const schemaFiles = new SchemaFiles(join(REPO_ROOT, 'schemas'));

export interface Found {
  rule: string;
  severity: string;
  message: string;
  /** 1-based, as editors and the CLI show them. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  diagnostic: Diagnostic;
}

export interface ValidateOptions {
  path?: string;
  kubernetesVersion?: string;
  /** Other files of the project (path -> text) whose CRDs should be known. */
  crdFiles?: Record<string, string>;
  project?: ProjectModel;
}

const projects = new Map<string, ProjectModel>();

/** A project on an empty in-memory tree. */
function emptyProject(kubernetesVersion: string): ProjectModel {
  return new ProjectModel({
    root: '/empty-project',
    files: new MemoryFiles('/empty-project'),
    schemaData: schemaFiles,
    versionOverride: kubernetesVersion,
  });
}

/** A project of an empty tree, one per Kubernetes version, shared across tests for speed. */
export function projectFor(kubernetesVersion = '1.31'): ProjectModel {
  let project = projects.get(kubernetesVersion);
  if (!project) {
    project = emptyProject(kubernetesVersion);
    projects.set(kubernetesVersion, project);
  }
  return project;
}

export function validate(text: string, options: ValidateOptions = {}): Found[] {
  const project =
    options.project ?? (options.crdFiles ? emptyProject(options.kubernetesVersion ?? '1.31') : projectFor(options.kubernetesVersion));
  for (const [path, content] of Object.entries(options.crdFiles ?? {})) project.indexFile(path, content);
  const result = project.validateText(options.path ?? '/workspace/manifest.yaml', text);
  return result.diagnostics.map((diagnostic) => {
    const start = result.lines.positionAt(diagnostic.start);
    const end = result.lines.positionAt(diagnostic.end);
    return {
      rule: diagnostic.rule,
      severity: diagnostic.severity,
      message: diagnostic.message,
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
      diagnostic,
    };
  });
}

/** "rule@line" for compact assertions. */
export function summary(found: Found[]): string[] {
  return found.map((f) => `${f.rule}@${f.line}`);
}

/** Strips the marker `|` (the cursor) from text, returning the text and the marker's offset. */
export function withCursor(marked: string, marker = '|'): { text: string; offset: number } {
  const offset = marked.indexOf(marker);
  if (offset === -1) throw new Error('no cursor marker in test text');
  return { text: marked.slice(0, offset) + marked.slice(offset + marker.length), offset };
}

/** Dedents a template literal so fixtures read naturally in tests. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

export interface MemoryRepository {
  root: string;
  files: MemoryFiles;
  project: ProjectModel;
}

/**
 * A project on an in-memory tree holding `files` (path relative to the root -> text; a path ending in / is an empty
 * folder), scanned as the CLI does. With `remotes`, the tree is a git repository with those remotes (`origin` first).
 */
export function repository(files: Record<string, string>, options: { remotes?: string[] } = {}): MemoryRepository {
  const root = '/repository';
  const tree = new MemoryFiles(root, files, options.remotes ? { root, remotes: options.remotes } : undefined);
  const project = new ProjectModel({ root, files: tree, schemaData: schemaFiles });
  project.scan();
  return { root, files: tree, project };
}

/** Validates a file of a project as it is in the project's files. */
export function validateFile(project: ProjectModel, path: string): Found[] {
  const text = project.files.readText(path);
  if (!text.ok) throw new Error(`${path}: ${text.message}`);
  return validate(text.text, { project, path });
}
