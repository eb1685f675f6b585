// What changed inside a rendered object, in the words a commit message uses: `image 1.0.0 → 1.0.1`, `memory 128Mi →
// 256Mi`, `replicas 2 → 3`. Read from the two sides of an ObjectChange (engine/render/object-diff), which carry each
// object's YAML with Secret values already masked; a Secret's change never shows a value, masked or not.
import { parse } from 'yaml';
import type { ObjectChange } from '../render/object-diff';
import { isRecord } from '../json';

/** One changed value of an object, named as people say it. */
export interface FieldChange {
  /** `image`, `memory`, `memory limit`, `replicas`, `LOG_LEVEL`, `serviceAccountName`; ` (sidecar)` names a container. */
  label: string;
  /** The values as shown (an image's tag when its repository stays); undefined when not shown (a Secret, a long or
   *  structured value), or when the field is absent on that side. */
  before?: string;
  after?: string;
  /** Values withheld: only that it changed (or was added, or removed) is said. */
  hidden?: boolean;
  /** Set when the field exists on one side only. */
  change?: 'added' | 'removed';
}

type Path = (string | number)[];
interface Leaf {
  path: Path;
  /** The path with list items named by their `name` where they have one (`containers[web]`). */
  named: string[];
  before: unknown;
  after: unknown;
}

const LONGEST_SHOWN = 40;
/** Beyond this many changed values an object is said to have "N fields changed". */
const MOST_FIELDS = 6;
/** Keys whose name says nothing alone: the key above them is named too. */
const GENERIC = new Set(['value', 'name', 'key', 'enabled', 'data', 'spec', 'values']);

function nameOf(value: unknown): string | undefined {
  return isRecord(value) && typeof value.name === 'string' ? value.name : undefined;
}

/** The leaves that differ between two values; lists of named items are matched by name (containers, env, ports). */
function differingLeaves(before: unknown, after: unknown, path: Path, named: string[], out: Leaf[]): void {
  if (isRecord(before) && isRecord(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
      differingLeaves(before[key], after[key], [...path, key], [...named, key], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const items: unknown[] = [...(before as unknown[]), ...(after as unknown[])];
    if (items.every((item) => nameOf(item) !== undefined)) {
      const names = [...new Set(items.map((item) => nameOf(item)!))];
      for (const name of names)
        differingLeaves(
          (before as unknown[]).find((item) => nameOf(item) === name),
          (after as unknown[]).find((item) => nameOf(item) === name),
          [...path, name],
          [...named, `[${name}]`],
          out,
        );
      return;
    }
    if (before.length === after.length && (before as unknown[]).every((item) => typeof item === 'object' && item !== null)) {
      (before as unknown[]).forEach((item, i) => differingLeaves(item, (after as unknown[])[i], [...path, i], [...named, `[${i}]`], out));
      return;
    }
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path, named, before, after });
}

/** `registry/app:1.0.0` → repository `registry/app`, reference `1.0.0` (a digest's first 12 hex digits). */
function splitImage(image: string): { repository: string; reference: string } {
  const at = image.indexOf('@');
  if (at >= 0) {
    const digest = image.slice(at + 1);
    return { repository: image.slice(0, at).replace(/:[^/:]*$/, ''), reference: digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1') };
  }
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) return { repository: image.slice(0, colon), reference: image.slice(colon + 1) };
  return { repository: image, reference: 'latest' };
}

function shown(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
  const text = String(value);
  return text.length > LONGEST_SHOWN || /[\r\n]/.test(text) ? undefined : text;
}

/** The container a path is under (`…containers[web]…`), if any. */
function containerOf(leaf: Leaf): string | undefined {
  const at = leaf.named.findIndex((segment) => segment === 'containers' || segment === 'initContainers');
  const item = at >= 0 ? leaf.named[at + 1] : undefined;
  return item?.startsWith('[') ? item.slice(1, -1) : undefined;
}

/** A leaf as a field change, before containers are told apart. */
function describeLeaf(leaf: Leaf, secret: boolean): FieldChange & { container?: string } {
  const container = containerOf(leaf);
  const last = leaf.named[leaf.named.length - 1] ?? '';
  const parent = leaf.named[leaf.named.length - 2] ?? '';
  const grandparent = leaf.named[leaf.named.length - 3] ?? '';
  let label: string;
  let before = shown(leaf.before);
  let after = shown(leaf.after);
  if (container && last === 'image' && typeof leaf.before === 'string' && typeof leaf.after === 'string') {
    label = 'image';
    const [old, now] = [splitImage(leaf.before), splitImage(leaf.after)];
    if (old.repository === now.repository) [before, after] = [old.reference, now.reference];
  } else if (container && grandparent === 'resources' && (parent === 'limits' || parent === 'requests')) {
    label = `${last} ${parent === 'limits' ? 'limit' : 'request'}`;
  } else if (last === 'value' && parent.startsWith('[')) {
    label = parent.slice(1, -1); // env[NAME].value, and other name/value lists
  } else if (last.startsWith('[')) {
    label = `${parent} ${last.slice(1, -1)}`; // a whole named item: `env DEBUG added`
  } else {
    label = GENERIC.has(last) && parent && !parent.startsWith('[') ? `${parent}.${last}` : last;
  }
  const presence =
    leaf.before === undefined ? { change: 'added' as const } : leaf.after === undefined ? { change: 'removed' as const } : {};
  const withheld = secret || (before === undefined && leaf.before !== undefined) || (after === undefined && leaf.after !== undefined);
  return {
    label,
    ...presence,
    ...(container ? { container } : {}),
    ...(withheld ? { hidden: true } : { ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) }),
  };
}

function readYaml(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The changed values of a changed object, named for people; `undefined` when there are too many to list (say "N fields
 * changed" instead). The metadata Kubernetes or kustomize maintain (generation, hash suffixes' annotations) count too.
 */
export function fieldChangesOf(change: ObjectChange): { fields: FieldChange[]; total: number } {
  const leaves: Leaf[] = [];
  differingLeaves(readYaml(change.before), readYaml(change.after), [], [], leaves);
  const secret = change.kind === 'Secret';
  const described = leaves.map((leaf) => describeLeaf(leaf, secret));
  // A container is named only where the object's changes touch more than one.
  const containers = new Set(described.flatMap((d) => (d.container ? [d.container] : [])));
  const fields: FieldChange[] = described.map(({ container, ...field }) =>
    container && containers.size > 1 ? { ...field, label: `${field.label} (${container})` } : field,
  );
  // A limit and a request changed alike are one change of "memory" (or "cpu").
  const merged: FieldChange[] = [];
  for (const field of fields) {
    const match = /^(\S+) (limit|request)(.*)$/.exec(field.label);
    const other = match ? `${match[1]} ${match[2] === 'limit' ? 'request' : 'limit'}${match[3]}` : undefined;
    const twin = other
      ? fields.find((f) => f.label === other && f.before === field.before && f.after === field.after && !f.hidden)
      : undefined;
    if (twin && match) {
      if (match[2] === 'limit') merged.push({ ...field, label: `${match[1]}${match[3]}` });
      continue;
    }
    merged.push(field);
  }
  return { fields: merged.length > MOST_FIELDS ? [] : merged, total: merged.length };
}

/** `image 1.0.0 → 1.0.1`, `replicas unset → 3`, `password changed` */
export function describeField(field: FieldChange): string {
  if (field.hidden) return `${field.label} ${field.change ?? 'changed'}`;
  return `${field.label} ${field.before ?? 'unset'} → ${field.after ?? 'unset'}`;
}
