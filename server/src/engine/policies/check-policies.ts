// Judges a workload's pod spec against the best-practice policies, on what will be applied: the resource with the
// builds' strategic-merge patches merged in and their kustomize `images:` overrides applied. Findings point into the
// resource as written. Pure: the resource and its context are the only inputs.
import { apiGroupOf } from '../kubernetes/api-version';
import { podSpecPathOf } from '../kubernetes/workloads';
import { finding, isPlaceholder, type Finding, type FixHint } from '../validate/finding';
import type { JsonPath, LocateTarget } from '../yaml/locate';
import type { RuleId } from '../rules';
import type { ImageOverride, PolicyContext } from './policy-context';
import { isRecord, valueAt, type Json } from '../json';
import { applyPatches, type MergeOrigins } from '../kustomize/strategic-merge';

/** The long-running workloads a Service can send traffic to, for `missing-probes`. */
const SERVED_KINDS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'argoproj.io/Rollout']);

// ---- Reading values and pointing at them ----

/** A value that cannot be judged: a `${VAR}` or `{{ }}` placeholder, or a scalar where a mapping belongs. */
const UNJUDGED = Symbol('unjudged');

/** The value at `keys`, undefined when it is not set, UNJUDGED when something on the way cannot be read. */
function read(value: unknown, ...keys: string[]): unknown {
  let node = value;
  for (const key of keys) {
    if (node === undefined || node === null) return undefined;
    if (!isRecord(node)) return UNJUDGED;
    node = node[key];
  }
  return isPlaceholder(node) ? UNJUDGED : node;
}

function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/**
 * Where a finding about `path` is shown. The field itself when the resource has it; otherwise (a patch sets it, or it
 * is missing) the key of its closest written parent, or the container item (its first line) when the container has
 * none of the keys on the way.
 */
function pointAt(resource: Json, path: JsonPath, target: LocateTarget = 'value'): { path: JsonPath; target: LocateTarget } {
  let node: unknown = resource;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const present =
      typeof segment === 'number' ? Array.isArray(node) && segment < node.length : isRecord(node) && node[segment] !== undefined;
    if (!present) return { path: path.slice(0, i), target: 'key' };
    node = (node as Record<string | number, unknown>)[segment];
  }
  return { path, target };
}

// ---- Images, as kustomize reads and rewrites them ----

interface ImageReference {
  name: string;
  tag: string;
  digest: string;
}

/** `registry:5000/team/app:1.2@sha256:...`: a tag's colon comes after the last slash; a port's comes before it. */
function splitImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const digest = at === -1 ? '' : image.slice(at + 1);
  const named = at === -1 ? image : image.slice(0, at);
  const colon = named.lastIndexOf(':');
  if (colon === -1 || colon < named.lastIndexOf('/')) return { name: named, tag: '', digest };
  return { name: named.slice(0, colon), tag: named.slice(colon + 1), digest };
}

function formatImage(image: ImageReference): string {
  return `${image.name}${image.tag ? `:${image.tag}` : ''}${image.digest ? `@${image.digest}` : ''}`;
}

/** kustomize's images transformer: a new tag or digest replaces both the tag and the digest written. */
function applyOverride(image: ImageReference, override: ImageOverride): ImageReference {
  const name = override.newName || image.name;
  if (override.newTag || override.digest) return { name, tag: override.newTag ?? '', digest: override.digest ?? '' };
  return { ...image, name };
}

function pinsImage(override: ImageOverride): boolean {
  return !!override.digest || (!!override.newTag && override.newTag !== 'latest');
}

function isMoving(image: ImageReference): boolean {
  return !image.digest && (image.tag === '' || image.tag === 'latest');
}

// ---- The checks ----

interface Container {
  list: 'initContainers' | 'containers';
  /** The container as it will be applied (patches merged in). */
  value: Json;
  /** The container as written, and its path in the resource. */
  written: Json;
  path: JsonPath;
  /** How messages name it: `web`, or `containers[1]` when it has no name. */
  label: string;
}

