// npm run package: the .vsix, made by vsce with .vscodeignore as its allow-list. Prints the path and the size;
// `--out FILE` (default driftless.vsix). The npm package of the CLI has its own allow-list, .npmignore.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

export function packageVsix(out = join(ROOT, 'driftless.vsix'), options: { quiet?: boolean } = {}): { file: string; bytes: number } {
  const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', resolve(out)], {
    cwd: ROOT,
    stdio: options.quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
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
