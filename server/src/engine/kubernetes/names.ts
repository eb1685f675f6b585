// Name, label and annotation syntax as k8s.io/apimachinery/pkg/util/validation defines it. Each check returns the
// problem in words, or undefined when the value is fine.

const LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;

/** Names and label keys repeat across a repository's resources: remember each verdict (bounded). */
function memoized(check: (value: string) => string | undefined): (value: string) => string | undefined {
  const verdicts = new Map<string, string | undefined>();
  return (value) => {
    if (verdicts.has(value)) return verdicts.get(value);
    const verdict = check(value);
    if (verdicts.size > 20_000) verdicts.clear();
    verdicts.set(value, verdict);
    return verdict;
  };
}
const DNS1035 = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function lowercaseHint(value: string): string {
  return /[A-Z]/.test(value) ? ' (lowercase only)' : /_/.test(value) ? ' (no underscores; use "-")' : '';
}

function checkDns1123Label(value: string): string | undefined {
  if (value.length > 63) return `must be at most 63 characters (it has ${value.length})`;
  if (!LABEL.test(value))
    return `must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit${lowercaseHint(value)}`;
  return undefined;
}

function checkDns1123Subdomain(value: string): string | undefined {
  if (value.length > 253) return `must be at most 253 characters (it has ${value.length})`;
  if (!value.split('.').every((part) => LABEL.test(part))) {
    return `must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit${lowercaseHint(value)}`;
  }
  return undefined;
}

export function dns1035Label(value: string): string | undefined {
  if (value.length > 63) return `must be at most 63 characters (it has ${value.length})`;
  if (!DNS1035.test(value))
    return `must be a DNS-1035 label: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit${lowercaseHint(value)}`;
  return undefined;
}

export function pathSegmentName(value: string): string | undefined {
  if (value === '.' || value === '..') return `may not be "${value}"`;
  if (/[/%]/.test(value)) return 'may not contain "/" or "%"';
  return undefined;
}

/** Label and annotation keys: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
function checkQualifiedName(value: string): string | undefined {
  const parts = value.split('/');
  if (parts.length > 2) return 'may contain at most one "/" (prefix/name)';
  const name = parts[parts.length - 1]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (!prefix) return 'has an empty prefix before "/"';
    const problem = checkDns1123Subdomain(prefix);
    if (problem) return `has a prefix that ${problem}`;
  }
  if (!name) return 'has an empty name';
  if (name.length > 63) return `has a name part longer than 63 characters (${name.length})`;
  if (!QUALIFIED_NAME_PART.test(name))
    return 'must consist of letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  return undefined;
}

function checkLabelValue(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return `must be at most 63 characters (it has ${value.length})`;
  if (!QUALIFIED_NAME_PART.test(value))
    return 'must be empty or consist of letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  return undefined;
}

/** Named ports: an IANA service name (at most 15 characters, at least one letter, no "--"). */
export function ianaServiceName(value: string): string | undefined {
  if (value.length > 15) return `must be at most 15 characters (it has ${value.length})`;
  if (!/^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/.test(value))
    return `must be lowercase letters, digits and "-", starting and ending with a letter or digit${lowercaseHint(value)}`;
  if (value.includes('--')) return 'may not contain "--"';
  if (!/[a-z]/.test(value)) return 'must contain at least one letter';
  return undefined;
}

export const dns1123Label = memoized(checkDns1123Label);
export const dns1123Subdomain = memoized(checkDns1123Subdomain);
export const qualifiedName = memoized(checkQualifiedName);
export const labelValue = memoized(checkLabelValue);

export type NameRule = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label' | 'path-segment';

/** Which format the API server requires of metadata.name, by kind (pkg/apis/*\/validation). */
const NAME_RULES: Record<string, NameRule> = {
  Namespace: 'dns1123-label',
  Service: 'dns1035-label',
  Role: 'path-segment',
  ClusterRole: 'path-segment',
  RoleBinding: 'path-segment',
  ClusterRoleBinding: 'path-segment',
  PersistentVolume: 'path-segment',
};

export function nameRuleFor(kind: string): NameRule {
  return NAME_RULES[kind] ?? 'dns1123-subdomain';
}

export function checkName(value: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'dns1123-label':
      return dns1123Label(value);
    case 'dns1035-label':
      return dns1035Label(value);
    case 'path-segment':
      return pathSegmentName(value);
    default:
      return dns1123Subdomain(value);
  }
}
