// The kustomize renderer: `kustomize build` (else `kubectl kustomize`) of a kustomization folder, with Argo CD's
// kustomize options and Flux's target namespace and post-build variables (kustomize-build.ts).
import { kustomizationFileIn } from '../../../engine/workspace/workspace-files';
import { diskFiles } from '../../disk-files';
import { kustomizeInputs } from './kustomize-inputs';
import { kustomizeBuild, kustomizeVersion } from './kustomize-build';
import type { PlanOf, Renderer } from './renderer';

export function kustomizeRenderer(plan: PlanOf<'kustomize'>): Renderer {
  return {
    render: async (tools, signal) => {
      const built = await kustomizeBuild(plan, tools, signal, false);
      return built.ok ? { ok: true, yaml: built.output, tool: built.tool } : built;
    },
    inputs: (host) => {
      // What Argo CD's kustomize options add: their components (folders) and patch files.
      const overlay = plan.overlay ?? {};
      const patches: string[] = [];
      for (const patch of Array.isArray(overlay.patches) ? overlay.patches : [])
        if (typeof patch === 'object' && patch !== null && typeof (patch as { path?: unknown }).path === 'string')
          patches.push((patch as { path: string }).path);
      const components = Array.isArray(overlay.components) ? overlay.components.filter((c): c is string => typeof c === 'string') : [];
      return kustomizeInputs([plan.folder, ...components], host, patches);
    },
    failures: () => ({
      tool: 'kustomize',
      folder: plan.folder,
      rootFile: kustomizationFileIn(plan.folder, diskFiles),
      fromBuildFolders: true,
    }),
    tracing: { by: 'kustomize', plan },
    version: kustomizeVersion,
  };
}
