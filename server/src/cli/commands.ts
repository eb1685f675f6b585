// The commands of `driftless`, one entry each: name, options, formats, help and what runs. A new command is one entry
// here (its module loaded when it runs, so `validate`, the one pipelines run most, starts without the others).
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { DEPLOY_COMMANDS } from './deploy-command-table';
import { resolve } from 'node:path';
import type { RenderTools } from '../node/render/render-environment';
import type { CliCommand, CliOption, OptionValues } from './command-table';
import { runValidate, type CommandResult } from './validate-command';

/** The tools renders run, taken by every command that renders. */
const RENDER_OPTIONS: Readonly<Record<string, CliOption>> = {
  kubectl: { type: 'string' },
  kustomize: { type: 'string' },
  helm: { type: 'string' },
  timeout: { type: 'string' },
};

const string = (options: OptionValues, name: string): string | undefined => {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
};
const strings = (options: OptionValues, name: string): string[] => {
  const value = options[name];
  return Array.isArray(value) ? [...(value as readonly string[])] : typeof value === 'string' ? [value] : [];
};

/**
 * The render tools the options name, or why one cannot be used (a path that is not there says so, not "not found").
 * `check: false` leaves that to the renders (validate --rendered still reports what plain validation finds).
 */
function renderTools(options: OptionValues, cwd: string, check = true): RenderTools | string {
  const tools: RenderTools = {};
  for (const name of ['kubectl', 'kustomize', 'helm'] as const) {
    const given = string(options, name);
    if (given === undefined) continue;
    const path = resolve(cwd, given);
    tools[name] = path;
    if (!check) continue;
    if (!existsSync(path)) return `--${name} ${given}: that path does not exist.`;
    try {
      if (!statSync(path).isFile()) throw new Error('not a file');
      accessSync(path, constants.X_OK);
    } catch {
      return `--${name} ${given}: that is not an executable file.`;
    }
  }
  const timeout = string(options, 'timeout');
  if (timeout !== undefined) tools.timeoutMs = Number(timeout) * 1000;
  return tools;
}

/** Runs `run` with the render tools, or says why they cannot be used. */
function withTools(
  options: OptionValues,
  cwd: string,
  run: (tools: RenderTools) => Promise<CommandResult>,
  check = true,
): Promise<CommandResult> {
  const tools = renderTools(options, cwd, check);
  if (typeof tools === 'string') return Promise.resolve({ exitCode: 2, stdout: '', stderr: `driftless: ${tools}` });
  return run(tools);
}

const noPaths = (name: string) => (positionals: readonly string[]) =>
  positionals.length ? `${name} takes no paths (use --env)` : undefined;

const validate: CliCommand = {
  name: 'validate',
  summary: 'Validate Kubernetes manifests, kustomizations, Chart.yaml and .driftless.yaml files.',
  help: `  validate [paths...]      Validate Kubernetes manifests, kustomizations, Chart.yaml and .driftless.yaml files.
                           Paths are files or folders (default: the current folder).
    --kubernetes-version X.Y   Validate against this Kubernetes version (default: .driftless.yaml, else newest bundled)
    --format text|json|sarif   Output format (default: text)
    --no-color                 Plain text output
    --max-warnings N           Exit 1 when there are more than N warnings (as ESLint); files that cannot be
                               validated (binary, not UTF-8, too large, links out of the repository) are warnings
    --rendered                 Also render every environment (kustomize, helm) and report what its rendered objects
                               would have rejected, on the source line that causes it (with the render options)`,
  options: {
    'kubernetes-version': { type: 'string' },
    'max-warnings': { type: 'string' },
    rendered: { type: 'boolean' },
    ...RENDER_OPTIONS,
  },
  formats: ['text', 'json', 'sarif'],
  checkPositionals: () => undefined,
  run({ positionals, options, format, cwd, env, version }) {
    const kubernetesVersion = string(options, 'kubernetes-version');
    const maxWarnings = string(options, 'max-warnings');
    return withTools(
      options,
      cwd,
      (tools) =>
        runValidate({
          paths: [...positionals],
          format: format as 'text' | 'json' | 'sarif',
          cwd,
          color: options['no-color'] !== true && process.stdout.isTTY === true && !env.NO_COLOR,
          toolVersion: version,
          ...(kubernetesVersion !== undefined ? { kubernetesVersion } : {}),
          ...(options.rendered === true ? { rendered: tools } : {}),
          ...(maxWarnings !== undefined ? { maxWarnings: Number(maxWarnings) } : {}),
        }),
      false,
    );
  },
};

