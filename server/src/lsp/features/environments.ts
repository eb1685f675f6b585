// driftless/environments: the environments of every project, for the Environments view (engine/environments).
import { environmentView } from '../../engine/environments/environment';
import type { Project } from '../../node/project';
import { EnvironmentsRequest, type EnvironmentsResult } from '../../protocol';
import type { DocumentRequests } from '../document-requests';

export function environments(requests: DocumentRequests, projects: () => Project[]): void {
  requests.connection.onRequest(EnvironmentsRequest.type, (): EnvironmentsResult => {
    const all = projects();
    return {
      complete: all.every((project) => project.indexComplete),
      folders: all.map((project) => ({
        root: project.root,
        environments: project.environments().map((environment) => environmentView(environment, (path) => project.displayPath(path))),
      })),
    };
  });
}
