// Starts yaml-language-server in its Kubernetes mode, offline, configured as vscode-yaml's client does: the server
// asks the client for every https schema (`vscode/content`) and gets the locally derived Kubernetes files.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ResponseError } from 'vscode-jsonrpc/node';
import type { ConfigurationItem } from 'vscode-languageserver-protocol';
import { LspClient } from './lsp-client';
import { YAML_LANGUAGE_SERVER, type ServerUnderTest } from './server-under-test';
import { YLS_KUBERNETES_VERSION, type YlsKubernetesSchemas } from './yls-kubernetes-schemas';

const PACKAGE_DIR = resolve(__dirname, '../../node_modules/yaml-language-server');
const BIN = resolve(PACKAGE_DIR, 'bin/yaml-language-server');
const SCHEMA_DIR_URL = `https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/${YLS_KUBERNETES_VERSION}-standalone-strict/`;

const SETTINGS = {
  schemas: { kubernetes: '*.yaml' },
  kubernetesVersion: YLS_KUBERNETES_VERSION,
  schemaStore: { enable: false },
  // Without the CRD store the server skips kind detection and validates every document against the whole oneOf.
  kubernetesCRDStore: { enable: true },
};

function answerConfiguration(item: ConfigurationItem): unknown {
  return item.section === 'yaml' ? SETTINGS : null;
}

function yamlLanguageServerVersion(): string {
  return (JSON.parse(readFileSync(resolve(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }).version;
}

export class YamlLanguageServer implements ServerUnderTest {
  readonly name = YAML_LANGUAGE_SERVER;
  readonly version = yamlLanguageServerVersion();
  /** Every schema URL the servers asked this client for, in order; an honest run shows all.json and _definitions.json here. */
  readonly schemaRequests: string[] = [];

  constructor(private readonly schemas: YlsKubernetesSchemas) {}

  async start(workspaceDir: string): Promise<LspClient> {
    const client = await LspClient.start({
      server: { command: process.execPath, args: [BIN, '--stdio'] },
      workspaceDir,
      configuration: answerConfiguration,
      requestHandlers: { 'vscode/content': (uri: unknown) => this.serveSchema(uri) },
    });
    client.notify('yaml/registerContentRequest');
    return client;
  }

  /** As vscode-yaml's client would, minus the network: the two Kubernetes files are known, anything else is not. */
  private serveSchema(uri: unknown): string {
    this.schemaRequests.push(String(uri));
    // Like an HTTP fetch, the fragment (`#/definitions/<kind>`) is the requester's business.
    const url = String(uri).split('#')[0];
    if (url === `${SCHEMA_DIR_URL}all.json`) return this.schemas.all;
    if (url === `${SCHEMA_DIR_URL}_definitions.json`) return this.schemas.definitions;
    throw new ResponseError(404, `offline benchmark: no local copy of ${url}`);
  }
}
