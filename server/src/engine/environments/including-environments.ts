// Which environments apply a file's resources: each kustomize build that takes the file in, named by the Flux
// Kustomization or Argo CD Application that delivers that build's folder (else by the folder, an overlay nothing
// else includes), and, for a file no kustomization reads, the Flux Kustomizations and Applications whose path holds
// it. The seed of the environments a later wave renders and deploys.
import type { PlainDirectory } from '../workspace/delivered-paths';
import { isUnderFolder } from '../workspace/workspace-files';

/** A Flux Kustomization or HelmRelease, or an Argo CD Application, and the folder of this repository it applies. */
export interface Deliverer {
  /** How messages name it: "Flux Kustomization `apps`". */
  label: string;
  /** Where it is declared, and the folder it applies. */
  file: string;
  folder: string;
  /** Whether it applies the folder's subfolders too (Flux builds a folder without kustomization recursively). */
  recursive: boolean;
  /** The namespace it puts every object in (a Flux Kustomization's `targetNamespace`). */
  targetNamespace?: string;
  /** Set when an Argo CD Application reads the folder as plain manifests (no kustomization, no chart). */
  plainDirectory?: PlainDirectory;
}

export interface EnvironmentHost {
  /** The root kustomization files of the builds that take the file in. */
  buildRootsOf(file: string): string[];
  /** Every deliverer of the repository. */
  deliverers(): readonly Deliverer[];
  dirname: (path: string) => string;
}

export interface IncludingEnvironment {
  /** "Flux Kustomization `apps`", or the overlay's folder. */
  name: string;
  /** The file to open for it: the deliverer's, or the build's kustomization. */
  file: string;
}

function isInside(file: string, folder: string, recursive: boolean, dirname: (path: string) => string): boolean {
  return recursive ? isUnderFolder(file, folder, dirname) : dirname(file) === folder;
}

export function environmentsIncluding(file: string, host: EnvironmentHost): IncludingEnvironment[] {
  const found: IncludingEnvironment[] = [];
  const roots = host.buildRootsOf(file);
  for (const root of roots) {
    const folder = host.dirname(root);
    const deliverers = host.deliverers().filter((d) => d.folder === folder);
    if (deliverers.length) for (const d of deliverers) found.push({ name: d.label, file: d.file });
    else found.push({ name: folder, file: root });
  }
  if (!roots.length)
    for (const d of host.deliverers())
      if (isInside(file, d.folder, d.recursive || d.plainDirectory?.recurse === true, host.dirname))
        found.push({ name: d.label, file: d.file });
  return found.filter((e, i) => found.findIndex((o) => o.name === e.name && o.file === e.file) === i);
}
