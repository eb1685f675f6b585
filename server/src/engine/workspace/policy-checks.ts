// Policies judged on what will be applied: each workload with the kustomize `images:` overrides and the patches
// (strategic merge, or JSON 6902 operations applied to it) of the builds that apply it, and whether a Service sends it
// traffic.
import { checkPolicies } from '../policies/check-policies';
import { POLICY_RULES } from '../policies/policy-rules';
import type { RuleId } from '../rules';
import type { PolicyContext } from '../policies/policy-context';
import type { Finding } from '../validate/finding';
import type { DocumentContent } from '../yaml/parse-documents';
import type { PatchEntry } from '../kustomize/kustomization';
import type { ReferenceCheckHost } from './reference-checks';
import { declaredIn, type Declared } from './resource-index';
import { isServedByService } from './selector-checks';
import { isRecord } from '../json';

export interface PolicyCheckHost extends ReferenceCheckHost {
  /** The parsed documents of a patch file ([] when it cannot be read). */
  patchDocuments(file: string): readonly unknown[];
  /** Whether the project's rule settings leave a policy on (its findings would be dropped otherwise). */
  policyIsOn(rule: RuleId): boolean;
}

const POLICY_RULE_IDS = Object.keys(POLICY_RULES) as RuleId[];

/** Whether a patch document applies to the resource: by its `target` if it has one, else by its own kind and name. */
function patches(entry: PatchEntry, document: unknown, declared: Declared): boolean {
  // A JSON 6902 patch (a list of operations) applies only through a target.
  if (Array.isArray(document)) return entry.target !== undefined && patches(entry, {}, declared);
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
function withOperations(resource: unknown, operations: readonly unknown[]): unknown {
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

function contextOf(file: string, declared: Declared, resource: unknown, host: PolicyCheckHost): PolicyContext {
  const builds = host.scopes.scopesOf(file).flatMap((scope) => (scope.build ? [scope.build] : []));
  const found: unknown[] = [];
  for (const build of builds)
    for (const entry of build.patchEntries) {
      const documents = entry.file !== undefined ? host.patchDocuments(entry.file) : [entry.inline];
      for (const document of documents)
        if (patches(entry, document, declared)) found.push(Array.isArray(document) ? withOperations(resource, document) : document);
    }
  return {
    imageOverrides: builds.flatMap((build) => build.images),
    patches: found,
    // Only missing-probes asks, and finding the Services is the costly part of the context.
    isServiceBacked: declared.podLabels !== undefined && host.policyIsOn('missing-probes') && isServedByService(file, declared, host),
  };
}

export function checkResourcePolicies(file: string, content: DocumentContent, host: PolicyCheckHost): Finding[] {
  const findings: Finding[] = [];
  if (!POLICY_RULE_IDS.some((rule) => host.policyIsOn(rule))) return findings;
  for (const declared of declaredIn(content)) {
    if (!declared.podLabels) continue;
    const resource = declared.path.length ? (content.value as { items: unknown[] }).items[declared.path[1] as number] : content.value;
    for (const found of checkPolicies(resource, contextOf(file, declared, resource, host), (rule) => host.policyIsOn(rule)))
      findings.push(declared.path.length ? { ...found, path: [...declared.path, ...(found.path ?? [])] } : found);
  }
  return findings;
}
