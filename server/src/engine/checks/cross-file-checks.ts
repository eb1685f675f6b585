// Every check across files, in the order their findings are added to a document's (adding one: a module in this
// folder and one entry here; docs/architecture.md has the recipe). Not cached with a document's own findings: those
// follow its text, these the rest of the repository.
import type { FileReport } from '../validate/validate-file';
import { chartDependencies } from './chart-dependencies';
import type { CheckedDocument, CrossFileCheck, CrossFileContext } from './cross-file-check';
import { deliveredPaths } from './delivered-paths';
import { duplicateObjects } from './duplicate-objects';
import { helmValuesSchema } from './helm-values-schema';
import { kustomizationPaths } from './kustomization-paths';
import { patchReferences } from './patch-references';
import { policiesInContext } from './policies-in-context';
import { resourceReferences } from './resource-references';
import { selectors } from './selectors';
import { wholeFolderDuplicates } from './whole-folder-duplicates';

export const CROSS_FILE_CHECKS = [
  helmValuesSchema,
  chartDependencies,
  kustomizationPaths,
  patchReferences,
  resourceReferences,
  selectors,
  duplicateObjects,
  wholeFolderDuplicates,
  policiesInContext,
  deliveredPaths,
] as const satisfies readonly CrossFileCheck[];

export type CrossFileCheckId = (typeof CROSS_FILE_CHECKS)[number]['id'];

/** The file's report with what every check that applies to it finds in each of its documents. */
export function withCrossFileFindings(report: FileReport, path: string, context: CrossFileContext): FileReport {
  const file = { path, kind: report.kind };
  let result = report;
  for (const check of CROSS_FILE_CHECKS as readonly CrossFileCheck[]) {
    if (!check.appliesTo(file, context)) continue;
    result = withFindings(result, (document) => check.check(document, file, context));
  }
  return result;
}

/** Adds what `check` finds in each document that holds something. */
function withFindings(report: FileReport, check: (document: CheckedDocument) => ReturnType<CrossFileCheck['check']>): FileReport {
  return {
    ...report,
    documents: report.documents.map((entry) => {
      const { content, index } = entry.document;
      const found = content.value === undefined ? [] : check({ value: content.value, index, content });
      return found.length ? { ...entry, findings: [...entry.findings, ...found] } : entry;
    }),
  };
}
