// driftless/environments: the environments of every project, for the Environments view (engine/environments), with
// what their background renders found (lsp/rendered-diagnostics).
import { environmentView } from '../../engine/environments/environment';
import type { Project } from '../../node/project';
import { EnvironmentsRequest, type EnvironmentStatus, type EnvironmentsResult } from '../../protocol';
import type { DocumentRequests } from '../document-requests';

/** Each environment with its status as the background renders found it (undefined: not rendered). */
export function environments(
  requests: DocumentRequests,
  projects: () => Project[],
  statusOf: (root: string, environment: string) => EnvironmentStatus | undefined,
): void {
  requests.connection.onRequest(EnvironmentsRequest.type, (): EnvironmentsResult => {
    const all = projects();
    return {
      complete: all.every((project) => project.indexComplete),
      folders: all.map((project) => ({
        root: project.root,
        environments: project.environments().map((environment) => {
          const status = statusOf(project.root, environment.name);
          return { ...environmentView(environment, (path) => project.displayPath(path)), ...(status ? { status } : {}) };
        }),
      })),
    };
  });
}
