// What a reference can resolve to: the objects applied together with the referring resource. Inside a kustomize
// build that is the build (its files, its generators, what controllers make from its resources); a file no
// kustomization reads is judged against the whole repository; Flux objects, which Flux applies cluster-wide, always
// are. A scope that holds something applying objects nobody can see offline (a Helm release, a remote base) cannot
// say a name is missing.
import type { KustomizationIndex, KustomizeBuild } from '../kustomize/kustomization';
import type { IndexedResource, ResourceIndex } from './resource-index';

export interface Definition {
  kind: string;
  name: string;
  /** Undefined when none is known: it matches any. */
  namespace: string | undefined;
  /** Made in every namespace (a ClusterExternalSecret's Secret). */
  inEveryNamespace?: boolean;
  /** The file that defines it (for a generator, the kustomization). */
  file: string;
  /** The resource that declares it, or that a controller makes it from; none for a generator's output. */
  resource?: IndexedResource;
}

export interface Scope {
  /** A build, or undefined for the whole repository. */
  build?: KustomizeBuild;
  definitions: Map<string, Definition[]>;
  /** Where something applies objects nobody can see: there no missing name can be told (for kinds other than Flux's). */
  unseen: { everywhere: boolean; namespaces: Set<string> };
  /** Something generates Flux objects from templates (a Flux Operator ResourceSet). */
  generatesFluxObjects: boolean;
}

/** Whether objects nobody can see may be in `namespace` (undefined: a namespace not known, or a cluster-scoped kind). */
export function mayHoldUnseen(scope: Scope, namespace: string | undefined): boolean {
  const { everywhere, namespaces } = scope.unseen;
  return everywhere || (namespace === undefined ? namespaces.size > 0 : namespaces.has(namespace));
}

function key(kind: string, name: string): string {
  return `${kind}/${name}`;
}

function isResourceSet(resource: IndexedResource): boolean {
  return resource.kind === 'ResourceSet' && resource.apiVersion.startsWith('fluxcd.controlplane.io/');
}

class ScopeBuilder {
  readonly scope: Scope;

  constructor(build: KustomizeBuild | undefined) {
    this.scope = {
      ...(build ? { build } : {}),
      definitions: new Map(),
      unseen: { everywhere: false, namespaces: new Set() },
      generatesFluxObjects: false,
    };
    for (const namespace of build?.unseenIn ?? []) this.unseenIn(namespace);
  }

  /** Objects nobody can see are applied in `namespace` (undefined: anywhere). */
  unseenIn(namespace: string | undefined): void {
    if (namespace === undefined) this.scope.unseen.everywhere = true;
    else this.scope.unseen.namespaces.add(namespace);
  }

  define(definition: Definition): void {
    const list = this.scope.definitions.get(key(definition.kind, definition.name));
    if (list) list.push(definition);
    else this.scope.definitions.set(key(definition.kind, definition.name), [definition]);
  }

  /** A resource, applied in `namespace` (the one kustomize gives it, else its own). */
  add(resource: IndexedResource, namespace: string | undefined): void {
    this.define({ kind: resource.kind, name: resource.name, namespace, file: resource.file, resource });
    for (const produced of resource.produces)
      this.define({
        kind: produced.kind,
        name: produced.name,
        namespace: produced.namespace ?? namespace,
        ...(produced.anyNamespace ? { inEveryNamespace: true } : {}),
        file: resource.file,
        resource,
      });
    if (resource.appliesUnseen) this.unseenIn(resource.appliesUnseen.namespace ?? namespace);
    this.scope.generatesFluxObjects ||= isResourceSet(resource);
  }
}

export class ReferenceScopes {
  private cachedFor = { resources: -1, kustomizations: -1 };
  private readonly buildScopes = new Map<KustomizeBuild, Scope>();
  private readonly fileScopes = new Map<string, readonly Scope[]>();
  private readonly patchScopes = new Map<string, readonly Scope[]>();
  private repository: Scope | undefined;

  constructor(
    private readonly resources: ResourceIndex,
    private readonly kustomizations: KustomizationIndex,
  ) {}

