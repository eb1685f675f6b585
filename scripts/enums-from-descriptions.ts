// Recovers enumerations that the Kubernetes OpenAPI states only in prose ("One of Always, Never, IfNotPresent.").
// The API server validates these values; the published schema does not carry them as `enum`.

export interface RecoveredEnum {
  values: string[];
  how: 'description' | 'corrected' | 'api-server';
}

const TOKEN = /^(?:[A-Z][A-Za-z0-9]*|\*)$/;
const LEADS = [
  'one of',
  'must be one of',
  'must be',
  'can be one of',
  'can be',
  'valid values are',
  'valid options are',
  'valid operators are',
  'valid policies are',
  'allowed values are',
  'when specified, allowed values are',
  'supported values are',
  'supported values',
  'possible values are',
  'one of the following values',
  'can be one of the following values',
];
const LEAD_PATTERN = new RegExp(
  `(?:^|[.:;\\s])(?:${[...LEADS]
    .sort((a, b) => b.length - a.length)
    .map((l) => l.replace(/ /g, '\\s+'))
    .join('|')})\\s*:?\\s*`,
  'gi',
);

function cleanToken(raw: string): string | undefined {
  const token = raw
    .trim()
    .replace(/^[`"'\s]+|[`"'\s]+$/g, '')
    .replace(/\s*\(default\)$/, '')
    .replace(/^[`"']|[`"']$/g, '');
  return TOKEN.test(token) ? token : undefined;
}

/** "A, B, or C." / "A and B" / "'A', 'B' or 'C'" up to the end of the sentence. */
function inlineList(text: string): string[] | undefined {
  const sentence = /^(.*?)(?:\.(?:\s|$)|\n|$)/s.exec(text)?.[1] ?? '';
  if (!sentence || sentence.length > 200) return undefined;
  const parts = sentence.split(/\s*,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+/);
  const tokens: string[] = [];
  for (const part of parts) {
    const token = cleanToken(part);
    if (!token) return undefined;
    tokens.push(token);
  }
  return tokens.length >= 2 ? tokens : undefined;
}

/** Bulleted lists: `- "Allow" (default): ...`, `* Exact: ...`, or `Localhost - a profile ...`. */
function bulletedList(text: string): string[] | undefined {
  const head = text.slice(0, 1500);
  const dash = [...head.matchAll(/(?:^|[\s;])[-*]\s+[`"']*([A-Z][A-Za-z0-9]*)[`"']*\s*(?:\(default\))?\s*:/g)].map((m) => m[1]!);
  if (dash.length >= 2) return dash;
  const named = [...head.matchAll(/(?:^|\n|\.\s)\s*([A-Z][A-Za-z0-9]*)\s+-\s+[a-z]/g)].map((m) => m[1]!);
  return named.length >= 2 ? named : undefined;
}

export function enumFromDescription(description: string): string[] | undefined {
  for (const match of description.matchAll(LEAD_PATTERN)) {
    const rest = description.slice(match.index + match[0].length);
    const found = /^\s*(?:[-*]|[A-Z][A-Za-z0-9]*\s+-\s)/.test(rest) ? bulletedList(rest) : inlineList(rest);
    if (found) return [...new Set(found)];
  }
  return undefined;
}

/**
 * Where the prose is wrong or incomplete the extraction would reject valid manifests, so these are set by hand.
 * Each value set is the one in kubernetes `pkg/apis/core/validation` (or the group's validation) for that field.
 */
export const ENUM_CORRECTIONS: Record<string, string[] | null> = {
  // "Valid operators are In, NotIn, Exists, DoesNotExist. Gt, and Lt." — the sentence break hides Gt and Lt.
  'io.k8s.api.core.v1.NodeSelectorRequirement.operator': ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'],
  // Status fields written by controllers; their prose lists are incomplete (e.g. InternalDNS, ExternalDNS).
  'io.k8s.api.core.v1.NodeAddress.type': null,
  // "Possible values are: - In ... - NotIn ..." bullets carry lowercase prose that the list parser cannot split.
  'io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement.operator': ['In', 'NotIn'],
  'io.k8s.api.core.v1.ContainerRestartRuleOnExitCodes.operator': ['In', 'NotIn'],
  // "Valid values are 'None', empty string, or a valid IP address" — an IP is valid too.
  'io.k8s.api.core.v1.ServiceSpec.clusterIP': null,
  // "Valid options are Retain (default for ...), Delete (...), and Recycle (deprecated)": parentheses break the list.
  'io.k8s.api.core.v1.PersistentVolumeSpec.persistentVolumeReclaimPolicy': ['Retain', 'Delete', 'Recycle'],
  // Only "Healthy" is listed in prose; component statuses are read-only.
  'io.k8s.api.core.v1.ComponentCondition.status': null,
};

/** Enumerations the API server enforces that no description states as a list. */
export const API_SERVER_ENUMS: Record<string, string[]> = {
  'io.k8s.api.core.v1.Container.terminationMessagePolicy': ['File', 'FallbackToLogsOnError'],
  'io.k8s.api.core.v1.EphemeralContainer.terminationMessagePolicy': ['File', 'FallbackToLogsOnError'],
  'io.k8s.api.core.v1.ServiceSpec.externalTrafficPolicy': ['Cluster', 'Local'],
  'io.k8s.api.core.v1.ServiceSpec.internalTrafficPolicy': ['Cluster', 'Local'],
  'io.k8s.api.core.v1.ServicePort.protocol': ['TCP', 'UDP', 'SCTP'],
  'io.k8s.api.apps.v1.StatefulSetSpec.podManagementPolicy': ['OrderedReady', 'Parallel'],
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec.accessModes': ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'],
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec.volumeMode': ['Block', 'Filesystem'],
  'io.k8s.api.core.v1.PersistentVolumeSpec.accessModes': ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'],
  'io.k8s.api.core.v1.PersistentVolumeSpec.volumeMode': ['Block', 'Filesystem'],
  'io.k8s.api.core.v1.TopologySpreadConstraint.whenUnsatisfiable': ['DoNotSchedule', 'ScheduleAnyway'],
  'io.k8s.api.autoscaling.v2.MetricTarget.type': ['Utilization', 'Value', 'AverageValue'],
  'io.k8s.api.autoscaling.v2.HPAScalingRules.selectPolicy': ['Max', 'Min', 'Disabled'],
  'io.k8s.api.networking.v1.NetworkPolicySpec.policyTypes': ['Ingress', 'Egress'],
  'io.k8s.api.core.v1.Taint.effect': ['NoSchedule', 'PreferNoSchedule', 'NoExecute'],
};
