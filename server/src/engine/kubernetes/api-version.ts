// The parts of an apiVersion: `apps/v1` is group `apps`, version `v1`; `v1` alone is the core group, ''.

/** The API group of an apiVersion; '' for the core group and for what is no string. */
export function apiGroupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}
