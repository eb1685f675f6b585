// Entry point of the language server (`node dist/server.js --stdio`): starts the bundled server with a code cache.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startWithCodeCache } from './node/start-with-code-cache';

const bundle = join(__dirname, 'server-main.js');
if (existsSync(bundle)) startWithCodeCache(bundle);
// eslint-disable-next-line @typescript-eslint/no-require-imports -- running from source: no bundle to cache
else require(join(__dirname, 'server-main'));
