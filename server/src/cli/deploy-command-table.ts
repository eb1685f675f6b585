// The command table's entries for `deploy`, `rollback` and `history` (their options, formats and help); the deploy
// engine (server/src/cli/deploy-command.ts) is loaded only when one of them runs.
import { resolve } from 'node:path';
import type { RenderTools } from '../node/render/render-environment';
import type { CliCommand, CliOption, OptionValues } from './command-table';

const text = (options: OptionValues, name: string): string | undefined => {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
};
const flag = (options: OptionValues, name: string) => options[name] === true;

/** The render tools named (`--timeout` is the deploy's wait, not the tools' limit). */
function tools(options: OptionValues, cwd: string): RenderTools {
  const found: RenderTools = {};
  for (const name of ['kubectl', 'kustomize', 'helm'] as const) {
    const given = text(options, name);
    if (given !== undefined) found[name] = resolve(cwd, given);
  }
  return found;
}

const TOOL_OPTIONS: Readonly<Record<string, CliOption>> = {
  kubectl: { type: 'string' },
  kustomize: { type: 'string' },
  helm: { type: 'string' },
};
const CLUSTER_OPTIONS: Readonly<Record<string, CliOption>> = {
  env: { type: 'string' },
  context: { type: 'string' },
  kubeconfig: { type: 'string' },
};
const RUN_OPTIONS: Readonly<Record<string, CliOption>> = {
  ...CLUSTER_OPTIONS,
  ...TOOL_OPTIONS,
  confirm: { type: 'string' },
  'dry-run': { type: 'boolean' },
  prune: { type: 'boolean' },
  timeout: { type: 'string' },
  override: { type: 'boolean' },
  'force-conflicts': { type: 'boolean' },
  'suspend-auto-sync': { type: 'boolean' },
};

const noPaths = (name: string) => (positionals: readonly string[]) =>
  positionals.length ? `${name} takes no paths (use --env)` : undefined;

function deployOrRollback(kind: 'deploy' | 'rollback'): CliCommand['run'] {
  return async ({ options, format, cwd, env }) => {
    const environment = text(options, 'env');
    if (!environment) return { exitCode: 2, stdout: '', stderr: `driftless: ${kind} needs --env NAME (driftless environments lists them)` };
    const { runDeployCommand } = await import('./deploy-command.js');
    const timeout = text(options, 'timeout');
    const optional = (name: string) => text(options, name);
    return runDeployCommand({
      kind,
      environment,
      format: format as 'text' | 'json',
      cwd,
      env,
      tools: tools(options, cwd),
      ...(optional('mode') !== undefined ? { mode: optional('mode')! } : {}),
      ...(optional('to') !== undefined ? { to: optional('to')! } : {}),
      ...(optional('confirm') !== undefined ? { confirm: optional('confirm')! } : {}),
      ...(optional('context') ? { context: optional('context')! } : {}),
      ...(optional('kubeconfig') ? { kubeconfig: optional('kubeconfig')! } : {}),
      dryRun: flag(options, 'dry-run'),
      prune: flag(options, 'prune'),
      override: flag(options, 'override'),
      forceConflicts: flag(options, 'force-conflicts'),
      suspendAutoSync: flag(options, 'suspend-auto-sync'),
      immediate: flag(options, 'immediate'),
      ...(timeout ? { timeoutS: Number(timeout) } : {}),
      progress: (line) => process.stderr.write(`driftless: ${line}\n`),
    });
  };
}

const deploy: CliCommand = {
  name: 'deploy',
  summary: 'Deploy an environment as its plan says, once the guardrails are satisfied.',
  help: `  deploy --env NAME        Deploy an environment as its plan says, once the guardrails are satisfied: per its delivery
                           mode, a pull request (followed until merged) or a push to its branch, then its controller
                           synced (Argo CD, Flux), or a server-side apply (field manager driftless) and the rollouts
                           waited for. Committed states only. The plan is printed first; the run is recorded as a git
                           note (refs/notes/driftless) pushed to the remote.
    --mode pull-request|commit|apply   Instead of .driftless.yaml's delivery.mode
    --confirm NAME             A protected environment's name, typed (protection: production)
    --dry-run                  The plan only: nothing is written
    --prune                    Also delete the objects git no longer declares (listed in the plan)
    --timeout SECONDS          How long each wait may take (merge, sync, rollouts; default 300)
    --override                 Go past validation errors and objects a controller manages (recorded)
    --force-conflicts          Take fields another field manager owns (recorded)
    --suspend-auto-sync        Suspend an auto-sync that would undo a direct change (resume it afterwards)
    --context CTX, --kubeconfig FILE, --format text|json   As for drift; JSON is the result object
    Pull requests: GITHUB_TOKEN, GITLAB_TOKEN or GITEA_TOKEN (and GITHUB_API_URL, CI_API_V4_URL) as for pr create;
    argocd-server's REST API (controller.argocd.server in .driftless.yaml): ARGOCD_AUTH_TOKEN.`,
  options: { ...RUN_OPTIONS, mode: { type: 'string' } },
  formats: ['text', 'json'],
  checkPositionals: noPaths('deploy'),
  run: deployOrRollback('deploy'),
};

const rollback: CliCommand = {
  name: 'rollback',
  summary: "New commits restoring an environment's inputs as a revision had them, delivered as deploy does.",
  help: `  rollback --env NAME --to REV   New commits restoring the environment's inputs as REV had them (history is never
                           rewritten, nothing is forced), delivered as deploy does. Same options as deploy, and
    --immediate                No new commits: the controller synced to REV (Argo CD) or REV's render applied`,
  options: { ...RUN_OPTIONS, mode: { type: 'string' }, to: { type: 'string' }, immediate: { type: 'boolean' } },
  formats: ['text', 'json'],
  checkPositionals: noPaths('rollback'),
  run: deployOrRollback('rollback'),
};

const history: CliCommand = {
  name: 'history',
  summary: "An environment's commits, its controller's history and the deploy records.",
  help: `  history --env NAME       The commits that changed the environment's inputs, what its controller says it deployed
                           (Argo CD status.history, Flux lastAppliedRevision) and the deploy records, newest first.
    --format text|json, --context CTX, --kubeconfig FILE`,
  options: { ...CLUSTER_OPTIONS, ...TOOL_OPTIONS },
  formats: ['text', 'json'],
  checkPositionals: noPaths('history'),
  async run({ options, format, cwd, env }) {
    const environment = text(options, 'env');
    if (!environment) return { exitCode: 2, stdout: '', stderr: 'driftless: history needs --env NAME (driftless environments lists them)' };
    const { runHistoryCommand } = await import('./deploy-command.js');
    return runHistoryCommand({
      environment,
      format: format as 'text' | 'json',
      cwd,
      env,
      tools: tools(options, cwd),
      ...(text(options, 'context') ? { context: text(options, 'context')! } : {}),
      ...(text(options, 'kubeconfig') ? { kubeconfig: text(options, 'kubeconfig')! } : {}),
    });
  },
};

export const DEPLOY_COMMANDS: readonly CliCommand[] = [deploy, rollback, history];
