// How an environment is rendered, decided from what the repository says, without running anything: kustomize build
// of a folder, helm template of a chart with its values (as Argo CD or Flux would pass them), or the manifests of a
// folder; and, for Flux, the post-build variables to substitute.
import type { Environment } from '../environments/environment';
import type { WorkspaceFiles } from '../workspace/workspace-files';
import { plainDirectoryOf } from '../workspace/delivered-paths';
import { kustomizationFileIn } from '../workspace/workspace-files';
import { argoHelmSets, argoKustomizeFields, type HelmSet } from '../argo/argo-options';
import { helmReleaseValuesFrom, postBuildVariables, type FluxBuild, type VariableSource } from '../flux/flux-variables';
import { isRecord, trimmedText } from '../json';

/**
 * Every plan that runs something names the root it must stay inside: the repository's (where Flux and Argo CD paths
 * start), else the project's. Nothing a render reads may lead out of it (node/render/render-preflight).
 */
export type RenderPlan =
  | {
      kind: 'kustomize';
      root: string;
      folder: string;
      flux?: FluxBuild;
      /** Kustomization fields a wrapping kustomization adds on top (Argo CD's kustomize options; paths absolute). */
      overlay?: Record<string, unknown>;
    }
  | {
      kind: 'helm';
      root: string;
      chart: string;
      release: string;
      namespace?: string;
      /** Values files in the order Helm merges them, then values texts (a HelmRelease's `valuesFrom`), then inline values (last wins). */
      valuesFiles: string[];
      valuesTexts?: string[];
      values?: unknown;
      /** `--set`, `--set-string`, `--set-file` (Argo CD's parameters). */
      set?: HelmSet[];
      skipCrds?: boolean;
      /** A values file given as a URL (Argo CD fetches those): rendering it needs the network. */
      remoteValues?: string;
    }
  /**
   * The manifests of a folder. With `flux`, built as kustomize-controller builds a path without a kustomization: from
   * a generated kustomization of the manifests and kustomizations found there.
   */
  | {
      kind: 'directory';
      root: string;
      folder: string;
      recursive: boolean;
      flux?: FluxBuild;
      /** An Argo CD directory source's `include` and `exclude` globs (see argo-glob.ts). */
      include?: string;
      exclude?: string;
    }
  | { kind: 'none'; why: string };

/** A URL helm would fetch (`https://`, or a scheme a getter plugin reads). */
function isUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

/** The non-empty strings of a list, trimmed. */
function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.flatMap((item) => (trimmedText(item) ? [trimmedText(item)!] : [])) : [];
}

/** What a folder renders as: its kustomization, its chart, or its manifests. */
export function planForFolder(
  folder: string,
  files: WorkspaceFiles,
  options: { root: string; recursive: boolean; release?: string; namespace?: string },
): RenderPlan {
  const root = options.root;
  if (files.kindOf(folder) !== 'folder') return { kind: 'none', why: `${folder} is not a folder of this repository` };
  if (kustomizationFileIn(folder, files)) return { kind: 'kustomize', root, folder };
  // helm template reads the chart's own values.yaml by itself.
  if (files.kindOf(files.resolve(folder, 'Chart.yaml')) === 'file')
    return {
      kind: 'helm',
      root,
      chart: folder,
      release: options.release ?? folder.split(/[\\/]/).pop()!,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      valuesFiles: [],
    };
  return { kind: 'directory', root, folder, recursive: options.recursive };
}

/**
 * `repositoryRoot`: where the paths of Flux objects start (their source's root); `variables`: the repository's
 * ConfigMaps and Secrets, for Flux's `substituteFrom`.
 */
