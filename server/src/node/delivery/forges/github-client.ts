// GitHub (github.com and GitHub Enterprise Server) through @octokit/rest: pull requests by head (`owner:branch`, the
// only form the list filter honours), created as drafts when asked, reviewers and labels added after; checks from both
// commit statuses and check runs, the review state from the latest review of each reviewer.
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

const SILENT = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** @octokit/rest, loaded when GitHub is first used. */
async function octokitFor(repository: ForgeRepository, token: string | undefined, timeoutMs: number) {
  const { Octokit } = await import('@octokit/rest');
  return new Octokit({
    ...(token ? { auth: token } : {}),
    baseUrl: repository.apiUrl,
    userAgent: 'driftless',
    // Nothing of the requests goes to any log: the server's stdio is the protocol, and requests carry the token.
    log: SILENT,
    request: { fetch: timedFetch(timeoutMs), retries: 0 },
  });
}

type Octokit = Awaited<ReturnType<typeof octokitFor>>;

interface GitHubPull {
  number: number;
  html_url: string;
  title: string;
  draft?: boolean;
  user: { login: string } | null;
  head: { ref: string; sha: string };
  base: { ref: string };
}

export class GitHubClient implements ForgeClient {
  private constructor(
    readonly repository: ForgeRepository,
    private readonly octokit: Octokit,
    private readonly token: string | undefined,
    private readonly timeoutMs: number,
  ) {}

  static async create(repository: ForgeRepository, token: string | undefined, timeoutMs = FORGE_TIMEOUT_MS): Promise<GitHubClient> {
    const octokit = await octokitFor(repository, token, timeoutMs);
    return new GitHubClient(repository, octokit, token, timeoutMs);
  }

  private get where() {
    return { owner: this.repository.owner, repo: this.repository.repo };
  }

  private async call<T>(doing: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const e = error as { status?: number; response?: { data?: unknown; headers?: Record<string, string> } };
      const headers = e.response?.headers ?? {};
      throw forgeError({
        forge: 'github',
        repository: this.repository.fullName,
        doing,
        ...(isTimeout(error) ? { timeout: true, timeoutMs: this.timeoutMs } : {}),
        ...(!e.response && !isTimeout(error)
          ? { network: networkFailure(error) ?? withoutToken(String((error as Error).message), this.token) }
          : {}),
        ...(e.status !== undefined && e.response ? { status: e.status } : {}),
        ...(e.response ? { forgeMessage: withoutToken(forgeMessageOf(e.response.data) ?? '', this.token) || undefined } : {}),
        ...(headers['x-ratelimit-remaining'] === '0' ? { rateLimited: true } : {}),
      });
    }
  }

  private summary(pull: GitHubPull): PullRequestSummary {
    return {
      number: pull.number,
      url: pull.html_url,
      title: pull.title,
      head: pull.head.ref,
      base: pull.base.ref,
      headSha: pull.head.sha,
      headRef: `refs/pull/${pull.number}/head`,
      draft: pull.draft === true,
      ...(pull.user ? { author: pull.user.login } : {}),
    };
  }

  async pullRequestState(number: number): Promise<PullRequestState> {
    const { data } = await this.call('read the pull request', () => this.octokit.rest.pulls.get({ ...this.where, pull_number: number }));
    const state = data.merged ? 'merged' : data.state === 'open' ? 'open' : 'closed';
    return { state, url: data.html_url, ...(data.merged && data.merge_commit_sha ? { mergeCommit: data.merge_commit_sha } : {}) };
  }

  async defaultBranch(): Promise<string> {
    const { data } = await this.call('read the repository', () => this.octokit.rest.repos.get(this.where));
    return data.default_branch;
  }

  async findOpen(head: string, base: string): Promise<PullRequestSummary | undefined> {
    const { data } = await this.call('look for an open pull request', () =>
      this.octokit.rest.pulls.list({ ...this.where, state: 'open', head: `${this.repository.owner}:${head}`, base, per_page: 10 }),
    );
    const found = (data as GitHubPull[]).find((pull) => pull.head.ref === head && pull.base.ref === base);
    return found ? this.summary(found) : undefined;
  }

  async create(request: NewPullRequest): Promise<CreatedPullRequest> {
    const { data } = await this.call('open a pull request', () =>
      this.octokit.rest.pulls.create({
        ...this.where,
        head: request.head,
        base: request.base,
        title: request.title,
        body: request.body,
        draft: request.draft,
      }),
    );
    const pullRequest = this.summary(data);
    const warnings: string[] = [];
    if (request.reviewers.length)
      await this.call('request reviewers', () =>
        this.octokit.rest.pulls.requestReviewers({ ...this.where, pull_number: pullRequest.number, reviewers: [...request.reviewers] }),
      ).catch((error: Error) => warnings.push(`Reviewers ${request.reviewers.join(', ')} were not requested: ${error.message}`));
    if (request.labels.length)
      await this.call('add labels', () =>
        this.octokit.rest.issues.addLabels({ ...this.where, issue_number: pullRequest.number, labels: [...request.labels] }),
      ).catch((error: Error) => warnings.push(`Labels ${request.labels.join(', ')} were not added: ${error.message}`));
    return { pullRequest, warnings };
  }

  async listOpen(limit: number): Promise<PullRequestSummary[]> {
    const { data } = await this.call('list the open pull requests', () =>
      this.octokit.rest.pulls.list({ ...this.where, state: 'open', sort: 'created', direction: 'desc', per_page: Math.min(100, limit) }),
    );
    return Promise.all(
      (data as GitHubPull[]).slice(0, limit).map(async (pull) => ({
        ...this.summary(pull),
        checks: await this.checksOf(pull.head.sha).catch(() => 'none' as const),
        review: await this.reviewOf(pull.number).catch(() => 'none' as const),
      })),
    );
  }

  /** Commit statuses and check runs together: a failure in either fails, anything unfinished is pending. */
  private async checksOf(sha: string): Promise<ChecksState> {
    const [status, runs] = await Promise.all([
      this.call('read the commit status', () => this.octokit.rest.repos.getCombinedStatusForRef({ ...this.where, ref: sha })),
      this.call('read the check runs', () => this.octokit.rest.checks.listForRef({ ...this.where, ref: sha, per_page: 100 })),
    ]);
    const states: ChecksState[] = [];
    // A combined status is "pending" with no statuses at all: that is none, not pending.
    if (status.data.total_count > 0)
      states.push(status.data.state === 'success' ? 'success' : status.data.state === 'pending' ? 'pending' : 'failure');
    for (const run of runs.data.check_runs) {
      if (run.status !== 'completed') states.push('pending');
      else states.push(['success', 'neutral', 'skipped'].includes(run.conclusion ?? '') ? 'success' : 'failure');
    }
    if (!states.length) return 'none';
    return states.includes('failure') ? 'failure' : states.includes('pending') ? 'pending' : 'success';
  }

  /** The latest verdict of each reviewer: any "changes requested" wins, else any approval. */
  private async reviewOf(number: number): Promise<ReviewState> {
    const { data } = await this.call('read the reviews', () =>
      this.octokit.rest.pulls.listReviews({ ...this.where, pull_number: number, per_page: 100 }),
    );
    const latest = new Map<string, string>();
    for (const review of data) if (review.user && review.state !== 'COMMENTED') latest.set(review.user.login, review.state);
    const verdicts = [...latest.values()];
    if (verdicts.includes('CHANGES_REQUESTED')) return 'changes-requested';
    if (verdicts.includes('APPROVED')) return 'approved';
    return 'review-required';
  }
}
