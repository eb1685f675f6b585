// @kubernetes/client-node, loaded when a command first talks to a cluster. Built, it is a bundle of its own beside
// this one (dist/client-node.js, see scripts/build.mjs), so nothing else pays for loading it; from source, the package.
// It is ESM: `require` of it works from Node 20.19 on (the vm the CLI's bundle runs in has no dynamic import).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadWithCodeCache } from '../start-with-code-cache';
import type * as ClientNodeModule from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

export type ClientNode = typeof ClientNodeModule;

declare const DRIFTLESS_VERSION: string | undefined;

let loaded: ClientNode | undefined;

export function clientNode(): ClientNode {
  if (loaded) return loaded;
  // Built (only the bundles define DRIFTLESS_VERSION): the bundle beside this one, through a V8 code cache as the
  // CLI's and the server's own bundles run (compiling it is most of what loading it costs).
  const bundle = typeof DRIFTLESS_VERSION === 'string' ? join(__dirname, 'client-node.js') : undefined;
  loaded =
    bundle && existsSync(bundle)
      ? (loadWithCodeCache(bundle, require) as ClientNode)
      : // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
        (require('@kubernetes/client-node') as ClientNode);
  return loaded;
}
