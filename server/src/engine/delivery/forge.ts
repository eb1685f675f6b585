// Which forge hosts a repository, from its remote's URL: github.com, gitlab.com, codeberg.org and gitea.com by name;
// GitHub Enterprise, self-hosted GitLab and Gitea/Forgejo by the URLs the user configures. Gives the web address, the
// API's base and the owner/repository path the forge's API names it by. Credentials in a URL never get through.

export type ForgeKind = 'github' | 'gitlab' | 'gitea';

export const FORGE_NAMES: Record<ForgeKind, string> = { github: 'GitHub', gitlab: 'GitLab', gitea: 'Gitea' };

/** A forge the user runs, as configured (VS Code `driftless.forges`): its web address and what it is. */
export interface ForgeHost {
  url: string;
  kind: ForgeKind;
}

/** A repository on a forge. */
export interface ForgeRepository {
  kind: ForgeKind;
  /** `https://github.com`, `https://git.example.com/gitea` (a forge under a path keeps it), no trailing slash. */
  webUrl: string;
  /** `https://api.github.com`, `https://ghe.example.com/api/v3`, `https://gitlab.com/api/v4`, `…/api/v1` */
  apiUrl: string;
  /** `acme` or, on GitLab, a group path `acme/platform`. */
  owner: string;
  repo: string;
  /** `acme/fleet`: the path the API names the repository by. */
  fullName: string;
}

/** A remote URL split into its parts; undefined when it is no URL git could fetch from a server. */
export interface RemoteLocation {
  protocol: 'https' | 'http' | 'ssh' | 'git';
  host: string;
  port?: number;
  /** The repository's path on the host, without `.git` and surrounding slashes. */
  path: string;
}

/** Hosts known without configuration, and what runs there. */
const KNOWN_HOSTS: Record<string, ForgeKind> = {
  'github.com': 'github',
  'gitlab.com': 'gitlab',
  'codeberg.org': 'gitea',
  'gitea.com': 'gitea',
};

/** `https://user:secret@host/path` → `https://host/path`: a URL as it may be shown. */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}

