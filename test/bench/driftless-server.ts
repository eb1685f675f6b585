// Starts our built language server (dist/server.js), with default settings unless given some.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DriftlessSettings } from '../../server/src/protocol';
import { LspClient } from './lsp-client';
import { DRIFTLESS, type ServerUnderTest } from './server-under-test';

const REPO_ROOT = resolve(__dirname, '../..');
export const DRIFTLESS_SERVER_PATH = resolve(REPO_ROOT, 'dist/server.js');
export const DRIFTLESS_CLI_PATH = resolve(REPO_ROOT, 'dist/cli.js');

export function driftlessBuildMissing(): string[] {
  return [DRIFTLESS_SERVER_PATH, DRIFTLESS_CLI_PATH].filter((path) => !existsSync(path));
}

export class DriftlessServer implements ServerUnderTest {
  readonly name = DRIFTLESS;
  readonly version = (JSON.parse(readFileSync(resolve(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

  /** `settings`: the "driftless" section answered to workspace/configuration. */
  constructor(private readonly settings: DriftlessSettings = {}) {}

  start(workspaceDir: string): Promise<LspClient> {
    return LspClient.start({
      server: { command: process.execPath, args: [DRIFTLESS_SERVER_PATH, '--stdio'] },
      workspaceDir,
      // A trusted workspace, as the editor's user who renders: the benchmarks measure renders too.
      initializationOptions: { workspaceTrusted: true },
      // Ours is the "driftless" section; any other left at its defaults.
      configuration: (item) => (item.section === 'driftless' ? this.settings : {}),
    });
  }
}
