// The best-practice policies judged on what will be applied: each workload with the patches and `images:` overrides
// of the builds that apply it, and whether a Service sends it traffic.
import { checkResourcePolicies } from '../workspace/policy-checks';
import { judgesWholeResources, type CrossFileCheck } from './cross-file-check';

export const policiesInContext = {
  id: 'policies-in-context',
  appliesTo: judgesWholeResources,
  check: ({ content }, file, context) => checkResourcePolicies(file.path, content, context.references),
} as const satisfies CrossFileCheck;
