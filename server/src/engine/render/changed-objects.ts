// What a diff says of each changed object beyond its YAML: the values that changed, as people say them (`cpu 100m →
// 250m`), and whether the working tree's render of it breaks something (its errors and warnings, and which of them
// the change brings); and, per environment, how many errors and warnings its whole render has.
import { describeField, fieldChangesOf } from '../delivery/field-changes';
import type { Finding } from '../validate/finding';
import type { Severity } from '../rules';
import type { ChangedObject, EnvironmentDiff, ObjectFinding } from './environment-diffs';
import type { ObjectChange } from './object-diff';
import { objectsOf } from './object-diff';

/** Judges one rendered object as the API server would (ProjectModel.validateRendered). */
export interface RenderedJudge {
  validateRendered(text: string): { finding: Finding; severity: Severity }[];
}

type Judged = Omit<ObjectFinding, 'introduced'>;

function judge(judge: RenderedJudge, value: unknown): Judged[] {
  if (value === undefined) return [];
  return judge
    .validateRendered(JSON.stringify(value))
    .flatMap(({ finding, severity }) =>
      severity === 'error' || severity === 'warning' ? [{ rule: finding.rule, severity, message: finding.message }] : [],
    );
}

/** `cpu 100m → 250m, replicas 2 → 3`; `9 fields changed` past what a line holds; undefined when added or removed. */
export function fieldsSummary(change: ObjectChange): string | undefined {
  if (change.change !== 'changed') return undefined;
  const { fields, total } = fieldChangesOf(change);
  if (!total) return undefined;
  return fields.length ? [...new Set(fields.map(describeField))].join(', ') : `${total} fields changed`;
}

/**
 * The diff of an environment with each change's fields and findings, and the counts of its working tree's render
 * (`after`, the whole render) — the base side of an object judged only to tell which findings the change brings.
 */
export function withRenderedFindings(
  diff: { name: string; changes: readonly ObjectChange[] },
  after: string,
  judgeWith: RenderedJudge,
  before?: string,
): EnvironmentDiff {
  const now = objectsOf(after);
  const old = before === undefined ? undefined : objectsOf(before);
  let errors = 0;
  let warnings = 0;
  const byId = new Map<string, Judged[]>();
  if (now instanceof Map)
    for (const [id, object] of now) {
      const found = judge(judgeWith, object.value);
      byId.set(id, found);
      errors += found.filter((f) => f.severity === 'error').length;
      warnings += found.filter((f) => f.severity === 'warning').length;
    }
  const changes: ChangedObject[] = diff.changes.map((change) => {
    const fields = fieldsSummary(change);
    const found = byId.get(change.id) ?? [];
    const had =
      change.change === 'changed' && old instanceof Map
        ? judge(judgeWith, old.get(change.id)?.value).map((f) => `${f.rule}\0${f.message}`)
        : [];
    const findings = found.map((f) => ({ ...f, introduced: !had.includes(`${f.rule}\0${f.message}`) }));
    return { ...change, ...(fields ? { fields } : {}), ...(findings.length ? { findings } : {}) };
  });
  return { name: diff.name, changes, findings: { errors, warnings } };
}
