// The `driftless` command: the language server's engine for pipelines, so a clean editor means a clean pipeline.
import { COMMANDS, renders } from './cli/commands';
import { runCommandLine } from './cli/command-table';
import type { CommandResult } from './cli/validate-command';
import { cleanUpOnSignals, sweepLeftovers } from './node/leftovers';
import { cappedOutput } from './cli/output-cap';

declare const DRIFTLESS_VERSION: string | undefined;
const VERSION = typeof DRIFTLESS_VERSION === 'string' ? DRIFTLESS_VERSION : 'development';

const HELP = `Usage: driftless <command> [options]

Commands:
${COMMANDS.map((command) => command.help).join('\n\n')}

Exit codes (validate): 0 no errors, 1 errors found (or more warnings than --max-warnings), 2 usage error or
  unreadable path.
Exit codes (diff): 0 no changes, 1 changes, 2 errors (what could be computed is still printed).
Exit codes (drift): 0 in sync, 1 drift, 2 errors (what could be compared is still printed).
Exit codes (render): 0 rendered, 2 usage error or the environment cannot be rendered.
Exit codes (environments): 0, or 2 on a usage error.
Exit codes (pr create): 0 opened, or one open for the branch already; 2 errors.
Exit codes (deploy, rollback): 0 done (or planned with --dry-run), 1 refused by a guardrail or not healthy in time,
  2 errors, 130 cancelled. (history): 0, or 2 on errors.
Every command: 2 on an internal error (one line on stderr), 130 when interrupted (Ctrl-C), 143 on SIGTERM; the tools
it started are stopped and its temporary folders and worktrees removed.

What runs: render, diff and validate --rendered run kustomize, kubectl kustomize and helm template, never a plugin, a
post-renderer, a hook or anything from the repository; nothing is fetched and nothing outside the repository is read.
drift only reads clusters (LISTs and server-side dry runs); pr create runs your git (push) and calls the forge's API.

Options:
  --help       Show this help
  --version    Show the version`;

function run(argv: string[]): CommandResult | Promise<CommandResult> {
  return runCommandLine(argv, {
    commands: COMMANDS,
    help: HELP,
    cwd: process.cwd(),
    env: process.env,
    version: VERSION,
    // What earlier runs killed outright left in the temp dir (renders, diffs) goes before this run makes its own.
    beforeRun: (command, options) => {
      if (renders(command, options)) sweepLeftovers();
    },
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
