// Kubernetes versions as Driftless uses them: a minor release, "1.31".

/** "v1.31", "1.31", "1.31.4" and 1.31 all become "1.31"; anything else is undefined. */
export function normalizeKubernetesVersion(input: unknown): string | undefined {
  if (typeof input === 'number') input = String(input);
  if (typeof input !== 'string') return undefined;
  const match = /^\s*v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?\s*$/.exec(input);
  return match ? `${Number(match[1])}.${Number(match[2])}` : undefined;
}

/** Negative when a is older than b. */
export function compareKubernetesVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

export interface VersionChoice {
  version: string;
  /** Set when the requested version is not bundled and the nearest one was chosen instead. */
  substitutedFor?: string;
}

/** Picks the bundled version for a request: exact when bundled, else the closest older one (or the oldest). */
export function chooseBundledVersion(requested: string | undefined, bundled: readonly string[], fallback: string): VersionChoice {
  if (!requested) return { version: fallback };
  if (bundled.includes(requested)) return { version: requested };
  const sorted = [...bundled].sort(compareKubernetesVersions);
  const older = sorted.filter((v) => compareKubernetesVersions(v, requested) < 0);
  return { version: older[older.length - 1] ?? sorted[0] ?? fallback, substitutedFor: requested };
}