export function renderPlan(
  environment: Environment,
  files: WorkspaceFiles,
  repositoryRoot: string,
  variables?: VariableSource,
): RenderPlan {
  const source = environment.source;
  const namespace = environment.cluster?.namespace;
  const root = repositoryRoot;
  if (!source) return { kind: 'none', why: `environment ${environment.name} has no source` };
  switch (source.kind) {
    case 'kustomization':
      return { kind: 'kustomize', root, folder: source.path };
    case 'directory':
      return { kind: 'directory', root, folder: source.path, recursive: false };
    case 'chart':
      return {
        kind: 'helm',
        root,
        chart: source.path,
        release: environment.name,
        ...(namespace ? { namespace } : {}),
        valuesFiles: source.valuesFiles,
      };
    case 'application': {
      if (!source.path)
        return {
          kind: 'none',
          why: `the Application ${source.name} does not render from this repository (its repoURL is none of its git remotes)`,
        };
      const app = isRecord(environment.object) && isRecord(environment.object.spec) ? environment.object.spec : {};
      const appSource = isRecord(app.source) ? app.source : Array.isArray(app.sources) ? (app.sources.find(isRecord) ?? {}) : {};
      const plan = planForFolder(source.path, files, {
        root,
        recursive: isRecord(appSource.directory) && appSource.directory.recurse === true,
        release: source.name,
        ...(namespace ? { namespace } : {}),
      });
      if (plan.kind === 'kustomize') {
        const overlay = argoKustomizeFields(appSource.kustomize, (path) => files.resolve(source.path!, path));
        return overlay ? { ...plan, overlay } : plan;
      }
      if (plan.kind === 'directory') {
        const globs = plainDirectoryOf(appSource, app);
        return { ...plan, ...(globs?.include ? { include: globs.include } : {}), ...(globs?.exclude ? { exclude: globs.exclude } : {}) };
      }
      if (plan.kind !== 'helm') return plan;
      const helm = isRecord(appSource.helm) ? appSource.helm : {};
      const set = argoHelmSets(helm, (path) => files.resolve(source.path!, path));
      // `$ref/...` value files read another source of a multi-source Application: not rendered here. Argo CD fetches
      // those given as URLs: they stay URLs, and need the network.
      const written = strings(helm.valueFiles).filter((file) => !file.startsWith('$'));
      const remoteValues = written.find(isUrl);
      const valueFiles = written.filter((file) => !isUrl(file)).map((file) => files.resolve(source.path!, file));
      const inline = isRecord(helm.valuesObject) ? helm.valuesObject : trimmedText(helm.values);
      return {
        ...plan,
        release: trimmedText(helm.releaseName) ?? source.name,
        valuesFiles: valueFiles,
        ...(inline !== undefined ? { values: inline } : {}),
        ...(set.length ? { set } : {}),
        ...(helm.skipCrds === true ? { skipCrds: true } : {}),
        ...(remoteValues ? { remoteValues } : {}),
      };
    }
    case 'flux': {
      if (!source.path)
        return {
          kind: 'none',
          why: `the Flux ${source.fluxKind} ${source.name} does not render from this repository (its source is another repository)`,
        };
      const spec = isRecord(environment.object) && isRecord(environment.object.spec) ? environment.object.spec : {};
      if (source.fluxKind === 'Kustomization') {
        const substitute = postBuildVariables(environment.object, variables);
        const namespace = trimmedText(spec.targetNamespace);
        const flux: FluxBuild = { ...(namespace ? { namespace } : {}), ...(substitute ? { substitute } : {}) };
        // Without a kustomization.yaml, kustomize-controller builds every manifest found under the path.
        const plan = planForFolder(source.path, files, { root, recursive: true });
        return plan.kind === 'kustomize' || plan.kind === 'directory' ? { ...plan, flux } : plan;
      }
      const chartSpec = isRecord(spec.chart) && isRecord(spec.chart.spec) ? spec.chart.spec : {};
      const target = trimmedText(spec.targetNamespace);
      const release = trimmedText(spec.releaseName) ?? (target ? `${target}-${source.name}` : source.name);
      const valuesFiles = strings(chartSpec.valuesFiles);
      return {
        kind: 'helm',
        root,
        chart: source.path,
        release,
        ...((target ?? source.namespace) ? { namespace: (target ?? source.namespace)! } : {}),
        // Flux reads valuesFiles relative to the source's root, as the chart path.
        valuesFiles: valuesFiles.map((file) => files.resolve(repositoryRoot, `./${file.replace(/^\.?\//, '')}`)),
        ...helmReleaseValuesFrom(spec.valuesFrom, source.namespace, variables),
        ...(isRecord(spec.values) ? { values: spec.values } : {}),
      };
    }
  }
}
