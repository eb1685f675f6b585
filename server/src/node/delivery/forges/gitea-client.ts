// Gitea and Forgejo through their REST API (`/api/v1`, the same on both) with fetch: a pull request found by base and
// head (`GET /pulls/{base}/{head}`), created with reviewers and label ids, drafts by the "WIP:" title prefix Gitea
// reads as work in progress; checks from the combined commit status, the review state from the reviews.
import type { ForgeRepository } from '../../../engine/delivery/forge';
import {
  FORGE_TIMEOUT_MS,
  forgeError,
  forgeMessageOf,
  isTimeout,
  networkFailure,
  timedFetch,
  withoutToken,
  type ChecksState,
  type CreatedPullRequest,
  type ForgeClient,
  type NewPullRequest,
  type PullRequestState,
  type PullRequestSummary,
  type ReviewState,
} from './forge-client';

interface GiteaPull {
  number: number;
  html_url: string;
  title: string;
  draft?: boolean;
  user?: { login: string };
  head: { ref: string; sha: string };
  base: { ref: string };
}

/** Gitea's default `[repository.pull-request] WORK_IN_PROGRESS_PREFIXES` starts with this. */
const DRAFT_PREFIX = 'WIP: ';

function encodePath(segment: string): string {
  return encodeURIComponent(segment);
}

export class GiteaClient implements ForgeClient {
  private readonly fetch: typeof fetch;

  constructor(
    readonly repository: ForgeRepository,
    private readonly token: string | undefined,
    private readonly timeoutMs = FORGE_TIMEOUT_MS,
  ) {
    this.fetch = timedFetch(timeoutMs);
  }

  private get repoPath(): string {
    return `/repos/${encodePath(this.repository.owner)}/${encodePath(this.repository.repo)}`;
  }

  /** A request; `allow404` answers undefined for a 404 instead of failing. */
  private async request<T>(doing: string, method: string, path: string, body?: unknown, allow404 = false): Promise<T | undefined> {
    let response: Response;
    try {
      response = await this.fetch(`${this.repository.apiUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `token ${this.token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        redirect: 'error',
      });
    } catch (error) {
      throw forgeError({
        forge: 'gitea',
        repository: this.repository.fullName,
        doing,
        ...(isTimeout(error)
          ? { timeout: true, timeoutMs: this.timeoutMs }
          : { network: networkFailure(error) ?? withoutToken(String((error as Error).message), this.token) }),
      });
    }
    if (response.status === 404 && allow404) return undefined;
    const text = await response.text().catch(() => '');
    let data: unknown = text;
    try {
      data = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      // Not JSON: kept as text for the message.
    }
    if (!response.ok)
      throw forgeError({
        forge: 'gitea',
        repository: this.repository.fullName,
        doing,
        status: response.status,
        ...(forgeMessageOf(data) ? { forgeMessage: withoutToken(forgeMessageOf(data)!, this.token) } : {}),
      });
    return data as T;
  }

  private summary(pull: GiteaPull): PullRequestSummary {
    return {
      number: pull.number,
      url: pull.html_url,
      title: pull.title,
      head: pull.head.ref,
      base: pull.base.ref,
      headSha: pull.head.sha,
      headRef: `refs/pull/${pull.number}/head`,
      draft: pull.draft === true || /^\s*(WIP:|\[WIP\])/i.test(pull.title),
      ...(pull.user ? { author: pull.user.login } : {}),
    };
  }

  async pullRequestState(number: number): Promise<PullRequestState> {
    const pull = await this.request<GiteaPull & { state: string; merged?: boolean; merge_commit_sha?: string | null }>(
      'read the pull request',
      'GET',
      `${this.repoPath}/pulls/${number}`,
    );
    const state = pull!.merged ? 'merged' : pull!.state === 'open' ? 'open' : 'closed';
    return { state, url: pull!.html_url, ...(pull!.merged && pull!.merge_commit_sha ? { mergeCommit: pull!.merge_commit_sha } : {}) };
  }

  async defaultBranch(): Promise<string> {
    const repository = await this.request<{ default_branch: string }>('read the repository', 'GET', this.repoPath);
    return repository!.default_branch;
  }

