// API-server validation that depends on the resource's kind: name formats, workload selectors, Pod images, CRDs.
import { checkName, nameRuleFor } from '../../kubernetes/names';
import type { PathSegment } from '../../yaml/locate';
import { finding, isPlaceholder, type Finding } from '../finding';
import { isRecord, type Json } from '../../json';

export interface ResourceFacts {
  group: string;
  kind: string;
  value: Json;
  /** Built-in kinds get every kind-specific check; custom resources only the generic metadata ones. */
  builtin: boolean;
  /** A kustomize patch: it names its target (or has a `target:` selector) and holds only what it changes. */
  patch?: boolean;
  /** kustomize sets the namespace here, renaming Namespace objects: their written name is a placeholder. */
  namespaceSet?: boolean;
}

function at(value: unknown, ...path: PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof segment === 'number') current = Array.isArray(current) ? current[segment] : undefined;
    else current = isRecord(current) ? current[segment] : undefined;
  }
  return current;
}

function checkMetadataName(facts: ResourceFacts): Finding[] {
  const metadata = facts.value.metadata;
  if (metadata !== undefined && !isRecord(metadata)) return [];
  const name = metadata?.name;
  const generateName = metadata?.generateName;
  if (
    (name === undefined || name === null || name === '') &&
    (generateName === undefined || generateName === null || generateName === '')
  ) {
    return [
      finding(
        'missing-name',
        `This ${facts.kind} has no \`metadata.name\`; the API server needs a name (or \`generateName\`).`,
        metadata ? ['metadata'] : ['kind'],
        'key',
      ),
    ];
  }
  if (typeof name !== 'string' || isPlaceholder(name)) return [];
  if (facts.namespaceSet && facts.kind === 'Namespace' && facts.group === '') return [];
  if (facts.kind === 'CustomResourceDefinition' && facts.group === 'apiextensions.k8s.io') {
    const plural = at(facts.value, 'spec', 'names', 'plural');
    const group = at(facts.value, 'spec', 'group');
    if (typeof plural === 'string' && typeof group === 'string' && name !== `${plural}.${group}`) {
      return [
        finding(
          'invalid-name',
          `A CRD must be named <plural>.<group>: "${plural}.${group}", not "${name}".`,
          ['metadata', 'name'],
          'value',
          [{ kind: 'replace-value', path: ['metadata', 'name'], value: `${plural}.${group}`, title: `Rename to "${plural}.${group}"` }],
        ),
      ];
    }
    return [];
  }
  const problem = checkName(name, facts.builtin ? nameRuleFor(facts.kind) : 'dns1123-subdomain');
  return problem ? [finding('invalid-name', `The ${facts.kind} name "${name}" ${problem}.`, ['metadata', 'name'])] : [];
}

/** Where a workload keeps its selector and pod template. */
const WORKLOAD_TEMPLATES: Record<string, { selector: PathSegment[]; labels: PathSegment[] }> = {
  'apps/Deployment': { selector: ['spec', 'selector'], labels: ['spec', 'template', 'metadata', 'labels'] },
  'apps/ReplicaSet': { selector: ['spec', 'selector'], labels: ['spec', 'template', 'metadata', 'labels'] },
  'apps/StatefulSet': { selector: ['spec', 'selector'], labels: ['spec', 'template', 'metadata', 'labels'] },
  'apps/DaemonSet': { selector: ['spec', 'selector'], labels: ['spec', 'template', 'metadata', 'labels'] },
};

function matchesExpression(labels: Json, expression: Json): boolean | undefined {
  const key = expression.key;
  if (typeof key !== 'string' || isPlaceholder(key)) return undefined;
  const values = Array.isArray(expression.values) ? expression.values.map(String) : [];
  const has = Object.prototype.hasOwnProperty.call(labels, key);
  switch (expression.operator) {
    case 'In':
      return has && values.includes(String(labels[key]));
    case 'NotIn':
      return !has || !values.includes(String(labels[key]));
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return undefined;
  }
}

