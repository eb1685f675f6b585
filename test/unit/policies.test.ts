import { strict as assert } from 'node:assert';
import { checkPolicies } from '../../server/src/engine/policies/check-policies';
import { NO_CONTEXT, type PolicyContext } from '../../server/src/engine/policies/policy-context';
import { POLICY_RULES } from '../../server/src/engine/policies/policy-rules';
import { isRuleId, RULES } from '../../server/src/engine/rules';
import { formatPath, type Finding } from '../../server/src/engine/validate/finding';
import { parseDocuments } from '../../server/src/engine/yaml/parse-documents';
import { locatePath } from '../../server/src/engine/yaml/locate';
import { yaml } from '../helpers/engine';

type Json = Record<string, unknown>;

const C0 = 'spec.template.spec.containers[0]';

function deployment(podSpec: Json, kind = 'Deployment', apiVersion = 'apps/v1'): Json {
  return { apiVersion, kind, metadata: { name: 'web' }, spec: { selector: {}, template: { metadata: {}, spec: podSpec } } };
}

/** A container that passes every rule but the ones the test is about. */
function hardened(extra: Json = {}): Json {
  return {
    name: 'web',
    image: 'ghcr.io/acme/web:1.4.2',
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
    securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
    readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
    ...extra,
  };
}

function context(extra: Partial<PolicyContext> = {}): PolicyContext {
  return { ...NO_CONTEXT, ...extra };
}

/** "rule @ path" for each finding of the rules named (all rules when none are). */
function brief(findings: Finding[], ...rules: string[]): string[] {
  return findings.filter((f) => rules.length === 0 || rules.includes(f.rule)).map((f) => `${f.rule} @ ${formatPath(f.path ?? [])}`);
}

function only(rule: string, resource: unknown, ctx: PolicyContext = NO_CONTEXT): Finding[] {
  return checkPolicies(resource, ctx).filter((f) => f.rule === rule);
}

/** What is reported with the rules' default settings. */
function byDefault(findings: Finding[]): Finding[] {
  return findings.filter((f) => POLICY_RULES[f.rule as keyof typeof POLICY_RULES]?.severity !== 'off');
}

const PRODUCTION = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: checkout
    namespace: shop
    labels: {app.kubernetes.io/name: checkout}
  spec:
    replicas: 3
    selector:
      matchLabels: {app.kubernetes.io/name: checkout}
    template:
      metadata:
        labels: {app.kubernetes.io/name: checkout}
      spec:
        serviceAccountName: checkout
        securityContext:
          runAsNonRoot: true
          runAsUser: 10001
          fsGroup: 10001
          seccompProfile: {type: RuntimeDefault}
        initContainers:
          - name: migrate
            image: ghcr.io/acme/checkout-migrations:2.3.1
            securityContext:
              allowPrivilegeEscalation: false
        containers:
          - name: checkout
            image: ghcr.io/acme/checkout:2.3.1
            ports:
              - {name: http, containerPort: 8080}
            resources:
              requests: {cpu: 250m, memory: 256Mi}
              limits: {memory: 512Mi}
            securityContext:
              allowPrivilegeEscalation: false
              capabilities: {drop: [ALL]}
            readinessProbe:
              httpGet: {path: /healthz/ready, port: http}
            livenessProbe:
              httpGet: {path: /healthz/live, port: http}
          - name: envoy
            image: envoyproxy/envoy@sha256:0e3ab3dfbd3b1bd1f7b0a4e0b1a5b6e3cfd4d3bbf8e7e0e2a6d6c3f1c1e5b9a0
            resources:
              limits: {cpu: 500m, memory: 128Mi}
