// Completion from the repository: where a resource names another (a ConfigMap, Secret, ServiceAccount, Service,
// claim, role, Flux source, ...) the names the workspace defines; where an Ingress names a Service's port, that
// Service's ports; where a kustomization, a Flux Kustomization or an Argo CD Application expects a path, the files
// and folders there.
import { deliveredPaths, repositoryRootFor, type DeliveredPathHost } from '../workspace/delivered-paths';
import { kustomizationReferences } from '../kustomize/kustomization-references';
import { referencesOf } from '../workspace/resource-references';
import type { JsonPath } from '../yaml/locate';
import type { CompletionItem } from './completion';
import { valueAt } from '../json';

export interface NameCandidate {
  name: string;
  /** Where it is defined, for the item's detail: `apps/base/configmap.yaml`, or a generator's kustomization. */
  where: string;
  /** Defined where the referring file is applied (same build, same namespace): listed first. */
  near: boolean;
}

export interface WorkspaceCompletionHost {
  /** The names of a kind the repository defines (files, generators, what controllers make), for a reference in `file`. */
  namesOf(kind: string, file: string): NameCandidate[];
  /** The ports of the Services of this name. */
  servicePorts(name: string): { name?: string; port: number }[];
  /** Files, folders and the repository root, for paths. */
  delivered: DeliveredPathHost;
}

export interface ValueCompletionRequest {
  /** The file being edited, and whether it is a kustomization. */
  file: string;
  isKustomization: boolean;
  /** The document's value with the completion marker in place of what is being typed. */
  value: unknown;
  /** Where the marker is, in `value`, and the marker text. */
  path: JsonPath;
  marker: string;
  /** What the user has typed of the value so far. */
  typed: string;
  span: { replaceStart: number; replaceEnd: number };
}

function samePath(a: JsonPath, b: JsonPath): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}

/** Items for the value being typed at the marker, from the workspace; [] where the position names nothing. */
export function workspaceValueItems(request: ValueCompletionRequest, host: WorkspaceCompletionHost): CompletionItem[] {
  if (request.isKustomization) return kustomizationPathItems(request, host);
  return [...nameItems(request, host), ...portItems(request, host), ...deliveredPathItems(request, host)];
}

function nameItems(request: ValueCompletionRequest, host: WorkspaceCompletionHost): CompletionItem[] {
  const references = referencesOf(request.value);
  const reference = references.find((r) => r.name === request.marker && samePath(r.at, request.path));
  if (!reference) return [];
  const seen = new Set<string>();
  const items: CompletionItem[] = [];
  for (const candidate of host.namesOf(reference.kind, request.file)) {
    if (seen.has(candidate.name)) continue;
    seen.add(candidate.name);
    items.push({
      label: candidate.name,
      kind: 'value',
      detail: `${reference.kind} in ${candidate.where}`,
      insertText: candidate.name,
      snippet: false,
      ...request.span,
      // Names defined where this file is applied come first.
      sortText: `${candidate.near ? '0' : '1'}${candidate.name}`,
    });
  }
  return items;
}

/** An Ingress backend's `service.port.number` or `service.port.name`: the ports of the Service it names. */
function portItems(request: ValueCompletionRequest, host: WorkspaceCompletionHost): CompletionItem[] {
  const { path } = request;
  const field = path[path.length - 1];
  if ((field !== 'number' && field !== 'name') || path[path.length - 2] !== 'port' || path[path.length - 3] !== 'service') return [];
  const record = request.value as Record<string, unknown> | undefined;
  if (record?.kind !== 'Ingress') return [];
  const serviceName = valueAt(request.value, [...path.slice(0, -2), 'name']);
  if (typeof serviceName !== 'string') return [];
  return host.servicePorts(serviceName).flatMap((port) => {
    const label = field === 'number' ? String(port.port) : port.name;
    if (label === undefined) return [];
    return [
      {
        label,
        kind: 'value' as const,
        detail: `port of Service ${serviceName}${port.name && field === 'number' ? ` (${port.name})` : ''}`,
        insertText: label,
        snippet: false,
        ...request.span,
      },
    ];
  });
}

/** The entries of the folder the typed path points into, written the way the user started writing it. */
function folderItems(
  base: string,
  typed: string,
  accept: (kind: 'file' | 'folder', name: string) => boolean,
  host: WorkspaceCompletionHost,
  span: ValueCompletionRequest['span'],
): CompletionItem[] {
  const files = host.delivered.files;
  const slash = typed.lastIndexOf('/');
  const folderPart = slash === -1 ? '' : typed.slice(0, slash + 1);
  const folder = files.resolve(base, folderPart || '.');
  if (files.kindOf(folder) !== 'folder') return [];
  const items: CompletionItem[] = [];
  for (const name of files.list(folder).sort()) {
    if (name.startsWith('.')) continue;
    const kind = files.kindOf(files.resolve(folder, name));
    if (!kind || !accept(kind, name)) continue;
    items.push({
      label: `${folderPart}${name}`,
      kind: 'value',
      detail: kind,
      insertText: `${folderPart}${name}`,
      snippet: false,
      ...span,
      sortText: `${kind === 'folder' ? '0' : '1'}${name}`,
    });
  }
  return items;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

function kustomizationPathItems(request: ValueCompletionRequest, host: WorkspaceCompletionHost): CompletionItem[] {
  const reference = kustomizationReferences(request.value).find((r) => samePath(r.at, request.path) && r.entry.includes(request.marker));
  if (!reference || reference.prefix) return [];
  const resourceLike = reference.field === 'resources' || reference.field === 'bases' || reference.field === 'components';
  const base = host.delivered.files.dirname(request.file);
  return folderItems(
    base,
    request.typed,
    (kind, name) => (resourceLike ? kind === 'folder' || MANIFEST_FILE.test(name) : kind === 'file' || reference.field !== 'patches'),
    host,
    request.span,
  );
}

function deliveredPathItems(request: ValueCompletionRequest, host: WorkspaceCompletionHost): CompletionItem[] {
  const delivered = deliveredPaths(request.value, host.delivered).find(
    (d) => samePath(d.at, request.path) && d.path.includes(request.marker),
  );
  if (!delivered) return [];
  const base = delivered.base ?? repositoryRootFor(request.file, host.delivered);
  const typed = delivered.base === undefined ? request.typed.replace(/^\.?\//, '') : request.typed;
  const lead = request.typed.slice(0, request.typed.length - typed.length);
  return folderItems(base, typed, (kind) => kind === delivered.expects || kind === 'folder', host, request.span).map((item) => ({
    ...item,
    label: lead + item.label,
    insertText: lead + item.insertText,
  }));
}
