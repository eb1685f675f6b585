// The prefix of every line the suite prints, so the runner tells them from the workbench's own log (no vscode import:
// the runner loads this too).
export const SUITE_MARK = '[suite] ';
