// driftless/documentStatus: what the status bar shows for a document: the Kubernetes version, where it came from,
// where the document's schemas came from, and how far the workspace index is.
import { existsSync } from 'node:fs';
import { describeOrigin } from '../../engine/language/document-schema';
import { DocumentStatusRequest, type DocumentStatus } from '../../protocol';
import type { ServerFeature } from '../document-requests';

export const documentStatus: ServerFeature = (requests) => {
  requests.connection.onRequest(
    DocumentStatusRequest.type,
    (params) =>
      requests.handle(params.uri, ({ state, validation }): DocumentStatus => {
        const { project } = state;
        const config = project.config;
        const sources = new Set<string>();
        for (const { resources } of validation.report.documents) {
          for (const resource of resources) {
            const lookup = project.catalog.lookup(resource.apiVersion, resource.kind, config.kubernetesVersion);
            if (lookup.status === 'found') sources.add(describeOrigin(lookup.schema));
          }
        }
        return {
          kubernetesVersion: config.kubernetesVersion,
          versionSource: config.versionSource,
          schemaSources: [...sources],
          ...(existsSync(project.configPath) ? { configFile: project.configPath } : {}),
          bundledVersions: project.catalog.index().kubernetesVersions,
          index: { complete: project.indexComplete, files: project.resources.files().length, resources: project.resources.size },
        };
      }) ?? null,
  );
};
