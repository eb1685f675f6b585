// driftless/drift: one environment's working tree against its live cluster (node/drift), for the Drift view. Never in
// an untrusted workspace (it uses the kubeconfig's credentials and runs kustomize, helm and exec plugins); cancellable;
// the clusters' connections are kept between requests.
import type { CancellationToken } from 'vscode-languageserver/node';
import { ClusterConnections } from '../../node/cluster/cluster-connections';
import { driftEnvironments } from '../../node/drift/drift-environments';
import type { Project } from '../../node/project';
import { DriftRequest, type DriftlessSettings, type DriftParams, type DriftResult } from '../../protocol';
import type { DocumentRequests } from '../document-requests';
import { toolsOf } from './render';

export interface DriftHost {
  projects(): Project[];
  trusted(): boolean;
  settings(): DriftlessSettings;
}

const UNTRUSTED =
  'This workspace is not trusted: Driftless reads no cluster here (that uses your kubeconfig’s credentials). Trust the workspace to see drift.';

export function driftRequests(requests: DocumentRequests, host: DriftHost): void {
  const connections = new ClusterConnections();
  requests.connection.onShutdown(() => connections.closeAll());
  requests.connection.onRequest(DriftRequest.type, async (params: DriftParams, token: CancellationToken): Promise<DriftResult> => {
    if (!host.trusted()) return { error: UNTRUSTED };
    const projects = host.projects();
    const project = (params.folder && projects.find((p) => p.root === params.folder)) || projects[0];
    if (!project) return { error: 'No workspace folder.' };
    if (typeof params.environment !== 'string' || !params.environment) return { error: 'Which environment? (`environment` is missing)' };
    const abort = new AbortController();
    const listener = token.onCancellationRequested(() => abort.abort());
    try {
      const result = await driftEnvironments({
        root: project.root,
        cwd: project.root,
        env: process.env,
        tools: toolsOf(host.settings()),
        environment: params.environment,
        connections,
        signal: abort.signal,
        ...(project.indexComplete ? { project } : {}),
        ...(typeof params.context === 'string' && params.context ? { context: params.context } : {}),
        ...(params.documents ? { documents: true } : {}),
      });
      if ('error' in result) return result;
      return result.environments[0] ?? { error: `No environment named "${params.environment}".` };
    } finally {
      listener.dispose();
    }
  });
}
