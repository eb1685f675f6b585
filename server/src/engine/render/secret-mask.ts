// Secret values masked in every output — renders, diffs, the Changes view, the editor's rendered preview — wherever
// they hide: a Secret's `data` and `stringData`, Secrets inside a `kind: List`, and the
// `kubectl.kubernetes.io/last-applied-configuration` annotation that embeds a whole object as JSON. A mask says only
// whether the value changed against the other side of a diff ("*** (masked, changed)"): no hash or tag of the value
// is shown, so nothing about it can be guessed (a 4-digit PIN was recovered from the short hash shown before).
import { stringify } from 'yaml';
import { splitDocuments } from '../yaml/split-documents';
import { parseDocuments } from '../yaml/parse-documents';
import { isRecord, type Json } from '../json';

export const MASK = '*** (masked)';
export const MASK_CHANGED = '*** (masked, changed)';
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function isSecret(value: unknown): boolean {
  return isRecord(value) && value.kind === 'Secret' && value.apiVersion === 'v1';
}

function isList(value: Json): value is Json & { items: unknown[] } {
  return typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The identity of a List item, to find it on the other side. */
function itemKey(item: unknown): string {
  if (!isRecord(item)) return '';
  const metadata = isRecord(item.metadata) ? item.metadata : {};
  return JSON.stringify([item.apiVersion, item.kind, metadata.namespace, metadata.name]);
}

/**
 * The object with every Secret value masked; the same object when it holds none. `counterpart`: the same object on the
 * other side of a diff, so that a mask tells a changed value from an unchanged one.
 */
export function masked(object: Json, counterpart?: unknown): Json {
  const other = isRecord(counterpart) ? counterpart : undefined;
  let copy: Json = object;
  const edit = (key: string, value: unknown) => {
    if (copy === object) copy = { ...object };
    copy[key] = value;
  };
  if (isSecret(object)) {
    for (const key of ['data', 'stringData']) {
      const values = object[key];
      if (!isRecord(values)) continue;
      const before = other && isRecord(other[key]) ? other[key] : undefined;
      edit(
        key,
        Object.fromEntries(
          Object.entries(values).map(([name, value]) => [name, other && !sameValue(value, before?.[name]) ? MASK_CHANGED : MASK]),
        ),
      );
    }
  }
  if (isList(object)) {
    const others = new Map((other && isList(other) ? other.items : []).map((item) => [itemKey(item), item]));
    const items = object.items.map((item) => (isRecord(item) ? masked(item, other ? others.get(itemKey(item)) : undefined) : item));
    if (items.some((item, i) => item !== object.items[i])) edit('items', items);
  }
  const metadata = isRecord(object.metadata) ? object.metadata : undefined;
  const annotations = metadata && isRecord(metadata.annotations) ? metadata.annotations : undefined;
  const applied = annotations?.[LAST_APPLIED];
  if (metadata && annotations && typeof applied === 'string') {
    const otherMetadata = other && isRecord(other.metadata) ? other.metadata : undefined;
    const otherApplied = otherMetadata && isRecord(otherMetadata.annotations) ? otherMetadata.annotations[LAST_APPLIED] : undefined;
    const maskedApplied = maskedLastApplied(applied, isSecret(object), other ? otherApplied : undefined, other !== undefined);
    if (maskedApplied !== applied) edit('metadata', { ...metadata, annotations: { ...annotations, [LAST_APPLIED]: maskedApplied } });
  }
  return copy;
}

/** The annotation with the object it embeds masked; all of it masked when it cannot be read and belongs to a Secret. */
function maskedLastApplied(text: string, ofSecret: boolean, other: unknown, compared: boolean): string {
  let embedded: unknown;
  try {
    embedded = JSON.parse(text);
  } catch {
    if (!ofSecret) return text;
    return compared && text !== other ? MASK_CHANGED : MASK;
  }
  if (!isRecord(embedded)) return ofSecret ? (compared && text !== other ? MASK_CHANGED : MASK) : text;
  let otherEmbedded: unknown;
  try {
    otherEmbedded = typeof other === 'string' ? JSON.parse(other) : undefined;
  } catch {
    otherEmbedded = undefined;
  }
  const result = compared ? masked(embedded, otherEmbedded ?? {}) : masked(embedded);
  return result === embedded ? text : JSON.stringify(result);
}

/**
 * A render's text with its Secret values masked: documents that hold none stay exactly as the tool printed them;
 * those that do are written again, masked. A document that cannot be read is left out of the answer's text and said.
 */
export function maskedRender(yaml: string): string {
  const parts: string[] = [];
  for (const slice of splitDocuments(yaml)) {
    const content = parseDocuments(slice.text)[0]?.content;
    const value = content?.value;
    if (!isRecord(value)) {
      // Nothing readable to judge: a document that may hide a Secret is not shown as it is.
      parts.push(content && content.problems.length ? `# A document Driftless cannot read was left out.\n` : slice.text);
      continue;
    }
    const safe = masked(value);
    parts.push(safe === value ? slice.text : `${slice.index > 0 || slice.text.startsWith('---') ? '---\n' : ''}${stringify(safe)}`);
  }
  return parts.join('');
}

/** A finding's message and where it points, as a validator reports it. */
interface Redactable {
  message: string;
  path?: readonly (string | number)[];
}

/**
 * Findings about a Secret's values, their messages without the values: a message that quotes what it judges
 * ("must be base64-encoded data, got the string ...") would print the Secret into a pipeline log or a SARIF upload.
 */
export function withoutSecretValues<T extends Redactable>(findings: T[], document: unknown): T[] {
  if (!isSecret(document)) return findings;
  const secret = document as Json;
  return findings.map((finding) => {
    const [field, key] = finding.path ?? [];
    if ((field !== 'data' && field !== 'stringData') || typeof key !== 'string') return finding;
    const values = secret[field];
    const value = isRecord(values) ? values[key] : undefined;
    let message = finding.message.replace(/the string "(?:[^"\\]|\\.)*"/g, 'a value not shown (Secret data)');
    const raw = typeof value === 'string' ? value : value === undefined ? undefined : JSON.stringify(value);
    if (raw !== undefined && raw.length >= 3) message = message.split(raw).join('***');
    return message === finding.message ? finding : { ...finding, message };
  });
}

/** Helm's flags whose argument is `name=value`, where the value may be a password (Argo CD `helm.parameters`). */
const VALUE_FLAGS = /^(--set(?:-string|-file|-json|-literal)?)(=(.*))?$/;

/**
 * A tool's arguments as a log may show them: every value given with `--set` and its kin masked (names kept, so the
 * run can still be recognised); the rest as is (paths, flags, names the tool-argument checks admitted).
 */
export function maskedArguments(args: readonly string[]): string[] {
  const shown: string[] = [];
  let valueNext = false;
  const maskValue = (assignment: string) => {
    const equals = assignment.indexOf('=');
    return equals === -1 ? MASK : `${assignment.slice(0, equals)}=${MASK}`;
  };
  for (const arg of args) {
    if (valueNext) {
      shown.push(maskValue(arg));
      valueNext = false;
      continue;
    }
    const flag = VALUE_FLAGS.exec(arg);
    if (!flag) shown.push(arg);
    else if (flag[2] === undefined) {
      shown.push(arg);
      valueNext = true;
    } else shown.push(`${flag[1]}=${maskValue(flag[3] ?? '')}`);
  }
  return shown;
}
