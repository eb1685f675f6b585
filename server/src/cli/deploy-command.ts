// `driftless deploy --env NAME [--mode pull-request|commit|apply] [--confirm NAME] [--dry-run] [--prune] [--timeout S]
// [--format text|json]`, `driftless rollback --env NAME --to REV [...]` and `driftless history --env NAME`: the deploy
// engine for pipelines. The plan is printed first (text) or is part of the result (JSON: the same object the editor's
// commands return). Exit 0 done (or planned, with --dry-run), 1 refused by a guardrail or not healthy in time,
// 2 an error; 130 cancelled. Progress goes to stderr as it happens; nothing is asked (no terminal is assumed).
import { resolve } from 'node:path';
import { planText } from '../engine/deploy/deploy-plan';
import type { HistoryEntry } from '../engine/deploy/history';
import { DELIVERY_MODES, type DeliveryMode } from '../engine/deploy/deploy-target';
import { TOKEN_VARIABLES } from '../node/delivery/pull-requests';
import { environmentHistory } from '../node/deploy/deploy-history';
import { DeployError } from '../node/deploy/deploy-plan';
import { EXIT_CODES, runDeploy, type DeployResult } from '../node/deploy/deploy-run';
import { findProjectRoot } from '../node/project';
import type { RenderTools } from '../node/render/render-environment';
import type { CommandResult } from './validate-command';

export interface DeployCommandOptions {
  kind: 'deploy' | 'rollback';
  environment: string;
  mode?: string;
  to?: string;
  confirm?: string;
  dryRun: boolean;
  prune: boolean;
  /** --override (validation errors, objects a controller manages), --force-conflicts, --suspend-auto-sync. */
  override: boolean;
  forceConflicts: boolean;
  suspendAutoSync: boolean;
  /** --immediate (rollback): the controller synced to the revision, or its render applied, without new commits. */
  immediate: boolean;
  timeoutS?: number;
  context?: string;
  kubeconfig?: string;
  format: 'text' | 'json';
  cwd: string;
  env: Record<string, string | undefined>;
  tools: RenderTools;
  /** Where progress lines go as they happen (stderr). */
  progress?: (line: string) => void;
}

const usage = (message: string): CommandResult => ({ exitCode: 2, stdout: '', stderr: `driftless: ${message}` });

