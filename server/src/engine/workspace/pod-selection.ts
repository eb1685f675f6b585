// Which pods a Service or PodDisruptionBudget selects, and which labels a workload gives its pods: enough to tell a
// selector that matches no workload applied with it.
import { apiGroupOf } from '../kubernetes/api-version';
import { podLabelsPathOf } from '../kubernetes/workloads';
import { isPlaceholder } from '../validate/finding';
import type { JsonPath } from '../yaml/locate';
import { isRecord, valueAt } from '../json';

export type Labels = Readonly<Record<string, string>>;

export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: readonly string[];
}

export interface PodSelector {
  /** Where the selector is written, relative to the resource. */
  at: JsonPath;
  matchLabels: Labels;
  matchExpressions: readonly LabelRequirement[];
}

/** A label map with only string values (numbers and booleans as YAML wrote them would fail the schema anyway). */
function labelsOf(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const labels: Record<string, string> = {};
  for (const [key, label] of Object.entries(value)) if (typeof label === 'string') labels[key] = label;
  return labels;
}

/** The labels a workload's pods get; undefined for what runs no pods. */
export function podLabelsOf(resource: Record<string, unknown>): Labels | undefined {
  const path = podLabelsPathOf(resource.apiVersion, resource.kind);
  return path && (labelsOf(valueAt(resource, path)) ?? {});
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * The pod selector of a Service (`spec.selector`, a label map) or a PodDisruptionBudget (`spec.selector`, a label
 * selector). Undefined where nothing is selected from the repository: a Service without selector (its endpoints are
 * managed by hand) or of type ExternalName, a PDB whose empty selector takes every pod of the namespace.
 */
export function podSelectorOf(resource: Record<string, unknown>): PodSelector | undefined {
  const spec = isRecord(resource.spec) ? resource.spec : undefined;
  if (!spec) return undefined;
  const group = apiGroupOf(resource.apiVersion);
  if (group === '' && resource.kind === 'Service') {
    const matchLabels = labelsOf(spec.selector);
    if (spec.type === 'ExternalName' || !matchLabels || Object.keys(matchLabels).length === 0) return undefined;
    return { at: ['spec', 'selector'], matchLabels, matchExpressions: [] };
  }
  if (group === 'policy' && resource.kind === 'PodDisruptionBudget' && isRecord(spec.selector)) {
    const matchLabels = labelsOf(spec.selector.matchLabels) ?? {};
    const matchExpressions: LabelRequirement[] = [];
    for (const expression of Array.isArray(spec.selector.matchExpressions) ? spec.selector.matchExpressions : []) {
      if (!isRecord(expression) || typeof expression.key !== 'string' || !OPERATORS.has(String(expression.operator))) return undefined;
      const values = Array.isArray(expression.values) ? expression.values.filter((v): v is string => typeof v === 'string') : [];
      matchExpressions.push({ key: expression.key, operator: expression.operator as LabelRequirement['operator'], values });
    }
    if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) return undefined;
    return { at: ['spec', 'selector'], matchLabels, matchExpressions };
  }
  return undefined;
}

/** Labels the controllers add to the pods they make, which no manifest writes (a Service may select one pod by them). */
const CONTROLLER_LABEL_KEYS = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'job-name',
  'controller-uid',
  'batch.kubernetes.io/job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-completion-index',
]);

/**
 * Whether the selector takes pods with these labels. Keys in `unknownKeys` (labels a kustomization adds on the
 * way), labels controllers add, and values filled in later (`${VAR}`, `{{ }}`) are taken to match.
 */
export function selects(selector: PodSelector, labels: Labels, unknownKeys: ReadonlySet<string>): boolean {
  const fits = (key: string, test: (value: string | undefined) => boolean) => {
    if (unknownKeys.has(key) || CONTROLLER_LABEL_KEYS.has(key)) return true;
    const value = Object.prototype.hasOwnProperty.call(labels, key) ? labels[key] : undefined;
    return (value !== undefined && isPlaceholder(value)) || test(value);
  };
  for (const [key, wanted] of Object.entries(selector.matchLabels))
    if (!isPlaceholder(wanted) && !fits(key, (value) => value === wanted)) return false;
  for (const { key, operator, values } of selector.matchExpressions) {
    if (values.some(isPlaceholder)) continue;
    const ok = fits(key, (value) => {
      switch (operator) {
        case 'In':
          return value !== undefined && values.includes(value);
        case 'NotIn':
          return value === undefined || !values.includes(value);
        case 'Exists':
          return value !== undefined;
        case 'DoesNotExist':
          return value === undefined;
      }
    });
    if (!ok) return false;
  }
  return true;
}

function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

/** The first `matchLabels` pair a pod must have as written to be selected (none: the selector cannot be keyed). */
export function fixedPairOf(selector: PodSelector, unknownKeys: ReadonlySet<string>): string | undefined {
  for (const [key, value] of Object.entries(selector.matchLabels))
    if (!unknownKeys.has(key) && !CONTROLLER_LABEL_KEYS.has(key) && !isPlaceholder(value)) return pairKey(key, value);
  return undefined;
}

/** Pod labels are indexed and matched against services with the same pairs: worked out once per labels object. */
const pairsOfLabels = new WeakMap<Labels, readonly string[] | null>();

/** Each label pair of a pod, as fixedPairOf keys them; undefined when a value is a placeholder (it may match any). */
export function labelPairsOf(labels: Labels): readonly string[] | undefined {
  const known = pairsOfLabels.get(labels);
  if (known !== undefined) return known ?? undefined;
  let pairs: string[] | null = [];
  for (const key in labels) {
    const value = labels[key]!;
    if (isPlaceholder(value)) {
      pairs = null;
      break;
    }
    pairs.push(pairKey(key, value));
  }
  pairsOfLabels.set(labels, pairs);
  return pairs ?? undefined;
}

/** `app: web, tier: frontend` as the message shows a selector. */
export function describeSelector(selector: PodSelector): string {
  const parts = Object.entries(selector.matchLabels).map(([key, value]) => `${key}: ${value}`);
  for (const { key, operator, values } of selector.matchExpressions)
    parts.push(operator === 'Exists' || operator === 'DoesNotExist' ? `${key} ${operator}` : `${key} ${operator} (${values.join(', ')})`);
  return parts.join(', ');
}
