// Makes a folder a git repository with everything committed on branch main: the base driftless/changes compares the
// working tree with. Any user or global configuration (identity, signing, hooks) is overridden, so it works anywhere.
import { execFileSync } from 'node:child_process';

const GIT_OPTIONS = [
  '-c',
  'user.name=Driftless Bench',
  '-c',
  'user.email=bench@driftless.invalid',
  '-c',
  'commit.gpgsign=false',
  '-c',
  'core.hooksPath=/dev/null',
];

export function commitAll(dir: string): void {
  const git = (...args: string[]) => execFileSync('git', [...GIT_OPTIONS, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  git('init', '--quiet', '--initial-branch=main');
  git('add', '--all');
  git('commit', '--quiet', '--message', 'Benchmark base');
}
