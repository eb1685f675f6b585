// The forge of a repository: detected from its remote URL (engine/delivery/forge), an unknown host asked what it
// runs, and the client for it made with the token given. Each client loads its library (@octokit/rest,
// @gitbeaker/rest) only when its forge is used.
import { detectForge, repositoryOnHost, type ForgeHost, type ForgeKind, type ForgeRepository } from '../../../engine/delivery/forge';
import { FORGE_TIMEOUT_MS, timedFetch, type ForgeClient } from './forge-client';
import { GiteaClient } from './gitea-client';
import { GitHubClient } from './github-client';
import { GitLabClient } from './gitlab-client';

/** How long asking an unknown host what it runs may take. */
const PROBE_MS = 8_000;

/**
 * What an unknown host runs, asked without a token: Gitea and Forgejo answer `GET /api/v1/version`, GitHub Enterprise
 * `GET /api/v3/meta` with `installed_version`, GitLab `GET /api/v4/version` (401 without a token, but it answers).
 */
export async function probeForge(webUrl: string, timeoutMs = PROBE_MS): Promise<ForgeKind | undefined> {
  const fetchWithLimit = timedFetch(timeoutMs);
  const ask = async (path: string) => {
    try {
      const response = await fetchWithLimit(`${webUrl}${path}`, { headers: { accept: 'application/json' }, redirect: 'manual' });
      const text = await response.text();
      return { status: response.status, text, json: response.headers.get('content-type')?.includes('json') === true };
    } catch {
      return undefined;
    }
  };
  const [gitea, github, gitlab] = await Promise.all([ask('/api/v1/version'), ask('/api/v3/meta'), ask('/api/v4/version')]);
  if (gitea?.status === 200 && gitea.json && /"version"\s*:/.test(gitea.text)) return 'gitea';
  if (github?.status === 200 && github.json && /"installed_version"|"verifiable_password_authentication"/.test(github.text))
    return 'github';
  if (gitlab && gitlab.json && (gitlab.status === 401 || (gitlab.status === 200 && /"revision"/.test(gitlab.text)))) return 'gitlab';
  return undefined;
}

export type RepositoryResolution = { repository: ForgeRepository } | { error: string };

/** The forge repository a remote URL names: configured hosts, well-known hosts, then the host asked. */
export async function resolveForgeRepository(
  remoteUrl: string,
  configured: readonly ForgeHost[],
  options: { probe?: boolean } = {},
): Promise<RepositoryResolution> {
  const detected = detectForge(remoteUrl, configured);
  if ('repository' in detected) return detected;
  if ('error' in detected) return detected;
  const kind = options.probe === false ? undefined : await probeForge(detected.unknown.webUrl);
  if (!kind)
    return {
      error: `${detected.unknown.host} is no forge Driftless knows (GitHub, GitLab, Gitea, Forgejo): it did not answer as one. If it is one, add it to the setting driftless.forges (its URL and kind).`,
    };
  const repository = repositoryOnHost(kind, detected.unknown.webUrl, detected.unknown.path);
  return 'error' in repository ? repository : { repository };
}

/** The client of a repository's forge. */
export async function forgeClient(
  repository: ForgeRepository,
  token: string | undefined,
  timeoutMs = FORGE_TIMEOUT_MS,
): Promise<ForgeClient> {
  switch (repository.kind) {
    case 'github':
      return GitHubClient.create(repository, token, timeoutMs);
    case 'gitlab':
      return GitLabClient.create(repository, token, timeoutMs);
    case 'gitea':
      return new GiteaClient(repository, token, timeoutMs);
  }
}
