// CustomResourceDefinitions: read from manifests (workspace, configured files) or from the bundled set.
import type { SchemaData } from './schema-data';
import type { SchemaNode } from './schema-node';
import { isRecord } from '../json';

export interface CrdVersion {
  name: string;
  served: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema: SchemaNode;
}

export interface CrdDefinition {
  group: string;
  kind: string;
  plural: string;
  scope: string;
  versions: CrdVersion[];
}

const NO_SHARED_SUBTREES: readonly SchemaNode[] = [];
const PERMISSIVE: SchemaNode = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

/** True for a CustomResourceDefinition manifest of any apiextensions version. */
export function isCrdManifest(value: unknown): value is Record<string, unknown> {
  return (
    isRecord(value) &&
    value.kind === 'CustomResourceDefinition' &&
    typeof value.apiVersion === 'string' &&
    value.apiVersion.startsWith('apiextensions.k8s.io/')
  );
}

/** Reads a CRD manifest (apiextensions v1 or v1beta1); undefined when it lacks a group or kind. */
export function crdFromManifest(value: unknown): CrdDefinition | undefined {
  if (!isCrdManifest(value) || !isRecord(value.spec)) return undefined;
  const spec = value.spec;
  const names = isRecord(spec.names) ? spec.names : {};
  if (typeof spec.group !== 'string' || typeof names.kind !== 'string') return undefined;
  const sharedSchema = isRecord(spec.validation) && isRecord(spec.validation.openAPIV3Schema) ? spec.validation.openAPIV3Schema : undefined;
  const versions: CrdVersion[] = [];
  if (Array.isArray(spec.versions)) {
    for (const entry of spec.versions) {
      if (!isRecord(entry) || typeof entry.name !== 'string') continue;
      const schema = isRecord(entry.schema) && isRecord(entry.schema.openAPIV3Schema) ? entry.schema.openAPIV3Schema : sharedSchema;
      versions.push({
        name: entry.name,
        served: entry.served !== false,
        ...(entry.deprecated === true ? { deprecated: true } : {}),
        ...(typeof entry.deprecationWarning === 'string' ? { deprecationWarning: entry.deprecationWarning } : {}),
        schema: (schema as SchemaNode | undefined) ?? PERMISSIVE,
      });
    }
  } else if (typeof spec.version === 'string') {
    versions.push({ name: spec.version, served: true, schema: (sharedSchema as SchemaNode | undefined) ?? PERMISSIVE });
  }
  return {
    group: spec.group,
    kind: names.kind,
    plural: typeof names.plural === 'string' ? names.plural : names.kind.toLowerCase() + 's',
    scope: typeof spec.scope === 'string' ? spec.scope : 'Namespaced',
    versions,
  };
}

/** Where a CRD came from: shown in hovers and the status bar, and used to find what to drop when a file changes. */
export interface CrdSource {
  kind: 'workspace' | 'bundled';
  /** A file URI or path for workspace CRDs; the project name (e.g. "argo-cd") for bundled ones. */
  id: string;
}

export interface FoundCrd {
  crd: CrdDefinition;
  version: CrdVersion;
  source: CrdSource;
  shared: readonly SchemaNode[];
}

export interface CrdLookup {
  find(group: string, version: string, kind: string): FoundCrd | undefined;
  /** Every CRD known, for completion of apiVersion/kind. */
  all(): { crd: CrdDefinition; source: CrdSource }[];
}

/** CRDs defined in the user's files, replaced file by file as they change. */
export class CrdRegistry implements CrdLookup {
  private readonly bySource = new Map<string, CrdDefinition[]>();
  private revision = 0;

  /** Changes whenever the set of CRDs changes, so cached validation results can be dropped. */
  get generation(): number {
    return this.revision;
  }

  /** Replaces what `sourceId` defines; returns true when that changed anything. */
  setSource(sourceId: string, crds: CrdDefinition[]): boolean {
    const before = this.bySource.get(sourceId);
    if (crds.length === 0 && !before) return false;
    if (before && JSON.stringify(before) === JSON.stringify(crds)) return false;
    if (crds.length === 0) this.bySource.delete(sourceId);
    else this.bySource.set(sourceId, crds);
    this.revision++;
    return true;
  }

  removeSource(sourceId: string): boolean {
    return this.setSource(sourceId, []);
  }

  sources(): string[] {
    return [...this.bySource.keys()];
  }

  find(group: string, version: string, kind: string): FoundCrd | undefined {
    for (const [id, crds] of [...this.bySource].sort(([a], [b]) => a.localeCompare(b))) {
      for (const crd of crds) {
        if (crd.group !== group || crd.kind !== kind) continue;
        const entry = crd.versions.find((v) => v.name === version);
        if (entry) return { crd, version: entry, source: { kind: 'workspace', id }, shared: NO_SHARED_SUBTREES };
      }
    }
    return undefined;
  }

  all(): { crd: CrdDefinition; source: CrdSource }[] {
    return [...this.bySource].flatMap(([id, crds]) => crds.map((crd) => ({ crd, source: { kind: 'workspace' as const, id } })));
  }
}

interface BundledFile {
  shared: SchemaNode[];
  crds: (CrdDefinition & { source: string })[];
}

/** The CRDs shipped in schemas/crds.json (Argo CD, Flux, cert-manager, ...), loaded on first use. */
export class BundledCrds implements CrdLookup {
  private file: BundledFile | undefined;

  constructor(private readonly data: SchemaData) {}

  private load(): BundledFile {
    this.file ??= this.data.readJson('crds.json') as BundledFile;
    return this.file;
  }

  find(group: string, version: string, kind: string): FoundCrd | undefined {
    const file = this.load();
    for (const crd of file.crds) {
      if (crd.group !== group || crd.kind !== kind) continue;
      const entry = crd.versions.find((v) => v.name === version);
      if (entry) return { crd, version: entry, source: { kind: 'bundled', id: crd.source }, shared: file.shared };
    }
    return undefined;
  }

  all(): { crd: CrdDefinition; source: CrdSource }[] {
    return this.load().crds.map((crd) => ({ crd, source: { kind: 'bundled' as const, id: crd.source } }));
  }
}