/** The pod fields that share a node's namespace: what the pod then does, and what that lets it do. */
const HOST_NAMESPACE_FIELDS = [
  ['hostNetwork', "uses its node's network", "it can bind the node's ports and reach whatever the node can"],
  ['hostPID', "shares its node's process namespace", 'it can see and signal every process on the node'],
  ['hostIPC', "shares its node's IPC namespace", "it can read the shared memory of the node's processes"],
] as const;

class PolicyCheck {
  readonly found: Finding[] = [];

  constructor(
    private readonly resource: Json,
    private readonly context: PolicyContext,
    private readonly specPath: JsonPath,
    private readonly spec: Json,
    private readonly written: Json,
    /** Rules set off are not judged at all: most of the contested ones would fire on every container. */
    private readonly isOn: (rule: RuleId) => boolean,
  ) {}

  private add(rule: RuleId, message: string, path: JsonPath, target: LocateTarget = 'value', fixes?: FixHint[]): void {
    const where = pointAt(this.resource, path, target);
    // A fix edits the field itself, so only when the resource (not a patch) writes it.
    const fixable = fixes && where.path.length === path.length;
    this.found.push(finding(rule, message, where.path, where.target, fixable ? fixes : undefined));
  }

  /** Whether a patch, not the resource as written, gives the field its value (the finding points at the resource). */
  private patched(container: Container | undefined, ...keys: string[]): boolean {
    const before = read(container ? container.written : this.written, ...keys);
    const after = read(container ? container.value : this.spec, ...keys);
    return before !== after;
  }

  /** Says so when the value judged is not the one written: a patch set it, or removed it. */
  private source(container: Container, ...keys: string[]): string {
    if (!this.patched(container, ...keys)) return '';
    return isUnset(read(container.value, ...keys)) ? ' (a patch removes it)' : ' (set by a patch)';
  }

  hostNamespaces(): void {
    if (!this.isOn('host-namespace')) return;
    for (const [field, what, effect] of HOST_NAMESPACE_FIELDS) {
      if (this.spec[field] !== true) continue;
      const source = this.patched(undefined, field) ? ', set by a patch' : '';
      this.add(
        'host-namespace',
        `The pod ${what} (\`${field}: true\`${source}): ${effect}. Remove it unless the pod must manage the node.`,
        [...this.specPath, field],
        'value',
        source ? undefined : [{ kind: 'replace-value', path: [...this.specPath, field], value: false, title: `Set \`${field}: false\`` }],
      );
    }
  }

  image(container: Container): void {
    if (!this.isOn('image-tag-latest')) return;
    const value = container.value.image;
    if (typeof value !== 'string' || value === '' || isPlaceholder(value)) return;
    const image = splitImage(value);
    const overrides = this.context.imageOverrides.filter((override) => override.name === image.name);
    // Several builds may apply the resource; one that pins the image is taken to be the one that matters.
    if (overrides.some(pinsImage)) return;
    const applied = overrides.length ? overrides.map((override) => applyOverride(image, override)) : [image];
    const moving = applied.find(isMoving);
    if (!moving) return;
    const shown = formatImage(moving);
    const source =
      shown !== formatImage(image) ? ' (as kustomize `images:` sets it)' : this.patched(container, 'image') ? ' (set by a patch)' : '';
    const what =
      moving.tag === '' ? `\`${shown}\`${source} with no tag, which is \`latest\`: it moves` : `\`${shown}\`${source}: \`latest\` moves`;
    this.add(
      'image-tag-latest',
      `Container ${container.label} runs image ${what}, so what runs changes without a commit. Pin a version tag or digest.`,
      [...container.path, 'image'],
    );
  }

  privileged(container: Container): void {
    if (!this.isOn('privileged-container')) return;
    if (read(container.value, 'securityContext', 'privileged') !== true) return;
    const source = this.source(container, 'securityContext', 'privileged');
    this.add(
      'privileged-container',
      `Container ${container.label} is privileged${source}: it can do anything root on its node can. Remove \`privileged: true\` unless it must manage the node.`,
      [...container.path, 'securityContext', 'privileged'],
      'value',
      source
        ? undefined
        : [
            {
              kind: 'replace-value',
              path: [...container.path, 'securityContext', 'privileged'],
              value: false,
              title: 'Set `privileged: false`',
            },
          ],
    );
  }