const environments: CliCommand = {
  name: 'environments',
  summary: 'List the environments.',
  help: `  environments [path]      List the environments: Argo CD Applications, Flux Kustomizations and HelmReleases,
                           overlays nothing includes, and those .driftless.yaml declares.
    --format text|json         Output format (default: text)`,
  options: {},
  formats: ['text', 'json'],
  checkPositionals: (positionals) => (positionals.length > 1 ? 'environments takes one path at most' : undefined),
  async run({ positionals, format, cwd }) {
    const { runEnvironments } = await import('./environments-command.js');
    return runEnvironments({ ...(positionals[0] ? { path: positionals[0] } : {}), format: format as 'text' | 'json', cwd });
  },
};

const render: CliCommand = {
  name: 'render',
  summary: 'Render an environment (or a kustomization, chart or folder) with kustomize or helm.',
  help: `  render <env|path>        Render an environment (or a kustomization, chart or folder) with kustomize or helm.
    --format yaml|json         Output format (default: yaml)
    --show-secrets             Print Secret values as rendered (default: masked, as in every other output)
    --values FILE              A values file for a chart, after its own (repeatable; inside the repository)
    --kubectl PATH, --kustomize PATH, --helm PATH
                               The tools to run (default: found on PATH; kustomize, else kubectl kustomize)
    --timeout SECONDS          Stop a tool that runs longer (default: 60)`,
  options: { 'show-secrets': { type: 'boolean' }, values: { type: 'string', multiple: true }, ...RENDER_OPTIONS },
  formats: ['yaml', 'json'],
  checkPositionals: (positionals) => (positionals.length !== 1 ? 'render takes one environment or path' : undefined),
  async run({ positionals, options, format, cwd }) {
    const { runRender } = await import('./render-command.js');
    return withTools(options, cwd, (tools) =>
      runRender({
        target: positionals[0]!,
        format: format as 'yaml' | 'json',
        cwd,
        tools,
        showSecrets: options['show-secrets'] === true,
        valuesFiles: strings(options, 'values'),
      }),
    );
  },
};

const diff: CliCommand = {
  name: 'diff',
  summary: "The rendered objects each environment gains, loses or changes with the working tree's changes.",
  help: `  diff                     The rendered objects each environment gains, loses or changes with the working tree's
                           changes, against a base ref rendered in a temporary git worktree.
    --base REF                 The base (default: the environment's baseBranch, else main, else master, else HEAD)
    --env NAME                 Only this environment
    --format text|json|markdown   Output format (default: text; markdown is ready for a pull request)
    (and the render options)`,
  options: { base: { type: 'string' }, env: { type: 'string' }, ...RENDER_OPTIONS },
  formats: ['text', 'json', 'markdown'],
  checkPositionals: noPaths('diff'),
  async run({ options, format, cwd }) {
    const { runDiff } = await import('./diff-command.js');
    const base = string(options, 'base');
    const environment = string(options, 'env');
    return withTools(options, cwd, (tools) =>
      runDiff({
        format: format as 'text' | 'json' | 'markdown',
        cwd,
        tools,
        ...(base ? { base } : {}),
        ...(environment ? { environment } : {}),
      }),
    );
  },
};

