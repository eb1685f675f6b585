// `driftless pr create [--base B] [--head H] [--title T] [--draft] [--format text|json]`: opens the pull request of a
// branch on the forge `origin` names (GitHub, GitLab, Gitea/Forgejo), its body the rendered diff of every environment;
// links the one already open instead of a second. Token from GITHUB_TOKEN / GITLAB_TOKEN / GITEA_TOKEN, the API base
// from the CI's own variables (GITHUB_API_URL, CI_API_V4_URL), else the remote's host. Exit 0 opened or found, 2 errors.
import { findProjectRoot } from '../node/project';
import { openPullRequest, TOKEN_VARIABLES } from '../node/delivery/pull-requests';
import type { RenderTools } from '../node/render/render-environment';
import type { CommandResult } from './validate-command';

export interface PullRequestCommandOptions {
  head?: string;
  base?: string;
  title?: string;
  draft: boolean;
  format: 'text' | 'json';
  cwd: string;
  tools: RenderTools;
  environment: Readonly<Record<string, string | undefined>>;
}

export async function runPullRequestCreate(options: PullRequestCommandOptions): Promise<CommandResult> {
  const env = options.environment;
  const tokens = Object.values(TOKEN_VARIABLES);
  const opened = await openPullRequest({
    root: findProjectRoot(options.cwd),
    forges: [],
    environment: Object.fromEntries(tokens.map((name) => [name, env[name]])),
    ci: { GITHUB_API_URL: env.GITHUB_API_URL, CI_API_V4_URL: env.CI_API_V4_URL },
    remote: 'origin',
    pushIfMissing: true,
    tools: options.tools,
    ...(options.head ? { head: options.head } : {}),
    ...(options.base ? { base: options.base } : {}),
    ...(options.title ? { title: options.title } : {}),
    ...(options.draft ? { draft: true } : {}),
    ...(env.DRIFTLESS_FORGE_TIMEOUT_MS ? { timeoutMs: Number(env.DRIFTLESS_FORGE_TIMEOUT_MS) } : {}),
  });
  if ('needsToken' in opened) {
    const { forge, variable, repository } = opened.needsToken;
    return {
      exitCode: 2,
      stdout: '',
      stderr: `driftless: ${repository} is on ${forge}: set ${variable} to a token that may open pull requests there.`,
    };
  }
  if ('error' in opened) return { exitCode: 2, stdout: '', stderr: `driftless: ${opened.error}` };
  const { pullRequest, created, warnings, pushed, bodyCut } = opened;
  const notes = [
    ...(pushed ? [`driftless: pushed ${pullRequest.head} to origin first.`] : []),
    ...(bodyCut ? ["driftless: the rendered diff was cut to fit the forge's limit (the body says so)."] : []),
    ...warnings.map((w) => `driftless: ${w}`),
  ];
  const stdout =
    options.format === 'json'
      ? JSON.stringify({ url: pullRequest.url, number: pullRequest.number, created })
      : created
        ? `Opened pull request #${pullRequest.number} (${pullRequest.head} → ${pullRequest.base})${pullRequest.draft ? ' as a draft' : ''}: ${pullRequest.url}`
        : `A pull request for ${pullRequest.head} is open already: #${pullRequest.number} ${pullRequest.url}`;
  return { exitCode: 0, stdout, stderr: notes.join('\n') };
}
