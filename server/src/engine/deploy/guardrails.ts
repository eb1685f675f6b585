// The guardrails of a deploy or rollback, checked before anything is written: a protected environment needs its name
// typed; the context's cluster must be the environment's (a renamed context pointing at another cluster is refused);
// validation errors block unless overridden (recorded); objects a GitOps controller manages are changed through git,
// not by a direct apply it would undo (overridable, recorded); an auto-sync that would undo a direct change is named,
// to be suspended (with a reminder to resume) or gone around through git; field-manager conflicts are shown and not
// forced unless chosen; one deploy per environment at a time. Each says what it found and what lifts it.
import type { Json } from '../json';
import { argoAutoSync, fluxSuspended } from './controller-sync';
import type { DeployRecord } from './deploy-record';
import { describeController, type DeployTarget } from './deploy-target';

export type GuardrailId =
  | 'protection'
  | 'cluster'
  | 'render'
  | 'validation'
  | 'managed-objects'
  | 'auto-sync'
  | 'conflicts'
  | 'controller'
  | 'uncommitted'
  | 'lease';

/** What lifts a block: the environment's name typed, an override (recorded), suspending auto-sync, forcing conflicts. */
export type GuardrailLift = 'confirm' | 'override' | 'suspend' | 'force-conflicts';

export interface Guardrail {
  id: GuardrailId;
  verdict: 'pass' | 'warn' | 'block';
  message: string;
  /** What would lift a block; absent: nothing does (fix the cause). */
  lift?: GuardrailLift;
  /** The answers given lift it. */
  lifted?: boolean;
}

/** The user's answers to the guardrails. */
export interface DeployAnswers {
  /** The environment's name, typed (protected environments). */
  confirm?: string;
  /** Go past validation errors and controller-managed objects (recorded). */
  override?: boolean;
  /** Suspend an auto-sync that would undo the change (the result reminds to resume it). */
  suspendAutoSync?: boolean;
  /** Take fields other field managers own (server-side apply with force). */
  forceConflicts?: boolean;
}

export interface FieldConflict {
  /** `.spec.replicas` */
  field: string;
  /** The field manager that owns it. */
  manager: string;
}

export interface GuardrailFacts {
  target: DeployTarget;
  /** Written to the cluster without going through git first (apply mode, an immediate rollback). */
  direct: boolean;
  /** The context chosen and its cluster; undefined when none could be reached or chosen. */
  cluster?: { context: string; server: string; clusterId?: string };
  /** The environment's last deploy that reached a cluster. */
  lastRecord?: DeployRecord;
  renderError?: string;
  validationErrors: number;
  /** Live objects of the render that a controller tracks, with which. */
  managed: { object: string; by: string }[];
  /** The environment's controller object as the cluster has it; `null`: asked for, not there. */
  controllerObject?: Json | null;
  conflicts: { object: string; conflicts: FieldConflict[] }[];
  /** Inputs with uncommitted changes (left out). */
  uncommitted: string[];
  /** Another deploy's Lease on the environment. */
  heldBy?: { holder: string; since?: string };
}

