// What the benchmark needs from each language server it compares.
import type { LspClient } from './lsp-client';

export const YAML_LANGUAGE_SERVER = 'yaml-language-server';
export const DRIFTLESS = 'driftless';

export interface ServerUnderTest {
  readonly name: string;
  readonly version: string;
  /** Spawns a fresh server for `workspaceDir` and completes the handshake, including any server-specific setup. */
  start(workspaceDir: string): Promise<LspClient>;
}
