// The same object defined twice where both would be applied together: in a kustomize build, which then stops ("may
// not add resource with an already registered id"), or in a folder Flux builds whole (no kustomization: its
// kustomize-controller generates one listing every manifest, and its build stops the same way). Other folders no
// kustomization reads are not judged: they often hold alternatives side by side (examples, `valid.yaml` next to
// `invalid.yaml`), and which are applied as a whole cannot be told from them.
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

/** A folder Flux builds whole, without a kustomization: every manifest below it goes into one build. */
export interface WholeFolderBuild {
  /** How messages name what builds it: "Flux Kustomization `apps`". */
  label: string;
  folder: string;
  /** The namespace every object takes (`targetNamespace`); undefined: each keeps its own. */
  namespace: string | undefined;
  /** The resources of the manifests it takes in. */
  resources: readonly IndexedResource[];
}

/** The same object twice in a folder Flux builds whole (see WholeFolderBuild). */
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
      const namespace = build.namespace ?? declared.namespace;
      const other = build.resources.find(
        (r) =>
          r.kind === declared.kind &&
          r.name === declared.name &&
          r.apiVersion === declared.apiVersion &&
          (build.namespace ?? r.namespace) === namespace &&
          !(r.file === file && r.documentIndex === documentIndex && r.path.join('/') === declared.path.join('/')),
      );
      if (!other) continue;
      findings.push(
        finding(
          'duplicate-object',
          `${declared.kind} \`${declared.name}\` is defined twice in what the ${build.label} applies (\`${host.display(build.folder) || '.'}\`, built whole ` +
            `without a kustomization): also in ${other.file === file ? 'this file' : `\`${host.display(other.file)}\``}. ` +
            'Its build fails ("may not add resource with an already registered id").',
          [...declared.path, 'metadata', 'name'],
        ),
      );
      break;
    }
  }
  return findings;
}
