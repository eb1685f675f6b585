// The template languages of an Argo CD ApplicationSet, as far as they can be evaluated offline: the default
// fasttemplate (`{{path.basename}}`: a string parameter, or the tag left as written, as Argo CD leaves it) and, with
// `goTemplate: true`, a part of Go's text/template: fields (`{{.path.basename}}`), literals, pipelines, `index` and a
// few Sprig functions. What is not understood is refused (undefined), never guessed: no Application beats a wrong one.
import { isRecord } from '../json';

export type Params = Record<string, unknown>;

export interface TemplateLanguage {
  goTemplate: boolean;
  /** `goTemplateOptions: ["missingkey=error"]`: a missing key fails, rather than counting as empty for `default`. */
  missingKeyIsError: boolean;
}

/** Thrown inside an evaluation for what is not understood here; renderString turns it into undefined. */
class NotUnderstood extends Error {}

/** A key Go's template reads from a map without it: no value (an error with missingkey=error). */
const MISSING = Symbol('missing');

/** Argo CD's `normalize` (and `basenameNormalized`, `nameNormalized`): a DNS-1123 subdomain made of a name. */
export function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-a-z0-9.]/g, '-')
    .slice(0, 253)
    .replace(/^[-.]+|[-.]+$/g, '');
}

/**
 * A scalar as Go's `%v` prints it (flattened parameters, template output). Argo CD reads numbers as float64, which Go
 * prints in the fewest digits, with an exponent from 1e+06 up and below 1e-04 (`replicas: 1000000` gives `1e+06`).
 */
export function formatLikeGo(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (value === null) return '<nil>';
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  const power = Number(exponent);
  if (value === 0 || (power >= -4 && power < 6)) return String(value);
  return `${mantissa}e${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
}

/** Fasttemplate as Argo CD runs it: `{{ key }}` becomes the key's string parameter; other tags stay as written. */
function fastTemplate(template: string, params: Params): string | undefined {
  // Argo CD leaves alone a string with no `{{...}}` on one line.
  if (!/\{\{.*\}\}/.test(template)) return template;
  let out = '';
  let at = 0;
  for (;;) {
    const start = template.indexOf('{{', at);
    if (start === -1) return out + template.slice(at);
    const end = template.indexOf('}}', start + 2);
    if (end === -1) return undefined; // fasttemplate refuses a tag that does not end
    const tag = template.slice(start + 2, end);
    const value = Object.hasOwn(params, tag.trim()) ? params[tag.trim()] : undefined;
    out += template.slice(at, start) + (typeof value === 'string' ? value : `{{${tag}}}`);
    at = end + 2;
  }
}

type Token =
  { kind: 'field'; path: string[] } | { kind: 'literal'; value: string | number } | { kind: 'function'; name: string } | { kind: 'pipe' };

/** Where the action that starts at `start` (just after `{{`) ends: the offset of its `}}`, past quoted `}}`. */
function actionEnd(template: string, start: number): number {
  for (let i = start; i < template.length; i++) {
    const char = template[i];
    if (char === '"' || char === '`') {
      for (i++; i < template.length && template[i] !== char; i++) if (char === '"' && template[i] === '\\') i++;
      continue;
    }
    if (char === '}' && template[i + 1] === '}') return i;
  }
  throw new NotUnderstood();
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', t: '\t' };

function tokenize(action: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < action.length) {
    const char = action[i]!;
    if (/\s/.test(char)) {
      i++;
    } else if (char === '|') {
      tokens.push({ kind: 'pipe' });
      i++;
    } else if (char === '"') {
      let value = '';
      for (i++; action[i] !== '"'; i++) {
        if (i >= action.length) throw new NotUnderstood();
        if (action[i] === '\\') {
          const escaped = ESCAPES[action[++i] ?? ''];
          if (escaped === undefined) throw new NotUnderstood();
          value += escaped;
        } else value += action[i];
      }
      tokens.push({ kind: 'literal', value });
      i++;
    } else if (char === '`') {
      const end = action.indexOf('`', i + 1);
      if (end === -1) throw new NotUnderstood();
      tokens.push({ kind: 'literal', value: action.slice(i + 1, end) });
      i = end + 1;
    } else {
      const word = /^[^\s|"`]+/.exec(action.slice(i))![0];
      i += word.length;
      if (/^(\.[A-Za-z_][A-Za-z0-9_]*)+$|^\.$/.test(word)) tokens.push({ kind: 'field', path: word.split('.').slice(1).filter(Boolean) });
      else if (/^-?\d+$/.test(word)) tokens.push({ kind: 'literal', value: Number(word) });
      else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(word)) tokens.push({ kind: 'function', name: word });
      else throw new NotUnderstood(); // variables, parentheses, comments, floats, ...
    }
  }
  return tokens;
}

function stringArgument(value: unknown): string {
  if (typeof value !== 'string') throw new NotUnderstood();
  return value;
}

