// Test helpers for the engine: validate text as the CLI and the server do, and read results by line.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from '../../server/src/node/project';
import { SchemaFiles } from '../../server/src/node/schema-files';
import type { Diagnostic } from '../../server/src/engine/validate/report';
import { temporaryFolder } from './temporary-folders';

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
  project?: Project;
}

const projects = new Map<string, Project>();

/** A project rooted nowhere in particular, one per Kubernetes version, shared across tests for speed. */
export function projectFor(kubernetesVersion = '1.31'): Project {
  let project = projects.get(kubernetesVersion);
  if (!project) {
    project = new Project('/nonexistent-driftless-test-root', schemaFiles, undefined, kubernetesVersion);
    projects.set(kubernetesVersion, project);
  }
  return project;
}

export function validate(text: string, options: ValidateOptions = {}): Found[] {
  const project =
    options.project ??
    (options.crdFiles
      ? new Project('/nonexistent-driftless-test-root', schemaFiles, undefined, options.kubernetesVersion ?? '1.31')
      : projectFor(options.kubernetesVersion));
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

/**
 * A repository on disk holding `files` (path -> text; a path ending in / is an empty folder), scanned as the CLI does.
 * With `remotes`, it is a real git repository with those remotes (`origin` first).
 */
export function repository(files: Record<string, string>, options: { remotes?: string[] } = {}): { root: string; project: Project } {
  const root = temporaryFolder('driftless-repo-');
  if (options.remotes) {
    execFileSync('git', ['init', '--quiet', root]);
    options.remotes.forEach((url, i) => execFileSync('git', ['-C', root, 'remote', 'add', i === 0 ? 'origin' : `remote${i}`, url]));
  }
  for (const [path, text] of Object.entries(files)) {
    if (path.endsWith('/')) {
      mkdirSync(join(root, path), { recursive: true });
      continue;
    }
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const project = new Project(root, schemaFiles);
  project.scan();
  return { root, project };
}
