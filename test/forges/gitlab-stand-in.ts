// A stand-in of GitLab answering the REST endpoints Driftless calls (API under /api/v4, git at the root), as
// @gitbeaker/rest calls them: projects by URL-encoded path, merge requests (409 for a second open one from a source
// branch, as GitLab answers), users by username, a merge request's head pipeline and approvals. Shapes follow GitLab's
// REST documentation (doc/api/merge_requests.md, projects.md, users.md, merge_request_approvals.md).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { iso, StandInServer, type ApiReply, type RecordedRequest } from './stand-in-server';

export interface StandInMergeRequest {
  iid: number;
  title: string;
  description: string | null;
  source: string;
  target: string;
  state: 'opened' | 'closed' | 'merged';
  labels: string[];
  reviewerIds: number[];
  pipeline?: 'success' | 'failed' | 'running' | 'pending';
  approvedBy: string[];
  approvalsRequired: number;
}

export class GitLabStandIn extends StandInServer {
  readonly mergeRequests = new Map<string, StandInMergeRequest[]>();
  readonly users = new Map([
    ['driftless-bot', 1],
    ['alice', 2],
    ['bob', 3],
  ]);

  constructor(gitRoot: string, token = 'glpat-standin-0123456789abcdef') {
    super(gitRoot, token, '/api/v4');
  }

  protected authorized(request: RecordedRequest): boolean {
    return request.authorization === this.token || request.authorization === `Bearer ${this.token}`;
  }

  protected unauthorized(): ApiReply {
    return { status: 401, body: { message: '401 Unauthorized' } };
  }

  private repositoryPath(project: string): string {
    return join(this.gitRoot, `${project}.git`);
  }

