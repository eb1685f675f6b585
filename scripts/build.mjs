// Bundles the extension client, the language server and the CLI with esbuild (npm run build; --watch to rebuild).
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  minify: !watch,
  legalComments: 'linked',
  logLevel: 'info',
  define: { DRIFTLESS_VERSION: JSON.stringify(version) },
};

const builds = [
  { ...common, entryPoints: { extension: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  // server.js and cli.js are small loaders that run server-main.js and cli-main.js through a V8 code cache.
  {
    ...common,
    entryPoints: {
      server: 'server/src/server.ts',
      cli: 'server/src/cli.ts',
      'server-main': 'server/src/server-main.ts',
      'cli-main': 'server/src/cli-main.ts',
    },
    outdir: 'dist',
  },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
