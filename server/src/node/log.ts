// The server's log, as the client's "Driftless" output channel (a LogOutputChannel) shows it with levels: tool runs,
// index passes, render cache hits. Nothing is written until the language server says where it goes (the CLI logs
// nothing). Callers never pass Secret values or a tool's output: only commands, counts, times and outcomes.
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogSink = (level: LogLevel, message: string) => void;

let sink: LogSink | undefined;

/** Sends the log to `next` from now on (undefined: nowhere). */
export function logTo(next: LogSink | undefined): void {
  sink = next;
}

export function log(level: LogLevel, message: string): void {
  sink?.(level, message);
}