/** The parts of a remote URL: https://, http://, ssh://, git:// and scp-like `user@host:path`. */
export function parseRemoteUrl(url: string): RemoteLocation | undefined {
  const text = url.trim();
  const withScheme = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)(?::(\d+))?(\/[^?#]*)?$/i.exec(text);
  let protocol: RemoteLocation['protocol'];
  let host: string;
  let port: number | undefined;
  let path: string;
  if (withScheme) {
    const scheme = withScheme[1]!.toLowerCase();
    if (scheme === 'https' || scheme === 'http' || scheme === 'ssh' || scheme === 'git') protocol = scheme;
    else if (scheme === 'git+ssh' || scheme === 'ssh+git') protocol = 'ssh';
    else return undefined;
    host = withScheme[2]!;
    port = withScheme[3] ? Number(withScheme[3]) : undefined;
    path = withScheme[4] ?? '';
  } else {
    // scp-like: [user@]host:path, where the host holds no slash (git reads `./a:b` as a local path).
    const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(text);
    if (!scp) return undefined;
    protocol = 'ssh';
    host = scp[1]!;
    path = scp[2]!;
  }
  const clean = decodeURIComponentSafe(path)
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/i, '')
    .replace(/^~[^/]*\//, '');
  if (!clean || !host || clean.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) return undefined;
  return { protocol, host: host.toLowerCase(), ...(port !== undefined ? { port } : {}), path: clean };
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The API base of a forge at `webUrl`. */
export function apiUrlOf(kind: ForgeKind, webUrl: string): string {
  const web = trimSlash(webUrl);
  if (kind === 'github') return /^https?:\/\/github\.com$/i.test(web) ? 'https://api.github.com' : `${web}/api/v3`;
  return kind === 'gitlab' ? `${web}/api/v4` : `${web}/api/v1`;
}

function hostOfUrl(url: string): { host: string; port?: number; path: string; scheme: string } | undefined {
  const match = /^(https?):\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)(?::(\d+))?(\/[^?#]*)?$/i.exec(url.trim());
  if (!match) return undefined;
  return {
    scheme: match[1]!.toLowerCase(),
    host: match[2]!.toLowerCase(),
    ...(match[3] ? { port: Number(match[3]) } : {}),
    path: (match[4] ?? '').replace(/^\/+|\/+$/g, ''),
  };
}

/** Whether a configured forge URL is valid: http(s), a host, no credentials. */
export function forgeUrlProblem(url: string): string | undefined {
  if (!hostOfUrl(url)) return `"${withoutCredentials(url)}" is no http(s) URL of a forge`;
  if (/^[a-z]+:\/\/[^/]*@/i.test(url)) return 'a forge URL holds no user name or token (Driftless keeps tokens in VS Code SecretStorage)';
  return undefined;
}

export type ForgeDetection =
  | { repository: ForgeRepository }
  /** A host Driftless does not know: the caller may ask it what it runs (see node/delivery/forge-probe). */
  | { unknown: { webUrl: string; path: string; host: string } }
  | { error: string };

function repositoryAt(kind: ForgeKind, webUrl: string, path: string): ForgeDetection {
  const segments = path.split('/');
  if (segments.length < 2) return { error: `"${path}" names no repository: a forge's is owner/repository` };
  if (kind !== 'gitlab' && segments.length > 2)
    return { error: `"${path}" is no ${FORGE_NAMES[kind]} repository path (owner/repository); only GitLab has subgroups` };
  const repo = segments.pop()!;
  const owner = segments.join('/');
  return { repository: { kind, webUrl: trimSlash(webUrl), apiUrl: apiUrlOf(kind, webUrl), owner, repo, fullName: `${owner}/${repo}` } };
}

/**
 * The forge and repository a remote URL names. Configured forges come first (matched by host, and by port for
 * http(s) URLs; a forge under a path must prefix the repository's path), then the well-known hosts.
 */
export function detectForge(remoteUrl: string, configured: readonly ForgeHost[] = []): ForgeDetection {
  const remote = parseRemoteUrl(remoteUrl);
  if (!remote)
    return { error: `the remote URL "${withoutCredentials(remoteUrl)}" is no URL of a server (a local path cannot take pull requests)` };
  for (const forge of configured) {
    const at = hostOfUrl(forge.url);
    if (!at || at.host !== remote.host) continue;
    const web = remote.protocol === 'http' || remote.protocol === 'https';
    if (web && at.port !== remote.port && (at.port !== undefined || remote.port !== undefined)) continue;
    if (at.path && !(remote.path === at.path || remote.path.startsWith(`${at.path}/`))) continue;
    const path = at.path ? remote.path.slice(at.path.length + 1) : remote.path;
    return repositoryAt(forge.kind, `${at.scheme}://${at.host}${at.port ? `:${at.port}` : ''}${at.path ? `/${at.path}` : ''}`, path);
  }
  const known = KNOWN_HOSTS[remote.host];
  if (known) return repositoryAt(known, `https://${remote.host}`, remote.path);
  const scheme = remote.protocol === 'http' ? 'http' : 'https';
  const port = remote.protocol === 'http' || remote.protocol === 'https' ? remote.port : undefined;
  return { unknown: { webUrl: `${scheme}://${remote.host}${port ? `:${port}` : ''}`, path: remote.path, host: remote.host } };
}

/** The repository at an unknown host once it is known what runs there. */
export function repositoryOnHost(kind: ForgeKind, webUrl: string, path: string): ForgeRepository | { error: string } {
  const found = repositoryAt(kind, webUrl, path);
  return 'repository' in found ? found.repository : 'error' in found ? found : { error: 'unknown forge' };
}

/**
 * The forge a CI job's own variables name, for the CLI: GitHub Actions' GITHUB_API_URL (Gitea and Forgejo Actions
 * set it too, to their `/api/v1`), GitLab CI's CI_API_V4_URL. Returns the kind and the API base.
 */
export function forgeFromCiVariables(variables: {
  GITHUB_API_URL?: string | undefined;
  CI_API_V4_URL?: string | undefined;
}): { kind: ForgeKind; apiUrl: string } | undefined {
  const github = variables.GITHUB_API_URL?.trim();
  if (github) return { kind: /\/api\/v1\/?$/.test(github) ? 'gitea' : 'github', apiUrl: trimSlash(github) };
  const gitlab = variables.CI_API_V4_URL?.trim();
  if (gitlab) return { kind: 'gitlab', apiUrl: trimSlash(gitlab) };
  return undefined;
}

/** The web address of a forge whose API base is `apiUrl` (the inverse of apiUrlOf). */
export function webUrlOfApi(kind: ForgeKind, apiUrl: string): string {
  const api = trimSlash(apiUrl);
  if (kind === 'github' && /^https:\/\/api\.github\.com$/i.test(api)) return 'https://github.com';
  return api.replace(kind === 'github' ? /\/api\/v3$/ : kind === 'gitlab' ? /\/api\/v4$/ : /\/api\/v1$/, '');
}
