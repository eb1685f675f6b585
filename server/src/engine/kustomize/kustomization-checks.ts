// What `kustomize build` would stop on before it reads a single resource: a path that does not exist, a folder
// listed as a base that holds no kustomization, kustomizations that include each other. Reported on the entry that
// names the path, as the user wrote it.
import { finding, type Finding } from '../validate/finding';
import type { KustomizationIndex } from './kustomization';
import { isRemoteEntry, isResourceField, kustomizationReferences, type KustomizationReference } from './kustomization-references';
import { closestExistingPath, kustomizationFileIn, type WorkspaceFiles } from '../workspace/workspace-files';

export function checkKustomizationReferences(
  path: string,
  value: unknown,
  files: WorkspaceFiles,
  index: KustomizationIndex,
  /** Whether the index has read every kustomization (before, a cycle may be only partly known: not reported). */
  indexComplete = true,
): Finding[] {
  const folder = files.dirname(path);
  const findings: Finding[] = [];
  for (const reference of kustomizationReferences(value)) {
    const target = files.resolve(folder, reference.entry);
    const kind = files.kindOf(target);
    if (kind === undefined) {
      // kustomize, too, takes an entry that is not local for a remote one.
      if (!isRemoteEntry(reference.entry)) findings.push(missingPath(reference, folder, files));
      continue;
    }
    if (kind !== 'folder' || !(isResourceField(reference.field) || reference.field === 'components')) continue;
    if (!kustomizationFileIn(target, files)) {
      findings.push(
        finding(
          'not-a-kustomization',
          `\`${reference.entry}\` is a folder without a kustomization.yaml, so \`kustomize build\` cannot build it: ` +
            `list its files instead, or add a kustomization.yaml there.`,
          reference.at,
        ),
      );
      continue;
    }
    const cycle = indexComplete ? index.cycleThrough(path, target) : undefined;
    if (cycle) {
      const chain = [reference.entry, ...cycle.slice(1).map((step) => files.relative(folder, step) || '.')].join(' → ');
      findings.push(
        finding(
          'kustomization-cycle',
          `\`${reference.entry}\` leads back to this kustomization (${chain}): \`kustomize build\` stops with "cycle detected".`,
          reference.at,
        ),
      );
    }
  }
  return findings;
}

function missingPath(reference: KustomizationReference, folder: string, files: WorkspaceFiles): Finding {
  const replacement = closestExistingPath(folder, reference.entry, files);
  return finding(
    'missing-path',
    `\`${reference.entry}\` does not exist, so \`kustomize build\` fails here.` + (replacement ? ` Did you mean \`${replacement}\`?` : ''),
    reference.at,
    'value',
    replacement
      ? [
          {
            kind: 'replace-value',
            path: reference.at,
            value: (reference.prefix ?? '') + replacement,
            title: `Change to \`${replacement}\``,
          },
        ]
      : undefined,
  );
}
