// Which resources a kustomize patch applies to (its `target`, else its own kind and name), and JSON 6902 operations
// applied to a resource as far as what Driftless reads of the result needs them (`add` and `replace`).
import { isRecord } from '../json';
import type { PatchEntry } from './kustomization';

/** Whether a patch document applies to the resource: by its `target` if it has one, else by its own kind and name. */
export function patchApplies(entry: Pick<PatchEntry, 'target'>, document: unknown, declared: { kind: string; name: string }): boolean {
  // A JSON 6902 patch (a list of operations) applies only through a target.
  if (Array.isArray(document)) return entry.target !== undefined && patchApplies(entry, {}, declared);
  if (!isRecord(document)) return false;
  if (entry.target) {
    const { kind, name } = entry.target;
    if (kind !== undefined && kind !== declared.kind) return false;
    if (name === undefined) return true;
    try {
      return new RegExp(`^(?:${name})$`).test(declared.name);
    } catch {
      return name === declared.name;
    }
  }
  const metadata = isRecord(document.metadata) ? document.metadata : {};
  return document.kind === declared.kind && metadata.name === declared.name;
}

/** JSON pointer segments: `/spec/template/spec/containers/0` -> spec, template, spec, containers, 0. */
function pointerSegments(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * The resource with a JSON 6902 patch's `add` and `replace` operations applied (a copy): what policies read of it,
 * given to them as a patch that sets those fields. Other operations, and paths that do not exist, are skipped.
 */
export function withOperations(resource: unknown, operations: readonly unknown[]): unknown {
  const copy = resource === undefined ? undefined : (JSON.parse(JSON.stringify(resource)) as unknown);
  for (const operation of operations) {
    if (!isRecord(operation) || (operation.op !== 'add' && operation.op !== 'replace') || typeof operation.path !== 'string') continue;
    const segments = pointerSegments(operation.path);
    const last = segments.pop();
    let node: unknown = copy;
    for (const segment of segments) node = isRecord(node) || Array.isArray(node) ? (node as Record<string, unknown>)[segment] : undefined;
    if (last === undefined) continue;
    if (Array.isArray(node)) {
      if (last === '-') node.push(operation.value);
      else if (/^\d+$/.test(last)) node.splice(Number(last), operation.op === 'add' ? 0 : 1, operation.value);
    } else if (isRecord(node)) node[last] = operation.value;
  }
  return copy;
}
