// GitLab (gitlab.com and self-hosted) through @gitbeaker/rest: merge requests by source and target branch, created
// with reviewers (looked up by username) and labels, drafts by the "Draft:" title prefix; checks from the head
// pipeline, the review state from the approvals. Requests go through gitbeaker's requester interface with one change
// to its default handler: no retries (it retries 429 and 502 ten times over four minutes; a user waits for no such
// thing), and the forge time limit on every request.
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

interface GitLabMergeRequest {
  iid: number;
  web_url: string;
  title: string;
  draft?: boolean;
  work_in_progress?: boolean;
  author?: { username: string };
  source_branch: string;
  target_branch: string;
  sha: string;
  state?: string;
}

/** A forge answer other than 2xx, as the handler below reports it. */
class GitLabHttpError extends Error {
  constructor(
    readonly status: number,
    readonly data: unknown,
    readonly rateLimited: boolean,
  ) {
    super(`GitLab answered ${status}`);
  }
}

const DRAFT_PREFIX = 'Draft: ';

/** gitbeaker's default request handler without its retries, with a time limit. */
function requestHandler(timeoutMs: number | undefined) {
  const fetchWithLimit = timedFetch(timeoutMs);
  return async (endpoint: string, options?: Record<string, unknown>) => {
    const { prefixUrl, searchParams, method, headers, body, signal } = (options ?? {}) as {
      prefixUrl?: string;
      searchParams?: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      signal?: AbortSignal;
    };
    const url = new URL(endpoint, prefixUrl ? (prefixUrl.endsWith('/') ? prefixUrl : `${prefixUrl}/`) : undefined);
    url.search = searchParams ?? '';
    const response = await fetchWithLimit(url, {
      method: method ?? 'GET',
      ...(headers ? { headers } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(signal ? { signal } : {}),
      redirect: 'error',
    });
    const contentType = response.headers.get('content-type') ?? '';
    const text = await response.text();
    let data: unknown = text;
    if (contentType.includes('json') && text)
      try {
        data = JSON.parse(text) as unknown;
      } catch {
        // Kept as text.
      }
    if (!response.ok) throw new GitLabHttpError(response.status, data, response.headers.get('ratelimit-remaining') === '0');
    return {
      body: response.status === 204 ? null : (data as never),
      headers: Object.fromEntries(response.headers.entries()),
      status: response.status,
    };
  };
}

type Api = {
  Projects: import('@gitbeaker/rest').Projects<false>;
  MergeRequests: import('@gitbeaker/rest').MergeRequests<false>;
  MergeRequestApprovals: import('@gitbeaker/rest').MergeRequestApprovals<false>;
  Users: import('@gitbeaker/rest').Users<false>;
};

export class GitLabClient implements ForgeClient {
  private constructor(
    readonly repository: ForgeRepository,
    private readonly api: Api,
    private readonly token: string | undefined,
    private readonly timeoutMs: number,
  ) {}

  static async create(repository: ForgeRepository, token: string | undefined, timeoutMs = FORGE_TIMEOUT_MS): Promise<GitLabClient> {
    const { Projects, MergeRequests, MergeRequestApprovals, Users } = await import('@gitbeaker/rest');
    const { createRequesterFn } = await import('@gitbeaker/requester-utils');
    const options = {
      // gitbeaker adds /api/v4 to the host: the web address (a self-hosted GitLab under a path keeps it).
      host: repository.webUrl,
      ...(token ? { token } : {}),
      queryTimeout: timeoutMs,
      requesterFn: createRequesterFn((_, requestOptions) => Promise.resolve(requestOptions), requestHandler(timeoutMs)),
    };
    return new GitLabClient(
      repository,
      {
        Projects: new Projects(options),
        MergeRequests: new MergeRequests(options),
        MergeRequestApprovals: new MergeRequestApprovals(options),
        Users: new Users(options),
      },
      token,
      timeoutMs,
    );
  }

  private get project(): string {
    return this.repository.fullName;
  }

  private async call<T>(doing: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof GitLabHttpError) {
        const said = forgeMessageOf(error.data);
        throw forgeError({
          forge: 'gitlab',
          repository: this.repository.fullName,
          doing,
          status: error.status,
          ...(said ? { forgeMessage: withoutToken(said, this.token) } : {}),
          ...(error.rateLimited ? { rateLimited: true } : {}),
        });
      }
      throw forgeError({
        forge: 'gitlab',
        repository: this.repository.fullName,
        doing,
        ...(isTimeout(error)
          ? { timeout: true, timeoutMs: this.timeoutMs }
          : { network: networkFailure(error) ?? withoutToken(String((error as Error).message), this.token) }),
      });
    }
  }

  private summary(request: GitLabMergeRequest): PullRequestSummary {
    return {
      number: request.iid,
      url: request.web_url,
      title: request.title,
      head: request.source_branch,
      base: request.target_branch,
      headSha: request.sha,
      headRef: `refs/merge-requests/${request.iid}/head`,
      draft: request.draft === true || request.work_in_progress === true,
      ...(request.author ? { author: request.author.username } : {}),
    };
  }

  async pullRequestState(number: number): Promise<PullRequestState> {
    const request = (await this.call('read the merge request', () =>
      this.api.MergeRequests.show(this.project, number),
    )) as unknown as GitLabMergeRequest & {
      merge_commit_sha?: string | null;
      squash_commit_sha?: string | null;
    };
    const state = request.state === 'merged' ? 'merged' : request.state === 'opened' ? 'open' : 'closed';
    const mergeCommit = request.merge_commit_sha ?? request.squash_commit_sha ?? (state === 'merged' ? request.sha : undefined);
    return { state, url: request.web_url, ...(state === 'merged' && mergeCommit ? { mergeCommit } : {}) };
  }

  async defaultBranch(): Promise<string> {
    const project = await this.call('read the project', () => this.api.Projects.show(this.project));
    return String(project.default_branch);
  }

  async findOpen(head: string, base: string): Promise<PullRequestSummary | undefined> {
    const found = (await this.call('look for an open merge request', () =>
      this.api.MergeRequests.all({
        projectId: this.project,
        sourceBranch: head,
        targetBranch: base,
        state: 'opened',
        perPage: 10,
        maxPages: 1,
      }),
    )) as unknown as GitLabMergeRequest[];
    const match = found.find((request) => request.source_branch === head && request.target_branch === base);
    return match ? this.summary(match) : undefined;
  }

  async create(request: NewPullRequest): Promise<CreatedPullRequest> {
    const warnings: string[] = [];
    const reviewerIds: number[] = [];
    for (const username of request.reviewers) {
      const users = (await this.call('look up a reviewer', () => this.api.Users.all({ username, perPage: 1, maxPages: 1 })).catch(
        () => [],
      )) as unknown as {
        id: number;
      }[];
      if (users[0]) reviewerIds.push(users[0].id);
      else warnings.push(`Reviewer ${username} is not a user of this GitLab: not requested.`);
    }
    const title =
      request.draft && !/^\s*(Draft:|\[Draft\]|\(Draft\))/i.test(request.title) ? `${DRAFT_PREFIX}${request.title}` : request.title;
    const created = (await this.call('open a merge request', () =>
      this.api.MergeRequests.create(this.project, request.head, request.base, title, {
        description: request.body,
        ...(request.labels.length ? { labels: request.labels.join(',') } : {}),
        ...(reviewerIds.length ? { reviewerIds } : {}),
      }),
    )) as unknown as GitLabMergeRequest;
    return { pullRequest: this.summary(created), warnings };
  }

  async listOpen(limit: number): Promise<PullRequestSummary[]> {
    const requests = (await this.call('list the open merge requests', () =>
      this.api.MergeRequests.all({
        projectId: this.project,
        state: 'opened',
        orderBy: 'created_at',
        sort: 'desc',
        perPage: Math.min(100, limit),
        maxPages: 1,
      }),
    )) as unknown as GitLabMergeRequest[];
    return Promise.all(
      requests.slice(0, limit).map(async (request) => ({
        ...this.summary(request),
        checks: await this.checksOf(request.iid).catch(() => 'none' as const),
        review: await this.reviewOf(request.iid).catch(() => 'none' as const),
      })),
    );
  }

  /** The head pipeline's status (only the single merge request's answer carries it). */
  private async checksOf(iid: number): Promise<ChecksState> {
    const request = (await this.call('read the merge request', () => this.api.MergeRequests.show(this.project, iid))) as unknown as {
      head_pipeline?: { status?: string } | null;
    };
    const status = request.head_pipeline?.status;
    if (!status) return 'none';
    if (status === 'success') return 'success';
    if (['failed', 'canceled'].includes(status)) return 'failure';
    return status === 'skipped' || status === 'manual' ? 'none' : 'pending';
  }

  private async reviewOf(iid: number): Promise<ReviewState> {
    const approvals = (await this.call('read the approvals', () =>
      this.api.MergeRequestApprovals.showConfiguration(this.project, { mergerequestIId: iid }),
    )) as unknown as { approvals_left?: number; approved_by?: unknown[] };
    if ((approvals.approved_by?.length ?? 0) > 0 && (approvals.approvals_left ?? 0) === 0) return 'approved';
    return 'review-required';
  }
}
