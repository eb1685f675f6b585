// Waits until a process is quiet (Linux /proc): no child processes and hardly any CPU time of its own for a while. The
// server renders in the background (kubectl, helm) with nothing to say when it is done; a measure that must not
// compete with that work waits for the quiet first.
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system, in clock ticks) a quiet process may still use per quiet period: timers, garbage collection. */
const QUIET_TICKS = 2;
const POLL_MS = 100;

function hasChildren(pid: number): boolean {
  const tasks = readdirSync(`/proc/${pid}/task`);
  return tasks.some((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim() !== '');
}

function cpuTicks(pid: number): number {
  // The command name, in parentheses, may hold spaces: the fields are counted after it (utime and stime are 14 and 15).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Resolves once `pid` has been quiet for `quietMs`; throws after `timeoutMs`. */
export async function waitUntilQuiet(pid: number, options: { quietMs: number; timeoutMs: number }): Promise<void> {
  const started = performance.now();
  let quietSince = performance.now();
  let ticksAtQuietStart = cpuTicks(pid);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const now = performance.now();
    if (hasChildren(pid) || cpuTicks(pid) - ticksAtQuietStart > QUIET_TICKS) {
      quietSince = now;
      ticksAtQuietStart = cpuTicks(pid);
    } else if (now - quietSince >= options.quietMs) return;
    if (now - started > options.timeoutMs) throw new Error(`Process ${pid} was not quiet within ${options.timeoutMs} ms`);
  }
}
