// The best-practice policies: each rule's default (warning, or off for contested ones), its one-line why and a link.
// A default warning must hold for every well-formed production manifest: a rule that fires on correct manifests (the
// image's own USER, a LimitRange, a team's view on CPU limits) ships off, for a team to turn on in `.driftless.yaml`.
import type { RuleInfo } from '../rules';

const PSS = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';
const RESOURCES = 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/';
const APP_CHECKLIST = 'https://kubernetes.io/docs/concepts/security/application-security-checklist/';

export const POLICY_RULES = {
  // Warning: no reading of the manifest makes `latest` safe; Kubernetes' own docs say to avoid it in production.
  'image-tag-latest': {
    severity: 'warning',
    category: 'policy',
    summary: 'An image has no tag or the tag `latest`: what runs changes without a commit, and a rollback may not go back.',
    link: 'https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy',
  },
  // Warning: every peer flags it, and the Kubernetes checklist asks for a memory limit on every workload. Checked on
  // app containers only: init containers run one at a time and exit before the app starts, so they cannot leak for
  // the pod's lifetime, and the small ones (wait-for, chown) rarely carry limits.
  'no-memory-limit': {
    severity: 'warning',
    category: 'policy',
    summary: 'A container has no memory limit: a leak grows until its node runs out and other pods are killed.',
    link: RESOURCES,
  },
  // Warning: forbidden by the Baseline Pod Security Standard, the level meant for any ordinary workload.
  'privileged-container': {
    severity: 'warning',
    category: 'policy',
    summary: "A privileged container has its node's devices and every capability: breaking out of it takes the node.",
    link: `${PSS}#baseline`,
  },
  // Warning: forbidden by the Baseline Pod Security Standard.
  'host-namespace': {
    severity: 'warning',
    category: 'policy',
    summary: "A pod shares its node's network, process or IPC namespace, so it can see and reach what else runs there.",
    link: `${PSS}#baseline`,
  },
  // Warning, but only for long-running workloads that a Service sends traffic to: there a pod without probes gets
  // requests before it can answer them and keeps getting them when stuck. Jobs and unserved workloads are not judged.
  'missing-probes': {
    severity: 'warning',
    category: 'policy',
    summary: 'A workload a Service sends traffic to has no readiness or liveness probe.',
    link: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
  },
  // Off: the image's USER often already runs it as non-root, which the manifest cannot show, and many official charts
  // and hardened repositories omit `runAsNonRoot`. It is a Restricted (not Baseline) Pod Security Standard control.
  'run-as-non-root': {
    severity: 'off',
    category: 'policy',
    summary: 'A container may run as root: neither it nor its pod sets `runAsNonRoot: true` or a non-zero `runAsUser`.',
    link: `${PSS}#restricted`,
  },
  // Off: a Restricted (not Baseline) Pod Security Standard control; most manifests leave it unset.
  'allow-privilege-escalation': {
    severity: 'off',
    category: 'policy',
    summary: 'A container does not set `allowPrivilegeEscalation: false`, so a setuid program in it can gain privileges.',
    link: `${PSS}#restricted`,
  },
  // Off: many images write to their filesystem (caches, pid files) and need volumes added before they can run with it.
  'read-only-root-filesystem': {
    severity: 'off',
    category: 'policy',
    summary: 'A container can write to its root filesystem, so an intruder can change the programs it runs.',
    link: `${APP_CHECKLIST}#container-security-context`,
  },
  // Off: contested. A CPU limit throttles a container even when its node has idle CPU; many teams set requests only,
  // and the Kubernetes checklist says a CPU limit "might be set on sensitive workloads".
  'no-cpu-limit': {
    severity: 'off',
    category: 'policy',
    summary: 'A container has no CPU limit, so it can take every idle core of its node.',
    link: `${APP_CHECKLIST}#application-design`,
  },
  // Off: a namespace's LimitRange often supplies default requests, which the manifest cannot show. A limit counts as
  // a request: the API server sets a missing request to the limit.
  'no-resource-requests': {
    severity: 'off',
    category: 'policy',
    summary: 'A container requests no CPU or no memory, so the scheduler places it as if it needed none.',
    link: `${RESOURCES}#how-pods-with-resource-requests-are-scheduled`,
  },
} as const satisfies Record<string, RuleInfo>;
