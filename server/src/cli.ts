#!/usr/bin/env node
// Entry point of the `driftless` command: starts the bundled CLI with a code cache.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startWithCodeCache } from './node/start-with-code-cache';

const bundle = join(__dirname, 'cli-main.js');
if (existsSync(bundle)) startWithCodeCache(bundle);
// eslint-disable-next-line @typescript-eslint/no-require-imports -- running from source: no bundle to cache
else require(join(__dirname, 'cli-main'));
