// What completion offers from a project's repository: the names of what is defined (those applied with the file
// first), a Service's ports, the paths Flux and Argo CD read.
import type { NameCandidate, WorkspaceCompletionHost } from '../language/workspace-completion';
import type { DeliveredPathHost } from '../workspace/delivered-paths';
import { parseDocuments } from '../yaml/parse-documents';
import type { ProjectFiles } from './project-files';
import type { ProjectIndex } from './project-index';

export function completionHost(
  index: ProjectIndex,
  files: ProjectFiles,
  delivered: DeliveredPathHost,
  display: (path: string) => string,
): WorkspaceCompletionHost {
  return {
    delivered,
    namesOf: (kind, file) => {
      const near = new Set<string>();
      for (const scope of index.referenceScopes.scopesOf(file))
        for (const [key, definitions] of scope.definitions) if (key.startsWith(`${kind}/`)) for (const d of definitions) near.add(d.name);
      const candidates: NameCandidate[] = [];
      for (const [key, definitions] of index.referenceScopes.repositoryScope().definitions) {
        if (!key.startsWith(`${kind}/`)) continue;
        for (const d of definitions) candidates.push({ name: d.name, where: display(d.file), near: near.has(d.name) });
      }
      return candidates;
    },
    servicePorts: (name) =>
      index.resources.named('Service', name).flatMap((service) => {
        const text = files.readText(service.file);
        const document = text.ok ? parseDocuments(text.text).find((d) => d.index === service.documentIndex) : undefined;
        const spec = (document?.content.value as { spec?: { ports?: unknown } } | undefined)?.spec;
        return Array.isArray(spec?.ports)
          ? spec.ports.flatMap((p: { name?: unknown; port?: unknown }) =>
              typeof p?.port === 'number' ? [{ port: p.port, ...(typeof p.name === 'string' ? { name: p.name } : {}) }] : [],
            )
          : [];
      }),
  };
}
