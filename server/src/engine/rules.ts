// Every finding Driftless reports has one of these stable rule ids, a default severity and a one-line reason.
import { POLICY_RULES } from './policies/policy-rules';

export type Severity = 'error' | 'warning' | 'info';
export type RuleSetting = Severity | 'off';

export interface RuleInfo {
  /** The default; `off` for policies that are contested (a team turns them on in `.driftless.yaml`). */
  severity: RuleSetting;
  category: 'yaml' | 'resource' | 'schema' | 'api-server' | 'references' | 'policy' | 'project';
  summary: string;
  /** Where the practice is explained (policies). */
  link?: string;
}

export const RULES = {
  'yaml-syntax': { severity: 'error', category: 'yaml', summary: 'The YAML cannot be parsed.' },
  'duplicate-key': { severity: 'error', category: 'yaml', summary: 'A mapping has the same key twice; the API server rejects it.' },
  'yaml-alias-limit': {
    severity: 'error',
    category: 'yaml',
    summary: 'Aliases expand past the limit (an alias bomb); the document is not checked.',
  },
  'yaml-too-deep': { severity: 'error', category: 'yaml', summary: 'The document nests too deeply to be read safely.' },
  // Warnings, not infos: a file that was not validated is a gap a CI gate must be able to fail on (--max-warnings).
  'file-too-large': {
    severity: 'warning',
    category: 'yaml',
    summary: 'The file is over the size or document-count limit and was not validated.',
  },
  'file-not-text': { severity: 'warning', category: 'yaml', summary: 'The file is binary or not UTF-8 and was not validated.' },
  'link-outside-repository': {
    severity: 'warning',
    category: 'project',
    summary: 'A symbolic link leads outside the repository; Driftless does not follow it (nor read what it leads to).',
  },
  'missing-api-version': { severity: 'error', category: 'resource', summary: 'A resource has no apiVersion.' },
  'missing-kind': { severity: 'error', category: 'resource', summary: 'A resource has no kind.' },
  'unknown-kind': {
    severity: 'error',
    category: 'resource',
    summary: 'A built-in API group has no such kind or version, or a CRD does not serve the version.',
  },
  'unknown-custom-resource': {
    severity: 'info',
    category: 'resource',
    summary: 'No CRD in the workspace or the bundled set describes this kind.',
  },
  'removed-api-version': {
    severity: 'error',
    category: 'resource',
    summary: 'The apiVersion is no longer served by the target Kubernetes version.',
  },
  'deprecated-api-version': {
    severity: 'warning',
    category: 'resource',
    summary: 'The apiVersion is deprecated in the target Kubernetes version.',
  },
  'schema-type': { severity: 'error', category: 'schema', summary: 'A value has the wrong type.' },
  'schema-required': { severity: 'error', category: 'schema', summary: 'A required field is missing.' },
  'schema-unknown-field': {
    severity: 'error',
    category: 'schema',
    summary: 'A field the schema does not define; strict field validation rejects it.',
  },
  'schema-enum': { severity: 'error', category: 'schema', summary: 'A value is not one of the allowed values.' },
  'schema-format': {
    severity: 'error',
    category: 'schema',
    summary: 'A value does not have the required format (date-time, base64, 32-bit integer, ...).',
  },
  'schema-constraint': {
    severity: 'error',
    category: 'schema',
    summary: 'A value breaks a pattern, length, range, count or one-of constraint.',
  },
  'schema-duplicate-item': {
    severity: 'error',
    category: 'schema',
    summary: 'A list whose items must be unique (by key) has a duplicate.',
  },
  'invalid-name': {
    severity: 'error',
    category: 'api-server',
    summary: 'An object name does not have the format the API server requires for its kind.',
  },
  'missing-name': { severity: 'error', category: 'api-server', summary: 'The object has neither metadata.name nor metadata.generateName.' },
  'invalid-label': { severity: 'error', category: 'api-server', summary: 'A label key or value (or selector label) has invalid syntax.' },
  'invalid-annotation': {
    severity: 'error',
    category: 'api-server',
    summary: 'An annotation key has invalid syntax, or annotations exceed 256 KiB.',
  },
  'invalid-quantity': { severity: 'error', category: 'api-server', summary: 'A resource quantity ("500m", "1Gi") cannot be parsed.' },
  'requests-exceed-limits': {
    severity: 'error',
    category: 'api-server',
    summary: 'A container requests more of a resource than its limit.',
  },
  'invalid-port': { severity: 'error', category: 'api-server', summary: 'A port number is outside 1-65535.' },
  'invalid-port-name': {
    severity: 'error',
    category: 'api-server',
    summary: 'A port name is not a valid IANA service name (or DNS label for Service ports).',
  },
  'selector-mismatch': {
    severity: 'error',
    category: 'api-server',
    summary: "A workload's selector does not match its pod template's labels.",
  },
  'duplicate-name': { severity: 'error', category: 'api-server', summary: 'Two containers, ports or volumes in one pod share a name.' },
  'undefined-volume': { severity: 'error', category: 'api-server', summary: 'A volumeMount names a volume the pod does not define.' },
  'missing-container-image': { severity: 'error', category: 'api-server', summary: 'A Pod container has no image.' },
  'invalid-crd-schema': {
    severity: 'error',
    category: 'api-server',
    summary: "A CRD's openAPIV3Schema uses a type the API server does not support.",
  },
  'missing-path': {
    severity: 'error',
    category: 'references',
    summary: 'A file or folder that a kustomization, a Flux Kustomization or HelmRelease, or an Argo CD Application reads does not exist.',
  },
  'not-a-kustomization': {
    severity: 'error',
    category: 'references',
    summary: 'A folder listed as a kustomize resource or component holds no kustomization file.',
  },
  'unresolved-reference': {
    severity: 'warning',
    category: 'references',
    summary:
      'A ConfigMap, ServiceAccount, Service, claim, role, scaling target or Flux object named by a resource is not defined where that resource is applied.',
  },
  'unresolved-secret': {
    severity: 'info',
    category: 'references',
    summary: 'A Secret named by a resource is not defined where that resource is applied (Secrets are often made outside git).',
  },
  'unmatched-selector': {
    severity: 'warning',
    category: 'references',
    summary: 'A Service or PodDisruptionBudget selects no pod of the workloads applied with it.',
  },
  'duplicate-object': {
    severity: 'error',
    category: 'references',
    summary:
      'The same object is defined twice in one kustomize build (or a folder Flux builds whole), which then fails; or among the plain manifests an Argo CD Application reads (a warning: it applies one).',
  },
  'helm-values-schema': { severity: 'error', category: 'references', summary: "A Helm values file breaks its chart's values.schema.json." },
  'kustomization-cycle': { severity: 'error', category: 'references', summary: 'Kustomizations include each other in a cycle.' },
  'render-failed': {
    severity: 'error',
    category: 'references',
    summary: 'kustomize or helm failed to render an environment: their message, on the file (and line) it names.',
  },
  'render-unavailable': {
    severity: 'info',
    category: 'references',
    summary: 'An environment reads remote bases or charts and cannot be rendered without the network.',
  },
  'schema-unavailable': { severity: 'info', category: 'project', summary: 'A schema named by a modeline cannot be loaded offline.' },
  'invalid-config': { severity: 'warning', category: 'project', summary: 'A .driftless.yaml setting cannot be used as written.' },
  ...POLICY_RULES,
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

export function isRuleId(value: string): value is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, value);
}

export const RULE_IDS = Object.keys(RULES) as RuleId[];

/** The anchor of a rule in docs/rules.md (generated from RULES by scripts/build-rules-doc.ts). */
export function ruleAnchor(id: string): string {
  return `rule-${id}`;
}

/**
 * Whether a rule judges an object's own values (its schema, the API server's rules): what a render of the object
 * decides better than its source, once every build that applies the source rendered.
 */
export function judgedByRenders(rule: RuleId): boolean {
  const category = RULES[rule].category;
  return category === 'schema' || category === 'api-server';
}

/** The published list of rules. */
export const RULES_DOCUMENTATION_URL = 'https://github.com/driftless-dev/driftless/blob/main/docs/rules.md';

/** Where a rule is explained, for links from diagnostics and SARIF: its row in docs/rules.md. */
export function ruleDocumentationUrl(id: string): string {
  return `${RULES_DOCUMENTATION_URL}#${ruleAnchor(id)}`;
}
