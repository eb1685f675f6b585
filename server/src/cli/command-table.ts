// The CLI's command line read through a table of commands: each command names its options, formats and help, and the
// reader checks what every command shares (the command's name, options it does not take, formats, numbers) once.
import { parseArgs } from 'node:util';
import { closestMatch } from '../engine/text/suggest';
import type { CommandResult } from './validate-command';

export interface CliOption {
  type: 'string' | 'boolean';
  /** Given more than once, each value kept (`--values a.yaml --values b.yaml`). */
  multiple?: boolean;
  short?: string;
}

/** The options as read: a string, a list of strings (`multiple`) or true; absent when not given. */
export type OptionValues = Readonly<Record<string, string | readonly string[] | boolean | undefined>>;

export interface CommandRun {
  /** The positionals after the command's name (and its subcommand). */
  positionals: readonly string[];
  options: OptionValues;
  /** The output format: `--format`, else the command's default. */
  format: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  version: string;
}

export interface CliCommand {
  name: string;
  /** A subcommand the command requires (`pr create`). */
  subcommand?: string;
  /** One line on what it does (the first line of its help). */
  summary: string;
  /** Its block of the help text, as printed. */
  help: string;
  /** The options it takes besides `--format`, `--help`, `--version` and `--no-color`. */
  options: Readonly<Record<string, CliOption>>;
  /** The formats `--format` takes, the default first. */
  formats: readonly string[];
  /** Why the positionals are wrong (said with the help), or undefined when they are right. */
  checkPositionals(positionals: readonly string[]): string | undefined;
  run(command: CommandRun): CommandResult | Promise<CommandResult>;
}

/** Taken by every command. */
const COMMON_OPTIONS: Readonly<Record<string, CliOption>> = {
  format: { type: 'string' },
  // Only validate colours its output; the others accept it so a script can pass it to every command.
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};

export interface CommandLine {
  commands: readonly CliCommand[];
  /** The help text: a header, each command's block, a footer. */
  help: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  version: string;
  /** Run first for a command that is about to run (not for help, a usage error or an unknown command). */
  beforeRun?(command: CliCommand, options: OptionValues): void;
}

const fail = (message: string): CommandResult => ({ exitCode: 2, stdout: '', stderr: `driftless: ${message}` });

/** `a`, `a or b`, `a, b or c`. */
export function oneOf(words: readonly string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** Reads `argv` (the arguments after `driftless`) and runs the command it names. */
export function runCommandLine(argv: string[], line: CommandLine): CommandResult | Promise<CommandResult> {
  const withHelp = (message: string) => fail(`${message}\n\n${line.help}`);
  // Every command's options at once: the command is known only once the line is read, and an option no command takes
  // is refused by parseArgs itself.
  const all: Record<string, CliOption> = { ...COMMON_OPTIONS };
  for (const command of line.commands) Object.assign(all, command.options);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, tokens: true, options: all });
  } catch (error) {
    const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec((error as Error).message);
    if (!unknown) return withHelp((error as Error).message);
    const close = unknown[1] === '--' ? closestMatch(unknown[2]!, Object.keys(all)) : undefined;
    return withHelp(`unknown option ${unknown[1]}${unknown[2]}${close ? `; did you mean --${close}?` : ''}`);
  }
  const { values, positionals, tokens } = parsed;
  if (values.version) return { exitCode: 0, stdout: line.version, stderr: '' };
  const [name, ...rest] = positionals;
  if (values.help) return { exitCode: 0, stdout: line.help, stderr: '' };
  if (!name) return { exitCode: 2, stdout: '', stderr: line.help };
  const command = line.commands.find((c) => c.name === name);
  if (!command) {
    const names = line.commands.map((c) => c.name);
    const close = closestMatch(name, names);
    return withHelp(`unknown command "${name}"${close ? `; did you mean ${close}?` : ''}`);
  }
  const given = [...new Set(tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : [])))];
  const foreign = given.filter((option) => !(option in COMMON_OPTIONS) && !(option in command.options));
  if (foreign.length) {
    const title = command.subcommand ? `${command.name} ${command.subcommand}` : command.name;
    const taken = Object.keys(command.options).map((option) => `--${option}`);
    return fail(
      `${title} does not take ${oneOf(foreign.map((option) => `--${option}`))}` +
        `${taken.length ? ` (its options: --format, ${taken.join(', ')})` : ' (its only option is --format)'}`,
    );
  }
  const format = typeof values.format === 'string' ? values.format : command.formats[0]!;
  const options = values as OptionValues;
  const numbers = checkNumbers(options);
  if (numbers) return fail(numbers);
  if (!command.formats.includes(format)) return fail(`--format must be ${oneOf(command.formats)}, not "${format}"`);
  let own = rest;
  if (command.subcommand) {
    if (rest[0] !== command.subcommand) return withHelp(`${command.name} takes one subcommand: ${command.subcommand}`);
    own = rest.slice(1);
  }
  const wrong = command.checkPositionals(own);
  if (wrong) return withHelp(wrong);
  line.beforeRun?.(command, options);
  return command.run({ positionals: own, options, format, cwd: line.cwd, env: line.env, version: line.version });
}

/** The options that hold numbers, said in words when they do not. */
function checkNumbers(options: OptionValues): string | undefined {
  const timeout = options.timeout === undefined ? undefined : Number(options.timeout);
  if (timeout !== undefined && !(timeout > 0)) return '--timeout must be a number of seconds';
  const maxWarnings = options['max-warnings'] === undefined ? undefined : Number(options['max-warnings']);
  if (maxWarnings !== undefined && !(Number.isInteger(maxWarnings) && maxWarnings >= 0))
    return '--max-warnings must be a whole number of warnings';
  return undefined;
}
