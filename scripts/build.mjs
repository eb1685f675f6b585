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

// @kubernetes/client-node is a bundle of its own (dist/client-node.js), required by the CLI and the server only when
// they first talk to a cluster: `driftless validate` and the language server's start do not load or parse it.
const clientNodeApart = {
  name: 'client-node-apart',
  setup(build) {
    build.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: './client-node.js', external: true }));
  },
};

const builds = [
  { ...common, entryPoints: { 'client-node': 'scripts/client-node-entry.mjs' }, outdir: 'dist' },
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
    plugins: [clientNodeApart],
  },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
