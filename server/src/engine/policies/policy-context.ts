// What policies need to know beyond the resource itself: what the builds that apply it change about it. Policies
// judge what will be applied, so a kustomize `images:` override or a patch that sets limits counts.

export interface ImageOverride {
  /** The image name as written in the resource (kustomize `images[].name`). */
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export interface PolicyContext {
  /** The kustomize `images:` entries of every build that applies the resource ([] when no kustomization does). */
  imageOverrides: readonly ImageOverride[];
  /**
   * The strategic-merge patches (parsed values) that target this resource in a build that applies it: same kind and
   * name, or a `target` that selects it. A field a patch sets counts as set. They are merged over the resource in
   * this order; one that deletes the whole resource is skipped, since the builds without it still apply the resource.
   */
  patches: readonly unknown[];
  /** Whether a Service applied with this workload selects its pod template's labels. */
  isServiceBacked: boolean;
}

export const NO_CONTEXT: PolicyContext = { imageOverrides: [], patches: [], isServiceBacked: false };
