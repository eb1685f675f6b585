// Running kustomize, kubectl and helm: in their own process group with an allow-listed environment (tool-environment),
// a timeout and a cancellation signal that kill the whole group (kustomize's helm too), output bounded by the
// validator's limits, and a plain message when the binary is missing. Renders never run in an untrusted workspace
// (the caller checks), and the values on the command line are checked before (tool-arguments, render-preflight).
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { MAX_DOCUMENTS, MAX_TEXT_BYTES } from '../../engine/yaml/document-limits';
import { maskedArguments } from '../../engine/render/secret-mask';
import { killProcessGroup, trackProcessGroup } from '../leftovers';
import { log } from '../log';
import { toolEnvironment } from './tool-environment';

export interface ToolResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** Why it failed, in words: the tool's own message, a timeout, a missing binary, output over the limits. */
  error?: string;
}

/** The tool's path: as configured (a path), else the first `name` on PATH; undefined when there is none. */
export function findTool(name: string, configured?: string): string | undefined {
  const candidates = configured
    ? [configured]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, name));
  for (const candidate of candidates) {
    if (!isAbsolute(candidate) && configured === undefined) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** A tool's error output past this is cut (a message, not data). */
const MAX_STDERR = 1024 * 1024;

export interface ToolRun {
  cwd?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Written to the tool's stdin (values that must not touch the disk). */
  input?: string;
  /** Output limits (default: the validator's, 64 MB and 20,000 YAML documents): past them the tool is stopped. */
  maxBytes?: number;
  maxDocuments?: number;
}

export function runTool(command: string, args: string[], options: ToolRun): Promise<ToolResult> {
  const maxBytes = options.maxBytes ?? MAX_TEXT_BYTES;
  const maxDocuments = options.maxDocuments ?? MAX_DOCUMENTS;
  return new Promise((resolve) => {
    if (options.signal?.aborted) return resolve({ ok: false, stdout: '', stderr: '', error: 'cancelled' });
    const environment = toolEnvironment();
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let bytes = 0;
    let errorBytes = 0;
    let documents = 0;
    let tail = Buffer.alloc(0);
    let stopped: string | undefined;
    let settled = false;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: environment.env,
      // Its own process group: a timeout, a cancellation or our exit kills what it started too.
      detached: process.platform !== 'win32',
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    trackProcessGroup(child);
    const stop = (why: string) => {
      stopped ??= why;
      killProcessGroup(child);
    };
    const timer = setTimeout(() => stop(`${command} did not finish within ${Math.round(options.timeoutMs / 1000)} s`), options.timeoutMs);
    const onAbort = () => stop('cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      if (stopped) return;
      bytes += chunk.length;
      // Documents counted as they come, so a chart of 100,000 objects is stopped early rather than read whole (the
      // end of the last chunk is searched again: a separator may straddle two).
      const searched = Buffer.concat([tail, chunk]);
      for (let at = searched.indexOf('\n---'); at !== -1; at = searched.indexOf('\n---', at + 4)) documents++;
      tail = searched.subarray(Math.max(0, searched.length - 3));
      if (bytes > maxBytes) stop(`its output is over the ${Math.round(maxBytes / 1048576)} MB limit; stopped`);
      else if (documents >= maxDocuments)
        stop(`its output is over ${maxDocuments.toLocaleString('en-US')} YAML documents (the validator's limit); stopped`);
      else stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errorBytes < MAX_STDERR) stderr.push(chunk);
      errorBytes += chunk.length;
    });
    const started = performance.now();
    const finish = (result: ToolResult, exit: string) => {
      if (settled) return;
      settled = true;
      logRun(command, args, options.cwd, exit, performance.now() - started, result, bytes);
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      environment.dispose();
      resolve(result);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'ENOENT' ? `${command} was not found` : error.message;
      finish({ ok: false, stdout: '', stderr: '', error: reason }, reason);
    });
    child.once('close', (code, signal) => {
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      const exit = signal ? `signal ${signal}` : `exit ${code}`;
      if (stopped) return finish({ ok: false, stdout: '', stderr: err, error: stopped }, `${exit}: ${stopped}`);
      if (code === 0) return finish({ ok: true, stdout: out, stderr: err }, exit);
      finish({ ok: false, stdout: out, stderr: err, error: err.trim() || `${command} ended with ${signal ?? `exit code ${code}`}` }, exit);
    });
    // A tool that exits before reading its input closes the pipe: that is its own error to report, not ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/**
 * One line per run: the command (values given with --set masked), the tool's version when known, where, how it ended
 * and how long it took. Never the tool's output: a render holds Secrets, and its errors may quote them.
 */
function logRun(
  command: string,
  args: readonly string[],
  cwd: string | undefined,
  exit: string,
  ms: number,
  result: ToolResult,
  bytes: number,
): void {
  const version = knownVersions.get(command);
  const line =
    `ran ${[command, ...maskedArguments(args)].join(' ')}${version ? ` (${version})` : ''}${cwd ? ` in ${cwd}` : ''}: ` +
    `${exit} after ${Math.round(ms)} ms` +
    (result.ok
      ? `, ${formatBytes(bytes)} of output`
      : `, ${result.stderr.length ? `${formatBytes(Buffer.byteLength(result.stderr))} of error output` : 'no error output'}`);
  log(result.ok ? 'info' : 'warn', line);
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1048576).toFixed(1)} MB`;
}

const versions = new Map<string, Promise<string | undefined>>();
/** The versions asked so far, by command, for the log lines of later runs. */
const knownVersions = new Map<string, string>();

/**
 * The version of kustomize a command runs (`kustomize version`, or kubectl's embedded one) or of helm, asked once per
 * binary: renders name it, as users compare it with their CI's.
 */
export function toolVersion(command: string, kind: 'kustomize' | 'kubectl' | 'helm'): Promise<string | undefined> {
  let known = versions.get(command);
  if (!known) {
    const args = kind === 'helm' ? ['version', '--short'] : kind === 'kubectl' ? ['version', '--client'] : ['version'];
    known = runTool(command, args, { timeoutMs: 10_000 }).then((result) => {
      if (!result.ok) return undefined;
      const out = result.stdout;
      const version = kind === 'kubectl' ? /Kustomize Version:\s*(v\S+)/.exec(out)?.[1] : /v\d+\.\d+\.\d+[^\s"+]*/.exec(out)?.[0];
      const named = version ? `${kind === 'helm' ? 'helm' : 'kustomize'} ${version}` : undefined;
      if (named) knownVersions.set(command, named);
      return named;
    });
    versions.set(command, known);
  }
  return known;
}
