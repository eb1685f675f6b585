// The entry of dist/client-node.js: @kubernetes/client-node (ESM) bundled to CommonJS on its own, which the CLI's and
// the server's bundles require when a command first talks to a cluster (see build.mjs).
export * from '@kubernetes/client-node';
