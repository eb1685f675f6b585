// What a run leaves behind until its work is done — temporary folders, the process groups of running tools, git
// worktrees — each removed when done, and all at once when the process exits or is interrupted (Ctrl-C in a pipeline,
// the editor closing mid-render), so that nothing of a run outlives it: no folder in the temp dir, no registered
// worktree, no kustomize still running.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const folders = new Set<string>();
const groups = new Set<ChildProcess>();
const worktrees = new Map<string, string>();

/**
 * A new folder in the system temp dir, `<prefix><pid>-<random>`, removed by removeTemporaryFolder or at exit. The
 * process id in the name tells a later run whose leftover it is (sweepLeftovers).
 */
export function temporaryFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), `${prefix}${process.pid}-`));
  folders.add(folder);
  return folder;
}

/** The prefixes of the temporary folders of renders and diffs (not of anything else that may sit in the temp dir). */
const RUN_PREFIXES = ['driftless-base-', 'driftless-build-', 'driftless-mirror-', 'driftless-tool-home-'];

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a temp dir entry is a folder `prefix` of a run whose process is gone (killed before it could clean up). */
export function isRunLeftover(name: string, prefix: string): boolean {
  const pid = new RegExp(`^${prefix}(\\d+)-`).exec(name)?.[1];
  return pid !== undefined && Number(pid) !== process.pid && !isAlive(Number(pid));
}

/** Removes the temporary folders runs that were killed outright left in the temp dir (none of a living process). */
export function sweepLeftovers(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names)
    if (RUN_PREFIXES.some((prefix) => isRunLeftover(name, prefix))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
}

export function removeTemporaryFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
  folders.delete(folder);
}

/** A tool started in its own process group (detached): the whole group is killed at exit, with what it started. */
export function trackProcessGroup(child: ChildProcess): void {
  groups.add(child);
  child.once('exit', () => groups.delete(child));
  // A tool that could not start (not found) never exits.
  child.once('error', () => groups.delete(child));
}

/** Kills a tool and everything it started (kustomize's helm): its process group, else the process itself. */
export function killProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (process.platform === 'win32') child.kill('SIGKILL');
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** A worktree of `repository` at `folder`: removed with `git worktree remove` at exit if its user has not. */
export function trackWorktree(repository: string, folder: string): void {
  worktrees.set(folder, repository);
}

export function untrackWorktree(folder: string): void {
  worktrees.delete(folder);
}

/** Removes everything at once, synchronously (it runs in `exit` handlers, where nothing asynchronous completes). */
export function cleanUpNow(): void {
  for (const child of groups) killProcessGroup(child);
  groups.clear();
  for (const [folder, repository] of worktrees) {
    try {
      execFileSync('git', ['-C', repository, '-c', 'core.hooksPath=/dev/null', 'worktree', 'remove', '--force', folder], {
        stdio: 'ignore',
        timeout: 10_000,
      });
    } catch {
      // The folder is removed below; `git worktree prune` at the next start forgets the registration.
    }
  }
  worktrees.clear();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  folders.clear();
}

process.once('exit', cleanUpNow);

/**
 * Cleans up and ends the process on SIGINT, SIGTERM and SIGHUP, with the shell's exit code for the signal (130 for
 * Ctrl-C). The CLI installs it; the language server ends on its client's word, and its `exit` handler cleans up.
 */
export function cleanUpOnSignals(say: (message: string) => void = () => undefined): void {
  const codes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [signal, code] of Object.entries(codes) as [NodeJS.Signals, number][])
    process.once(signal, () => {
      say(`interrupted (${signal}): stopping the tools and removing temporary folders and worktrees.`);
      cleanUpNow();
      process.exit(code);
    });
}