/** Sprig's `empty`, which `default` asks. */
function isEmpty(value: unknown): boolean {
  if (value === MISSING || value === null || value === undefined || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.keys(value).length === 0;
}

function index(collection: unknown, keys: unknown[]): unknown {
  let current = collection;
  for (const key of keys) {
    if (Array.isArray(current) && typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < current.length)
      current = current[key];
    else if (isRecord(current) && typeof key === 'string') current = Object.hasOwn(current, key) ? current[key] : MISSING;
    else throw new NotUnderstood();
  }
  return current;
}

/** The functions understood here, with Go's argument order (a pipeline passes its value as the last argument). */
const FUNCTIONS: Record<string, (args: unknown[]) => unknown> = {
  index: ([collection, ...keys]) => index(collection, keys),
  lower: ([s, ...rest]) => (rest.length ? undefined : stringArgument(s).toLowerCase()),
  upper: ([s, ...rest]) => (rest.length ? undefined : stringArgument(s).toUpperCase()),
  trim: ([s, ...rest]) => (rest.length ? undefined : stringArgument(s).trim()),
  normalize: ([s, ...rest]) => (rest.length ? undefined : normalizeName(stringArgument(s))),
  trimPrefix: ([prefix, s, ...rest]) =>
    rest.length
      ? undefined
      : stringArgument(s).startsWith(stringArgument(prefix))
        ? stringArgument(s).slice(stringArgument(prefix).length)
        : stringArgument(s),
  trimSuffix: ([suffix, s, ...rest]) =>
    rest.length
      ? undefined
      : stringArgument(suffix) && stringArgument(s).endsWith(stringArgument(suffix))
        ? stringArgument(s).slice(0, -stringArgument(suffix).length)
        : stringArgument(s),
  replace: ([from, to, s, ...rest]) => (rest.length ? undefined : stringArgument(s).split(stringArgument(from)).join(stringArgument(to))),
  default: ([fallback, ...given]) => (given.length > 1 ? undefined : given.length === 0 || isEmpty(given[0]) ? fallback : given[0]),
};

function evaluateAction(action: string, params: Params, language: TemplateLanguage): string {
  const tokens = tokenize(action);
  const operand = (token: Token): unknown => {
    if (token.kind === 'literal') return token.value;
    if (token.kind !== 'field') throw new NotUnderstood();
    let current: unknown = params;
    for (const key of token.path) {
      if (!isRecord(current)) throw new NotUnderstood(); // also a field of a missing key: Go fails there
      if (Object.hasOwn(current, key)) current = current[key];
      else if (language.missingKeyIsError) throw new NotUnderstood();
      else current = MISSING;
    }
    return current;
  };
  let value: unknown = undefined;
  let piped = false;
  for (let start = 0; start <= tokens.length;) {
    let end = tokens.findIndex((token, i) => i >= start && token.kind === 'pipe');
    if (end === -1) end = tokens.length;
    const [head, ...rest] = tokens.slice(start, end);
    if (!head) throw new NotUnderstood();
    if (head.kind === 'function') {
      // if, range, with, template, and every function not listed here
      const call = Object.hasOwn(FUNCTIONS, head.name) ? FUNCTIONS[head.name] : undefined;
      if (!call) throw new NotUnderstood();
      const result = call([...rest.map(operand), ...(piped ? [value] : [])]);
      if (result === undefined) throw new NotUnderstood();
      value = result;
    } else {
      if (piped || rest.length) throw new NotUnderstood();
      value = operand(head);
    }
    piped = true;
    start = end + 1;
  }
  // Go prints a missing key as `<no value>`: never what an Application means.
  const printed = formatLikeGo(value);
  if (printed === undefined || value === null) throw new NotUnderstood();
  return printed;
}

/** Go's text/template over the part understood here; `{{-` and `-}}` trim the space beside them. */
function goTemplate(template: string, params: Params, language: TemplateLanguage): string {
  let out = '';
  let at = 0;
  for (;;) {
    const start = template.indexOf('{{', at);
    if (start === -1) return out + template.slice(at);
    let before = template.slice(at, start);
    let bodyStart = start + 2;
    if (/^-[ \t\r\n]/.test(template.slice(bodyStart, bodyStart + 2))) {
      before = before.replace(/[ \t\r\n]+$/, '');
      bodyStart++;
    }
    const end = actionEnd(template, bodyStart);
    let bodyEnd = end;
    const trimAfter = /[ \t\r\n]-$/.test(template.slice(end - 2, end));
    if (trimAfter) bodyEnd--;
    out += before + evaluateAction(template.slice(bodyStart, bodyEnd), params, language);
    at = end + 2;
    if (trimAfter) at += /^[ \t\r\n]*/.exec(template.slice(at))![0].length;
  }
}

/** A string with the parameters substituted; undefined when it cannot be evaluated here. */
export function renderString(template: string, params: Params, language: TemplateLanguage): string | undefined {
  if (!language.goTemplate) return fastTemplate(template, params);
  if (!template.includes('{{')) return template;
  try {
    return goTemplate(template, params, language);
  } catch (error) {
    if (error instanceof NotUnderstood) return undefined;
    throw error;
  }
}

/** A value with each string in it, and each key, rendered (as Argo CD renders a template); undefined if any cannot be. */
export function renderValue(value: unknown, params: Params, language: TemplateLanguage): { value: unknown } | undefined {
  if (typeof value === 'string') {
    const rendered = renderString(value, params, language);
    return rendered === undefined ? undefined : { value: rendered };
  }
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const rendered = renderValue(item, params, language);
      if (!rendered) return undefined;
      items.push(rendered.value);
    }
    return { value: items };
  }
  if (isRecord(value)) {
    const object: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const renderedKey = renderString(key, params, language);
      const rendered = renderValue(item, params, language);
      if (renderedKey === undefined || !rendered) return undefined;
      object[renderedKey] = rendered.value;
    }
    return { value: object };
  }
  return { value };
}
