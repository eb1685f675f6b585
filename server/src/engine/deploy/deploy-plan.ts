// The plan of a deploy or rollback, shown before anything runs: the target context and cluster, the revision and what
// of the working tree is left out, the validation, the diff against the cluster from a server-side dry run, what
// would be pruned (one by one; off unless asked), what the controller will do, the steps in order, and the
// guardrails. Its digest (of what the user agrees to) goes into the deploy record. Rendered as text for the CLI and
// as Markdown for the editor.
import type { DriftDifference, DriftSummary } from '../drift/drift-report';
import type { ObjectChange } from '../render/object-diff';
import type { DeliveryMode } from './deploy-target';
import { unliftedBlocks, type FieldConflict, type Guardrail } from './guardrails';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface PlannedObject extends ObjectRef {
  /** What applying it does: create it, change it, nothing, or unknown (it could not be read or predicted). */
  action: 'create' | 'update' | 'unchanged' | 'unknown';
  /** What changes (Secret values masked), from the server's dry run. */
  differences: DriftDifference[];
  /** The controller whose tracking label or annotation the live object carries. */
  managedBy?: string;
  conflicts?: FieldConflict[];
  error?: string;
}

export interface DeployPlan {
  kind: 'deploy' | 'rollback';
  environment: string;
  mode: DeliveryMode;
  /** Written without going through git first (apply mode, an immediate rollback). */
  direct: boolean;
  /** The commit deployed (for pull-request and commit modes: what is proposed or pushed; the merge may make another). */
  revision: { commit: string; subject: string };
  target: {
    context: string | null;
    server: string | null;
    /** Where the context came from: asked, .driftless.yaml, the Argo CD destination's, the current one. */
    contextFrom?: string;
    clusterId?: string;
    namespace?: string;
  };
  /** The branch and remote a pull request targets or a push goes to. */
  git?: { remote?: string; branch?: string; pushed?: boolean };
  validation: { errors: number; warnings: number; files: number };
  diff: { summary: DriftSummary; objects: PlannedObject[] };
  prune: { enabled: boolean; objects: ObjectRef[] };
  controller?: { name: string; state: string; autoSync: boolean; willDo: string };
  /** What happens, in order. */
  steps: string[];
  uncommitted: string[];
  guardrails: Guardrail[];
  notes: string[];
  rollback?: RollbackPart;
  /** sha256 of the plan (without this field): what the deploy record names. */
  digest: string;
}

export interface RollbackPart {
  /** The revision whose inputs are restored, and what is deployed now. */
  to: { commit: string; subject: string; date?: string };
  from: { commit: string; subject: string };
  /** Through new commits (default), or at once (a controller sync to `to`, or an apply of its render). */
  immediate: boolean;
  /** Files restored to their content at `to` (deleted when it lacked them). */
  files: { path: string; action: 'restore' | 'delete' }[];
  /** Other environments that read those files and change with them. */
  alsoChanges: string[];
  /** The rendered diff from now to then (Secret values masked). */
  changes: ObjectChange[];
}

