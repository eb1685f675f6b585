// What Flux's controllers take from ConfigMaps and Secrets the repository defines: kustomize-controller's post-build
// variables (`substituteFrom`, `substitute`) and their substitution in a build's output, and helm-controller's
// `valuesFrom`. A Secret's data is never given (Project answers with nothing): its variables stay as written.
import { isRecord, trimmedText } from '../json';

/** What Flux's kustomize-controller adds to a build: its target namespace, its post-build variables. */
export interface FluxBuild {
  /** `spec.targetNamespace`: set on every namespaced object, as a kustomization's `namespace:` would. */
  namespace?: string;
  /** Post-build variables: `substituteFrom` ConfigMaps and Secrets found in the repository, then `substitute`. */
  substitute?: Record<string, string>;
}

/** The data of a ConfigMap or Secret the repository defines (a Secret's decoded), for Flux's `substituteFrom`. */
export type VariableSource = (
  kind: 'ConfigMap' | 'Secret',
  name: string,
  namespace: string | undefined,
) => Record<string, string> | undefined;

/**
 * Flux post-build variables: each `substituteFrom` ConfigMap or Secret found in the repository (in order, later ones
 * winning), then the inline `substitute`, which wins over them all, as kustomize-controller merges them. Those only
 * the cluster holds (or encrypted in git) stay unknown: their `${VAR}` are left as written.
 */
export function postBuildVariables(object: unknown, variables: VariableSource | undefined): Record<string, string> | undefined {
  const postBuild = isRecord(object) && isRecord(object.spec) && isRecord(object.spec.postBuild) ? object.spec.postBuild : undefined;
  if (!postBuild) return undefined;
  const namespace = isRecord(object) && isRecord(object.metadata) ? trimmedText(object.metadata.namespace) : undefined;
  const merged: Record<string, string> = {};
  for (const reference of Array.isArray(postBuild.substituteFrom) ? postBuild.substituteFrom : []) {
    if (!isRecord(reference) || (reference.kind !== 'ConfigMap' && reference.kind !== 'Secret') || !trimmedText(reference.name)) continue;
    Object.assign(merged, variables?.(reference.kind, trimmedText(reference.name)!, namespace) ?? {});
  }
  if (isRecord(postBuild.substitute)) for (const [key, value] of Object.entries(postBuild.substitute)) merged[key] = String(value);
  return Object.keys(merged).length ? merged : undefined;
}

/**
 * A HelmRelease's `valuesFrom`: the values each ConfigMap or Secret the repository defines holds under its `valuesKey`
 * (default `values.yaml`), merged in order before the inline values. Those only the cluster holds are left out.
 */
export function helmReleaseValuesFrom(
  value: unknown,
  namespace: string | undefined,
  variables: VariableSource | undefined,
): { valuesTexts?: string[] } {
  const texts: string[] = [];
  for (const reference of Array.isArray(value) ? value : []) {
    if (!isRecord(reference) || (reference.kind !== 'ConfigMap' && reference.kind !== 'Secret') || !trimmedText(reference.name)) continue;
    // A value placed at a path (`targetPath`) is not a values document.
    if (trimmedText(reference.targetPath)) continue;
    const data = variables?.(reference.kind, trimmedText(reference.name)!, namespace);
    const found = data?.[trimmedText(reference.valuesKey) ?? 'values.yaml'];
    if (found !== undefined) texts.push(found);
  }
  return texts.length ? { valuesTexts: texts } : {};
}

/** Flux's post-build substitution: `${VAR}`, `${VAR:=default}` and `${VAR:-default}`; unknown ones stay as written. */
export function substituteVariables(yaml: string, variables: Record<string, string>): string {
  return yaml.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[=-]([^}]*))?\}/g, (whole, name: string, fallback: string | undefined) =>
    Object.prototype.hasOwnProperty.call(variables, name) ? variables[name]! : fallback !== undefined ? fallback : whole,
  );
}
