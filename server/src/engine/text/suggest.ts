// "Did you mean ...?" for misspelt keys, kinds and values.

/**
 * Damerau-Levenshtein (optimal string alignment) distance, case-insensitive. Three rolling rows of the distance matrix
 * (the transposition looks two rows back) instead of the whole matrix: a "Did you mean" tries many candidates.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const cols = t.length + 1;
  let older = new Int32Array(cols); // row i - 2
  let previous = new Int32Array(cols); // row i - 1
  let current = new Int32Array(cols); // row i
  for (let j = 0; j < cols; j++) previous[j] = j;
  for (let i = 1; i <= s.length; i++) {
    current[0] = i;
    const si = s.charCodeAt(i - 1);
    for (let j = 1; j < cols; j++) {
      const tj = t.charCodeAt(j - 1);
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (si === tj ? 0 : 1));
      if (i > 1 && j > 1 && si === t.charCodeAt(j - 2) && s.charCodeAt(i - 2) === tj) best = Math.min(best, older[j - 2]! + 1);
      current[j] = best;
    }
    [older, previous, current] = [previous, current, older];
  }
  return previous[cols - 1]!;
}

/** The candidate closest to `input`, when close enough to be a likely typo (about one edit per four letters). */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const allowed = Math.max(1, Math.min(3, Math.floor(input.length / 4)));
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - input.length) > allowed) continue;
    const distance = editDistance(input, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

/**
 * The name `input` most likely meant among path-like `names` (`production` for `deploy/overlays/production`): the one
 * name whose last segment is `input`, else the one whose last segment starts with it, else the closest name, else the name
 * whose last segment is closest.
 */
export function closestName(input: string, names: readonly string[]): string | undefined {
  const last = (name: string) => name.slice(name.lastIndexOf('/') + 1);
  const ending = names.filter((name) => last(name) === input);
  if (ending.length === 1) return ending[0];
  // A short form of one name (`prod` for `deploy/overlays/production`).
  const starting = input.length >= 3 ? names.filter((name) => last(name).startsWith(last(input))) : [];
  if (starting.length === 1) return starting[0];
  const close = closestMatch(input, names);
  if (close) return close;
  const lasts = names.map(last);
  const closeLast = closestMatch(input, lasts);
  return closeLast === undefined || lasts.filter((l) => l === closeLast).length > 1 ? undefined : names[lasts.indexOf(closeLast)];
}