  private exists(project: string): boolean {
    try {
      execFileSync('git', ['rev-parse', '--git-dir'], { cwd: this.repositoryPath(project), stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }

  private shaOf(project: string, branch: string): string | undefined {
    try {
      return execFileSync('git', ['rev-parse', '--verify', `refs/heads/${branch}^{commit}`], {
        cwd: this.repositoryPath(project),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return undefined;
    }
  }

  private user(username: string) {
    return {
      id: this.users.get(username) ?? 99,
      username,
      name: username,
      state: 'active',
      locked: false,
      avatar_url: `${this.url}/uploads/${username}.png`,
      web_url: `${this.url}/${username}`,
    };
  }

  private mergeRequest(project: string, request: StandInMergeRequest, detailed: boolean) {
    const created = iso(new Date(Date.UTC(2026, 0, 6, 10, request.iid)));
    const sha = this.shaOf(project, request.source) ?? '0'.repeat(40);
    const reviewers = [...this.users].filter(([, id]) => request.reviewerIds.includes(id)).map(([name]) => this.user(name));
    return {
      id: 5000 + request.iid,
      iid: request.iid,
      project_id: 77,
      title: request.title,
      description: request.description,
      state: request.state,
      created_at: created,
      updated_at: created,
      target_branch: request.target,
      source_branch: request.source,
      author: this.user('driftless-bot'),
      assignees: [],
      reviewers,
      source_project_id: 77,
      target_project_id: 77,
      labels: request.labels,
      draft: /^\s*(Draft:|\[Draft\]|\(Draft\))/i.test(request.title),
      work_in_progress: /^\s*(Draft:|\[Draft\]|\(Draft\))/i.test(request.title),
      merge_when_pipeline_succeeds: false,
      detailed_merge_status: 'mergeable',
      sha,
      references: { short: `!${request.iid}`, relative: `!${request.iid}`, full: `${project}!${request.iid}` },
      web_url: `${this.url}/${project}/-/merge_requests/${request.iid}`,
      ...(detailed
        ? {
            head_pipeline: request.pipeline
              ? { id: 300 + request.iid, iid: request.iid, sha, ref: request.source, status: request.pipeline }
              : null,
            diff_refs: {
              base_sha: this.shaOf(project, request.target) ?? null,
              head_sha: sha,
              start_sha: this.shaOf(project, request.target) ?? null,
            },
          }
        : {}),
    };
  }

  protected handle(request: RecordedRequest): ApiReply {
    const segments = request.path.split('/').slice(1).map(decodeURIComponent);
    const { method, query } = request;
    if (method === 'GET' && segments[0] === 'version') return { status: 200, body: { version: '18.6.0', revision: 'standin' } };
    if (method === 'GET' && segments[0] === 'users' && segments.length === 1) {
      const username = query.get('username');
      return { status: 200, body: username && this.users.has(username) ? [this.user(username)] : [] };
    }
    if (segments[0] !== 'projects' || !segments[1]) return { status: 404, body: { message: '404 Not Found' } };
    const project = segments[1];
    if (!this.exists(project)) return { status: 404, body: { message: '404 Project Not Found' } };
    const list = this.mergeRequests.get(project) ?? [];
    this.mergeRequests.set(project, list);
    const rest = segments.slice(2);

    if (method === 'GET' && rest.length === 0) {
      const head = execFileSync('git', ['symbolic-ref', 'HEAD'], { cwd: this.repositoryPath(project), encoding: 'utf8' }).trim();
      return {
        status: 200,
        body: {
          id: 77,
          name: project.split('/').pop(),
          path: project.split('/').pop(),
          path_with_namespace: project,
          default_branch: head.replace(/^refs\/heads\//, ''),
          web_url: `${this.url}/${project}`,
          http_url_to_repo: `${this.url}/${project}.git`,
          visibility: 'private',
        },
      };
    }
    if (rest[0] !== 'merge_requests') return { status: 404, body: { message: '404 Not Found' } };

    if (rest.length === 1 && method === 'GET') {
      const state = query.get('state');
      const found = list
        .filter((r) => !state || state === 'all' || r.state === state)
        .filter((r) => !query.get('source_branch') || r.source === query.get('source_branch'))
        .filter((r) => !query.get('target_branch') || r.target === query.get('target_branch'))
        .sort((a, b) => (query.get('sort') === 'asc' ? a.iid - b.iid : b.iid - a.iid))
        .slice(0, Number(query.get('per_page') ?? 20));
      return { status: 200, body: found.map((r) => this.mergeRequest(project, r, false)) };
    }

    if (rest.length === 1 && method === 'POST') {
      const body = (request.body ?? {}) as {
        source_branch?: string;
        target_branch?: string;
        title?: string;
        description?: string;
        labels?: string;
        reviewer_ids?: number[];
      };
      if (!body.source_branch || !body.target_branch || !body.title)
        return { status: 400, body: { error: 'source_branch, target_branch, title are missing, at least one parameter must be provided' } };
      if (!this.shaOf(project, body.source_branch) || !this.shaOf(project, body.target_branch))
        return {
          status: 422,
          body: {
            message: ['Source branch does not exist', 'Target branch does not exist'].slice(
              this.shaOf(project, body.source_branch) ? 1 : 0,
              this.shaOf(project, body.source_branch) ? 2 : 1,
            ),
          },
        };
      const open = list.find((r) => r.state === 'opened' && r.source === body.source_branch && r.target === body.target_branch);
      if (open)
        return { status: 409, body: { message: [`Another open merge request already exists for this source branch: !${open.iid}`] } };
      if (body.description && body.description.length > 1_000_000)
        return { status: 400, body: { message: { description: ['is too long (maximum is 1000000 characters)'] } } };
      const created: StandInMergeRequest = {
        iid: list.length + 1,
        title: body.title,
        description: body.description ?? null,
        source: body.source_branch,
        target: body.target_branch,
        state: 'opened',
        labels: body.labels ? body.labels.split(',').filter(Boolean) : [],
        reviewerIds: body.reviewer_ids ?? [],
        approvedBy: [],
        approvalsRequired: 1,
      };
      list.push(created);
      // GitLab keeps each merge request's head at refs/merge-requests/N/head.
      execFileSync('git', ['update-ref', `refs/merge-requests/${created.iid}/head`, this.shaOf(project, created.source)!], {
        cwd: this.repositoryPath(project),
      });
      return { status: 201, body: this.mergeRequest(project, created, true) };
    }

    const found = list.find((r) => r.iid === Number(rest[1]));
    if (!found) return { status: 404, body: { message: '404 Not found' } };
    if (method === 'GET' && rest.length === 2) return { status: 200, body: this.mergeRequest(project, found, true) };
    if (method === 'GET' && rest[2] === 'approvals')
      return {
        status: 200,
        body: {
          id: 5000 + found.iid,
          iid: found.iid,
          project_id: 77,
          title: found.title,
          state: found.state,
          approvals_required: found.approvalsRequired,
          approvals_left: Math.max(0, found.approvalsRequired - found.approvedBy.length),
          approved_by: found.approvedBy.map((name) => ({ user: this.user(name) })),
        },
      };
    return { status: 404, body: { message: '404 Not Found' } };
  }
}