  privilegeEscalation(container: Container): void {
    if (!this.isOn('allow-privilege-escalation')) return;
    const allowed = read(container.value, 'securityContext', 'allowPrivilegeEscalation');
    // Privileged containers always may escalate; privileged-container says so.
    if (allowed === false || allowed === UNJUDGED || read(container.value, 'securityContext', 'privileged') === true) return;
    this.add(
      'allow-privilege-escalation',
      `Container ${container.label} does not set \`allowPrivilegeEscalation: false\`${this.source(container, 'securityContext', 'allowPrivilegeEscalation')}: a setuid program in it can gain privileges.`,
      [...container.path, 'securityContext', 'allowPrivilegeEscalation'],
    );
  }

  nonRoot(container: Container): void {
    if (!this.isOn('run-as-non-root')) return;
    const containerUser = read(container.value, 'securityContext', 'runAsUser');
    const user = containerUser ?? read(this.spec, 'securityContext', 'runAsUser');
    const nonRoot = read(container.value, 'securityContext', 'runAsNonRoot') ?? read(this.spec, 'securityContext', 'runAsNonRoot');
    if (user === UNJUDGED || nonRoot === UNJUDGED) return;
    if ((typeof user === 'number' && user > 0) || (nonRoot === true && user !== 0)) return;
    if (user === 0) {
      const where =
        containerUser === undefined || containerUser === null
          ? [...this.specPath, 'securityContext', 'runAsUser']
          : [...container.path, 'securityContext', 'runAsUser'];
      this.add('run-as-non-root', `Container ${container.label} runs as root (\`runAsUser: 0\`). Run it as a non-zero user.`, where);
      return;
    }
    this.add(
      'run-as-non-root',
      `Container ${container.label} may run as root: no \`runAsNonRoot: true\` or non-zero \`runAsUser\` applies to it, so the image decides.`,
      [...container.path, 'securityContext', 'runAsNonRoot'],
    );
  }

  readOnlyRoot(container: Container): void {
    if (!this.isOn('read-only-root-filesystem')) return;
    const readOnly = read(container.value, 'securityContext', 'readOnlyRootFilesystem');
    if (readOnly === true || readOnly === UNJUDGED) return;
    this.add(
      'read-only-root-filesystem',
      `Container ${container.label} can write to its root filesystem${this.source(container, 'securityContext', 'readOnlyRootFilesystem')}. Set \`readOnlyRootFilesystem: true\` and mount volumes where it must write.`,
      [...container.path, 'securityContext', 'readOnlyRootFilesystem'],
    );
  }

  memoryLimit(container: Container): void {
    if (!this.isOn('no-memory-limit')) return;
    const limit = read(container.value, 'resources', 'limits', 'memory');
    if (limit === UNJUDGED || !isUnset(limit)) return;
    this.add(
      'no-memory-limit',
      `Container ${container.label} has no memory limit${this.source(container, 'resources', 'limits', 'memory')}: a leak in it can exhaust its node. Set \`resources.limits.memory\`.`,
      [...container.path, 'resources', 'limits', 'memory'],
    );
  }

  cpuLimit(container: Container): void {
    if (!this.isOn('no-cpu-limit')) return;
    const limit = read(container.value, 'resources', 'limits', 'cpu');
    if (limit === UNJUDGED || !isUnset(limit)) return;
    this.add(
      'no-cpu-limit',
      `Container ${container.label} has no CPU limit${this.source(container, 'resources', 'limits', 'cpu')}: it can take every idle core of its node. Set \`resources.limits.cpu\`.`,
      [...container.path, 'resources', 'limits', 'cpu'],
    );
  }

