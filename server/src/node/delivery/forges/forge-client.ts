// What Driftless asks of a forge (GitHub, GitLab, Gitea/Forgejo): the repository's default branch, the open pull
// request of a branch, a new pull request, the open pull requests with their checks and reviews. Each forge's client
// implements it with its official library or its REST API; a failure is a ForgeError whose message says what happened
// and what to do, never the token.
import type { ForgeKind, ForgeRepository } from '../../../engine/delivery/forge';
import { FORGE_NAMES } from '../../../engine/delivery/forge';
import type { ChecksState, PullRequestSummary, ReviewState } from '../../../engine/delivery/delivery-reports';

/** Every call to a forge ends within this (per request; a forge that stays silent is given up on). */
export const FORGE_TIMEOUT_MS = 30_000;

export type { ChecksState, PullRequestSummary, ReviewState };

export interface NewPullRequest {
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  reviewers: readonly string[];
  labels: readonly string[];
}

export interface CreatedPullRequest {
  pullRequest: PullRequestSummary;
  /** What did not work out but did not stop the pull request (a reviewer the forge does not know, a missing label). */
  warnings: string[];
}

export interface ForgeClient {
  readonly repository: ForgeRepository;
  defaultBranch(): Promise<string>;
  /** The open pull request from `head` (a branch of this repository) into `base`, if there is one. */
  findOpen(head: string, base: string): Promise<PullRequestSummary | undefined>;
  create(request: NewPullRequest): Promise<CreatedPullRequest>;
  /** The open pull requests, newest first, with their checks and review state. */
  listOpen(limit: number): Promise<PullRequestSummary[]>;
  /** Whether a pull request is open, merged (with the commit its merge made on the base) or closed: a deploy waits for the merge. */
  pullRequestState(number: number): Promise<PullRequestState>;
}

export interface PullRequestState {
  state: 'open' | 'merged' | 'closed';
  /** The commit the merge left on the base branch (a merge, squash or rebase commit). */
  mergeCommit?: string;
  url: string;
}

export type ForgeErrorKind = 'auth' | 'forbidden' | 'not-found' | 'invalid' | 'exists' | 'server' | 'timeout' | 'network' | 'rate-limit';

export class ForgeError extends Error {
  constructor(
    message: string,
    readonly kind: ForgeErrorKind,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ForgeError';
  }
}

/** Where each forge makes tokens, and the permission Driftless needs. */
const TOKEN_HELP: Record<ForgeKind, string> = {
  github: 'a token with the "repo" scope (classic) or "Pull requests: write" and "Contents: read" (fine-grained)',
  gitlab: 'a personal, project or group access token with the "api" scope and at least the Developer role',
  gitea: 'an access token with the "write:repository" scope (Settings → Applications)',
};

export interface FailedCall {
  forge: ForgeKind;
  repository: string;
  /** What was being done: "open a pull request". */
  doing: string;
  status?: number;
  /** The forge's own words (its `message`), if any. */
  forgeMessage?: string;
  /** The failure was the time limit (of this many milliseconds), or the network. */
  timeout?: boolean;
  timeoutMs?: number;
  network?: string;
  rateLimited?: boolean;
}

/** The error for a failed call: what happened, in the user's terms, and the way out. */
export function forgeError(call: FailedCall): ForgeError {
  const name = FORGE_NAMES[call.forge];
  const said = call.forgeMessage ? `: ${call.forgeMessage.replace(/\s+$/, '')}` : '';
  if (call.timeout)
    return new ForgeError(
      `${name} did not answer within ${(call.timeoutMs ?? FORGE_TIMEOUT_MS) / 1000} s while Driftless tried to ${call.doing}. Try again later.`,
      'timeout',
    );
  if (call.network !== undefined)
    return new ForgeError(
      `Cannot reach ${name} to ${call.doing} (${call.network}). Check the network, a proxy, or the forge's URL.`,
      'network',
    );
  const status = call.status ?? 0;
  if (status === 401)
    return new ForgeError(
      `${name} refused the token (401${said}): it is missing, expired or revoked. Sign in again with ${TOKEN_HELP[call.forge]}.`,
      'auth',
      status,
    );
  if (call.rateLimited || status === 429)
    return new ForgeError(`${name}'s rate limit is reached (${status}${said}). Wait a while and try again.`, 'rate-limit', status);
  if (status === 403)
    return new ForgeError(
      `${name} does not let this token ${call.doing} in ${call.repository} (403${said}). It needs ${TOKEN_HELP[call.forge]}.`,
      'forbidden',
      status,
    );
  if (status === 404)
    return new ForgeError(
      `${name} answered 404${said} while Driftless tried to ${call.doing} in ${call.repository}: it does not exist, or the token cannot see it. Check the remote's URL and the token's access.`,
      'not-found',
      status,
    );
  if (status === 409) return new ForgeError(`${name} refused to ${call.doing} (409${said}).`, 'exists', status);
  if (status === 422 || status === 400) return new ForgeError(`${name} refused to ${call.doing} (${status}${said}).`, 'invalid', status);
  if (status >= 500)
    return new ForgeError(`${name} failed (${status}${said}) while Driftless tried to ${call.doing}. Try again later.`, 'server', status);
  return new ForgeError(
    `${name} answered ${status || 'nothing usable'}${said} while Driftless tried to ${call.doing}.`,
    'server',
    status || undefined,
  );
}

/** Removes a token from text that might hold it (a forge echoing a request, say): defence in depth. */
export function withoutToken(text: string, token: string | undefined): string {
  return token && token.length >= 4 ? text.split(token).join('***') : text;
}

/** fetch with the forge time limit (and the caller's signal, if any). */
export function timedFetch(timeoutMs = FORGE_TIMEOUT_MS): typeof fetch {
  return (input, init) => {
    const signals = [AbortSignal.timeout(timeoutMs), ...(init?.signal ? [init.signal] : [])];
    return fetch(input, { ...init, signal: AbortSignal.any(signals) });
  };
}

/** Whether an error (or its cause) is a time limit running out. */
export function isTimeout(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const name = (e as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'GitbeakerTimeoutError') return true;
  }
  return false;
}

/** A network failure's reason (ECONNREFUSED, ENOTFOUND, …), if that is what an error is. */
export function networkFailure(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+/.test(code)) return code;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /^fetch failed$/.test(message)) continue;
  }
  return undefined;
}

/** The `message` of a forge's JSON error body, with the `errors[].message` GitHub adds. */
export function forgeMessageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 500) || undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as { message?: unknown; error?: unknown; errors?: unknown };
  const parts: string[] = [];
  const main = typeof record.message === 'string' ? record.message : Array.isArray(record.message) ? record.message.join('; ') : undefined;
  if (main) parts.push(main);
  else if (typeof record.error === 'string') parts.push(record.error);
  if (Array.isArray(record.errors))
    for (const item of record.errors as unknown[]) {
      const text =
        typeof item === 'string' ? item : typeof item === 'object' && item !== null ? (item as { message?: unknown }).message : undefined;
      if (typeof text === 'string' && !parts.includes(text)) parts.push(text);
    }
  return parts.join('; ').slice(0, 500) || undefined;
}
