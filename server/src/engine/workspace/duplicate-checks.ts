// The same object defined twice where both would be applied together: in a kustomize build, which then stops ("may
// not add resource with an already registered id"). Folders no kustomization reads are not judged: they often hold
// alternatives side by side (examples, `valid.yaml` next to `invalid.yaml`), and which are applied as a whole cannot
// be told from them.
import { finding, type Finding } from '../validate/finding';
import type { DocumentContent } from '../yaml/parse-documents';
import { buildsText, type ReferenceCheckHost } from './reference-checks';
import type { Definition, Scope } from './reference-scopes';
import { declaredIn, type Declared } from './resource-index';

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