  async findOpen(head: string, base: string): Promise<PullRequestSummary | undefined> {
    const pull = await this.request<GiteaPull & { state: string }>(
      'look for an open pull request',
      'GET',
      `${this.repoPath}/pulls/${encodePath(base)}/${encodePath(head)}`,
      undefined,
      true,
    );
    return pull && pull.state === 'open' ? this.summary(pull) : undefined;
  }

  /**
   * Waits until Gitea knows a branch just pushed: it records pushed branches in its database from a queue, and
   * refuses a pull request from a branch not recorded yet (404).
   */
  private async waitForBranch(branch: string, waitMs = 15_000): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const found = await this.request('read the branch', 'GET', `${this.repoPath}/branches/${encodePath(branch)}`, undefined, true);
      if (found !== undefined || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async create(request: NewPullRequest): Promise<CreatedPullRequest> {
    const warnings: string[] = [];
    await this.waitForBranch(request.head);
    let labels: number[] = [];
    if (request.labels.length) {
      const known =
        (await this.request<{ id: number; name: string }[]>('read the labels', 'GET', `${this.repoPath}/labels?limit=50`)) ?? [];
      labels = request.labels.flatMap((name) => known.find((label) => label.name === name)?.id ?? []);
      const missing = request.labels.filter((name) => !known.some((label) => label.name === name));
      if (missing.length) warnings.push(`Labels ${missing.join(', ')} do not exist in ${this.repository.fullName}: not added.`);
    }
    const pull = await this.request<GiteaPull>('open a pull request', 'POST', `${this.repoPath}/pulls`, {
      head: request.head,
      base: request.base,
      title: request.draft && !/^\s*(WIP:|\[WIP\])/i.test(request.title) ? `${DRAFT_PREFIX}${request.title}` : request.title,
      body: request.body,
      ...(labels.length ? { labels } : {}),
    });
    const pullRequest = this.summary(pull!);
    if (request.reviewers.length)
      await this.request('request reviewers', 'POST', `${this.repoPath}/pulls/${pullRequest.number}/requested_reviewers`, {
        reviewers: request.reviewers,
      }).catch((error: Error) => warnings.push(`Reviewers ${request.reviewers.join(', ')} were not requested: ${error.message}`));
    return { pullRequest, warnings };
  }

  async listOpen(limit: number): Promise<PullRequestSummary[]> {
    const pulls =
      (await this.request<GiteaPull[]>(
        'list the open pull requests',
        'GET',
        `${this.repoPath}/pulls?state=open&sort=newest&limit=${Math.min(50, limit)}`,
      )) ?? [];
    return Promise.all(
      pulls.slice(0, limit).map(async (pull) => ({
        ...this.summary(pull),
        checks: await this.checksOf(pull.head.sha).catch(() => 'none' as const),
        review: await this.reviewOf(pull.number).catch(() => 'none' as const),
      })),
    );
  }

  private async checksOf(sha: string): Promise<ChecksState> {
    const status = await this.request<{ state: string; total_count: number }>(
      'read the commit status',
      'GET',
      `${this.repoPath}/commits/${encodePath(sha)}/status`,
    );
    if (!status || !status.total_count) return 'none';
    return status.state === 'success' ? 'success' : status.state === 'pending' ? 'pending' : 'failure';
  }

  private async reviewOf(number: number): Promise<ReviewState> {
    const reviews =
      (await this.request<{ state: string; user?: { login: string }; stale?: boolean; dismissed?: boolean }[]>(
        'read the reviews',
        'GET',
        `${this.repoPath}/pulls/${number}/reviews`,
      )) ?? [];
    const latest = new Map<string, string>();
    for (const review of reviews)
      if (review.user && !review.dismissed && !review.stale && review.state !== 'COMMENT' && review.state !== 'PENDING')
        latest.set(review.user.login, review.state);
    const verdicts = [...latest.values()];
    if (verdicts.includes('REQUEST_CHANGES')) return 'changes-requested';
    if (verdicts.includes('APPROVED')) return 'approved';
    return 'review-required';
  }
}
