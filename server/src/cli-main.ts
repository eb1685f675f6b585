// The `driftless` command: the language server's engine for pipelines, so a clean editor means a clean pipeline.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { RenderTools } from './node/render/render-environment';
import { runValidate, type CommandResult } from './cli/validate-command';
import { cleanUpOnSignals, sweepLeftovers } from './node/leftovers';
import { cappedOutput } from './cli/output-cap';

// Commands that render or read git load their modules when run: `validate`, the one pipelines run most, starts
// without them.
const runDiff = async (...args: Parameters<typeof import('./cli/diff-command.js').runDiff>) =>
  (await import('./cli/diff-command.js')).runDiff(...args);
const runRender = async (...args: Parameters<typeof import('./cli/render-command.js').runRender>) =>
  (await import('./cli/render-command.js')).runRender(...args);
// `drift` loads the cluster client (@kubernetes/client-node) only when run.
const runDrift = async (...args: Parameters<typeof import('./cli/drift-command.js').runDrift>) =>
  (await import('./cli/drift-command.js')).runDrift(...args);
const runPullRequestCreate = async (...args: Parameters<typeof import('./cli/pr-command.js').runPullRequestCreate>) =>
  (await import('./cli/pr-command.js')).runPullRequestCreate(...args);
const runEnvironments = async (...args: Parameters<typeof import('./cli/environments-command.js').runEnvironments>) =>
  (await import('./cli/environments-command.js')).runEnvironments(...args);

declare const DRIFTLESS_VERSION: string | undefined;
const VERSION = typeof DRIFTLESS_VERSION === 'string' ? DRIFTLESS_VERSION : 'development';

const HELP = `Usage: driftless <command> [options]

Commands:
  validate [paths...]      Validate Kubernetes manifests, kustomizations, Chart.yaml and .driftless.yaml files.
                           Paths are files or folders (default: the current folder).
    --kubernetes-version X.Y   Validate against this Kubernetes version (default: .driftless.yaml, else newest bundled)
    --format text|json|sarif   Output format (default: text)
    --no-color                 Plain text output
    --max-warnings N           Exit 1 when there are more than N warnings (as ESLint); files that cannot be
                               validated (binary, not UTF-8, too large, links out of the repository) are warnings
    --rendered                 Also render every environment (kustomize, helm) and report what its rendered objects
                               would have rejected, on the source line that causes it (with the render options)

  environments [path]      List the environments: Argo CD Applications, Flux Kustomizations and HelmReleases,
                           overlays nothing includes, and those .driftless.yaml declares.
    --format text|json         Output format (default: text)

  render <env|path>        Render an environment (or a kustomization, chart or folder) with kustomize or helm.
    --format yaml|json         Output format (default: yaml)
    --show-secrets             Print Secret values as rendered (default: masked, as in every other output)
    --kubectl PATH, --kustomize PATH, --helm PATH
                               The tools to run (default: found on PATH; kustomize, else kubectl kustomize)
    --timeout SECONDS          Stop a tool that runs longer (default: 60)

  diff                     The rendered objects each environment gains, loses or changes with the working tree's
                           changes, against a base ref rendered in a temporary git worktree.
    --base REF                 The base (default: the environment's baseBranch, else main, else master, else HEAD)
    --env NAME                 Only this environment
    --format text|json|markdown   Output format (default: text; markdown is ready for a pull request)
    (and the render options)

  drift                    What runs in each environment's cluster against what git declares, object by object:
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
    (and the render options)

  pr create                Open the pull request of a branch on the forge origin names (GitHub, GitLab, Gitea,
                           Forgejo), the rendered diff of each environment as its body; an open one is linked.
    --head BRANCH              The branch to propose (default: the current one; pushed first if origin lacks it)
    --base BRANCH              Its target (default: .driftless.yaml delivery.pullRequest.base, else origin's default)
    --title TEXT               Its title (default: the head commit's subject)
    --draft                    Open it as a draft
    --format text|json         Output format (default: text; json: {"url","number","created"})
    Token from GITHUB_TOKEN, GITLAB_TOKEN or GITEA_TOKEN; API base from GITHUB_API_URL or CI_API_V4_URL, else origin's host.

Exit codes (validate): 0 no errors, 1 errors found (or more warnings than --max-warnings), 2 usage error or
  unreadable path.
Exit codes (diff): 0 no changes, 1 changes, 2 errors (what could be computed is still printed).
Exit codes (drift): 0 in sync, 1 drift, 2 errors (what could be compared is still printed).
Exit codes (render): 0 rendered, 2 usage error or the environment cannot be rendered.
Exit codes (environments): 0, or 2 on a usage error.
Exit codes (pr create): 0 opened, or one open for the branch already; 2 errors.
Every command: 2 on an internal error (one line on stderr), 130 when interrupted (Ctrl-C), 143 on SIGTERM; the tools
it started are stopped and its temporary folders and worktrees removed.

What runs: render, diff and validate --rendered run kustomize, kubectl kustomize and helm template, never a plugin, a
post-renderer, a hook or anything from the repository; nothing is fetched and nothing outside the repository is read.
drift only reads clusters (LISTs and server-side dry runs); pr create runs your git (push) and calls the forge's API.

Options:
  --help       Show this help
  --version    Show the version`;

