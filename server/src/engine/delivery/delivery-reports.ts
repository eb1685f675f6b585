// What delivery reports: a commit's plan, the open pull requests with their checks and reviews, a checkout's outcome,
// the token a forge needs. Shapes only, shared by node/delivery (which makes them) and protocol.ts (which sends them).
import type { ForgeKind } from './forge';
import type { ValidationSummary } from './pull-request-body';
import type { PullRequestSettings } from './pull-request-settings';

export type ChecksState = 'success' | 'failure' | 'pending' | 'none';
export type ReviewState = 'approved' | 'changes-requested' | 'review-required' | 'none';

export interface PullRequestSummary {
  number: number;
  url: string;
  title: string;
  /** The branch it proposes, and the one it targets. */
  head: string;
  base: string;
  /** The head's commit. */
  headSha: string;
  /** A ref of this repository that holds the head (works for forks too): `refs/pull/12/head`, `refs/merge-requests/12/head`. */
  headRef: string;
  draft: boolean;
  author?: string;
  checks?: ChecksState;
  review?: ReviewState;
}

export interface PlannedFile {
  /** Relative to the git root, with `/`. */
  path: string;
  /** The environments whose render reads it. */
  environments: string[];
  /** Its validation errors (a commit of it needs an override when any). */
  errors: number;
}

export interface CommitPlan {
  /** The git top-level folder. */
  root: string;
  /** The current branch; undefined on a detached HEAD. */
  branch?: string;
  head?: string;
  /** The remote the branch pushes to, and its URL (credentials removed). */
  remote?: string;
  remoteUrl?: string;
  /** Every changed file, with the environments that read it. */
  files: PlannedFile[];
  /** The changed files that belong to the environments whose render changes (what the Changes view shows). */
  environmentFiles: string[];
  /** The environments whose rendered objects change, with how many. */
  environments: { name: string; objects: number }[];
  subject: string;
  message: string;
  /** A new branch's drafted name (free locally). */
  branchName: string;
  /** Validation of the changed files that can be validated, all of them. */
  validation: ValidationSummary;
  /** What .driftless.yaml says of pull requests for these environments. */
  pullRequest: PullRequestSettings;
  /** Why the renders could not be compared (the plan still holds the files and the validation). */
  diffError?: string;
  /** An unfinished merge, rebase, cherry-pick or revert. */
  operation?: string;
}

/** A token is needed: a forge's (webUrl: its address), or argocd-server's (kind argocd, webUrl: the server's URL). */
export interface TokenNeeded {
  needsToken: { kind: ForgeKind | 'argocd'; forge: string; webUrl: string; repository: string; variable: string };
}

export type Failure = { error: string; kind: string };

export interface PullRequestList {
  repository: { kind: ForgeKind; forge: string; fullName: string; webUrl: string };
  remote: string;
  pullRequests: PullRequestSummary[];
}

export type CheckoutOutcome =
  | { branch: string; commit: string; updated: boolean; baseRef: string; kept?: { branch: string; commit: string } }
  /** The tree has changes: nothing was done; `keepBranch` is where they would be kept, if the user agrees. */
  | { dirty: string[]; keepBranch: string }
  | Failure;
