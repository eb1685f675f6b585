// The same object defined twice where both would be applied together: in a kustomize build, which then stops ("may
// not add resource with an already registered id"); in a folder Flux builds whole (no kustomization: its
// kustomize-controller generates one listing every manifest, and its build stops the same way); or among the plain
// manifests an Argo CD Application applies from a folder, where Argo CD keeps the last copy and warns
// (RepeatedResourceWarning). Other folders are not judged: they often hold alternatives side by side (examples,
// `valid.yaml` next to `invalid.yaml`), and which are applied as a whole cannot be told from them.
import { apiGroupOf } from '../kubernetes/api-version';
import { finding, type Finding } from '../validate/finding';
import type { DocumentContent } from '../yaml/parse-documents';
import { buildsText, type ReferenceCheckHost } from './reference-checks';
import type { Definition, Scope } from './reference-scopes';
import { declaredIn, type Declared, type IndexedResource } from './resource-index';

function isSelf(definition: Definition, file: string, documentIndex: number, declared: Declared): boolean {
  const resource = definition.resource!;
  return resource.file === file && resource.documentIndex === documentIndex && resource.path.join('/') === declared.path.join('/');
}

/** The other definitions of the same object (same apiVersion, kind, name and applied namespace) in a scope. */
function othersIn(scope: Scope, namespace: string | undefined, file: string, documentIndex: number, declared: Declared): Definition[] {
  return (scope.definitions.get(`${declared.kind}/${declared.name}`) ?? []).filter(
    (d) =>
      d.resource !== undefined &&
      d.resource.kind === declared.kind &&
      d.resource.name === declared.name &&
      d.resource.apiVersion === declared.apiVersion &&
      d.namespace === namespace &&
      !isSelf(d, file, documentIndex, declared),
  );
}

export function checkDuplicateObjects(file: string, documentIndex: number, content: DocumentContent, host: ReferenceCheckHost): Finding[] {
  const findings: Finding[] = [];
  for (const declared of declaredIn(content)) {
    const failing: string[] = [];
    let other: Definition | undefined;
    for (const scope of host.scopes.scopesOf(file)) {
      if (!scope.build) continue;
      const others = othersIn(scope, scope.build.files.get(file) ?? declared.namespace, file, documentIndex, declared);
      if (!others.length) continue;
      failing.push(scope.build.root);
      other ??= others[0];
    }
    if (other)
      findings.push(
        finding(
          'duplicate-object',
          `${declared.kind} \`${declared.name}\` is defined twice in ${buildsText(failing, host)}: also in ${placeOf(other, file, host)}. ` +
            '`kustomize build` fails ("may not add resource with an already registered id").',
          [...declared.path, 'metadata', 'name'],
        ),
      );
  }
  return findings;
}

function placeOf(definition: Definition, file: string, host: ReferenceCheckHost): string {
  return definition.file === file ? 'this file' : `\`${host.display(definition.file)}\``;
}

/**
 * What applies every manifest of a folder as one set, without a kustomization of the folder's own: Flux builds it with
 * a kustomization it generates (`flux`), an Argo CD Application reads its manifests as they are (`argo-directory`).
 */
export interface WholeFolderBuild {
  /** How messages name what builds it: "Flux Kustomization `apps`". */
  label: string;
  /** Its folders (an Argo CD Application with several sources may read several). */
  folders: readonly string[];
  by: 'flux' | 'argo-directory';
  /**
   * Flux: the namespace every object takes (`targetNamespace`). Argo CD: the one objects written without a namespace
   * take (the destination's). Undefined: each keeps its own.
   */
  namespace: string | undefined;
  /** The resources of the manifests it takes in. */
  resources: readonly IndexedResource[];
}

/** The namespace an object lands in through a build, as the tool keys it. */
function namespaceIn(build: WholeFolderBuild, written: string | undefined): string | undefined {
  return build.by === 'flux' ? (build.namespace ?? written) : (written ?? build.namespace);
}

/** kustomize keys objects by apiVersion and kind; Argo CD by API group and kind (apps/v1 and apps/v1beta1 are one). */
function sameType(build: WholeFolderBuild, a: string, b: string): boolean {
  return build.by === 'flux' ? a === b : apiGroupOf(a) === apiGroupOf(b);
}

/** The same object twice in what a WholeFolderBuild applies. */
export function checkWholeFolderDuplicates(
  file: string,
  documentIndex: number,
  content: DocumentContent,
  builds: readonly WholeFolderBuild[],
  host: ReferenceCheckHost,
): Finding[] {
  const findings: Finding[] = [];
  for (const declared of declaredIn(content)) {
    for (const build of builds) {
      const namespace = namespaceIn(build, declared.namespace);
      const other = build.resources.find(
        (r) =>
          r.kind === declared.kind &&
          r.name === declared.name &&
          sameType(build, r.apiVersion, declared.apiVersion) &&
          namespaceIn(build, r.namespace) === namespace &&
          !(r.file === file && r.documentIndex === documentIndex && r.path.join('/') === declared.path.join('/')),
      );
      if (!other) continue;
      const folders = build.folders.map((folder) => `\`${host.display(folder) || '.'}\``).join(', ');
      const where = other.file === file ? 'this file' : `\`${host.display(other.file)}\``;
      const at = [...declared.path, 'metadata', 'name'];
      findings.push(
        build.by === 'flux'
          ? finding(
              'duplicate-object',
              `${declared.kind} \`${declared.name}\` is defined twice in what the ${build.label} applies (${folders}, built whole ` +
                `without a kustomization): also in ${where}. Its build fails ("may not add resource with an already registered id").`,
              at,
            )
          : {
              ...finding(
                'duplicate-object',
                `${declared.kind} \`${declared.name}\` is defined twice in what the ${build.label} applies (${folders}, plain manifests): ` +
                  `also in ${where}. Argo CD applies only one of them (the last it reads) and reports a RepeatedResourceWarning.`,
                at,
              ),
              severity: 'warning',
            },
      );
      break;
    }
  }
  return findings;
}
