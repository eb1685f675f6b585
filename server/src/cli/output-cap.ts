// The CLI's output, bounded: a hostile repository can make a render or a diff print without end (a chart of many
// objects, a change to every one). Past the cap, text is cut with a line that says so and JSON or SARIF (which a cut
// would make unreadable) is not printed; either way the run says why on stderr and exits 2.
import type { CommandResult } from './validate-command';

/** Far above any real validation, render or diff of a repository; a pipeline log or a pull request holds less. */
export const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export function cappedOutput(result: CommandResult, structured: boolean, limit = MAX_OUTPUT_BYTES): CommandResult {
  if (Buffer.byteLength(result.stdout) <= limit) return result;
  const size = limit >= 1048576 ? `${Math.round(limit / 1048576)} MB` : `${limit} bytes`;
  const why = `driftless: the output is over the ${size} limit`;
  if (structured) return { exitCode: 2, stdout: '', stderr: `${result.stderr ? `${result.stderr}\n` : ''}${why}; nothing was printed.` };
  const cut = Buffer.from(result.stdout)
    .subarray(0, limit)
    .toString('utf8')
    .replace(/\n[^\n]*$/, '');
  return {
    exitCode: 2,
    stdout: `${cut}\n… (output cut at ${size})`,
    stderr: `${result.stderr ? `${result.stderr}\n` : ''}${why}; it was cut.`,
  };
}
