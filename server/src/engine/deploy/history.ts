// An environment's history, merged by commit: the commits that changed what its render reads, what its controller
// says it deployed (Argo CD `status.history`, Flux `lastAppliedRevision` and `status.history`), and the deploy
// records Driftless wrote (git notes). Newest first; the entry the controller runs now is marked current.
import { isRecord, type Json } from '../json';
import { commitOfRevision } from './controller-sync';
import type { DeployRecord } from './deploy-record';

export interface InputCommit {
  commit: string;
  /** ISO 8601 (committer date). */
  date: string;
  author: string;
  subject: string;
}

export interface ControllerDeployment {
  /** The commit, when the controller's revision names one. */
  commit?: string;
  /** As the controller says it. */
  revision: string;
  /** ISO 8601, when it says. */
  deployedAt?: string;
  /** Argo CD's history id (what `argocd app rollback` takes). */
  id?: number;
  source: 'Argo CD' | 'Flux';
}

export interface HistoryEntry {
  commit: string;
  /** The newest date any source gives. */
  date: string;
  subject?: string;
  author?: string;
  /** The commit changed the environment's inputs. */
  changedInputs: boolean;
  controller: ControllerDeployment[];
  records: DeployRecord[];
  /** What the controller (or the last successful record, without one) says runs now. */
  current: boolean;
}

/** What a controller object says it deployed, newest first. */
export function controllerDeployments(object: Json | undefined): ControllerDeployment[] {
  if (!object) return [];
  const status = isRecord(object.status) ? object.status : {};
  const history = Array.isArray(status.history) ? status.history.filter(isRecord) : [];
  if (object.kind === 'Application') {
    // Argo CD keeps the newest last.
    return history
      .map((entry): ControllerDeployment | undefined => {
        const revision =
          typeof entry.revision === 'string' ? entry.revision : Array.isArray(entry.revisions) ? String(entry.revisions[0] ?? '') : '';
        if (!revision) return undefined;
        const commit = /^[0-9a-f]{40}$/.test(revision) ? revision : commitOfRevision(revision);
        return {
          revision,
          ...(commit ? { commit } : {}),
          ...(typeof entry.deployedAt === 'string' ? { deployedAt: entry.deployedAt } : {}),
          ...(typeof entry.id === 'number' ? { id: entry.id } : {}),
          source: 'Argo CD',
        };
      })
      .filter((entry): entry is ControllerDeployment => !!entry)
      .reverse();
  }
  // Flux: status.history (newest first, kustomize-controller 1.7+) names revisions in metadata; lastAppliedRevision is the current one.
  const found: ControllerDeployment[] = history.flatMap((entry) => {
    const metadata = isRecord(entry.metadata) ? entry.metadata : {};
    const revision = typeof metadata.revision === 'string' ? metadata.revision : undefined;
    if (!revision) return [];
    const commit = commitOfRevision(revision);
    const at = typeof entry.lastReconciled === 'string' ? entry.lastReconciled : undefined;
    return [{ revision, ...(commit ? { commit } : {}), ...(at ? { deployedAt: at } : {}), source: 'Flux' as const }];
  });
  const applied = typeof status.lastAppliedRevision === 'string' ? status.lastAppliedRevision : undefined;
  if (applied && !found.some((entry) => entry.revision === applied)) {
    const commit = commitOfRevision(applied);
    found.unshift({ revision: applied, ...(commit ? { commit } : {}), source: 'Flux' });
  }
  return found;
}

/** The revision a controller object runs now: Argo CD's synced revision, Flux's last applied one. */
export function currentControllerCommit(object: Json | undefined): string | undefined {
  if (!object) return undefined;
  const status = isRecord(object.status) ? object.status : {};
  if (object.kind === 'Application') {
    const sync = isRecord(status.sync) ? status.sync : {};
    return typeof sync.revision === 'string' ? (commitOfRevision(sync.revision) ?? sync.revision) : undefined;
  }
  return commitOfRevision(typeof status.lastAppliedRevision === 'string' ? status.lastAppliedRevision : undefined);
}

export function mergeHistory(options: {
  commits: readonly InputCommit[];
  controller: readonly ControllerDeployment[];
  records: readonly DeployRecord[];
  /** Commit dates and subjects of commits named only by the controller or a record. */
  describe?: (commit: string) => InputCommit | undefined;
  currentCommit?: string;
  limit?: number;
}): HistoryEntry[] {
  const entries = new Map<string, HistoryEntry>();
  const entryOf = (commit: string): HistoryEntry => {
    let entry = entries.get(commit);
    if (!entry) {
      const described = options.describe?.(commit);
      entry = {
        commit,
        date: described?.date ?? '',
        ...(described ? { subject: described.subject, author: described.author } : {}),
        changedInputs: false,
        controller: [],
        records: [],
        current: false,
      };
      entries.set(commit, entry);
    }
    return entry;
  };
  const later = (a: string, b: string | undefined) => (b && (!a || Date.parse(b) > Date.parse(a)) ? b : a);
  for (const commit of options.commits) {
    const entry = entryOf(commit.commit);
    Object.assign(entry, { date: later(entry.date, commit.date), subject: commit.subject, author: commit.author, changedInputs: true });
  }
  for (const deployment of options.controller) {
    if (!deployment.commit) continue;
    const entry = entryOf(deployment.commit);
    entry.controller.push(deployment);
    entry.date = later(entry.date, deployment.deployedAt);
  }
  for (const record of options.records) {
    const entry = entryOf(record.revision);
    entry.records.push(record);
    entry.date = later(entry.date, record.when);
  }
  for (const entry of entries.values()) entry.records.sort((a, b) => Date.parse(b.when) - Date.parse(a.when));
  const current =
    options.currentCommit ??
    options.records.filter((r) => r.outcome === 'succeeded').sort((a, b) => Date.parse(b.when) - Date.parse(a.when))[0]?.revision;
  if (current) {
    const found = [...entries.values()].find((entry) => entry.commit === current || entry.commit.startsWith(current));
    if (found) found.current = true;
  }
  return [...entries.values()]
    .sort((a, b) => (Date.parse(b.date) || 0) - (Date.parse(a.date) || 0) || a.commit.localeCompare(b.commit))
    .slice(0, options.limit ?? 50);
}
