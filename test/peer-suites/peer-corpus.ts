// Shared helpers for the peer-suite tests: where the peer validators' suites live (stored as data in the shared
// corpus), how Driftless is run on them (the way the CLI runs it), and how its verdict per document is read.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatPath } from '../../server/src/engine/validate/finding';
import type { Diagnostic } from '../../server/src/engine/validate/report';
import type { FileValidation } from '../../server/src/engine/project/project-model';
import { Project } from '../../server/src/node/project';
import { readTextFile } from '../../server/src/node/read-text-file';
import { SchemaFiles } from '../../server/src/node/schema-files';
import { corpusFolder } from '../helpers/shared-corpus';
import { skipWithReason } from '../helpers/skips';

/** The shared corpus's peer-suites folder; DRIFTLESS_PEER_SUITES overrides. */
export const PEER_SUITES_DIR = corpusFolder('DRIFTLESS_PEER_SUITES', 'peer-suites');

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
    skipWithReason(this, reason);
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

/**
 * Driftless's errors in one document as `rule@where`, sorted: where is the finding's path as Driftless prints it
 * (`spec.containers[0].image`), or, for a finding located in the text (a duplicate key), the key there.
 */
export function errorsIn(validation: FileValidation, text: string, documentIndex: number): string[] {
  const findings = [...(validation.report.documents.find(({ document }) => document.index === documentIndex)?.findings ?? [])];
  return validation.diagnostics
    .filter((d) => d.documentIndex === documentIndex && d.severity === 'error')
    .map((d) => {
      // A diagnostic is its finding located: the same rule and message.
      const at = findings.findIndex((f) => f.rule === d.rule && f.message === d.message);
      const [finding] = at >= 0 ? findings.splice(at, 1) : [];
      const where = finding?.path ? formatPath(finding.path) || '(the document)' : /^[^:\n]*/.exec(text.slice(d.start))![0].trim();
      return `${d.rule}@${where}`;
    })
    .sort();
}
