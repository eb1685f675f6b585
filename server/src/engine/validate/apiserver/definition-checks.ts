// API-server validation the published OpenAPI leaves out, attached to the definition it concerns, so it applies
// wherever that type appears: every ObjectMeta (resource or pod template), LabelSelector, PodSpec, port and probe.
import { parseQuantity } from '../../kubernetes/quantity';
import { dns1123Label, ianaServiceName, labelValue, qualifiedName } from '../../kubernetes/names';
import type { PathSegment } from '../../yaml/locate';
import { fieldName, finding, isPlaceholder, type Finding } from '../finding';
import { isRecord, type Json } from '../../json';

export type DefinitionCheck = (value: Record<string, unknown>, path: PathSegment[]) => Finding[];

function records(value: unknown): [Json, number][] {
  return Array.isArray(value)
    ? value.map((item, index) => [item, index] as [unknown, number]).filter((e): e is [Json, number] => isRecord(e[0]))
    : [];
}

const MAX_ANNOTATIONS_BYTES = 256 * 1024;

function checkLabels(labels: unknown, path: PathSegment[], rule: 'invalid-label' | 'invalid-annotation', checkValues: boolean): Finding[] {
  if (!isRecord(labels)) return [];
  const found: Finding[] = [];
  for (const [key, value] of Object.entries(labels)) {
    if (isPlaceholder(key)) continue;
    const keyProblem = qualifiedName(key);
    const what = rule === 'invalid-label' ? 'label' : 'annotation';
    if (keyProblem) found.push(finding(rule, `The ${what} key "${key}" ${keyProblem}.`, [...path, key], 'key'));
    if (checkValues && typeof value === 'string' && !isPlaceholder(value)) {
      const valueProblem = labelValue(value);
      if (valueProblem) found.push(finding(rule, `The value of label "${key}" ${valueProblem}.`, [...path, key]));
    }
  }
  return found;
}

const objectMeta: DefinitionCheck = (meta, path) => {
  const found = [
    ...checkLabels(meta.labels, [...path, 'labels'], 'invalid-label', true),
    ...checkLabels(meta.annotations, [...path, 'annotations'], 'invalid-annotation', false),
  ];
  if (isRecord(meta.annotations)) {
    const size = Object.entries(meta.annotations).reduce((sum, [k, v]) => sum + k.length + (typeof v === 'string' ? v.length : 0), 0);
    if (size > MAX_ANNOTATIONS_BYTES) {
      found.push(
        finding(
          'invalid-annotation',
          `Annotations total ${Math.round(size / 1024)} KiB; the API server allows at most 256 KiB.`,
          [...path, 'annotations'],
          'key',
        ),
      );
    }
  }
  if (typeof meta.namespace === 'string' && meta.namespace && !isPlaceholder(meta.namespace)) {
    const problem = dns1123Label(meta.namespace);
    if (problem) found.push(finding('invalid-name', `The namespace "${meta.namespace}" ${problem}.`, [...path, 'namespace']));
  }
  return found;
};

const labelSelector: DefinitionCheck = (selector, path) => {
  const found = checkLabels(selector.matchLabels, [...path, 'matchLabels'], 'invalid-label', true);
  for (const [expression, index] of records(selector.matchExpressions)) {
    const where = [...path, 'matchExpressions', index];
    if (typeof expression.key === 'string' && !isPlaceholder(expression.key)) {
      const problem = qualifiedName(expression.key);
      if (problem) found.push(finding('invalid-label', `The selector key "${expression.key}" ${problem}.`, [...where, 'key']));
    }
    const operator = expression.operator;
    const values = Array.isArray(expression.values) ? expression.values : [];
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
      found.push(finding('invalid-label', `The operator ${operator} needs at least one value in \`values\`.`, where, 'value'));
    }
    if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
      found.push(finding('invalid-label', `The operator ${operator} takes no \`values\`.`, [...where, 'values'], 'key'));
    }
  }
  return found;
};

function portNumber(value: unknown, path: PathSegment[], allowZero = false): Finding[] {
  if (typeof value !== 'number' || !Number.isInteger(value)) return [];
  if ((allowZero && value === 0) || (value >= 1 && value <= 65535)) return [];
  return [finding('invalid-port', `${fieldName(path)} must be a port number between 1 and 65535, got ${value}.`, path)];
}

/** IntOrString ports: a number in range, or the name of a container port (IANA service name syntax). */
function portReference(value: unknown, path: PathSegment[]): Finding[] {
  if (typeof value === 'string' && !isPlaceholder(value)) {
    if (/^\d+$/.test(value)) return portNumber(Number(value), path);
    const problem = ianaServiceName(value);
    return problem ? [finding('invalid-port-name', `The port name "${value}" ${problem}.`, path)] : [];
  }
  return portNumber(value, path);
}

function portName(value: unknown, path: PathSegment[], check: (v: string) => string | undefined): Finding[] {
  if (typeof value !== 'string' || isPlaceholder(value)) return [];
  const problem = check(value);
  return problem ? [finding('invalid-port-name', `The port name "${value}" ${problem}.`, path)] : [];
}

const containerPort: DefinitionCheck = (port, path) => [
  ...portNumber(port.containerPort, [...path, 'containerPort']),
  ...portNumber(port.hostPort, [...path, 'hostPort'], true),
  ...portName(port.name, [...path, 'name'], ianaServiceName),
];

const servicePort: DefinitionCheck = (port, path) => [
  ...portNumber(port.port, [...path, 'port']),
  ...portNumber(port.nodePort, [...path, 'nodePort'], true),
  ...(port.targetPort === 0 ? [] : portReference(port.targetPort, [...path, 'targetPort'])),
  ...portName(port.name, [...path, 'name'], dns1123Label),
];

