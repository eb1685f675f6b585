// How plain scalars resolve, matched to what kubectl and the API server read (go-yaml v2 through sigs.k8s.io/yaml):
// YAML 1.1 booleans (yes/no/on/off/y/n), Go integer literals (0x, 0o, 0b, leading-zero octal, `_` separators),
// and timestamps and sexagesimal numbers left as strings. Both parsers below use these rules, so they agree.

export const TRUE_WORDS = ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'];
export const FALSE_WORDS = ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'];
/** The empty plain scalar is null too. */
export const NULL_WORDS = ['~', 'null', 'Null', 'NULL'];

const anyOf = (words: string[]) => new RegExp(`^(?:${words.join('|')})$`);
export const BOOLEAN_TRUE = anyOf(TRUE_WORDS);
export const BOOLEAN_FALSE = anyOf(FALSE_WORDS);
export const NULL_SCALAR = new RegExp(`^(?:${NULL_WORDS.join('|')}|)$`);
const INTEGER = /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/;
const FLOAT = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

export function resolveInteger(text: string): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[-+]/, '').replace(/_/g, '');
  let value: number;
  if (/^0[xX]/.test(body)) value = parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) value = parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) value = parseInt(body.slice(2), 2);
  else if (body.length > 1 && body.startsWith('0')) value = parseInt(body.slice(1), 8);
  else value = parseInt(body, 10);
  return Number.isNaN(value) ? undefined : sign * value;
}

export function resolveFloat(text: string): number | undefined {
  if (SPECIAL_FLOAT.test(text)) {
    if (/nan/i.test(text)) return NaN;
    return text.startsWith('-') ? -Infinity : Infinity;
  }
  if (!FLOAT.test(text) || !/[0-9]/.test(text)) return undefined;
  const value = Number(text.replace(/_/g, ''));
  return Number.isNaN(value) ? undefined : value;
}
