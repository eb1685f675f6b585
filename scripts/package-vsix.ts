// npm run package: the .vsix, made by vsce with .vscodeignore as its allow-list. Prints the path and the size;
// `--out FILE` (default driftless.vsix). The npm package of the CLI has its own allow-list, .npmignore.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

/**
 * The files .vscodeignore allows, copied into a folder of their own: vsce lists every file of the folder it packages
 * before it applies the allow-list, and the checkout's .cache (Go's module and build caches, hundreds of thousands of
 * files) would make that take minutes. Only plain paths and `dir/**` are used in .vscodeignore.
 */
function stagedPackage(): string {
  const stage = mkdtempSync(join(tmpdir(), 'driftless-vsix-'));
  const allowed = readFileSync(join(ROOT, '.vscodeignore'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1).replace(/\/\*\*$/, ''));
  for (const path of [...allowed, '.vscodeignore']) cpSync(join(ROOT, path), join(stage, path), { recursive: true });
  return stage;
}

export function packageVsix(out = join(ROOT, 'driftless.vsix'), options: { quiet?: boolean } = {}): { file: string; bytes: number } {
  const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const stage = stagedPackage();
  const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', resolve(out)], {
    cwd: stage,
    stdio: options.quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
  rmSync(stage, { recursive: true, force: true });
  if (result.status !== 0) {
    throw new Error(
      `vsce package failed (${result.error?.message ?? `exit ${result.status}`})${options.quiet ? `:\n${result.stdout}${result.stderr}` : ''}`,
    );
  }
  return { file: resolve(out), bytes: statSync(out).size };
}

if (require.main === module) {
  const at = process.argv.indexOf('--out');
  try {
    const { file, bytes } = packageVsix(at > 0 ? process.argv[at + 1] : undefined);
    console.log(`${file}: ${(bytes / 1024 / 1024).toFixed(2)} MB (${bytes} bytes)`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