function run(argv: string[]): CommandResult | Promise<CommandResult> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'kubernetes-version': { type: 'string' },
        format: { type: 'string' },
        'no-color': { type: 'boolean', default: false },
        kubectl: { type: 'string' },
        kustomize: { type: 'string' },
        helm: { type: 'string' },
        timeout: { type: 'string' },
        base: { type: 'string' },
        env: { type: 'string' },
        context: { type: 'string' },
        kubeconfig: { type: 'string' },
        rendered: { type: 'boolean', default: false },
        head: { type: 'string' },
        title: { type: 'string' },
        draft: { type: 'boolean', default: false },
        'show-secrets': { type: 'boolean', default: false },
        'max-warnings': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (error) {
    return { exitCode: 2, stdout: '', stderr: `driftless: ${(error as Error).message}\n\n${HELP}` };
  }
  const { values, positionals } = parsed;
  if (values.version) return { exitCode: 0, stdout: VERSION, stderr: '' };
  const [command, ...rest] = positionals;
  if (values.help || !command) return { exitCode: values.help ? 0 : 2, stdout: values.help ? HELP : '', stderr: values.help ? '' : HELP };
  const format = values.format ?? (command === 'render' ? 'yaml' : 'text');
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0))
    return { exitCode: 2, stdout: '', stderr: `driftless: --timeout must be a number of seconds` };
  const maxWarnings = values['max-warnings'] === undefined ? undefined : Number(values['max-warnings']);
  if (maxWarnings !== undefined && !(Number.isInteger(maxWarnings) && maxWarnings >= 0))
    return { exitCode: 2, stdout: '', stderr: `driftless: --max-warnings must be a whole number of warnings` };
  // What earlier runs killed outright left in the temp dir (renders, diffs) goes before this run makes its own.
  if (command === 'diff' || command === 'render' || values.rendered) sweepLeftovers();
  const tools: RenderTools = {
    ...(values.kubectl ? { kubectl: resolve(values.kubectl) } : {}),
    ...(values.kustomize ? { kustomize: resolve(values.kustomize) } : {}),
    ...(values.helm ? { helm: resolve(values.helm) } : {}),
    ...(timeout ? { timeoutMs: timeout * 1000 } : {}),
  };
  if (command === 'diff') {
    if (format !== 'text' && format !== 'json' && format !== 'markdown')
      return { exitCode: 2, stdout: '', stderr: `driftless: --format must be text, json or markdown, not "${format}"` };
    if (rest.length) return { exitCode: 2, stdout: '', stderr: `driftless: diff takes no paths (use --env)\n\n${HELP}` };
    return runDiff({
      format,
      cwd: process.cwd(),
      tools,
      ...(values.base ? { base: values.base } : {}),
      ...(values.env ? { environment: values.env } : {}),
    });
  }
  if (command === 'drift') {
    if (format !== 'text' && format !== 'json')
      return { exitCode: 2, stdout: '', stderr: `driftless: --format must be text or json, not "${format}"` };
    if (rest.length) return { exitCode: 2, stdout: '', stderr: `driftless: drift takes no paths (use --env)\n\n${HELP}` };
    return runDrift({
      format,
      cwd: process.cwd(),
      env: process.env,
      tools,
      ...(values.env ? { environment: values.env } : {}),
      ...(values.context ? { context: values.context } : {}),
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    });
  }
  if (command === 'render') {
    if (format !== 'yaml' && format !== 'json')
      return { exitCode: 2, stdout: '', stderr: `driftless: --format must be yaml or json, not "${format}"` };
    if (rest.length !== 1) return { exitCode: 2, stdout: '', stderr: `driftless: render takes one environment or path\n\n${HELP}` };
    return runRender({ target: rest[0]!, format, cwd: process.cwd(), tools, showSecrets: values['show-secrets'] });
  }
  if (command === 'pr') {
    if (rest.length !== 1 || rest[0] !== 'create')
      return { exitCode: 2, stdout: '', stderr: `driftless: pr takes one subcommand: create\n\n${HELP}` };
    if (format !== 'text' && format !== 'json')
      return { exitCode: 2, stdout: '', stderr: `driftless: --format must be text or json, not "${format}"` };
    return runPullRequestCreate({
      format,
      cwd: process.cwd(),
      tools,
      draft: values.draft,
      environment: process.env,
      ...(values.head ? { head: values.head } : {}),
      ...(values.base ? { base: values.base } : {}),
      ...(values.title ? { title: values.title } : {}),
    });
  }
  if (command === 'environments') {
    if (format !== 'text' && format !== 'json')
      return { exitCode: 2, stdout: '', stderr: `driftless: --format must be text or json, not "${format}"` };
    if (rest.length > 1) return { exitCode: 2, stdout: '', stderr: `driftless: environments takes one path at most\n\n${HELP}` };
    return runEnvironments({ ...(rest[0] ? { path: rest[0] } : {}), format, cwd: process.cwd() });
  }
  if (command !== 'validate') return { exitCode: 2, stdout: '', stderr: `driftless: unknown command "${command}"\n\n${HELP}` };
  if (format !== 'text' && format !== 'json' && format !== 'sarif') {
    return { exitCode: 2, stdout: '', stderr: `driftless: --format must be text, json or sarif, not "${format}"` };
  }
  return runValidate({
    paths: rest,
    format,
    cwd: process.cwd(),
    color: !values['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR,
    toolVersion: VERSION,
    ...(values['kubernetes-version'] !== undefined ? { kubernetesVersion: values['kubernetes-version'] } : {}),
    ...(values.rendered ? { rendered: tools } : {}),
    ...(maxWarnings !== undefined ? { maxWarnings } : {}),
  });
}

/** The last word on anything unexpected: one line and exit 2 — never a stack trace (it would read as a finding). */
function internalError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`driftless: internal error: ${message.split('\n')[0]}\n`);
  process.exit(2);
}

process.on('uncaughtException', internalError);
process.on('unhandledRejection', internalError);
cleanUpOnSignals((message) => process.stderr.write(`driftless: ${message}\n`));

const argv = process.argv.slice(2);
void (async () => {
  let result: CommandResult;
  try {
    result = await run(argv);
  } catch (error) {
    return internalError(error);
  }
  const at = argv.indexOf('--format');
  const format = at >= 0 ? argv[at + 1] : argv.find((arg) => arg.startsWith('--format='))?.slice('--format='.length);
  const output = cappedOutput(result, format === 'json' || format === 'sarif');
  if (output.stdout) process.stdout.write(output.stdout + '\n');
  if (output.stderr) process.stderr.write(output.stderr + '\n');
  process.exitCode = output.exitCode;
})();