export async function runDeployCommand(options: DeployCommandOptions): Promise<CommandResult> {
  if (options.mode !== undefined && !DELIVERY_MODES.includes(options.mode as DeliveryMode))
    return usage(`--mode must be ${DELIVERY_MODES.join(', ')}, not "${options.mode}"`);
  if (options.kind === 'rollback' && !options.to)
    return usage('rollback needs --to REV (a commit of the history: driftless history --env NAME)');
  const env = options.env;
  const tokens = Object.values(TOKEN_VARIABLES);
  const result = await runDeploy({
    root: findProjectRoot(resolve(options.cwd)),
    environment: options.environment,
    kind: options.kind,
    ...(options.mode ? { mode: options.mode as DeliveryMode } : {}),
    ...(options.to ? { to: options.to } : {}),
    ...(options.immediate ? { immediate: true } : {}),
    answers: {
      ...(options.confirm !== undefined ? { confirm: options.confirm } : {}),
      ...(options.override ? { override: true } : {}),
      ...(options.forceConflicts ? { forceConflicts: true } : {}),
      ...(options.suspendAutoSync ? { suspendAutoSync: true } : {}),
    },
    prune: options.prune,
    dryRun: options.dryRun,
    ...(options.context ? { context: options.context } : {}),
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    env,
    cwd: options.cwd,
    tools: options.tools,
    ...(options.timeoutS ? { timeoutMs: options.timeoutS * 1000 } : {}),
    forge: {
      forges: [],
      environment: Object.fromEntries(tokens.map((name) => [name, env[name]])),
      ci: { GITHUB_API_URL: env.GITHUB_API_URL, CI_API_V4_URL: env.CI_API_V4_URL },
      ...(env.DRIFTLESS_FORGE_TIMEOUT_MS ? { timeoutMs: Number(env.DRIFTLESS_FORGE_TIMEOUT_MS) } : {}),
    },
    ...(env.DRIFTLESS_MERGE_POLL_MS ? { mergePollMs: Number(env.DRIFTLESS_MERGE_POLL_MS) } : {}),
    // argocd-server's REST API (when .driftless.yaml names its URL) takes the token the argocd CLI reads.
    ...(env.ARGOCD_AUTH_TOKEN ? { argocd: { token: env.ARGOCD_AUTH_TOKEN } } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
  });
  const exitCode = EXIT_CODES[result.outcome];
  if (options.format === 'json') return { exitCode, stdout: JSON.stringify(result, null, 2), stderr: '' };
  // Nothing planned (no such environment, no cluster): one line on stderr, as every command's errors.
  if (!result.plan && result.outcome === 'failed') return { exitCode, stdout: '', stderr: `driftless: ${result.message}` };
  return { exitCode, stdout: resultText(result), stderr: '' };
}

/** The result as text: the plan, the steps done, the end (and what is known when it did not become healthy). */
export function resultText(result: DeployResult): string {
  const lines: string[] = [];
  if (result.plan) lines.push(planText(result.plan), '');
  for (const step of result.steps)
    lines.push(
      `${step.status === 'done' ? '✓' : step.status === 'skipped' ? '-' : '✗'} ${step.step}${step.detail ? `: ${step.detail}` : ''}`,
    );
  if (result.known.length) lines.push('What is known:', ...result.known.map((line) => `  ${line}`));
  if (result.pullRequest)
    lines.push(`Pull request #${result.pullRequest.number}: ${result.pullRequest.url}${result.pullRequest.merged ? ' (merged)' : ''}`);
  if (result.controller)
    lines.push(
      `${result.controller.name}: ${[result.controller.sync, result.controller.health, result.controller.ready && `Ready ${result.controller.ready}`].filter(Boolean).join(', ') || result.controller.phase}${result.controller.message ? ` — ${result.controller.message}` : ''}`,
    );
  if (result.drift)
    lines.push(
      `Drift after: ${result.drift.drifted} drifted, ${result.drift.missing} missing, ${result.drift.extra} extra, ${result.drift.inSync} in sync`,
    );
  if (result.record)
    lines.push(
      `Recorded in ${result.record.ref} on ${result.record.revision.slice(0, 12)}${result.record.pushed ? ' (pushed)' : result.record.problem ? ` (not pushed: ${result.record.problem})` : ''}`,
    );
  lines.push(result.message);
  return lines.join('\n');
}

export interface HistoryCommandOptions {
  environment: string;
  context?: string;
  kubeconfig?: string;
  format: 'text' | 'json';
  cwd: string;
  env: Record<string, string | undefined>;
  tools: RenderTools;
}

export async function runHistoryCommand(options: HistoryCommandOptions): Promise<CommandResult> {
  let history;
  try {
    history = await environmentHistory({
      root: findProjectRoot(resolve(options.cwd)),
      environment: options.environment,
      ...(options.context ? { context: options.context } : {}),
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      env: options.env,
      cwd: options.cwd,
      tools: options.tools,
    });
  } catch (error) {
    if (error instanceof DeployError) return { exitCode: 2, stdout: '', stderr: `driftless: ${error.message}` };
    throw error;
  }
  if (options.format === 'json') return { exitCode: 0, stdout: JSON.stringify(history, null, 2), stderr: '' };
  const lines = [
    `History of ${history.environment}${history.controller ? ` (${history.controller.name})` : ''}, newest first:`,
    ...history.entries.map(entryText),
  ];
  if (!history.entries.length) lines.push('  nothing yet: no commit changed its inputs, and nothing was deployed.');
  return { exitCode: 0, stdout: lines.join('\n'), stderr: history.notes.map((note) => `driftless: ${note}`).join('\n') };
}

function entryText(entry: HistoryEntry): string {
  const facts: string[] = [];
  if (entry.changedInputs) facts.push('changed its inputs');
  for (const deployment of entry.controller)
    facts.push(
      `${deployment.source}${deployment.id !== undefined ? ` #${deployment.id}` : ''} deployed it${deployment.deployedAt ? ` ${deployment.deployedAt}` : ''}`,
    );
  for (const record of entry.records)
    facts.push(`${record.kind} ${record.outcome} (${record.mode}) by ${record.who.replace(/ <.*>$/, '')} ${record.when}`);
  return `${entry.current ? '*' : ' '} ${entry.commit.slice(0, 12)}  ${entry.date.slice(0, 16).replace('T', ' ')}  ${entry.subject ?? ''}${entry.current ? '  [running now]' : ''}\n      ${facts.join('; ')}`;
}