export const identityText = (object: ObjectRef) =>
  `${object.apiVersion} ${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;

/** The plan as the text `driftless deploy --dry-run` prints. */
export function planText(plan: DeployPlan): string {
  const lines: string[] = [];
  const what = plan.kind === 'rollback' ? 'Roll back' : 'Deploy';
  lines.push(
    `${what} ${plan.environment} (${plan.mode}${plan.direct ? ', direct' : ''}): ${plan.revision.commit.slice(0, 12)} ${plan.revision.subject}`,
  );
  lines.push(`  target: context ${plan.target.context ?? 'none'}${plan.target.server ? ` (${plan.target.server})` : ''}`);
  if (plan.git?.branch) lines.push(`  git: ${plan.git.remote ?? 'no remote'}/${plan.git.branch}`);
  if (plan.rollback) {
    lines.push(`  from ${plan.rollback.from.commit.slice(0, 12)} ${plan.rollback.from.subject}`);
    lines.push(`  to   ${plan.rollback.to.commit.slice(0, 12)} ${plan.rollback.to.subject}`);
    for (const file of plan.rollback.files) lines.push(`    ${file.action === 'delete' ? 'delete ' : 'restore'} ${file.path}`);
    if (plan.rollback.alsoChanges.length) lines.push(`    also changes: ${plan.rollback.alsoChanges.join(', ')}`);
    for (const change of plan.rollback.changes)
      lines.push(`    ${change.change === 'added' ? '+' : change.change === 'removed' ? '-' : '~'} ${change.id}`);
  }
  lines.push(`  validation: ${plan.validation.errors} errors, ${plan.validation.warnings} warnings in ${plan.validation.files} files`);
  const s = plan.diff.summary;
  lines.push(
    `  against the cluster: ${s.missing} to create, ${s.drifted} to change, ${s.inSync} unchanged${s.unknown ? `, ${s.unknown} unknown` : ''}`,
  );
  for (const object of plan.diff.objects.filter((o) => o.action !== 'unchanged')) {
    lines.push(
      `    ${object.action === 'create' ? '+' : object.action === 'update' ? '~' : '?'} ${identityText(object)}${object.managedBy ? ` (managed by ${object.managedBy})` : ''}${object.error ? `: ${object.error}` : ''}`,
    );
    for (const difference of object.differences.slice(0, 20))
      lines.push(`        ${difference.path}: ${JSON.stringify(difference.live)} → ${JSON.stringify(difference.desired)}`);
    for (const conflict of object.conflicts ?? []) lines.push(`        conflict: ${conflict.field} is owned by ${conflict.manager}`);
  }
  lines.push(
    `  prune: ${plan.prune.enabled ? `${plan.prune.objects.length} objects` : `off (${plan.prune.objects.length} objects would be pruned with --prune)`}`,
  );
  for (const object of plan.prune.objects) lines.push(`    - ${identityText(object)}`);
  if (plan.controller) lines.push(`  controller: ${plan.controller.name}: ${plan.controller.state}; ${plan.controller.willDo}`);
  lines.push('  steps:');
  plan.steps.forEach((step, i) => lines.push(`    ${i + 1}. ${step}`));
  lines.push('  guardrails:');
  for (const guardrail of plan.guardrails)
    lines.push(
      `    ${guardrail.verdict === 'pass' ? 'ok     ' : guardrail.verdict === 'warn' ? 'warning' : guardrail.lifted ? 'lifted ' : 'BLOCKED'} ${guardrail.message}`,
    );
  for (const note of plan.notes) lines.push(`  note: ${note}`);
  lines.push(`  plan digest: ${plan.digest}`);
  return lines.join('\n');
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/**
 * A name or message in the plan document, which is read as Markdown source in the editor: only what would break its
 * structure or make markup (a table's `|`, HTML, a link's brackets, a backtick, a line break) is escaped, so that quotes
 * and ampersands read as written (a pull request's body escapes more: engine/render/diff-markdown).
 */
const markdownText = (text: string) =>
  text
    .replace(/\r?\n/g, ' ')
    .replace(/`/g, "'")
    .replace(/[|[\]\\]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');

/** The plan as the editor shows it (a Markdown document beside the confirmation). */
export function planMarkdown(plan: DeployPlan): string {
  const out: string[] = [];
  const what = plan.kind === 'rollback' ? 'Roll back' : 'Deploy';
  out.push(`# ${what} ${markdownText(plan.environment)}`, '');
  const blocked = unliftedBlocks(plan.guardrails);
  if (blocked.length) out.push(`> **Blocked:** ${blocked.map((g) => markdownText(g.message)).join(' ')}`, '');
  out.push(`| | |`, `|---|---|`);
  out.push(`| Mode | ${plan.mode}${plan.direct ? ' (directly to the cluster)' : ''} |`);
  out.push(`| Revision | ${code(plan.revision.commit.slice(0, 12))} ${markdownText(plan.revision.subject)} |`);
  out.push(
    `| Context | ${code(plan.target.context ?? 'none')}${plan.target.contextFrom ? ` (${markdownText(plan.target.contextFrom)})` : ''} |`,
  );
  out.push(`| Cluster | ${plan.target.server ? code(plan.target.server) : 'not reached'} |`);
  if (plan.git?.branch) out.push(`| Git | ${code(`${plan.git.remote ?? '(no remote)'}/${plan.git.branch}`)} |`);
  if (plan.controller) out.push(`| Controller | ${markdownText(plan.controller.name)}: ${markdownText(plan.controller.state)} |`);
  out.push(`| Validation | ${plan.validation.errors} errors, ${plan.validation.warnings} warnings (${plan.validation.files} files) |`, '');
  out.push('## Guardrails', '');
  for (const guardrail of plan.guardrails)
    out.push(
      `- ${guardrail.verdict === 'pass' ? '✅' : guardrail.verdict === 'warn' ? '⚠️' : guardrail.lifted ? '☑️' : '⛔'} ${markdownText(guardrail.message)}`,
    );
  out.push('');
  if (plan.rollback) {
    const r = plan.rollback;
    out.push('## Rollback', '');
    out.push(
      `From ${code(r.from.commit.slice(0, 12))} ${markdownText(r.from.subject)} to ${code(r.to.commit.slice(0, 12))} ${markdownText(r.to.subject)}.`,
      '',
    );
    out.push(
      r.immediate
        ? 'Immediately: nothing is committed; git still says otherwise until you commit.'
        : 'New commits restore these files (history is not rewritten):',
      '',
    );
    for (const file of r.files) out.push(`- ${file.action === 'delete' ? 'delete' : 'restore'} ${code(file.path)}`);
    if (r.alsoChanges.length) out.push('', `These files also change: ${r.alsoChanges.map(markdownText).join(', ')}.`);
    out.push('', '### Rendered diff, now → then', '');
    if (!r.changes.length) out.push('No rendered object changes.');
    for (const change of r.changes) {
      const fence = '`'.repeat(Math.max(3, ...[...change.diff.matchAll(/`+/g)].map((m) => m[0].length + 1)));
      out.push(
        `<details><summary>${change.change} ${markdownText(change.id)}</summary>`,
        '',
        `${fence}diff`,
        change.diff.trimEnd(),
        fence,
        '',
        '</details>',
      );
    }
    out.push('');
  }
  const s = plan.diff.summary;
  out.push('## Against the cluster (server-side dry run)', '');
  out.push(`${s.missing} to create, ${s.drifted} to change, ${s.inSync} unchanged${s.unknown ? `, ${s.unknown} unknown` : ''}.`, '');
  for (const object of plan.diff.objects.filter((o) => o.action !== 'unchanged')) {
    out.push(
      `- **${object.action}** ${code(identityText(object))}${object.managedBy ? ` — managed by ${markdownText(object.managedBy)}` : ''}${object.error ? ` — ${markdownText(object.error)}` : ''}`,
    );
    for (const difference of object.differences.slice(0, 20))
      out.push(
        `  - ${code(difference.path)}: ${code(JSON.stringify(difference.live) ?? 'null')} → ${code(JSON.stringify(difference.desired) ?? 'null')}`,
      );
    for (const conflict of object.conflicts ?? [])
      out.push(`  - conflict: ${code(conflict.field)} is owned by ${markdownText(conflict.manager)}`);
  }
  out.push('', '## Prune', '');
  out.push(plan.prune.enabled ? 'On: these objects are deleted.' : 'Off: these objects stay (choose prune to delete them).', '');
  if (!plan.prune.objects.length) out.push('Nothing to prune.');
  for (const object of plan.prune.objects) out.push(`- ${code(identityText(object))}`);
  out.push('', '## Steps', '');
  plan.steps.forEach((step, i) => out.push(`${i + 1}. ${markdownText(step)}`));
  if (plan.notes.length) out.push('', '## Notes', '', ...plan.notes.map((note) => `- ${markdownText(note)}`));
  out.push('', `Plan digest ${code(plan.digest.slice(0, 16))}`);
  return out.join('\n') + '\n';
}

/** The plan's content as the digest covers it: stable (sorted keys), without the digest itself. */
export function canonicalPlan(plan: Omit<DeployPlan, 'digest'> & { digest?: string }): string {
  const { digest: _digest, ...rest } = plan;
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
          )
        : value;
  return JSON.stringify(sorted(rest));
}