  requests(container: Container): void {
    if (!this.isOn('no-resource-requests')) return;
    // The API server sets a missing request to the limit, so a limit is a request too.
    const missing = (['cpu', 'memory'] as const).filter((resource) => {
      const request = read(container.value, 'resources', 'requests', resource);
      const limit = read(container.value, 'resources', 'limits', resource);
      return request !== UNJUDGED && limit !== UNJUDGED && isUnset(request) && isUnset(limit);
    });
    if (missing.length === 0) return;
    const what = missing.length === 2 ? 'CPU or memory' : missing[0] === 'cpu' ? 'CPU' : 'memory';
    const field = missing.length === 2 ? 'resources.requests' : `resources.requests.${missing[0]}`;
    this.add(
      'no-resource-requests',
      `Container ${container.label} requests no ${what}: the scheduler places it as if it needed none. Set \`${field}\`.`,
      [...container.path, 'resources', 'requests'],
    );
  }

  /** Judged on every container as applied, those only in a patch included: any probe in the pod counts. */
  probes(kind: string): void {
    if (!this.isOn('missing-probes')) return;
    const containers = Array.isArray(this.spec.containers) ? (this.spec.containers as unknown[]).filter(isRecord) : [];
    if (containers.length === 0) return;
    const probed = containers.some(
      (container) => !isUnset(read(container, 'readinessProbe')) || !isUnset(read(container, 'livenessProbe')),
    );
    if (probed) return;
    this.add(
      'missing-probes',
      `No container of this ${kind} has a readiness or liveness probe, yet a Service sends it traffic: pods get requests before they are ready and keep them when stuck. Add a \`readinessProbe\`.`,
      [...this.specPath, 'containers'],
      'key',
    );
  }
}

/** The containers of the pod spec as applied that are written in the resource, with their paths there. */
function containersOf(spec: Json, written: Json, specPath: JsonPath, origins: MergeOrigins): Container[] {
  const found: Container[] = [];
  for (const list of ['initContainers', 'containers'] as const) {
    const applied = spec[list];
    const writtenList = written[list];
    if (!Array.isArray(applied) || !Array.isArray(writtenList)) continue;
    for (const value of applied as unknown[]) {
      if (!isRecord(value)) continue;
      const origin = origins.get(value) ?? value;
      const index = (writtenList as unknown[]).indexOf(origin);
      // Only in a patch: the patch file is judged where it is.
      if (index === -1) continue;
      const label = typeof value.name === 'string' && value.name ? `\`${value.name}\`` : `\`${list}[${index}]\``;
      found.push({ list, value, written: origin, path: [...specPath, list, index], label });
    }
  }
  return found;
}

const ALL_RULES = () => true;

/**
 * The policy findings for one resource (a parsed YAML document's value): none unless it is a workload with a pod
 * spec. Every rule is judged; the rule settings (with their `off` defaults) are applied by whoever reports them.
 */
export function checkPolicies(resource: unknown, context: PolicyContext, isOn: (rule: RuleId) => boolean = ALL_RULES): Finding[] {
  if (!isRecord(resource) || typeof resource.kind !== 'string') return [];
  const workload = `${apiGroupOf(resource.apiVersion)}/${resource.kind}`;
  const specPath = podSpecPathOf(resource.apiVersion, resource.kind);
  // A PodTemplate runs nothing by itself; what uses it is judged where it is.
  if (!specPath || workload === '/PodTemplate') return [];
  const written = valueAt(resource, specPath);
  if (!isRecord(written)) return [];
  const { value, origins } = applyPatches(resource, context.patches);
  const spec = valueAt(value, specPath);
  if (!isRecord(spec)) return [];
  const check = new PolicyCheck(resource, context, specPath, spec, written, isOn);
  check.hostNamespaces();
  for (const container of containersOf(spec, written, specPath, origins)) {
    check.image(container);
    check.privileged(container);
    check.privilegeEscalation(container);
    check.nonRoot(container);
    check.readOnlyRoot(container);
    // Resource rules judge app containers only: init containers run one at a time and exit before the app starts.
    if (container.list === 'containers') {
      check.memoryLimit(container);
      check.cpuLimit(container);
      check.requests(container);
    }
  }
  if (SERVED_KINDS.has(workload) && context.isServiceBacked) check.probes(resource.kind);
  return check.found;
}
