// Policies judged on what will be applied: each workload with the kustomize `images:` overrides and the
// strategic-merge patches of the builds that apply it, and whether a Service sends it traffic.
import { checkPolicies } from '../policies/check-policies';
import type { PolicyContext } from '../policies/policy-context';
import type { Finding } from '../validate/finding';
import type { DocumentContent } from '../yaml/parse-documents';
import type { PatchEntry } from './kustomization';
import type { ReferenceCheckHost } from './reference-checks';
import { declaredIn, type Declared } from './resource-index';
import { isServedByService } from './selector-checks';

export interface PolicyCheckHost extends ReferenceCheckHost {
  /** The parsed documents of a patch file ([] when it cannot be read). */
  patchDocuments(file: string): readonly unknown[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a patch document applies to the resource: by its `target` if it has one, else by its own kind and name. */
function patches(entry: PatchEntry, document: unknown, declared: Declared): boolean {
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

function contextOf(file: string, declared: Declared, host: PolicyCheckHost): PolicyContext {
  const builds = host.scopes.scopesOf(file).flatMap((scope) => (scope.build ? [scope.build] : []));
  const found: unknown[] = [];
  for (const build of builds)
    for (const entry of build.patchEntries) {
      const documents = entry.file !== undefined ? host.patchDocuments(entry.file) : [entry.inline];
      for (const document of documents) if (patches(entry, document, declared)) found.push(document);
    }
  return {
    imageOverrides: builds.flatMap((build) => build.images),
    patches: found,
    isServiceBacked: declared.podLabels !== undefined && isServedByService(file, declared, host),
  };
}

export function checkResourcePolicies(file: string, content: DocumentContent, host: PolicyCheckHost): Finding[] {
  const findings: Finding[] = [];
  for (const declared of declaredIn(content)) {
    if (!declared.podLabels) continue;
    const resource = declared.path.length ? (content.value as { items: unknown[] }).items[declared.path[1] as number] : content.value;
    for (const found of checkPolicies(resource, contextOf(file, declared, host)))
      findings.push(declared.path.length ? { ...found, path: [...declared.path, ...(found.path ?? [])] } : found);
  }
  return findings;
}