function checkWorkloadSelector(facts: ResourceFacts): Finding[] {
  const paths = WORKLOAD_TEMPLATES[`${facts.group}/${facts.kind}`];
  const selector = paths && at(facts.value, ...paths.selector);
  if (!paths || !isRecord(selector)) return [];
  const labels = at(facts.value, ...paths.labels);
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isRecord) : [];
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) {
    return [
      finding('selector-mismatch', `The ${facts.kind} selector is empty; it must select the pod template's labels.`, paths.selector, 'key'),
    ];
  }
  if (labels !== undefined && !isRecord(labels)) return [];
  const templateLabels = labels ?? {};
  const found: Finding[] = [];
  for (const [key, value] of Object.entries(matchLabels)) {
    if (isPlaceholder(key) || isPlaceholder(value) || isPlaceholder(templateLabels[key])) continue;
    if (!(key in templateLabels)) {
      found.push(
        finding(
          'selector-mismatch',
          `The selector requires label "${key}: ${String(value)}", but the pod template has no "${key}" label.`,
          [...paths.selector, 'matchLabels', key],
          'key',
        ),
      );
    } else if (String(templateLabels[key]) !== String(value)) {
      found.push(
        finding(
          'selector-mismatch',
          `The selector requires "${key}: ${String(value)}", but the pod template's label is "${key}: ${String(templateLabels[key])}".`,
          [...paths.selector, 'matchLabels', key],
        ),
      );
    }
  }
  expressions.forEach((expression, index) => {
    if (matchesExpression(templateLabels, expression) === false) {
      found.push(
        finding(
          'selector-mismatch',
          `The pod template's labels do not satisfy selector expression ${index + 1} (${String(expression.key)} ${String(expression.operator)}).`,
          [...paths.selector, 'matchExpressions', index],
        ),
      );
    }
  });
  return found;
}

function checkPodImages(facts: ResourceFacts): Finding[] {
  if (facts.group !== '' || facts.kind !== 'Pod') return [];
  const found: Finding[] = [];
  for (const list of ['initContainers', 'containers'] as const) {
    const containers = at(facts.value, 'spec', list);
    if (!Array.isArray(containers)) continue;
    containers.forEach((container, index) => {
      if (isRecord(container) && (container.image === undefined || container.image === null || container.image === '')) {
        found.push(
          finding(
            'missing-container-image',
            `The container "${typeof container.name === 'string' ? container.name : index}" has no \`image\`; a Pod needs one for every container.`,
            ['spec', list, index],
            'value',
            [{ kind: 'add-field', parent: ['spec', list, index], field: 'image', valueHint: 'scalar' }],
          ),
        );
      }
    });
  }
  return found;
}

const STRUCTURAL_TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

/** The API server refuses CRDs whose schema uses unknown types (kubectl-validate's error_crd_typo case). */
function checkCrdSchemas(facts: ResourceFacts): Finding[] {
  if (facts.kind !== 'CustomResourceDefinition' || facts.group !== 'apiextensions.k8s.io') return [];
  const found: Finding[] = [];
  const walk = (node: unknown, path: PathSegment[], depth: number) => {
    if (!isRecord(node) || depth > 60) return;
    if (node.type !== undefined && !(typeof node.type === 'string' && STRUCTURAL_TYPES.has(node.type))) {
      found.push(
        finding(
          'invalid-crd-schema',
          `Unsupported schema type ${JSON.stringify(node.type)}; use one of ${[...STRUCTURAL_TYPES].join(', ')}.`,
          [...path, 'type'],
        ),
      );
    }
    if (isRecord(node.properties))
      for (const [key, child] of Object.entries(node.properties)) walk(child, [...path, 'properties', key], depth + 1);
    if (isRecord(node.items)) walk(node.items, [...path, 'items'], depth + 1);
    if (isRecord(node.additionalProperties)) walk(node.additionalProperties, [...path, 'additionalProperties'], depth + 1);
  };
  const versions = at(facts.value, 'spec', 'versions');
  if (Array.isArray(versions))
    versions.forEach((_, i) => walk(at(versions, i, 'schema', 'openAPIV3Schema'), ['spec', 'versions', i, 'schema', 'openAPIV3Schema'], 0));
  walk(at(facts.value, 'spec', 'validation', 'openAPIV3Schema'), ['spec', 'validation', 'openAPIV3Schema'], 0);
  return found;
}

export function checkResource(facts: ResourceFacts): Finding[] {
  if (facts.patch) return checkMetadataName(facts).filter((f) => f.rule !== 'missing-name');
  return [
    ...checkMetadataName(facts),
    ...(facts.builtin ? [...checkWorkloadSelector(facts), ...checkPodImages(facts), ...checkCrdSchemas(facts)] : []),
  ];
}
