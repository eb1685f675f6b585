// `driftless drift [--env NAME] [--context CTX] [--kubeconfig FILE] [--format text|json]`: what runs in each
// environment's cluster against what git declares, object by object, each difference with the manager that made it.
// Exit 0 in sync, 1 drift, 2 errors (what could be compared is still printed). Nothing is written to a cluster.
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeControllerStatus } from '../engine/drift/controller-status';
import type { DriftDifference, DriftObject } from '../engine/drift/drift-report';
import { findProjectRoot } from '../node/project';
import { driftEnvironments, type EnvironmentDrift } from '../node/drift/drift-environments';
import type { RenderTools } from '../node/render/render-environment';
import type { CommandResult } from './validate-command';

export interface DriftCommandOptions {
  environment?: string;
  context?: string;
  kubeconfig?: string;
  format: 'text' | 'json';
  cwd: string;
  env: Record<string, string | undefined>;
  tools: RenderTools;
}

/** One environment as the JSON output has it: exactly these fields, `null` where a value is absent. */
export function driftJson(drift: EnvironmentDrift): object {
  return {
    environment: drift.environment,
    context: drift.context,
    objects: drift.objects.map((object) => ({
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: object.namespace ?? null,
      name: object.name,
      status: object.status,
      differences: object.differences.map((d) => ({ path: d.path, desired: d.desired, live: d.live, manager: d.manager })),
      error: object.error ?? null,
    })),
    summary: drift.summary,
  };
}

export async function runDrift(options: DriftCommandOptions): Promise<CommandResult> {
  // DRIFTLESS_REQUEST_LOG=FILE: one line per request sent to an API server (method and path, as kubectl -v=6 shows).
  const logFile = options.env.DRIFTLESS_REQUEST_LOG;
  const requestLog = logFile ? (method: string, path: string) => appendFileSync(logFile, `${method} ${path}\n`) : undefined;
  const result = await driftEnvironments({
    root: findProjectRoot(resolve(options.cwd)),
    cwd: options.cwd,
    env: options.env,
    tools: options.tools,
    ...(options.environment ? { environment: options.environment } : {}),
    ...(options.context ? { context: options.context } : {}),
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.tools.timeoutMs ? { timeoutMs: options.tools.timeoutMs } : {}),
    ...(requestLog ? { requestLog } : {}),
  });
  if ('error' in result) return { exitCode: 2, stdout: '', stderr: `driftless: ${result.error}` };
  const compared = result.environments.filter((e) => !e.skipped);
  const errors = compared.filter((e) => e.error);
  const drifted = compared.some((e) => e.summary.drifted + e.summary.missing + e.summary.extra > 0);
  // An environment asked for by name that cannot be compared (its source is another repository) is an error too.
  const skippedByName = options.environment !== undefined && result.environments.some((e) => e.skipped);
  const exitCode = errors.length || skippedByName ? 2 : drifted ? 1 : 0;
  const stderr = [
    ...result.environments.filter((e) => e.skipped).map((e) => `driftless: ${e.environment}: not compared: ${e.skipped}`),
    ...errors.map((e) => `driftless: ${e.environment}: ${e.error}`),
  ];
  if (options.format === 'json') {
    // One environment asked for: its document; else a list of them (those compared; the others are named on stderr).
    const documents = compared.map(driftJson);
    const notes = compared.flatMap((e) => e.notes.map((note) => `driftless: ${e.environment}: note: ${note}`));
    return {
      exitCode,
      stdout: JSON.stringify(options.environment ? (documents[0] ?? null) : documents, null, 2),
      stderr: [...stderr, ...notes].join('\n'),
    };
  }
  if (!result.environments.length) return { exitCode: 0, stdout: 'No environments to compare.', stderr: '' };
  return { exitCode, stdout: compared.map(textOf).join('\n\n'), stderr: stderr.join('\n') };
}

const SIGN: Record<DriftObject['status'], string> = { 'in-sync': '=', drifted: '~', missing: '-', extra: '+', unknown: '?' };

function identity(object: DriftObject): string {
  return `${object.apiVersion} ${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return '(not set)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Who made a difference, in words: `kubectl (Update through /scale at 2025-01-02T10:00:00Z)`. */
export function describeManager(difference: DriftDifference): string {
  if (!difference.manager) return 'no manager owns it';
  const change = difference.change;
  const how = [
    change?.operation,
    change?.subresource ? `through /${change.subresource}` : undefined,
    change?.time ? `at ${change.time}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  const what =
    difference.manager === 'kube-controller-manager' && change?.subresource === 'scale'
      ? `${difference.manager}, a HorizontalPodAutoscaler`
      : difference.manager;
  return `${change?.via ? `the owner of ${change.via}: ` : ''}${what}${how ? ` (${how})` : ''}`;
}

function textOf(drift: EnvironmentDrift): string {
  const { summary } = drift;
  const counts = [
    summary.drifted && `${summary.drifted} drifted`,
    summary.missing && `${summary.missing} missing`,
    summary.extra && `${summary.extra} extra`,
    summary.unknown && `${summary.unknown} unknown`,
    `${summary.inSync} in sync`,
  ].filter(Boolean);
  const lines = [`${drift.environment} (context ${drift.context ?? 'none'}): ${counts.join(', ')}`];
  for (const object of drift.objects) {
    if (object.status === 'in-sync' && !object.error) continue;
    const what =
      object.status === 'missing'
        ? ': missing (in git, not in the cluster)'
        : object.status === 'extra'
          ? ': extra (in the cluster, marked as this environment’s, not in git)'
          : object.status === 'unknown'
            ? `: unknown: ${object.error ?? ''}`
            : object.status === 'drifted'
              ? object.comparedBy === 'fields-git-sets'
                ? ': drifted (compared on the fields git sets)'
                : ': drifted'
              : '';
    lines.push(`  ${SIGN[object.status]} ${identity(object)}${what}`);
    if (object.error && object.status !== 'unknown') lines.push(`      error: ${object.error}`);
    for (const difference of object.differences)
      lines.push(
        `      ${difference.path}: git ${shown(difference.desired)}, live ${shown(difference.live)} — by ${describeManager(difference)}`,
      );
  }
  for (const controller of drift.controllers)
    lines.push(
      `  ${controller.kind} ${controller.namespace ? `${controller.namespace}/` : ''}${controller.name} says: ${describeControllerStatus(controller)}${controller.message ? ` — ${controller.message}` : ''}`,
    );
  for (const note of drift.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}
