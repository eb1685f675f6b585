// @kubernetes/client-node, loaded when a command first talks to a cluster. Built, it is a bundle of its own beside
// this one (dist/client-node.js, see scripts/build.mjs), so nothing else pays for loading it; from source, the package.
// It is ESM: `require` of it works from Node 20.19 on (the vm the CLI's bundle runs in has no dynamic import).
import type * as ClientNodeModule from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

export type ClientNode = typeof ClientNodeModule;

let loaded: ClientNode | undefined;

export function clientNode(): ClientNode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  loaded ??= require('@kubernetes/client-node') as ClientNode;
  return loaded;
}
