// Kubernetes resource quantities ("500m", "1.5Gi", "2e3"), as k8s.io/apimachinery/pkg/api/resource parses them.

const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const MULTIPLIERS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** The quantity's value as a number (approximate for huge values), or undefined when it does not parse. */
export function parseQuantity(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const match = QUANTITY.exec(input);
  if (!match) return undefined;
  const number = Number(match[1]);
  const suffix = match[2] ?? '';
  if (/^[eE]/.test(suffix)) return number * 10 ** Number(suffix.slice(1));
  return number * MULTIPLIERS[suffix]!;
}

/** Why a quantity that does not parse is wrong, in words. */
export function explainBadQuantity(input: string): string {
  if (/\s/.test(input)) return 'quantities contain no spaces';
  if (/^[0-9.]+[a-zA-Z]+$/.test(input) && !QUANTITY.test(input)) {
    const suffix = /[a-zA-Z]+$/.exec(input)![0];
    const hint = { mi: 'Mi', gi: 'Gi', ki: 'Ki', MB: 'M', GB: 'G', Mb: 'M', Gb: 'G', K: 'k' }[suffix];
    return hint
      ? `the suffix "${suffix}" is not a unit; did you mean "${hint}"?`
      : `the suffix "${suffix}" is not a unit (use m, k, M, G, Ki, Mi, Gi, ...)`;
  }
  return 'expected a number with an optional unit such as 500m, 2, 1.5Gi or 128Mi';
}
