// References that resolve nowhere the referring resource is applied: a ConfigMap no file of the build defines, a
// Flux Kustomization depending on one that does not exist. Reported on the name, with where the name is defined if
// it is defined only outside the scope.
import type { RuleId } from '../rules';
import { finding, isPlaceholder, type Finding } from '../validate/finding';
import type { JsonPath } from '../yaml/locate';
import type { DocumentContent } from '../yaml/parse-documents';
import { isImplicitObject } from './produced-resources';
import { declaredIn } from './resource-index';
import type { ResourceReference } from './resource-references';
import { mayHoldUnseen, type Definition, type ReferenceScopes, type Scope } from './reference-scopes';

export interface ReferenceCheckHost {
  scopes: ReferenceScopes;
  /** Paths as the user reads them (relative to the repository). */
  display(path: string): string;
  /** A kustomization file's folder, as shown to the user. */
  displayFolder(path: string): string;
}

/** Kinds referred to that are not namespaced: their references match in any namespace. */
const CLUSTER_SCOPED = new Set(['ClusterRole', 'Namespace', 'PersistentVolume', 'StorageClass']);

export function isClusterScopedKind(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

export function isFluxKind(reference: ResourceReference): boolean {
  return reference.group.endsWith('.fluxcd.io');
}

export function matches(definition: Definition, reference: ResourceReference, namespace: string | undefined): boolean {
  if (CLUSTER_SCOPED.has(reference.kind)) return true;
  const target = reference.namespace ?? namespace;
  return (
    target === undefined || definition.namespace === undefined || definition.inEveryNamespace === true || definition.namespace === target
  );
}

/** Whether the scope settles the reference: true (defined), false (missing), undefined (cannot be told). */
function resolves(scope: Scope, reference: ResourceReference, namespace: string | undefined): boolean | undefined {
  const definitions = scope.definitions.get(`${reference.kind}/${reference.name}`) ?? [];
  if (definitions.some((d) => matches(d, reference, namespace))) return true;
  const target = CLUSTER_SCOPED.has(reference.kind) ? undefined : (reference.namespace ?? namespace);
  if (isFluxKind(reference) ? scope.generatesFluxObjects : mayHoldUnseen(scope, target)) return undefined;
  return false;
}

/** Whether a reference names something that can be looked up (not optional, implicit or a placeholder). */
function judged(reference: ResourceReference): boolean {
  // A name filled in later (Flux `${VAR}`, Helm `{{ }}`) cannot be looked up.
  return !(
    reference.optional ||
    isImplicitObject(reference.kind, reference.name) ||
    isPlaceholder(reference.name) ||
    isPlaceholder(reference.kind)
  );
}

export function checkResourceReferences(file: string, content: DocumentContent, host: ReferenceCheckHost): Finding[] {
  const findings: Finding[] = [];
  for (const declared of declaredIn(content)) {
    for (const reference of declared.references) {
      if (!judged(reference)) continue;
      const missing = missingIn(reference, placementsOf(file, reference, declared.namespace, host), host);
      if (missing) findings.push(unresolved(reference, [...declared.path, ...reference.at], `this ${declared.kind}`, missing, host));
    }
  }
  return findings;
}

/**
 * The names a kustomize patch file adds, resolved in the builds that apply it, in the namespace each gives the
 * resource it patches: a patch that adds `envFrom: [{secretRef: {name: db}}]` needs `db` wherever it is applied.
 */
export function checkPatchReferences(file: string, content: DocumentContent, host: ReferenceCheckHost): Finding[] {
  const scopes = host.scopes.patchScopesOf(file);
  if (!scopes.length) return [];
  const findings: Finding[] = [];
  for (const declared of declaredIn(content)) {
    for (const reference of declared.references) {
      if (!judged(reference)) continue;
      const placements = isFluxKind(reference)
        ? [{ scope: host.scopes.repositoryScope(), namespaces: [declared.namespace] }]
        : scopes.map((scope) => ({ scope, namespaces: [patchedNamespace(scope, declared.kind, declared.name) ?? declared.namespace] }));
      const missing = missingIn(reference, placements, host);
      if (missing) findings.push(unresolved(reference, [...declared.path, ...reference.at], 'this patch', missing, host));
    }
  }
  return findings;
}

/** The namespace a build gives the resource a patch targets; undefined when the build holds no such resource. */
function patchedNamespace(scope: Scope, kind: string, name: string): string | undefined {
  return scope.definitions.get(`${kind}/${name}`)?.find((d) => d.resource?.kind === kind && d.resource.name === name)?.namespace;
}

interface Missing {
  /** The builds it is missing from; empty: the repository. */
  builds: string[];
  namespace: string | undefined;
  /** A definition outside the scope, for the message. */
  elsewhere?: Definition;
}

/** Where a referrer is applied: a scope, with the namespaces the referrer gets there. */
interface Placement {
  scope: Scope;
  namespaces: (string | undefined)[];
}

/** Where a file's resource is applied: each build that reads it (Flux references: the repository), else the repository. */
function placementsOf(file: string, reference: ResourceReference, ownNamespace: string | undefined, host: ReferenceCheckHost): Placement[] {
  const scopes = isFluxKind(reference) ? [host.scopes.repositoryScope()] : host.scopes.scopesOf(file);
  return scopes.map((scope) => ({
    scope,
    namespaces: scope.build
      ? [scope.build.files.get(file) ?? ownNamespace]
      : ownNamespace
        ? [ownNamespace]
        : repositoryNamespaces(file, ownNamespace, host),
  }));
}

function missingIn(reference: ResourceReference, placements: readonly Placement[], host: ReferenceCheckHost): Missing | undefined {
  const failing: Scope[] = [];
  let namespace: string | undefined;
  for (const { scope, namespaces } of placements) {
    const outcomes = namespaces.map((ns) => resolves(scope, reference, ns));
    if (outcomes.some((o) => o !== false)) continue;
    failing.push(scope);
    namespace = reference.namespace ?? namespaces[0];
  }
  if (!failing.length) return undefined;
  // Only what files declare, not what controllers make: enough to point the user at it, and no scan of the repository.
  const everywhere = host.scopes.declaredAnywhere(reference.kind, reference.name);
  const builds = failing.flatMap((s) => (s.build ? [s.build.root] : []));
  return { builds, namespace, ...(everywhere[0] ? { elsewhere: everywhere[0] } : {}) };
}

/** The namespaces kustomize gives a file's resources in the repository's builds (for a file read by none: unknown). */
function repositoryNamespaces(file: string, ownNamespace: string | undefined, host: ReferenceCheckHost): (string | undefined)[] {
  const fromBuilds = host.scopes.scopesOf(file).flatMap((s) => (s.build ? [s.build.files.get(file) ?? ownNamespace] : []));
  return fromBuilds.length ? [...new Set(fromBuilds)] : [ownNamespace];
}

function unresolved(
  reference: ResourceReference,
  path: JsonPath,
  /** What the build applies, for the message: "this Deployment", "this patch". */
  referrer: string,
  missing: Missing,
  host: ReferenceCheckHost,
): Finding {
  const rule: RuleId = reference.kind === 'Secret' ? 'unresolved-secret' : 'unresolved-reference';
  const inNamespace = missing.namespace && !CLUSTER_SCOPED.has(reference.kind) ? ` in namespace \`${missing.namespace}\`` : '';
  const where = missing.builds.length
    ? `in ${buildsText(missing.builds, host)}, which appl${missing.builds.length > 1 ? 'y' : 'ies'} ${referrer}`
    : 'in this repository';
  const other = missing.elsewhere;
  const elsewhere = !other
    ? ''
    : missing.builds.length
      ? ` (\`${host.display(other.file)}\` defines one, outside ${missing.builds.length > 1 ? 'these builds' : 'this build'})`
      : other.namespace !== undefined && !other.inEveryNamespace
        ? ` (\`${host.display(other.file)}\` defines one in namespace \`${other.namespace}\`)`
        : '';
  return finding(rule, `No ${reference.kind} \`${reference.name}\`${inNamespace} is defined ${where}${elsewhere}.`, path);
}

/** "the kustomize build of `a`", "the kustomize builds of `a`, `b` and 3 more". */
export function buildsText(builds: readonly string[], host: ReferenceCheckHost): string {
  const shown = builds.slice(0, 2).map((b) => `\`${host.displayFolder(b)}\``);
  if (builds.length === 1) return `the kustomize build of ${shown[0]}`;
  const rest = builds.length - shown.length;
  return `the kustomize builds of ${rest ? `${shown.join(', ')} and ${rest} more` : shown.join(' and ')}`;
}
