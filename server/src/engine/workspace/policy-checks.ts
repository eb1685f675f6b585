// Policies judged on what will be applied: each workload with the kustomize `images:` overrides and the patches
// (strategic merge, or JSON 6902 operations applied to it) of the builds that apply it, and whether a Service sends it
// traffic.
import { checkPolicies } from '../policies/check-policies';
import { POLICY_RULES } from '../policies/policy-rules';
import type { RuleId } from '../rules';
import type { PolicyContext } from '../policies/policy-context';
import type { Finding } from '../validate/finding';
import type { DocumentContent } from '../yaml/parse-documents';
import type { ReferenceCheckHost } from './reference-checks';
import { declaredIn, type Declared } from './resource-index';
import { isServedByService } from './selector-checks';
import { patchApplies, withOperations } from '../kustomize/patch-targets';

export interface PolicyCheckHost extends ReferenceCheckHost {
  /** The parsed documents of a patch file ([] when it cannot be read). */
  patchDocuments(file: string): readonly unknown[];
  /** Whether the project's rule settings leave a policy on (its findings would be dropped otherwise). */
  policyIsOn(rule: RuleId): boolean;
}

const POLICY_RULE_IDS = Object.keys(POLICY_RULES) as RuleId[];

function contextOf(file: string, declared: Declared, resource: unknown, host: PolicyCheckHost): PolicyContext {
  const builds = host.scopes.scopesOf(file).flatMap((scope) => (scope.build ? [scope.build] : []));
  const found: unknown[] = [];
  for (const build of builds)
    for (const entry of build.patchEntries) {
      const documents = entry.file !== undefined ? host.patchDocuments(entry.file) : [entry.inline];
      for (const document of documents)
        if (patchApplies(entry, document, declared)) found.push(Array.isArray(document) ? withOperations(resource, document) : document);
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
