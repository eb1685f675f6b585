// Running kustomize, kubectl and helm: with a timeout and a cancellation signal, output bounded, and a plain message
// when the binary is missing. Renders never run in an untrusted workspace (the caller checks).
import { execFile, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export interface ToolResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** Why it failed, in words: the tool's own message, a timeout, a missing binary. */
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

const MAX_OUTPUT = 256 * 1024 * 1024;

/** Tools still running: when the server or CLI exits (the editor closed mid-render), they are stopped too. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function runTool(
  command: string,
  args: string[],
  /** `input`: written to the tool's stdin (values that must not touch the disk). */
  options: { cwd?: string; timeoutMs: number; signal?: AbortSignal; input?: string },
): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs,
        maxBuffer: MAX_OUTPUT,
        encoding: 'utf8',
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ ok: true, stdout, stderr });
        const failure = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
        const reason =
          failure.code === 'ENOENT'
            ? `${command} was not found`
            : failure.name === 'AbortError'
              ? 'cancelled'
              : failure.killed || failure.signal === 'SIGTERM'
                ? `${command} did not finish within ${Math.round(options.timeoutMs / 1000)} s`
                : stderr.trim() || failure.message;
        resolve({ ok: false, stdout, stderr, error: reason });
      },
    );
    running.add(child);
    child.once('exit', () => running.delete(child));
    // A tool that exits before reading its input closes the pipe: that is its own error to report, not ours.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

const versions = new Map<string, Promise<string | undefined>>();

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
      return version ? `${kind === 'helm' ? 'helm' : 'kustomize'} ${version}` : undefined;
    });
    versions.set(command, known);
  }
  return known;
}
