// What a deploy or rollback did, as `driftless deploy --format json` prints it and the editor's commands return it; and
// an environment's history as `driftless history` shows it. Shapes only (the protocol's): node/deploy fills them.
import type { TokenNeeded } from '../delivery/delivery-reports';
import type { DriftSummary } from '../drift/drift-report';
import type { DeployPlan, ObjectRef } from './deploy-plan';
import type { DeployRecord } from './deploy-record';
import type { DeliveryMode } from './deploy-target';
import type { FieldConflict } from './guardrails';
import type { HistoryEntry } from './history';

export interface AppliedObject extends ObjectRef {
  action: 'created' | 'configured' | 'unchanged' | 'pruned' | 'failed' | 'not-tried';
  error?: string;
  conflicts?: FieldConflict[];
}

export interface WorkloadRollout extends ObjectRef {
  done: boolean;
  message: string;
  /** Conditions and events, when it did not finish. */
  known?: string[];
}

export type RunOutcome = 'succeeded' | 'planned' | 'refused' | 'timed-out' | 'unhealthy' | 'failed' | 'cancelled';

export interface DeployStep {
  step: string;
  status: 'done' | 'failed' | 'skipped' | 'stopped';
  detail?: string;
}

export interface DeployResult {
  environment: string;
  kind: 'deploy' | 'rollback';
  mode?: DeliveryMode;
  outcome: RunOutcome;
  /** One sentence: what happened. */
  message: string;
  plan?: DeployPlan;
  /** The commit deployed. */
  revision?: string;
  commits: { commit: string; subject: string; branch?: string }[];
  push?: { remote: string; branch: string; commit: string };
  pullRequest?: { url: string; number: number; merged: boolean; mergeCommit?: string };
  applied: AppliedObject[];
  controller?: { name: string; phase: string; message: string; revision?: string; sync?: string; health?: string; ready?: string };
  rollouts: WorkloadRollout[];
  /** What is known when it did not become healthy: conditions, events, messages. */
  known: string[];
  /** Drift after the deploy (what git declares against the cluster). */
  drift?: DriftSummary;
  /** Auto-sync suspended for it: resume it. */
  suspended?: { controller: string; resume: string };
  record?: DeployRecord & { ref: string; pushed: boolean; problem?: string };
  steps: DeployStep[];
  /** The forge asked for a token the request did not carry (the editor asks for one and runs again). */
  needsToken?: TokenNeeded['needsToken'];
}

export interface EnvironmentHistory {
  environment: string;
  /** The files and folders whose commits are listed (relative to the repository). */
  inputs: string[];
  /** The controller, when the environment has one, and what reading it gave. */
  controller?: { name: string; read: boolean; problem?: string };
  /** The remote the records and the branch were fetched from. */
  remote?: string;
  branch?: string;
  entries: HistoryEntry[];
  notes: string[];
}
