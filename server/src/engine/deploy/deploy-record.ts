// The record Driftless keeps of each deploy and rollback: a git note (refs/notes/driftless) on the commit deployed,
// one line per record (`Driftless-Deploy: {json}`), so `git log --notes=driftless` shows them and they travel with
// the repository when the notes ref is pushed. Notes are repository content, hence hostile input: a line that does not
// parse into a well-formed record is ignored, and every field is bounded.

export const NOTES_REF = 'refs/notes/driftless';
export const RECORD_PREFIX = 'Driftless-Deploy: ';

export type DeployOutcome = 'succeeded' | 'failed' | 'timed-out' | 'cancelled' | 'refused';

export interface DeployRecord {
  environment: string;
  kind: 'deploy' | 'rollback';
  /** `Dana Developer <dana@example.com>` (git's user.name and user.email). */
  who: string;
  /** ISO 8601. */
  when: string;
  mode: 'pull-request' | 'commit' | 'apply';
  /** The commit deployed (the note hangs on it). */
  revision: string;
  /** sha256 of the plan the user saw and agreed to. */
  planDigest: string;
  outcome: DeployOutcome;
  /** The context and the API server it reached, and the cluster's id (kube-system's uid) when it could be read. */
  context?: string;
  server?: string;
  clusterId?: string;
  /** A rollback: the revision whose inputs were restored. */
  to?: string;
  /** What the user chose to go past: `validation`, `managed-objects`, `force-conflicts`, `suspend-auto-sync`. */
  overrides?: string[];
  /** One line on how it ended. */
  message?: string;
}

const MAX_TEXT = 500;
const SHA = /^[0-9a-f]{40}$/;
const OUTCOMES: readonly DeployOutcome[] = ['succeeded', 'failed', 'timed-out', 'cancelled', 'refused'];
const MODES = ['pull-request', 'commit', 'apply'] as const;

const bounded = (value: unknown, max = MAX_TEXT) => (typeof value === 'string' && value.length <= max ? value : undefined);

/** The line a record is written as. */
export function recordLine(record: DeployRecord): string {
  // One line: JSON.stringify escapes newlines inside strings.
  return RECORD_PREFIX + JSON.stringify(record);
}

/** A record read back from one line, or undefined when the line is no well-formed record. */
export function parseRecordLine(line: string): DeployRecord | undefined {
  if (!line.startsWith(RECORD_PREFIX) || line.length > 8_000) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line.slice(RECORD_PREFIX.length));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const environment = bounded(v.environment, 253);
  const who = bounded(v.who);
  const when = bounded(v.when, 40);
  const revision = bounded(v.revision, 40);
  const planDigest = bounded(v.planDigest, 64);
  if (!environment || who === undefined || !when || Number.isNaN(Date.parse(when)) || !revision || !SHA.test(revision)) return undefined;
  if (planDigest === undefined || !/^[0-9a-f]*$/.test(planDigest)) return undefined;
  if (v.kind !== 'deploy' && v.kind !== 'rollback') return undefined;
  if (!MODES.includes(v.mode as (typeof MODES)[number])) return undefined;
  if (!OUTCOMES.includes(v.outcome as DeployOutcome)) return undefined;
  const optional = (key: 'context' | 'server' | 'clusterId' | 'message') => {
    const found = bounded(v[key]);
    return found !== undefined ? { [key]: found } : {};
  };
  const to = bounded(v.to, 40);
  const overrides = Array.isArray(v.overrides) ? v.overrides.filter((o): o is string => !!bounded(o, 40)).slice(0, 10) : undefined;
  return {
    environment,
    kind: v.kind,
    who,
    when,
    mode: v.mode as DeployRecord['mode'],
    revision,
    planDigest,
    outcome: v.outcome as DeployOutcome,
    ...optional('context'),
    ...optional('server'),
    ...optional('clusterId'),
    ...(to && SHA.test(to) ? { to } : {}),
    ...(overrides?.length ? { overrides } : {}),
    ...optional('message'),
  };
}

/** Every record in a note's text (other lines are left alone). */
export function parseRecords(note: string): DeployRecord[] {
  return note.split('\n').flatMap((line) => {
    const record = parseRecordLine(line.trim());
    return record ? [record] : [];
  });
}

/** The latest record of an environment that reached its cluster, for the cluster check. */
export function lastClusterRecord(records: readonly DeployRecord[], environment: string): DeployRecord | undefined {
  return records
    .filter((r) => r.environment === environment && r.server && r.outcome !== 'refused')
    .sort((a, b) => Date.parse(b.when) - Date.parse(a.when))[0];
}
