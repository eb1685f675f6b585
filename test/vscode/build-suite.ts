// Bundles the extension-host tests with esbuild into out/test/vscode/: index.js (the extensionTestsPath entry point)
// and one bundle per suite folder (main.js, trust.js, package.js) holding its *.test.ts files in name order.
// `vscode` is the host's; mocha is loaded from node_modules at run time.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/code-server';

export const SUITE_SOURCE = join(REPO_ROOT, 'test', 'vscode', 'suite');
export const SUITE_OUT = join(REPO_ROOT, 'out', 'test', 'vscode');
export const SUITE_ENTRY = join(SUITE_OUT, 'index.js');

export function suiteNames(): string[] {
  return readdirSync(SUITE_SOURCE)
    .filter((name) => statSync(join(SUITE_SOURCE, name)).isDirectory())
    .sort();
}

export async function buildSuites(): Promise<void> {
  rmSync(SUITE_OUT, { recursive: true, force: true });
  const common: esbuild.BuildOptions = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  };
  const builds: Promise<unknown>[] = [esbuild.build({ ...common, entryPoints: [join(SUITE_SOURCE, 'index.ts')], outfile: SUITE_ENTRY })];
  for (const suite of suiteNames()) {
    const files = readdirSync(join(SUITE_SOURCE, suite))
      .filter((file) => file.endsWith('.test.ts'))
      .sort();
    builds.push(
      esbuild.build({
        ...common,
        stdin: {
          contents: files.map((file) => `import './${suite}/${file.slice(0, -'.ts'.length)}';`).join('\n'),
          resolveDir: SUITE_SOURCE,
          sourcefile: `${suite}.ts`,
          loader: 'ts',
        },
        outfile: join(SUITE_OUT, `${suite}.js`),
      }),
    );
  }
  await Promise.all(builds);
}
