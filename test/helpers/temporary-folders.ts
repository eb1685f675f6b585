// The mocha run's temporary folders. One folder per run under the system temp folder holds everything the suite makes:
// TMPDIR points there, so the CLI and language-server processes the tests start put their worktrees and render folders
// there too. Tests make theirs with temporaryFolder(); each top-level suite's are removed when it ends, after a check
// that no git repository in the run folder still has a linked worktree registered (mocha-root-hooks.ts); the last test
// (test/nothing-left.test.ts) checks the run folder is empty. A run that was interrupted leaves its folder, with every
// repository and worktree in it; the next run removes it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RUN_FOLDER_PREFIX = 'driftless-test-run-';
/** An interrupted run's folder is removed once its process is gone, or after this long whatever the process id says. */
const STALE_AFTER_MS = 12 * 60 * 60_000;

let runFolder: string | undefined;
let systemTemp: string | undefined;
let suiteRunning = false;
const registered = new Set<string>();
const worktreeLeaks: string[] = [];
/** What was found in the run folder at the end of a suite, by name: the suite it was first seen after. */
const seenAfter = new Map<string, string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the folders of earlier runs that were interrupted; the names of those removed. */
function removeInterruptedRuns(systemTemp: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(systemTemp)) {
    const match = new RegExp(`^${RUN_FOLDER_PREFIX}(\\d+)-`).exec(name);
    if (!match) continue;
    const path = join(systemTemp, name);
    const age = Date.now() - statSync(path).mtimeMs;
    if (processAlive(Number(match[1])) && age < STALE_AFTER_MS) continue;
    rmSync(path, { recursive: true, force: true, maxRetries: 3 });
    removed.push(name);
  }
  return removed;
}

/** Makes this run's folder and points TMPDIR at it (before any test file loads); what was cleaned up from earlier runs. */
export function startRunFolder(): { folder: string; removedInterrupted: string[] } {
  systemTemp = tmpdir();
  const removedInterrupted = removeInterruptedRuns(systemTemp);
  runFolder = realpathSync(mkdtempSync(join(systemTemp, `${RUN_FOLDER_PREFIX}${process.pid}-`)));
  process.env.TMPDIR = runFolder;
  return { folder: runFolder, removedInterrupted };
}

/**
 * The system's temporary folder, from before the run folder took TMPDIR over: for what outlives every suite (the test
 * cluster shared by the run, stopped when the process exits), which the end-of-run check must not count as left over.
 */
export function systemTemporaryFolder(): string {
  return systemTemp ?? tmpdir();
}

/** This run's folder, or undefined when mocha-root-hooks.ts did not set one up. */
export function currentRunFolder(): string | undefined {
  return runFolder;
}

/** Called once mocha starts running (folders made while files load would outlive the suite that made them). */
export function markSuiteRunning(): void {
  suiteRunning = true;
}

/** A fresh folder (by its real path) in the run folder, removed when the top-level suite that made it ends. */
export function temporaryFolder(prefix: string): string {
  if (!runFolder) throw new Error('no run folder: mocha must load test/helpers/mocha-root-hooks.ts (.mocharc.json "require")');
  if (!suiteRunning) throw new Error(`temporaryFolder("${prefix}") called while mocha loads the test files: make it in a test or a hook`);
  const folder = realpathSync(mkdtempSync(join(runFolder, prefix)));
  registered.add(folder);
  return folder;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The git repositories among the run folder's entries (up to three levels down, where the tests make them). */
function repositoriesIn(folder: string, depth = 3): string[] {
  // A main repository has a .git folder; a linked worktree a .git file (its repository is asked, not it).
  if (isDirectory(join(folder, '.git'))) return [folder];
  if (depth === 0) return [];
  let entries: string[];
  try {
    entries = readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.isSymbolicLink())
      .map((entry) => join(folder, entry.name));
  } catch {
    return [];
  }
  return entries.flatMap((entry) => repositoriesIn(entry, depth - 1));
}

/** The linked worktrees `git worktree list` shows for a repository (its main worktree not counted). */
function linkedWorktrees(repository: string): string[] {
  try {
    const listed = execFileSync('git', ['-C', repository, 'worktree', 'list', '--porcelain'], { encoding: 'utf8', stdio: 'pipe' });
    return listed
      .split('\n')
      .filter((line) => line.startsWith('worktree '))
      .slice(1)
      .map((line) => line.slice('worktree '.length));
  } catch {
    return []; // A linked worktree's own .git file, or a half-made repository: not a main repository to ask.
  }
}

/**
 * At the end of a top-level suite: notes every repository in the run folder that still has a linked worktree
 * registered, then removes the folders the suite made.
 */
export function removeTemporaryFolders(suiteTitle: string): void {
  if (!runFolder) return;
  for (const repository of repositoriesIn(runFolder)) {
    for (const worktree of linkedWorktrees(repository))
      worktreeLeaks.push(`${repository} still lists the worktree ${worktree} (after "${suiteTitle}")`);
  }
  for (const folder of registered) rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
  registered.clear();
  for (const name of readdirSync(runFolder)) if (!seenAfter.has(name)) seenAfter.set(name, suiteTitle);
}

/** Worktrees found registered at the end of a suite. */
export function registeredWorktreeLeaks(): readonly string[] {
  return worktreeLeaks;
}

/** What is left in the run folder, each with the suite it was first seen after (the likely maker). */
export function leftoversInRunFolder(): string[] {
  if (!runFolder || !existsSync(runFolder)) return [];
  return readdirSync(runFolder)
    .sort()
    .map((name) => (seenAfter.has(name) ? `${name} (first seen after "${seenAfter.get(name)}")` : name));
}

/** At the very end: the run folder removed (unless DRIFTLESS_KEEP_TEMP=1, to look at what a failed run left). */
export function removeRunFolder(): void {
  if (runFolder && process.env.DRIFTLESS_KEEP_TEMP !== '1') rmSync(runFolder, { recursive: true, force: true, maxRetries: 3 });
}