const drift: CliCommand = {
  name: 'drift',
  summary: "What runs in each environment's cluster against what git declares, object by object.",
  help: `  drift                    What runs in each environment's cluster against what git declares, object by object:
                           in sync, drifted (each difference with the field manager that made it), missing (in git,
                           not in the cluster), extra (marked as the environment's, not in git) or unknown (why).
                           Read-only: LISTs and server-side dry runs, nothing is written. Secret values show as ***.
    --env NAME                 Only this environment
    --context CTX              The kubeconfig context (default: the environment's cluster.context in .driftless.yaml,
                               else the context of its Argo CD destination, else the current context)
    --kubeconfig FILE          This kubeconfig file only (default: KUBECONFIG's files, else ~/.kube/config)
    --format text|json         Output format (default: text). JSON: with --env one document
                               {"environment","context","objects":[...],"summary":{...}}, else a list of them
    --timeout SECONDS          Also the limit of each request to an API server (default: 30)
    (and the render options)`,
  options: { env: { type: 'string' }, context: { type: 'string' }, kubeconfig: { type: 'string' }, ...RENDER_OPTIONS },
  formats: ['text', 'json'],
  checkPositionals: noPaths('drift'),
  // The cluster client (@kubernetes/client-node) is loaded only when drift runs.
  async run({ options, format, cwd, env }) {
    const { runDrift } = await import('./drift-command.js');
    const environment = string(options, 'env');
    const context = string(options, 'context');
    const kubeconfig = string(options, 'kubeconfig');
    return withTools(options, cwd, (tools) =>
      runDrift({
        format: format as 'text' | 'json',
        cwd,
        env,
        tools,
        ...(environment ? { environment } : {}),
        ...(context ? { context } : {}),
        ...(kubeconfig ? { kubeconfig } : {}),
      }),
    );
  },
};

const pullRequest: CliCommand = {
  name: 'pr',
  subcommand: 'create',
  summary: 'Open the pull request of a branch, the rendered diff of each environment as its body.',
  help: `  pr create                Open the pull request of a branch on the forge origin names (GitHub, GitLab, Gitea,
                           Forgejo), the rendered diff of each environment as its body; an open one is linked.
    --head BRANCH              The branch to propose (default: the current one; pushed first if origin lacks it)
    --base BRANCH              Its target (default: .driftless.yaml delivery.pullRequest.base, else origin's default)
    --title TEXT               Its title (default: the head commit's subject)
    --draft                    Open it as a draft
    --format text|json         Output format (default: text; json: {"url","number","created"})
    (and the render options, for the diff in its body)
    Token from GITHUB_TOKEN, GITLAB_TOKEN or GITEA_TOKEN; API base from GITHUB_API_URL or CI_API_V4_URL, else origin's host.`,
  options: { head: { type: 'string' }, base: { type: 'string' }, title: { type: 'string' }, draft: { type: 'boolean' }, ...RENDER_OPTIONS },
  formats: ['text', 'json'],
  checkPositionals: (positionals) => (positionals.length ? 'pr create takes no paths' : undefined),
  async run({ options, format, cwd, env }) {
    const { runPullRequestCreate } = await import('./pr-command.js');
    const head = string(options, 'head');
    const base = string(options, 'base');
    const title = string(options, 'title');
    return withTools(options, cwd, (tools) =>
      runPullRequestCreate({
        format: format as 'text' | 'json',
        cwd,
        tools,
        draft: options.draft === true,
        environment: env,
        ...(head ? { head } : {}),
        ...(base ? { base } : {}),
        ...(title ? { title } : {}),
      }),
    );
  },
};

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly CliCommand[] = [validate, environments, render, diff, drift, pullRequest, ...DEPLOY_COMMANDS];

/** Whether a command about to run renders (and so first sweeps what killed renders left in the temp dir). */
export function renders(command: CliCommand, options: OptionValues): boolean {
  return command === diff || command === render || (command === validate && options.rendered === true) || DEPLOY_COMMANDS.includes(command);
}