`;

function valueOf(text: string): unknown {
  return parseDocuments(text)[0]!.content.value;
}

/** The text the editor underlines for a finding. */
function underlined(text: string, found: Finding): string {
  const document = parseDocuments(text)[0]!;
  const span = locatePath(document.content.positional, document.content.text, found.path!, found.target ?? 'value');
  return document.content.text.slice(span.start, span.end);
}

describe('policies: the rule table', () => {
  it('ships the uncontroversial rules as warnings and the contested ones off', () => {
    const defaults = Object.fromEntries(Object.entries(POLICY_RULES).map(([id, rule]) => [id, rule.severity]));
    assert.deepEqual(defaults, {
      'image-tag-latest': 'warning',
      'no-memory-limit': 'warning',
      'privileged-container': 'warning',
      'host-namespace': 'warning',
      'missing-probes': 'warning',
      'run-as-non-root': 'off',
      'allow-privilege-escalation': 'off',
      'read-only-root-filesystem': 'off',
      'no-cpu-limit': 'off',
      'no-resource-requests': 'off',
    });
  });

  it('gives every policy the policy category, a one-line reason and a link, and registers it as a rule', () => {
    for (const [id, rule] of Object.entries(POLICY_RULES)) {
      assert.ok(isRuleId(id), id);
      assert.equal(RULES[id], rule);
      assert.equal(rule.category, 'policy');
      assert.ok(rule.summary.length > 0 && !rule.summary.includes('\n'), id);
      assert.match(rule.link, /^https:\/\/kubernetes\.io\/docs\//, id);
    }
  });
});

describe('policies: a well-formed production manifest', () => {
  it('has no findings with the default settings, served by a Service or not', () => {
    const value = valueOf(PRODUCTION);
    assert.deepEqual(byDefault(checkPolicies(value, NO_CONTEXT)), []);
    assert.deepEqual(byDefault(checkPolicies(value, context({ isServiceBacked: true }))), []);
  });

  it('meets the contested rules too once it sets what they ask', () => {
    const value = deployment({
      securityContext: { runAsNonRoot: true },
      containers: [hardened()],
      initContainers: [hardened({ name: 'init' })],
    });
    assert.deepEqual(checkPolicies(value, context({ isServiceBacked: true })), []);
  });

  it('is judged only for workloads: other kinds, custom kinds that share a name, and non-objects have none', () => {
    const bare = { name: 'x', image: 'nginx', securityContext: { privileged: true } };
    assert.deepEqual(checkPolicies({ apiVersion: 'v1', kind: 'Service', spec: { selector: {} } }, NO_CONTEXT), []);
    assert.deepEqual(checkPolicies({ apiVersion: 'v1', kind: 'PodTemplate', template: { spec: { containers: [bare] } } }, NO_CONTEXT), []);
    assert.deepEqual(checkPolicies(deployment({ containers: [bare] }, 'Deployment', 'example.com/v1'), NO_CONTEXT), []);
    assert.deepEqual(checkPolicies({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', spec: { workloadRef: {} } }, NO_CONTEXT), []);
    assert.deepEqual(checkPolicies('kind: Deployment', NO_CONTEXT), []);
    assert.deepEqual(checkPolicies(null, NO_CONTEXT), []);
  });

  it('finds the pod spec of every workload kind', () => {
    const pod = { containers: [{ name: 'x', image: 'nginx:1.27', securityContext: { privileged: true } }] };
    const at = (resource: Json) => brief(checkPolicies(resource, NO_CONTEXT), 'privileged-container');
    assert.deepEqual(at({ apiVersion: 'v1', kind: 'Pod', spec: pod }), [
      'privileged-container @ spec.containers[0].securityContext.privileged',
    ]);
    for (const [apiVersion, kind] of [
      ['apps/v1', 'StatefulSet'],
      ['apps/v1', 'DaemonSet'],
      ['apps/v1', 'ReplicaSet'],
      ['batch/v1', 'Job'],
      ['argoproj.io/v1alpha1', 'Rollout'],
    ])
      assert.deepEqual(at(deployment(pod, kind, apiVersion)), [`privileged-container @ ${C0}.securityContext.privileged`], kind);
    assert.deepEqual(at({ apiVersion: 'batch/v1', kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: pod } } } } }), [
      'privileged-container @ spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged',
    ]);
  });
});

describe('policies: where findings are shown', () => {
  const text = yaml`
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      template:
        spec:
          hostPID: true
          containers:
            - name: web
              image: nginx:latest
              resources:
                requests: {memory: 64Mi}
            - name: sidecar
              image: busybox:1.36
  `;
  const findings = byDefault(checkPolicies(valueOf(text), NO_CONTEXT));

  it('underlines the offending value when it is written', () => {
    const shown = findings.map((f) => `${f.rule}: ${underlined(text, f)}`);
    assert.ok(shown.includes('host-namespace: true'), shown.join('\n'));
    assert.ok(shown.includes('image-tag-latest: nginx:latest'), shown.join('\n'));
  });

  it('underlines the closest written key, or the container item, when the field is missing', () => {
    const limits = findings.filter((f) => f.rule === 'no-memory-limit');
    assert.deepEqual(brief(limits), [`no-memory-limit @ ${C0}.resources`, 'no-memory-limit @ spec.template.spec.containers[1]']);
    assert.deepEqual(
      limits.map((f) => [f.target, underlined(text, f)]),
      [
        ['key', 'resources'],
        ['key', 'name: sidecar'],
      ],
    );
  });
});

describe('policies: image-tag-latest', () => {
  const withImage = (image: unknown, extra: Json = {}) => deployment({ containers: [hardened({ image })], ...extra });

  it('flags the tag latest and a missing tag, on the image', () => {
    const latest = only('image-tag-latest', withImage('nginx:latest'));
    assert.deepEqual(brief(latest), [`image-tag-latest @ ${C0}.image`]);
    assert.equal(
      latest[0]!.message,
      'Container `web` runs image `nginx:latest`: `latest` moves, so what runs changes without a commit. Pin a version tag or digest.',
    );
    assert.equal(latest[0]!.target, 'value');
    assert.equal(latest[0]!.fixes, undefined);
    assert.equal(
      only('image-tag-latest', withImage('nginx'))[0]!.message,
      'Container `web` runs image `nginx` with no tag, which is `latest`: it moves, so what runs changes without a commit. Pin a version tag or digest.',
    );
    assert.equal(only('image-tag-latest', withImage('registry.local:5000/team/app')).length, 1);
  });

  it('accepts a version tag or a digest, and reads a registry port as no tag', () => {
    for (const image of [
      'nginx:1.27',
      'registry.local:5000/team/app:2.0',
      'nginx@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac',
      'nginx:latest@sha256:4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac',
    ])
      assert.deepEqual(only('image-tag-latest', withImage(image)), [], image);
  });

  it('judges init containers too', () => {
    const value = deployment({ initContainers: [hardened({ name: 'init', image: 'busybox' })], containers: [hardened()] });
    assert.deepEqual(brief(only('image-tag-latest', value)), ['image-tag-latest @ spec.template.spec.initContainers[0].image']);
  });

  it('skips placeholders and what is not an image string', () => {
    for (const image of ['${IMAGE}', 'nginx:${TAG}', '{{ .Values.image }}', '', 42, null])
      assert.deepEqual(only('image-tag-latest', withImage(image)), [], String(image));
  });

  it('applies kustomize images: overrides as kustomize does', () => {
    const images = (...imageOverrides: PolicyContext['imageOverrides']) => context({ imageOverrides });
    const value = withImage('nginx');
    assert.deepEqual(only('image-tag-latest', value, images({ name: 'nginx', newTag: '1.27' })), []);
    assert.deepEqual(only('image-tag-latest', value, images({ name: 'nginx', digest: 'sha256:4c0f' })), []);
    assert.deepEqual(only('image-tag-latest', value, images({ name: 'nginx', newTag: '${TAG}' })), []);
    // Any build that pins it is enough.
    assert.deepEqual(
      only('image-tag-latest', value, images({ name: 'nginx', newName: 'mirror/nginx' }, { name: 'nginx', newTag: '1.27' })),
      [],
    );
    // An override for another image, or one that keeps it moving, does not help.
    assert.equal(only('image-tag-latest', value, images({ name: 'nginx-unprivileged', newTag: '1.27' })).length, 1);
    assert.equal(
      only('image-tag-latest', value, images({ name: 'nginx', newName: 'mirror.local/nginx' }))[0]!.message,
      'Container `web` runs image `mirror.local/nginx` (as kustomize `images:` sets it) with no tag, which is `latest`: it moves, so what runs changes without a commit. Pin a version tag or digest.',
    );
    // A new tag replaces a written digest.
    const digested = withImage('nginx@sha256:4c0f');
    assert.equal(only('image-tag-latest', digested, images({ name: 'nginx', newTag: 'latest' })).length, 1);
    assert.deepEqual(only('image-tag-latest', withImage('nginx:1.27'), images({ name: 'nginx', newName: 'mirror/nginx' })), []);
  });

  it('judges the image a patch sets', () => {
    const patch = (image: string) => deployment({ containers: [{ name: 'web', image }] });
    assert.deepEqual(only('image-tag-latest', withImage('nginx'), context({ patches: [patch('nginx:1.27')] })), []);
    const moved = only('image-tag-latest', withImage('nginx:1.27'), context({ patches: [patch('nginx:latest')] }));
    assert.deepEqual(brief(moved), [`image-tag-latest @ ${C0}.image`]);
    assert.match(moved[0]!.message, /runs image `nginx:latest` \(set by a patch\):/);
  });
});

describe('policies: no-memory-limit', () => {
  it('flags an app container without resources.limits.memory, at the closest written field', () => {
    const none = only('no-memory-limit', deployment({ containers: [{ name: 'web', image: 'nginx:1.27' }] }));
    assert.deepEqual(brief(none), [`no-memory-limit @ ${C0}`]);
    assert.equal(
      none[0]!.message,
      'Container `web` has no memory limit: a leak in it can exhaust its node. Set `resources.limits.memory`.',
    );
    assert.equal(none[0]!.target, 'key');
    const cpuOnly = hardened({ resources: { limits: { cpu: '1' } } });
    assert.deepEqual(brief(only('no-memory-limit', deployment({ containers: [cpuOnly] }))), [`no-memory-limit @ ${C0}.resources.limits`]);
    const empty = hardened({ resources: { limits: { memory: null } } });
    assert.deepEqual(brief(only('no-memory-limit', deployment({ containers: [empty] }))), [
      `no-memory-limit @ ${C0}.resources.limits.memory`,
    ]);
  });

  it('names a container without a name by its place', () => {
    const value = deployment({ containers: [hardened(), { image: 'nginx:1.27' }] });
    assert.match(only('no-memory-limit', value)[0]!.message, /^Container `containers\[1\]` has no memory limit/);
  });

  it('accepts a limit, and does not judge init containers', () => {
    assert.deepEqual(only('no-memory-limit', deployment({ containers: [hardened()] })), []);
    const value = deployment({ initContainers: [{ name: 'wait', image: 'busybox:1.36' }], containers: [hardened()] });
    assert.deepEqual(only('no-memory-limit', value), []);
  });

  it('counts a limit that a patch sets', () => {
    const value = deployment({
      containers: [
        { name: 'web', image: 'nginx:1.27' },
        { name: 'sidecar', image: 'envoy:1.30' },
      ],
    });
    const patch = { spec: { template: { spec: { containers: [{ name: 'web', resources: { limits: { memory: '256Mi' } } }] } } } };
    assert.deepEqual(brief(only('no-memory-limit', value, context({ patches: [patch] }))), [
      'no-memory-limit @ spec.template.spec.containers[1]',
    ]);
  });

  it('treats a placeholder limit as set, and a placeholder resources block as unjudgeable', () => {
    assert.deepEqual(
      only('no-memory-limit', deployment({ containers: [hardened({ resources: { limits: { memory: '${MEMORY}' } } })] })),
      [],
    );
    assert.deepEqual(only('no-memory-limit', deployment({ containers: [hardened({ resources: '${RESOURCES}' })] })), []);
  });
});

describe('policies: privileged-container', () => {
  const privileged = (privileged: unknown) => deployment({ containers: [hardened({ securityContext: { privileged } })] });

  it('flags privileged: true on the value, in app and init containers', () => {
    const found = only('privileged-container', privileged(true));
    assert.deepEqual(brief(found), [`privileged-container @ ${C0}.securityContext.privileged`]);
    assert.equal(found[0]!.target, 'value');
    assert.equal(
      found[0]!.message,
      'Container `web` is privileged: it can do anything root on its node can. Remove `privileged: true` unless it must manage the node.',
    );
    assert.deepEqual(found[0]!.fixes, [
      {
        kind: 'replace-value',
        path: ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'privileged'],
        value: false,
        title: 'Set `privileged: false`',
      },
    ]);
    const init = deployment({
      initContainers: [hardened({ name: 'sysctl', securityContext: { privileged: true } })],
      containers: [hardened()],
    });
    assert.deepEqual(brief(only('privileged-container', init)), [
      'privileged-container @ spec.template.spec.initContainers[0].securityContext.privileged',
    ]);
  });

  it('accepts false, unset and placeholders', () => {
    for (const value of [false, undefined, '${PRIVILEGED}'])
      assert.deepEqual(only('privileged-container', privileged(value)), [], String(value));
  });

  it('judges what a patch sets, and points at the written container when only the patch has the field', () => {
    const patch = (privileged: boolean) => ({
      spec: { template: { spec: { containers: [{ name: 'web', securityContext: { privileged } }] } } },
    });
    assert.deepEqual(only('privileged-container', privileged(true), context({ patches: [patch(false)] })), []);
    const found = only(
      'privileged-container',
      deployment({ containers: [{ name: 'web', image: 'nginx:1.27' }] }),
      context({ patches: [patch(true)] }),
    );
    assert.deepEqual(brief(found), [`privileged-container @ ${C0}`]);
    assert.match(found[0]!.message, /^Container `web` is privileged \(set by a patch\):/);
  });
});

describe('policies: host-namespace', () => {
  it('flags each host namespace the pod shares, on its field', () => {
    const found = only('host-namespace', deployment({ hostNetwork: true, hostPID: true, hostIPC: true, containers: [hardened()] }));
    assert.deepEqual(brief(found), [
      'host-namespace @ spec.template.spec.hostNetwork',
      'host-namespace @ spec.template.spec.hostPID',
      'host-namespace @ spec.template.spec.hostIPC',
    ]);
    assert.equal(
      found[0]!.message,
      "The pod uses its node's network (`hostNetwork: true`): it can bind the node's ports and reach whatever the node can. Remove it unless the pod must manage the node.",
    );
    assert.ok(found.every((f) => f.target === 'value'));
    assert.deepEqual(found[0]!.fixes, [
      { kind: 'replace-value', path: ['spec', 'template', 'spec', 'hostNetwork'], value: false, title: 'Set `hostNetwork: false`' },
    ]);
  });

  it('accepts false and placeholders, and a patch that turns it off', () => {
    assert.deepEqual(only('host-namespace', deployment({ hostNetwork: false, hostPID: '${HOST_PID}', containers: [hardened()] })), []);
    const patch = { spec: { template: { spec: { hostNetwork: false } } } };
    assert.deepEqual(
      only('host-namespace', deployment({ hostNetwork: true, containers: [hardened()] }), context({ patches: [patch] })),
      [],
    );
  });
});

describe('policies: missing-probes', () => {
  const unprobed = (kind = 'Deployment', apiVersion = 'apps/v1') =>
    deployment(
      { containers: [hardened({ readinessProbe: undefined }), hardened({ name: 'sidecar', readinessProbe: undefined })] },
      kind,
      apiVersion,
    );
  const served = context({ isServiceBacked: true });

  it('flags a served workload none of whose containers has a readiness or liveness probe, once, on containers', () => {
    const found = only('missing-probes', unprobed(), served);
    assert.deepEqual(brief(found), ['missing-probes @ spec.template.spec.containers']);
    assert.equal(found[0]!.target, 'key');
    assert.equal(
      found[0]!.message,
      'No container of this Deployment has a readiness or liveness probe, yet a Service sends it traffic: pods get requests before they are ready and keep them when stuck. Add a `readinessProbe`.',
    );
    for (const [kind, apiVersion] of [
      ['StatefulSet', 'apps/v1'],
      ['DaemonSet', 'apps/v1'],
      ['Rollout', 'argoproj.io/v1alpha1'],
    ])
      assert.equal(only('missing-probes', unprobed(kind, apiVersion), served).length, 1, kind);
  });

  it('does not judge workloads no Service sends traffic to, nor Jobs and Pods', () => {
    assert.deepEqual(only('missing-probes', unprobed(), NO_CONTEXT), []);
    assert.deepEqual(only('missing-probes', unprobed('Job', 'batch/v1'), served), []);
    assert.deepEqual(
      only('missing-probes', { apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'x', image: 'nginx:1.27' }] } }, served),
      [],
    );
  });

  it('accepts a readiness or a liveness probe on any container, a placeholder one, or one a patch adds', () => {
    const probe = { tcpSocket: { port: 8080 } };
    const value = (extra: Json) =>
      deployment({
        containers: [hardened({ readinessProbe: undefined }), hardened({ name: 'sidecar', readinessProbe: undefined, ...extra })],
      });
    assert.deepEqual(only('missing-probes', value({ livenessProbe: probe }), served), []);
    assert.deepEqual(only('missing-probes', value({ readinessProbe: '${PROBE}' }), served), []);
    const patch = { spec: { template: { spec: { containers: [{ name: 'web', readinessProbe: probe }] } } } };
    assert.deepEqual(only('missing-probes', unprobed(), context({ isServiceBacked: true, patches: [patch] })), []);
  });
});

describe('policies: run-as-non-root (off by default)', () => {
  const withContexts = (pod: Json | undefined, container: Json | undefined) =>
    deployment({ ...(pod ? { securityContext: pod } : {}), containers: [hardened({ securityContext: container })] });

  it('flags a container that nothing keeps from running as root, per container', () => {
    const found = only('run-as-non-root', withContexts(undefined, { readOnlyRootFilesystem: true }));
    assert.deepEqual(brief(found), [`run-as-non-root @ ${C0}.securityContext`]);
    assert.equal(
      found[0]!.message,
      'Container `web` may run as root: no `runAsNonRoot: true` or non-zero `runAsUser` applies to it, so the image decides.',
    );
    // The container's own setting wins over the pod's.
    assert.equal(only('run-as-non-root', withContexts({ runAsNonRoot: true }, { runAsNonRoot: false })).length, 1);
  });

  it('flags runAsUser: 0 where it is set', () => {
    const found = only('run-as-non-root', withContexts({ runAsUser: 0 }, undefined));
    assert.deepEqual(brief(found), ['run-as-non-root @ spec.template.spec.securityContext.runAsUser']);
    assert.equal(found[0]!.message, 'Container `web` runs as root (`runAsUser: 0`). Run it as a non-zero user.');
    assert.deepEqual(brief(only('run-as-non-root', withContexts({ runAsNonRoot: true }, { runAsUser: 0 }))), [
      `run-as-non-root @ ${C0}.securityContext.runAsUser`,
    ]);
  });

  it('accepts runAsNonRoot or a non-zero runAsUser on the pod or the container, and placeholders', () => {
    for (const [pod, container] of [
      [{ runAsNonRoot: true }, undefined],
      [undefined, { runAsNonRoot: true }],
      [{ runAsUser: 1000 }, undefined],
      [undefined, { runAsUser: 1000 }],
      [{ runAsUser: 0 }, { runAsUser: 1000 }],
      [undefined, { runAsNonRoot: '${NON_ROOT}' }],
    ] as [Json | undefined, Json | undefined][])
      assert.deepEqual(only('run-as-non-root', withContexts(pod, container)), [], JSON.stringify([pod, container]));
  });
});

describe('policies: the other contested rules (off by default)', () => {
  it('allow-privilege-escalation: flags a container that does not set it false, unless privileged-container covers it', () => {
    const found = only(
      'allow-privilege-escalation',
      deployment({ containers: [hardened({ securityContext: { allowPrivilegeEscalation: true } })] }),
    );
    assert.deepEqual(brief(found), [`allow-privilege-escalation @ ${C0}.securityContext.allowPrivilegeEscalation`]);
    assert.equal(
      found[0]!.message,
      'Container `web` does not set `allowPrivilegeEscalation: false`: a setuid program in it can gain privileges.',
    );
    assert.deepEqual(
      only('allow-privilege-escalation', deployment({ containers: [hardened({ securityContext: { privileged: true } })] })),
      [],
    );
    assert.deepEqual(
      only(
        'allow-privilege-escalation',
        deployment({ containers: [hardened({ securityContext: { allowPrivilegeEscalation: '${APE}' } })] }),
      ),
      [],
    );
  });

  it('read-only-root-filesystem: flags a container whose root filesystem is writable', () => {
    const found = only('read-only-root-filesystem', deployment({ containers: [hardened({ securityContext: { runAsNonRoot: true } })] }));
    assert.deepEqual(brief(found), [`read-only-root-filesystem @ ${C0}.securityContext`]);
    assert.equal(
      found[0]!.message,
      'Container `web` can write to its root filesystem. Set `readOnlyRootFilesystem: true` and mount volumes where it must write.',
    );
    assert.deepEqual(only('read-only-root-filesystem', deployment({ containers: [hardened()] })), []);
    assert.deepEqual(only('read-only-root-filesystem', deployment({ containers: [hardened({ securityContext: '${SC}' })] })), []);
  });

  it('no-cpu-limit: flags an app container without a CPU limit', () => {
    const found = only('no-cpu-limit', deployment({ containers: [hardened({ resources: { limits: { memory: '1Gi' } } })] }));
    assert.deepEqual(brief(found), [`no-cpu-limit @ ${C0}.resources.limits`]);
    assert.equal(
      found[0]!.message,
      'Container `web` has no CPU limit: it can take every idle core of its node. Set `resources.limits.cpu`.',
    );
    assert.deepEqual(only('no-cpu-limit', deployment({ containers: [hardened({ resources: { limits: { cpu: '${CPU}' } } })] })), []);
  });

  it('no-resource-requests: flags what is neither requested nor limited (a limit is a request)', () => {
    const requests = (resources: unknown) => only('no-resource-requests', deployment({ containers: [hardened({ resources })] }));
    const both = requests(undefined);
    assert.deepEqual(brief(both), [`no-resource-requests @ ${C0}`]);
    assert.equal(
      both[0]!.message,
      'Container `web` requests no CPU or memory: the scheduler places it as if it needed none. Set `resources.requests`.',
    );
    assert.equal(
      requests({ requests: { cpu: '100m' } })[0]!.message,
      'Container `web` requests no memory: the scheduler places it as if it needed none. Set `resources.requests.memory`.',
    );
    assert.deepEqual(brief(requests({ requests: { cpu: '100m' } })), [`no-resource-requests @ ${C0}.resources.requests`]);
    assert.deepEqual(requests({ limits: { cpu: '1', memory: '1Gi' } }), []);
    assert.deepEqual(requests({ requests: { cpu: '${CPU}' }, limits: { memory: '1Gi' } }), []);
  });
});

describe('policies: judged on the resource with its patches merged in', () => {
  const base = () => deployment({ containers: [hardened(), hardened({ name: 'sidecar', image: 'envoy' })] });
  const patched = (...containers: unknown[]) =>
    context({ patches: [{ kind: 'Deployment', spec: { template: { spec: { containers } } } }] });

  it('drops a container a patch deletes, and judges the others at their written index', () => {
    assert.deepEqual(brief(byDefault(checkPolicies(base(), NO_CONTEXT))), ['image-tag-latest @ spec.template.spec.containers[1].image']);
    assert.deepEqual(byDefault(checkPolicies(base(), patched({ name: 'sidecar', $patch: 'delete' }))), []);
  });

  it('skips containers that only a patch has: the patch file is judged where it is', () => {
    assert.deepEqual(
      byDefault(
        checkPolicies(
          deployment({ containers: [hardened()] }),
          patched({ name: 'debug', image: 'busybox', securityContext: { privileged: true } }),
        ),
      ),
      [],
    );
  });

  it('replaces a container or a map marked $patch: replace, and removes a key set to null', () => {
    const replaced = checkPolicies(base(), patched({ name: 'web', image: 'nginx:1.27', $patch: 'replace' }));
    // The written limit is what the patch takes away: the finding points at it.
    const removed = replaced.filter((f) => f.rule === 'no-memory-limit');
    assert.deepEqual(brief(removed), ['no-memory-limit @ spec.template.spec.containers[0].resources.limits.memory']);
    assert.match(removed[0]!.message, /^Container `web` has no memory limit \(a patch removes it\):/);
    const resources = checkPolicies(base(), patched({ name: 'web', resources: { $patch: 'replace', requests: { memory: '1Gi' } } }));
    assert.deepEqual(brief(resources, 'no-memory-limit'), ['no-memory-limit @ spec.template.spec.containers[0].resources.limits.memory']);
    const nulled = checkPolicies(base(), patched({ name: 'web', resources: { limits: { memory: null } } }));
    assert.deepEqual(brief(nulled, 'no-memory-limit'), ['no-memory-limit @ spec.template.spec.containers[0].resources.limits.memory']);
  });

  it('replaces a whole list on - $patch: replace, keeping the written place of a container that keeps its name', () => {
    const found = checkPolicies(
      base(),
      patched({ $patch: 'replace' }, { name: 'sidecar', image: 'envoy:1.30' }, { name: 'extra', image: 'x' }),
    );
    assert.deepEqual(brief(byDefault(found)), ['no-memory-limit @ spec.template.spec.containers[1].resources.limits.memory']);
  });

  it('applies patches in order, ignores directives it does not need and patches that delete the whole resource', () => {
    const value = deployment({ containers: [{ name: 'web', image: 'nginx:1.27' }] });
    const limit = (memory: string | null) => ({
      spec: { template: { spec: { containers: [{ name: 'web', resources: { limits: { memory } } }] } } },
    });
    const ordered = (...patches: unknown[]) => only('no-memory-limit', value, context({ patches }));
    assert.equal(ordered(limit('1Gi'), limit(null)).length, 1);
    assert.deepEqual(ordered(limit(null), limit('1Gi')), []);
    assert.deepEqual(ordered({ $patch: 'delete' }, 'not a patch', [{ op: 'remove', path: '/spec' }], limit('1Gi')), []);
    const withOrder = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }],
            containers: [{ name: 'web', resources: { limits: { memory: '1Gi' } } }],
          },
        },
      },
    };
    assert.deepEqual(ordered(withOrder), []);
  });

  it('does not change the resource or the patches', () => {
    const value = base();
    const patch = { spec: { template: { spec: { containers: [{ name: 'web', resources: { limits: { memory: '2Gi' } } }] } } } };
    const before = JSON.stringify([value, patch]);
    checkPolicies(value, context({ patches: [patch] }));
    assert.equal(JSON.stringify([value, patch]), before);
  });
});
