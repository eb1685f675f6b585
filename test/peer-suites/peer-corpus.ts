// Shared helpers for the peer-suite tests: where the peer validators' suites live (stored as data in the shared
// corpus), how Driftless is run on them (the way the CLI runs it), and how its verdict per document is read.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Diagnostic } from '../../server/src/engine/validate/report';
import { Project, type FileValidation } from '../../server/src/node/project';
import { readTextFile } from '../../server/src/node/read-text-file';
import { SchemaFiles } from '../../server/src/node/schema-files';

/** /work/shared/corpus/peer-suites: ../shared/corpus relative to the repository root; DRIFTLESS_PEER_SUITES overrides. */
export const PEER_SUITES_DIR = process.env.DRIFTLESS_PEER_SUITES
  ? resolve(process.env.DRIFTLESS_PEER_SUITES)
  : resolve(__dirname, '..', '..', '..', 'shared', 'corpus', 'peer-suites');

/** Why the suite `name` cannot run (its folder or expectations are missing), or undefined when it can. */
export function missingCorpus(name: string, expectationsFile = 'expectations.json'): string | undefined {
  const dir = join(PEER_SUITES_DIR, name);
  if (!existsSync(join(dir, expectationsFile)))
    return `peer-suite corpus not found: ${join(dir, expectationsFile)} is missing (set DRIFTLESS_PEER_SUITES to the peer-suites folder)`;
  return undefined;
}

/** Registers one visibly skipped test naming why the whole suite cannot run. */
export function skipWholeSuite(reason: string): void {
  it(`SKIPPED — ${reason}`, function () {
    console.warn(`\n  [peer-suites] skipped: ${reason}`);
    this.skip();
  });
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The bundled Kubernetes versions, oldest first, and the newest (Driftless's default). */
export function bundledVersions(): { versions: string[]; newest: string; oldest: string } {
  const index = new SchemaFiles().readJson('index.json') as { kubernetesVersions: string[]; defaultKubernetesVersion: string };
  return { versions: index.kubernetesVersions, newest: index.defaultKubernetesVersion, oldest: index.kubernetesVersions[0]! };
}

/**
 * A project rooted at `root` validating for `kubernetesVersion` (forced, as the CLI's --kubernetes-version does),
 * knowing exactly the CRDs the given files define — nothing is discovered from the folder itself.
 */
export function projectWith(root: string, kubernetesVersion: string, crdFiles: readonly string[] = []): Project {
  const project = new Project(root, new SchemaFiles(), undefined, kubernetesVersion);
  for (const file of crdFiles) {
    const text = readTextFile(file);
    if (!text.ok) throw new Error(`${file}: ${text.message}`);
    project.indexFile(file, text.text);
  }
  return project;
}

/** The YAML files directly in a folder, sorted. */
export function yamlFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

export interface DocumentVerdict {
  index: number;
  /** 1-based line of the document's first line after its own `---` marker (1 for the first document). */
  contentStartLine: number;
  empty: boolean;
  diagnostics: Diagnostic[];
  errors: Diagnostic[];
}

/** Driftless's verdict per YAML document of a validated file: a document fails when it has an error-severity finding. */
export function documentVerdicts(validation: FileValidation): DocumentVerdict[] {
  return validation.report.documents.map(({ document }) => {
    const markerLine = validation.lines.positionAt(document.start).line;
    const startsWithMarker = /^---(?:[ \t\r\n]|$)/.test(document.text);
    const diagnostics = validation.diagnostics.filter((d) => d.documentIndex === document.index);
    return {
      index: document.index,
      contentStartLine: document.index === 0 ? 1 : markerLine + (startsWithMarker ? 2 : 1),
      empty: document.content.empty,
      diagnostics,
      errors: diagnostics.filter((d) => d.severity === 'error'),
    };
  });
}

/** One line per diagnostic, for assertion messages: `line:col severity rule: message`. */
export function describeDiagnostics(validation: FileValidation, diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return '    (no findings)';
  return diagnostics
    .map((d) => {
      const at = validation.lines.positionAt(d.start);
      return `    ${at.line + 1}:${at.character + 1} ${d.severity} ${d.rule}: ${d.message}`;
    })
    .join('\n');
}
