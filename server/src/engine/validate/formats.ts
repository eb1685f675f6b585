// String and number formats the API server checks (OpenAPI `format`); unknown formats are accepted, as it does.

type FormatCheck = (value: unknown) => string | undefined;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const MAC = /^(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)*\.?$/i;

function isIpv6(value: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(value) || !value.includes(':')) return false;
  const parts = value.split('::');
  if (parts.length > 2) return false;
  const groups = parts.flatMap((p) => (p ? p.split(':') : []));
  const last = groups[groups.length - 1];
  const hasV4 = last !== undefined && last.includes('.');
  if (hasV4 && !IPV4.test(last)) return false;
  const hexGroups = hasV4 ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = hexGroups.length + (hasV4 ? 2 : 0);
  return parts.length === 2 ? count < 8 : count === 8;
}

function isBase64(value: string): boolean {
  const compact = value.replace(/[\r\n]/g, '');
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact);
}

function integerRange(bits: 32 | 64): FormatCheck {
  const max = bits === 32 ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER;
  const min = bits === 32 ? -(2 ** 31) : Number.MIN_SAFE_INTEGER;
  return (value) =>
    typeof value === 'number' && Number.isInteger(value) && (value > max || value < min)
      ? `must fit in a ${bits}-bit integer (${min} to ${max})`
      : undefined;
}

function stringFormat(test: (value: string) => boolean, expected: string): FormatCheck {
  return (value) => (typeof value === 'string' && !test(value) ? `must be ${expected}` : undefined);
}

const FORMATS: Record<string, FormatCheck> = {
  int32: integerRange(32),
  int64: integerRange(64),
  byte: stringFormat(isBase64, 'base64-encoded data (Secret `data` takes base64; use `stringData` for plain text)'),
  'date-time': stringFormat((v) => RFC3339.test(v), 'an RFC 3339 date-time such as 2024-05-01T12:00:00Z'),
  datetime: stringFormat((v) => RFC3339.test(v), 'an RFC 3339 date-time such as 2024-05-01T12:00:00Z'),
  date: stringFormat((v) => DATE.test(v), 'a date such as 2024-05-01'),
  ipv4: stringFormat((v) => IPV4.test(v), 'an IPv4 address'),
  ipv6: stringFormat(isIpv6, 'an IPv6 address'),
  cidr: stringFormat((v) => {
    const [ip, bits, extra] = v.split('/');
    if (extra !== undefined || ip === undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
    return (IPV4.test(ip) && Number(bits) <= 32) || (isIpv6(ip) && Number(bits) <= 128);
  }, 'a CIDR such as 10.0.0.0/16'),
  uuid: stringFormat((v) => UUID.test(v), 'a UUID'),
  mac: stringFormat((v) => MAC.test(v), 'a MAC address'),
  hostname: stringFormat((v) => HOSTNAME.test(v), 'a host name'),
  bsonobjectid: stringFormat((v) => /^[0-9a-f]{24}$/i.test(v), 'a 24-character hex object id'),
};

/** Why `value` breaks `format`, or undefined when it is fine (or the format is one the API server ignores). */
export function checkFormat(format: string, value: unknown): string | undefined {
  return FORMATS[format]?.(value);
}