  /** The scopes a file's resources are applied in: each build that reads it, or the repository when none does. */
  scopesOf(file: string): readonly Scope[] {
    this.refresh();
    // Asked for each reference and workload of the file: kept until the indexes change.
    let scopes = this.fileScopes.get(file);
    if (scopes) return scopes;
    const builds = this.kustomizations.buildsOf(file);
    scopes = builds.length ? builds.map((build) => this.buildScope(build)) : [this.repositoryScope()];
    this.fileScopes.set(file, scopes);
    return scopes;
  }

  /** The scopes of the builds that apply a patch file (named under `patches` by one of their kustomizations). */
  patchScopesOf(file: string): readonly Scope[] {
    this.refresh();
    let scopes = this.patchScopes.get(file);
    if (scopes) return scopes;
    scopes = this.kustomizations
      .builds()
      .filter((build) => build.patchEntries.some((entry) => entry.file === file))
      .map((build) => this.buildScope(build));
    this.patchScopes.set(file, scopes);
    return scopes;
  }

  repositoryScope(): Scope {
    this.refresh();
    if (this.repository) return this.repository;
    const builder = new ScopeBuilder(undefined);
    // File by file: whether kustomize reads it, and as what, is the same for all of its resources.
    for (const file of this.resources.files()) {
      if (this.kustomizations.isPatch(file)) continue;
      const builds = this.kustomizations.buildsOf(file);
      for (const resource of this.resources.resourcesOf(file)) {
        if (!builds.length) builder.add(resource, resource.namespace);
        else
          for (const namespace of new Set(builds.map((build) => build.files.get(file) ?? resource.namespace)))
            builder.add(resource, namespace);
      }
    }
    for (const build of this.kustomizations.builds()) {
      for (const generated of build.generated)
        builder.define({ kind: generated.kind, name: generated.name, namespace: generated.namespace, file: generated.source });
      for (const namespace of build.unseenIn) builder.unseenIn(namespace);
    }
    this.repository = builder.scope;
    return builder.scope;
  }

  /** Definitions of the name that files declare (not kustomize patches), wherever they are applied. */
  declaredAnywhere(kind: string, name: string): Definition[] {
    return this.resources
      .named(kind, name)
      .filter((resource) => !this.kustomizations.isPatch(resource.file))
      .map((resource) => ({ kind, name, namespace: this.namespacesOf(resource)[0], file: resource.file, resource }));
  }

  /** Whether kustomize reads the file as a patch. */
  isPatch(file: string): boolean {
    return this.kustomizations.isPatch(file);
  }

  /** The namespaces a file's resource is applied in: kustomize's for each build that reads it, else its own. */
  namespacesOf(resource: IndexedResource): (string | undefined)[] {
    const builds = this.kustomizations.buildsOf(resource.file);
    if (!builds.length) return [resource.namespace];
    return [...new Set(builds.map((build) => build.files.get(resource.file) ?? resource.namespace))];
  }

  private buildScope(build: KustomizeBuild): Scope {
    let scope = this.buildScopes.get(build);
    if (scope) return scope;
    const builder = new ScopeBuilder(build);
    for (const [file, namespace] of build.files)
      for (const resource of this.resources.resourcesOf(file)) builder.add(resource, namespace ?? resource.namespace);
    for (const generated of build.generated)
      builder.define({ kind: generated.kind, name: generated.name, namespace: generated.namespace, file: generated.source });
    scope = builder.scope;
    this.buildScopes.set(build, scope);
    return scope;
  }

  /** Scopes are computed once per state of the two indexes. */
  private refresh(): void {
    const { generation: resources } = this.resources;
    const { generation: kustomizations } = this.kustomizations;
    if (resources === this.cachedFor.resources && kustomizations === this.cachedFor.kustomizations) return;
    this.cachedFor = { resources, kustomizations };
    this.buildScopes.clear();
    this.fileScopes.clear();
    this.patchScopes.clear();
    this.repository = undefined;
  }
}
