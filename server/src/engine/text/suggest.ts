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