const portAction: DefinitionCheck = (action, path) => portReference(action.port, [...path, 'port']);

const serviceSpec: DefinitionCheck = (spec, path) => {
  const found = checkLabels(spec.selector, [...path, 'selector'], 'invalid-label', true);
  const ports = records(spec.ports);
  if (ports.length > 1) {
    const seen = new Map<string, number>();
    for (const [port, index] of ports) {
      if (port.name === undefined || port.name === '') {
        found.push(
          finding('invalid-port-name', 'A Service with more than one port needs a `name` on each port.', [...path, 'ports', index]),
        );
      } else if (typeof port.name === 'string') {
        if (seen.has(port.name))
          found.push(finding('duplicate-name', `Two ports of this Service are named "${port.name}".`, [...path, 'ports', index, 'name']));
        seen.set(port.name, index);
      }
    }
  }
  return found;
};

const resourceRequirements: DefinitionCheck = (resources, path) => {
  const found: Finding[] = [];
  if (!isRecord(resources.requests) || !isRecord(resources.limits)) return found;
  for (const [resource, request] of Object.entries(resources.requests)) {
    const limit = resources.limits[resource];
    if (limit === undefined || isPlaceholder(request) || isPlaceholder(limit)) continue;
    const requested = parseQuantity(request);
    const limited = parseQuantity(limit);
    if (requested !== undefined && limited !== undefined && requested > limited * (1 + 1e-12)) {
      found.push(
        finding(
          'requests-exceed-limits',
          `The ${resource} request (${JSON.stringify(request)}) is more than its limit (${JSON.stringify(limit)}); a request must be at most the limit.`,
          [...path, 'requests', resource],
        ),
      );
    }
  }
  return found;
};

const container: DefinitionCheck = (spec, path) => {
  const found: Finding[] = [];
  const names = new Map<string, number>();
  for (const [port, index] of records(spec.ports)) {
    if (typeof port.name !== 'string' || !port.name) continue;
    if (names.has(port.name))
      found.push(finding('duplicate-name', `Two ports of this container are named "${port.name}".`, [...path, 'ports', index, 'name']));
    names.set(port.name, index);
  }
  return found;
};

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** In a patch, volumes may be defined by the base the patch is applied to; mounts are not checked against them. */
const podSpecCheck =
  (volumesMustBeDefined: boolean): DefinitionCheck =>
  (spec, path) => {
    const found: Finding[] = [];
    const containerNames = new Map<string, string>();
    for (const list of CONTAINER_LISTS) {
      for (const [item, index] of records(spec[list])) {
        if (typeof item.name !== 'string' || isPlaceholder(item.name)) continue;
        const problem = dns1123Label(item.name);
        if (problem) found.push(finding('invalid-name', `The container name "${item.name}" ${problem}.`, [...path, list, index, 'name']));
        const earlier = containerNames.get(item.name);
        // Duplicates within one list are reported by the list's own uniqueness rule.
        if (earlier && earlier !== list) {
          found.push(
            finding(
              'duplicate-name',
              `The container name "${item.name}" is also used in \`${earlier}\`; names must be unique across the pod.`,
              [...path, list, index, 'name'],
            ),
          );
        }
        if (!earlier) containerNames.set(item.name, list);
      }
    }
    const volumes = new Set<string>();
    let volumesKnown = true;
    for (const [volume, index] of records(spec.volumes)) {
      if (typeof volume.name !== 'string' || isPlaceholder(volume.name)) {
        volumesKnown = false;
        continue;
      }
      const problem = dns1123Label(volume.name);
      if (problem) found.push(finding('invalid-name', `The volume name "${volume.name}" ${problem}.`, [...path, 'volumes', index, 'name']));
      volumes.add(volume.name);
    }
    if ((spec.volumes !== undefined && !Array.isArray(spec.volumes)) || !volumesMustBeDefined) volumesKnown = false;
    if (volumesKnown) {
      for (const list of ['initContainers', 'containers'] as const) {
        for (const [item, index] of records(spec[list])) {
          for (const [mount, mountIndex] of [...records(item.volumeMounts), ...records(item.volumeDevices)]) {
            if (typeof mount.name !== 'string' || isPlaceholder(mount.name) || volumes.has(mount.name)) continue;
            const field = records(item.volumeMounts).some(([m]) => m === mount) ? 'volumeMounts' : 'volumeDevices';
            found.push(
              finding('undefined-volume', `The volume "${mount.name}" is mounted but the pod defines no volume of that name.`, [
                ...path,
                list,
                index,
                field,
                mountIndex,
                'name',
              ]),
            );
          }
        }
      }
    }
    return found;
  };

export const DEFINITION_CHECKS: Record<string, DefinitionCheck> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': objectMeta,
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': labelSelector,
  'io.k8s.api.core.v1.ContainerPort': containerPort,
  'io.k8s.api.core.v1.ServicePort': servicePort,
  'io.k8s.api.core.v1.ServiceSpec': serviceSpec,
  'io.k8s.api.core.v1.HTTPGetAction': portAction,
  'io.k8s.api.core.v1.TCPSocketAction': portAction,
  'io.k8s.api.core.v1.ResourceRequirements': resourceRequirements,
  'io.k8s.api.core.v1.Container': container,
  'io.k8s.api.core.v1.PodSpec': podSpecCheck(true),
};

/** The same checks for kustomize patches, which hold only part of an object. */
export const PATCH_DEFINITION_CHECKS: Record<string, DefinitionCheck> = {
  ...DEFINITION_CHECKS,
  'io.k8s.api.core.v1.PodSpec': podSpecCheck(false),
};
