// A stand-in of GitHub (laid out as GitHub Enterprise Server: API under /api/v3, git at the root) answering the REST
// endpoints Driftless calls, as @octokit/rest calls them. Its answers are checked against GitHub's official OpenAPI
// description by test/forges/github-openapi.ts, so they cannot drift from the real API. Repositories are real bare
// git repositories (owner/name.git under gitRoot), pushed to over smart HTTP.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { iso, StandInServer, type ApiReply, type RecordedRequest } from './stand-in-server';

export interface StandInPull {
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  draft: boolean;
  state: 'open' | 'closed';
  /** Set when merged (PUT …/pulls/N/merge, or `merge()`): the merge commit on the base. */
  mergeCommit?: string;
  labels: string[];
  reviewers: string[];
  author: string;
}

const USER_ID = 4242;

export class GitHubStandIn extends StandInServer {
  readonly pulls = new Map<string, StandInPull[]>();
  /** Commit statuses and check runs per sha, and reviews per pull request number, as tests set them. */
  readonly statuses = new Map<string, ('success' | 'failure' | 'pending')[]>();
  readonly checkRuns = new Map<string, { status: 'queued' | 'in_progress' | 'completed'; conclusion: string | null }[]>();
  readonly reviews = new Map<number, { user: string; state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' }[]>();
  /** Logins that exist (reviewers must be collaborators). */
  readonly users = new Set(['driftless-bot', 'alice', 'bob']);
  readonly labels = new Set(['gitops', 'production']);
  readonly login = 'driftless-bot';

  constructor(gitRoot: string, token = 'ghp_standin_token_0123456789') {
    super(gitRoot, token, '/api/v3');
  }

  protected authorized(request: RecordedRequest): boolean {
    // /meta answers without a token, as GitHub's does (the probe of an unknown host asks it).
    if (request.path === '/meta') return true;
    return request.authorization === `token ${this.token}` || request.authorization === `Bearer ${this.token}`;
  }

  protected unauthorized(): ApiReply {
    return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } };
  }

  private user(login: string) {
    const base = `${this.apiUrl}/users/${login}`;
    return {
      login,
      id: login === this.login ? USER_ID : 1000 + login.length,
      node_id: `U_${login}`,
      avatar_url: `${this.url}/avatars/${login}`,
      gravatar_id: '',
      url: base,
      html_url: `${this.url}/${login}`,
      followers_url: `${base}/followers`,
      following_url: `${base}/following{/other_user}`,
      gists_url: `${base}/gists{/gist_id}`,
      starred_url: `${base}/starred{/owner}{/repo}`,
      subscriptions_url: `${base}/subscriptions`,
      organizations_url: `${base}/orgs`,
      repos_url: `${base}/repos`,
      events_url: `${base}/events{/privacy}`,
      received_events_url: `${base}/received_events`,
      type: 'User',
      site_admin: false,
    };
  }

  private defaultBranchOf(owner: string, repo: string): string {
    const head = execFileSync('git', ['symbolic-ref', 'HEAD'], { cwd: join(this.gitRoot, owner, `${repo}.git`), encoding: 'utf8' }).trim();
    return head.replace(/^refs\/heads\//, '');
  }

  private shaOf(owner: string, repo: string, branch: string): string | undefined {
    try {
      return execFileSync('git', ['rev-parse', '--verify', `refs/heads/${branch}^{commit}`], {
        cwd: join(this.gitRoot, owner, `${repo}.git`),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return undefined;
    }
  }

  private exists(owner: string, repo: string): boolean {
    try {
      execFileSync('git', ['rev-parse', '--git-dir'], { cwd: join(this.gitRoot, owner, `${repo}.git`), stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }

  private repository(owner: string, repo: string, full = false) {
    const api = `${this.apiUrl}/repos/${owner}/${repo}`;
    const now = iso(new Date(Date.UTC(2026, 0, 5)));
    return {
      id: 77,
      node_id: 'R_77',
      name: repo,
      full_name: `${owner}/${repo}`,
      owner: this.user(owner),
      private: false,
      html_url: `${this.url}/${owner}/${repo}`,
      description: null,
      fork: false,
      url: api,
      archive_url: `${api}/{archive_format}{/ref}`,
      assignees_url: `${api}/assignees{/user}`,
      blobs_url: `${api}/git/blobs{/sha}`,
      branches_url: `${api}/branches{/branch}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      comments_url: `${api}/comments{/number}`,
      commits_url: `${api}/commits{/sha}`,
      compare_url: `${api}/compare/{base}...{head}`,
      contents_url: `${api}/contents/{+path}`,
      contributors_url: `${api}/contributors`,
      deployments_url: `${api}/deployments`,
      downloads_url: `${api}/downloads`,
      events_url: `${api}/events`,
      forks_url: `${api}/forks`,
      git_commits_url: `${api}/git/commits{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      git_url: `git://127.0.0.1/${owner}/${repo}.git`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      issue_events_url: `${api}/issues/events{/number}`,
      issues_url: `${api}/issues{/number}`,
      keys_url: `${api}/keys{/key_id}`,
      labels_url: `${api}/labels{/name}`,
      languages_url: `${api}/languages`,
      merges_url: `${api}/merges`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      pulls_url: `${api}/pulls{/number}`,
      releases_url: `${api}/releases{/id}`,
      ssh_url: `git@127.0.0.1:${owner}/${repo}.git`,
      stargazers_url: `${api}/stargazers`,
      statuses_url: `${api}/statuses/{sha}`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      tags_url: `${api}/tags`,
      teams_url: `${api}/teams`,
      trees_url: `${api}/git/trees{/sha}`,
      clone_url: `${this.url}/${owner}/${repo}.git`,
      mirror_url: null,
      hooks_url: `${api}/hooks`,
      svn_url: `${this.url}/${owner}/${repo}`,
      homepage: null,
      language: null,
      forks_count: 0,
      forks: 0,
      stargazers_count: 0,
      watchers_count: 0,
      watchers: 0,
      size: 1,
      default_branch: this.defaultBranchOf(owner, repo),
      open_issues_count: 0,
      open_issues: 0,
      has_issues: true,
      has_projects: false,
      has_wiki: false,
      has_pages: false,
      has_downloads: true,
      archived: false,
      disabled: false,
      license: null,
      pushed_at: now,
      created_at: now,
      updated_at: now,
      ...(full ? { has_discussions: false, network_count: 0, subscribers_count: 0 } : {}),
    };
  }

  private label(name: string) {
    return {
      id: name.length,
      node_id: `L_${name}`,
      url: `${this.apiUrl}/labels/${name}`,
      name,
      description: '',
      color: 'ededed',
      default: false,
    };
  }

  private pull(owner: string, repo: string, pull: StandInPull, full: boolean) {
    const api = `${this.apiUrl}/repos/${owner}/${repo}`;
    const html = `${this.url}/${owner}/${repo}/pull/${pull.number}`;
    const created = iso(new Date(Date.UTC(2026, 0, 6, 10, pull.number)));
    const side = (branch: string) => ({
      label: `${owner}:${branch}`,
      ref: branch,
      sha: this.shaOf(owner, repo, branch) ?? '0'.repeat(40),
      user: this.user(owner),
      repo: this.repository(owner, repo),
    });
    return {
      url: `${api}/pulls/${pull.number}`,
      id: 9000 + pull.number,
      node_id: `PR_${pull.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${api}/issues/${pull.number}`,
      commits_url: `${api}/pulls/${pull.number}/commits`,
      review_comments_url: `${api}/pulls/${pull.number}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${pull.number}/comments`,
      statuses_url: `${api}/statuses/${side(pull.head).sha}`,
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: this.user(pull.author),
      body: pull.body,
      labels: pull.labels.map((name) => this.label(name)),
      milestone: null,
      active_lock_reason: null,
      created_at: created,
      updated_at: created,
      closed_at: pull.state === 'closed' ? created : null,
      merged_at: pull.mergeCommit ? created : null,
      merge_commit_sha: pull.mergeCommit ?? null,
      assignee: null,
      assignees: [],
      requested_reviewers: pull.reviewers.map((login) => this.user(login)),
      requested_teams: [],
      head: side(pull.head),
      base: side(pull.base),
      _links: {
        self: { href: `${api}/pulls/${pull.number}` },
        html: { href: html },
        issue: { href: `${api}/issues/${pull.number}` },
        comments: { href: `${api}/issues/${pull.number}/comments` },
        review_comments: { href: `${api}/pulls/${pull.number}/comments` },
        review_comment: { href: `${api}/pulls/comments{/number}` },
        commits: { href: `${api}/pulls/${pull.number}/commits` },
        statuses: { href: `${api}/statuses/${side(pull.head).sha}` },
      },
      author_association: 'OWNER',
      auto_merge: null,
      draft: pull.draft,
      ...(full
        ? {
            merged: pull.mergeCommit !== undefined,
            mergeable: null,
            rebaseable: null,
            mergeable_state: 'unknown',
            merged_by: pull.mergeCommit ? this.user(this.login) : null,
            comments: 0,
            review_comments: 0,
            maintainer_can_modify: false,
            commits: 1,
            additions: 1,
            deletions: 1,
            changed_files: 1,
          }
        : {}),
    };
  }

  /**
   * Merges an open pull request as GitHub's merge button does (a merge commit on the base, made in the bare
   * repository with `git merge-tree`; a conflict refuses it). Returns the merge commit.
   */
  merge(key: string, number: number): string {
    const pull = this.pulls.get(key)?.find((p) => p.number === number && p.state === 'open');
    if (!pull) throw new Error(`no open pull request #${number} in ${key}`);
    const [owner, repo] = key.split('/') as [string, string];
    const cwd = join(this.gitRoot, owner, `${repo}.git`);
    const base = this.shaOf(owner, repo, pull.base)!;
    const head = this.shaOf(owner, repo, pull.head)!;
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'GitHub',
          GIT_AUTHOR_EMAIL: 'noreply@github.com',
          GIT_COMMITTER_NAME: 'GitHub',
          GIT_COMMITTER_EMAIL: 'noreply@github.com',
        },
      }).trim();
    const tree = git('merge-tree', '--write-tree', base, head).split('\n')[0]!;
    const merged = git(
      'commit-tree',
      tree,
      '-p',
      base,
      '-p',
      head,
      '-m',
      `Merge pull request #${number} from ${owner}/${pull.head}\n\n${pull.title}`,
    );
    git('update-ref', `refs/heads/${pull.base}`, merged, base);
    pull.state = 'closed';
    pull.mergeCommit = merged;
    return merged;
  }

  private validationFailed(message: string, field: string, code = 'custom'): ApiReply {
    return {
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [{ resource: 'PullRequest', field, code, message }],
        documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
        status: '422',
      },
    };
  }

  private notFound(): ApiReply {
    return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } };
  }

  protected handle(request: RecordedRequest): ApiReply {
    const { method, path, query } = request;
    if (method === 'GET' && path === '/meta')
      return { status: 200, body: { verifiable_password_authentication: true, installed_version: '3.19.0' } };
    const match = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!match) return this.notFound();
    const [owner, repo, rest = ''] = [decodeURIComponent(match[1]!), decodeURIComponent(match[2]!), match[3]];
    if (!this.exists(owner, repo)) return this.notFound();
    const key = `${owner}/${repo}`;
    const pulls = this.pulls.get(key) ?? [];
    this.pulls.set(key, pulls);

    if (method === 'GET' && rest === '') return { status: 200, body: this.repository(owner, repo, true) };

    if (method === 'GET' && rest === '/pulls') {
      const state = query.get('state') ?? 'open';
      const head = query.get('head');
      const base = query.get('base');
      // GitHub filters by head only in the owner:branch form; a bare branch is ignored.
      const headBranch = head && head.includes(':') ? (head.split(':')[0] === owner ? head.split(':')[1] : '\0') : undefined;
      const listed = pulls
        .filter((p) => state === 'all' || p.state === state)
        .filter((p) => headBranch === undefined || p.head === headBranch)
        .filter((p) => !base || p.base === base)
        .sort((a, b) => (query.get('direction') === 'asc' ? a.number - b.number : b.number - a.number))
        .slice(0, Number(query.get('per_page') ?? 30));
      return { status: 200, body: listed.map((p) => this.pull(owner, repo, p, false)) };
    }

    if (method === 'POST' && rest === '/pulls') {
      const body = (request.body ?? {}) as { head?: string; base?: string; title?: string; body?: string; draft?: boolean };
      if (!body.head || !body.base)
        return this.validationFailed('head and base are required', body.head ? 'base' : 'head', 'missing_field');
      if (!this.shaOf(owner, repo, body.base)) return this.validationFailed(`base ${body.base} not found`, 'base', 'invalid');
      if (!this.shaOf(owner, repo, body.head)) return this.validationFailed(`head ${body.head} not found`, 'head', 'invalid');
      if (pulls.some((p) => p.state === 'open' && p.head === body.head && p.base === body.base))
        return this.validationFailed(`A pull request already exists for ${owner}:${body.head}.`, 'head');
      if (this.shaOf(owner, repo, body.head) === this.shaOf(owner, repo, body.base))
        return this.validationFailed(`No commits between ${body.base} and ${body.head}`, 'head');
      if (body.body && [...body.body].length > 65_536)
        return this.validationFailed('body is too long (maximum is 65536 characters)', 'body');
      const pull: StandInPull = {
        number: pulls.length + 1,
        title: body.title ?? body.head,
        body: body.body ?? null,
        head: body.head,
        base: body.base,
        draft: body.draft === true,
        state: 'open',
        labels: [],
        reviewers: [],
        author: this.login,
      };
      pulls.push(pull);
      // GitHub keeps the head of every pull request at refs/pull/N/head (forks' too): what a checkout fetches.
      execFileSync('git', ['update-ref', `refs/pull/${pull.number}/head`, this.shaOf(owner, repo, body.head)!], {
        cwd: join(this.gitRoot, owner, `${repo}.git`),
      });
      return {
        status: 201,
        body: this.pull(owner, repo, pull, true),
        headers: { location: `${this.apiUrl}/repos/${key}/pulls/${pull.number}` },
      };
    }

    const single = /^\/pulls\/(\d+)(\/merge)?$/.exec(rest);
    if (single) {
      const pull = pulls.find((p) => p.number === Number(single[1]));
      if (!pull) return this.notFound();
      if (method === 'GET' && !single[2]) return { status: 200, body: this.pull(owner, repo, pull, true) };
      if (method === 'PUT' && single[2]) {
        if (pull.state !== 'open')
          return {
            status: 405,
            body: { message: 'Pull Request is not mergeable', documentation_url: 'https://docs.github.com/rest', status: '405' },
          };
        const sha = this.merge(key, pull.number);
        return { status: 200, body: { sha, merged: true, message: 'Pull Request successfully merged' } };
      }
    }

    const numbered = /^\/(pulls|issues)\/(\d+)(\/.*)$/.exec(rest);
    if (numbered) {
      const pull = pulls.find((p) => p.number === Number(numbered[2]));
      if (!pull) return this.notFound();
      const what = `${numbered[1]} ${method} ${numbered[3]}`;
      if (what === 'pulls POST /requested_reviewers') {
        const reviewers = ((request.body ?? {}) as { reviewers?: string[] }).reviewers ?? [];
        const unknown = reviewers.filter((login) => !this.users.has(login));
        if (unknown.length)
          return {
            status: 422,
            body: {
              message:
                'Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the repository.',
              documentation_url: 'https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request',
              status: '422',
            },
          };
        pull.reviewers.push(...reviewers);
        return { status: 201, body: this.pull(owner, repo, pull, false) };
      }
      if (what === 'issues POST /labels') {
        const labels = ((request.body ?? {}) as { labels?: string[] }).labels ?? [];
        for (const name of labels) {
          this.labels.add(name); // GitHub creates labels it does not know.
          if (!pull.labels.includes(name)) pull.labels.push(name);
        }
        return { status: 200, body: pull.labels.map((name) => this.label(name)) };
      }
      if (what === 'pulls GET /reviews') {
        const reviews = this.reviews.get(pull.number) ?? [];
        const sha = this.shaOf(owner, repo, pull.head) ?? '0'.repeat(40);
        return {
          status: 200,
          body: reviews.map((review, i) => ({
            id: i + 1,
            node_id: `PRR_${i + 1}`,
            user: this.user(review.user),
            body: '',
            state: review.state,
            html_url: `${this.url}/${key}/pull/${pull.number}#pullrequestreview-${i + 1}`,
            pull_request_url: `${this.apiUrl}/repos/${key}/pulls/${pull.number}`,
            _links: {
              html: { href: `${this.url}/${key}/pull/${pull.number}` },
              pull_request: { href: `${this.apiUrl}/repos/${key}/pulls/${pull.number}` },
            },
            submitted_at: iso(),
            commit_id: sha,
            author_association: 'COLLABORATOR',
          })),
        };
      }
      return this.notFound();
    }

    const commit = /^\/commits\/([^/]+)\/(status|check-runs)$/.exec(rest);
    if (method === 'GET' && commit) {
      const sha = decodeURIComponent(commit[1]!);
      if (commit[2] === 'status') {
        const states = this.statuses.get(sha) ?? [];
        const combined = !states.length
          ? 'pending'
          : states.includes('failure')
            ? 'failure'
            : states.includes('pending')
              ? 'pending'
              : 'success';
        return {
          status: 200,
          body: {
            state: combined,
            statuses: states.map((state, i) => ({
              url: `${this.apiUrl}/repos/${key}/statuses/${sha}`,
              avatar_url: null,
              id: i + 1,
              node_id: `SC_${i + 1}`,
              state,
              description: null,
              target_url: null,
              context: `ci/${i + 1}`,
              created_at: iso(),
              updated_at: iso(),
            })),
            sha,
            total_count: states.length,
            repository: this.repository(owner, repo),
            commit_url: `${this.apiUrl}/repos/${key}/commits/${sha}`,
            url: `${this.apiUrl}/repos/${key}/commits/${sha}/status`,
          },
        };
      }
      const runs = this.checkRuns.get(sha) ?? [];
      return {
        status: 200,
        body: {
          total_count: runs.length,
          check_runs: runs.map((run, i) => ({
            id: i + 1,
            head_sha: sha,
            node_id: `CR_${i + 1}`,
            external_id: null,
            url: `${this.apiUrl}/repos/${key}/check-runs/${i + 1}`,
            html_url: null,
            details_url: null,
            status: run.status,
            conclusion: run.conclusion,
            started_at: iso(),
            completed_at: run.status === 'completed' ? iso() : null,
            output: {
              title: null,
              summary: null,
              text: null,
              annotations_count: 0,
              annotations_url: `${this.apiUrl}/repos/${key}/check-runs/${i + 1}/annotations`,
            },
            name: `check ${i + 1}`,
            check_suite: { id: 1 },
            app: null,
            pull_requests: [],
          })),
        },
      };
    }
    return this.notFound();
  }
}
