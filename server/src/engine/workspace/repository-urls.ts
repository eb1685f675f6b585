// Telling whether a URL in a manifest (an Argo CD repoURL, a Flux GitRepository url) names this repository: both
// sides reduced to host/path, whatever the protocol, user, port or `.git` suffix.

/** `github.com/org/repo` for https://, ssh://, git@host:path and git:// forms; undefined for what is no git URL. */
export function normalizeRepositoryUrl(url: string): string | undefined {
  const trimmed = url.trim();
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(trimmed);
  let host: string;
  let path: string;
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    host = scp[1]!;
    path = scp[2]!;
  } else {
    const parsed = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/i.exec(trimmed);
    if (!parsed) return undefined;
    host = parsed[1]!;
    path = parsed[2]!;
  }
  const cleanPath = path
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .replace(/^\/+/, '');
  return cleanPath ? `${host.toLowerCase()}/${cleanPath.toLowerCase()}` : undefined;
}

/** Whether `url` names one of the repository's remotes. */
export function isRepositoryUrl(url: unknown, remotes: readonly string[]): boolean {
  if (typeof url !== 'string') return false;
  const normalized = normalizeRepositoryUrl(url);
  return normalized !== undefined && remotes.some((remote) => normalizeRepositoryUrl(remote) === normalized);
}