/** An API server URL for comparison: lower-case scheme and host, the default port and a trailing slash dropped. */
export function normalizedServer(url: string): string {
  const parsed = /^([a-z][a-z0-9+.-]*):\/\/([^/:?#]+|\[[^\]]+\])(?::(\d+))?([^?#]*)/i.exec(url.trim());
  if (!parsed) return url.trim().replace(/\/+$/, '').toLowerCase();
  const [, scheme, host, port, path] = parsed as unknown as [string, string, string, string | undefined, string];
  const protocol = scheme.toLowerCase();
  const defaultPort = (protocol === 'https' && port === '443') || (protocol === 'http' && port === '80');
  return `${protocol}://${host.toLowerCase()}${port && !defaultPort ? `:${port}` : ''}${path.replace(/\/+$/, '')}`;
}

function protection(facts: GuardrailFacts, answers: DeployAnswers): Guardrail {
  const name = facts.target.environment;
  if (!facts.target.protected) return { id: 'protection', verdict: 'pass', message: `${name} is not protected.` };
  if (answers.confirm === name)
    return {
      id: 'protection',
      verdict: 'block',
      lift: 'confirm',
      lifted: true,
      message: `${name} is protected (production): its name was typed.`,
    };
  return {
    id: 'protection',
    verdict: 'block',
    lift: 'confirm',
    lifted: false,
    message:
      answers.confirm === undefined
        ? `${name} is protected (production): type its name to go on (driftless: --confirm ${name}).`
        : `${name} is protected (production), and "${answers.confirm}" is not its name: nothing was done.`,
  };
}

function cluster(facts: GuardrailFacts): Guardrail {
  const { target } = facts;
  if (!facts.cluster) return { id: 'cluster', verdict: 'block', message: 'No cluster could be reached to check.' };
  const { context, server, clusterId } = facts.cluster;
  if (target.expectedServer) {
    if (normalizedServer(server) !== normalizedServer(target.expectedServer))
      return {
        id: 'cluster',
        verdict: 'block',
        message: `The context "${context}" points at ${server}, but ${target.environment}'s cluster is ${target.expectedServer} (.driftless.yaml cluster.server): a renamed or repointed context? Nothing was deployed. Fix the kubeconfig, or pass the context of that cluster.`,
      };
    return { id: 'cluster', verdict: 'pass', message: `The context "${context}" points at ${server}, ${target.environment}'s cluster.` };
  }
  const last = facts.lastRecord;
  if (last?.clusterId && clusterId && last.clusterId !== clusterId)
    return {
      id: 'cluster',
      verdict: 'block',
      message: `The context "${context}" reaches another cluster (${server}, id ${clusterId.slice(0, 8)}) than ${target.environment}'s last deploy (${last.server ?? '?'}, id ${last.clusterId.slice(0, 8)}, context "${last.context ?? '?'}", ${last.when}): a renamed or repointed context? Nothing was deployed. If the environment moved, declare its cluster.server in .driftless.yaml.`,
    };
  if (last?.clusterId && clusterId)
    return {
      id: 'cluster',
      verdict: 'pass',
      message: `The context "${context}" reaches the cluster of ${target.environment}'s last deploy (${server}).`,
    };
  const unchecked = `The context "${context}" (${server}) could not be checked against ${target.environment}'s cluster: .driftless.yaml declares no cluster.server and no earlier deploy is recorded.`;
  return target.protected
    ? { id: 'cluster', verdict: 'block', message: `${unchecked} A protected environment needs its cluster.server declared.` }
    : { id: 'cluster', verdict: 'warn', message: unchecked };
}

function controllerChecks(facts: GuardrailFacts, answers: DeployAnswers): Guardrail[] {
  const controller = facts.target.controller;
  if (!controller) return [];
  const named = describeController(controller);
  const object = facts.controllerObject;
  const checks: Guardrail[] = [];
  if (object === null)
    checks.push(
      facts.direct
        ? { id: 'controller', verdict: 'warn', message: `${named} is not in the cluster.` }
        : {
            id: 'controller',
            verdict: 'block',
            message: `${named} is not in the cluster: there is nothing to sync. Is the context right?`,
          },
    );
  if (!object) return checks;
  const status = typeof object.status === 'object' && object.status !== null ? (object.status as Json) : {};
  const operationState = typeof status.operationState === 'object' && status.operationState !== null ? (status.operationState as Json) : {};
  if (!facts.direct && controller.kind === 'argocd' && (object.operation || operationState.phase === 'Running'))
    checks.push({ id: 'controller', verdict: 'block', message: `${named} has another operation in progress: wait for it to finish.` });
  if (!facts.direct && controller.kind === 'flux' && fluxSuspended(object))
    checks.push({
      id: 'controller',
      verdict: 'block',
      message: `${named} is suspended: it would apply nothing. Resume it first (flux resume ${controller.fluxKind.toLowerCase()} ${controller.name} -n ${controller.namespace}).`,
    });
  const automatic = controller.kind === 'argocd' ? argoAutoSync(object) : !fluxSuspended(object);
  if (facts.direct && automatic)
    checks.push({
      id: 'auto-sync',
      verdict: 'block',
      lift: 'suspend',
      lifted: answers.suspendAutoSync === true,
      message: `${named} ${controller.kind === 'argocd' ? 'syncs automatically (syncPolicy.automated)' : 'is not suspended'}: it would undo a change made behind its back. Suspend it for this change (you will be reminded to resume it), or go through git (mode pull-request or commit).`,
    });
  return checks;
}

/** Every guardrail, in the order a person reads them. */
export function evaluateGuardrails(facts: GuardrailFacts, answers: DeployAnswers): Guardrail[] {
  const checks: Guardrail[] = [protection(facts, answers), cluster(facts)];
  if (facts.renderError) checks.push({ id: 'render', verdict: 'block', message: `It cannot be rendered: ${facts.renderError}` });
  if (facts.validationErrors > 0)
    checks.push({
      id: 'validation',
      verdict: 'block',
      lift: 'override',
      lifted: answers.override === true,
      message: `Validation found ${facts.validationErrors} error${facts.validationErrors === 1 ? '' : 's'} in its inputs: fix ${facts.validationErrors === 1 ? 'it' : 'them'}, or override (recorded).`,
    });
  else checks.push({ id: 'validation', verdict: 'pass', message: 'Validation passed.' });
  if (facts.direct && facts.managed.length) {
    const by = [...new Set(facts.managed.map((m) => m.by))].join(', ');
    checks.push({
      id: 'managed-objects',
      verdict: 'block',
      lift: 'override',
      lifted: answers.override === true,
      message: `${facts.managed.length} object${facts.managed.length === 1 ? ' is' : 's are'} managed by ${by} (${facts.managed
        .slice(0, 3)
        .map((m) => m.object)
        .join(
          ', ',
        )}${facts.managed.length > 3 ? ', …' : ''}): change ${facts.managed.length === 1 ? 'it' : 'them'} through git, not by a direct apply the controller would undo — or override (recorded).`,
    });
  }
  checks.push(...controllerChecks(facts, answers));
  if (facts.conflicts.length) {
    const count = facts.conflicts.reduce((n, c) => n + c.conflicts.length, 0);
    const first = facts.conflicts[0]!;
    checks.push({
      id: 'conflicts',
      verdict: 'block',
      lift: 'force-conflicts',
      lifted: answers.forceConflicts === true,
      message: `${count} field${count === 1 ? ' is' : 's are'} owned by another field manager (${first.object}: ${first.conflicts
        .slice(0, 2)
        .map((c) => `${c.field} by ${c.manager}`)
        .join(', ')}${count > 2 ? ', …' : ''}): not forced unless you choose to take them.`,
    });
  }
  if (facts.uncommitted.length)
    checks.push({
      id: 'uncommitted',
      verdict: 'warn',
      message: `Uncommitted changes to its inputs are left out (${facts.uncommitted.slice(0, 5).join(', ')}${facts.uncommitted.length > 5 ? ', …' : ''}): commit them first to deploy them.`,
    });
  if (facts.heldBy)
    checks.push({
      id: 'lease',
      verdict: 'block',
      message: `Another deploy of ${facts.target.environment} is running (${facts.heldBy.holder}${facts.heldBy.since ? `, since ${facts.heldBy.since}` : ''}): wait for it to finish.`,
    });
  return checks;
}

/** The blocks the answers do not lift: any means nothing is done. */
export function unliftedBlocks(guardrails: readonly Guardrail[]): Guardrail[] {
  return guardrails.filter((g) => g.verdict === 'block' && !g.lifted);
}

/** What the user chose to go past, for the record. */
export function overridesOf(guardrails: readonly Guardrail[]): string[] {
  const names: Record<GuardrailId, string | undefined> = {
    protection: undefined,
    cluster: undefined,
    render: undefined,
    validation: 'validation',
    'managed-objects': 'managed-objects',
    'auto-sync': 'suspend-auto-sync',
    conflicts: 'force-conflicts',
    controller: undefined,
    uncommitted: undefined,
    lease: undefined,
  };
  return guardrails.flatMap((g) => (g.verdict === 'block' && g.lifted && names[g.id] ? [names[g.id]!] : []));
}
