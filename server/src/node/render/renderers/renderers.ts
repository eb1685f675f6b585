// The render tools, one entry each: a plan's kind names its renderer. A new tool is its renderer's file, a case here
// (the compiler refuses a kind left out) and its plan in engine/render/render-plan.ts.
import { directoryRenderer } from './directory-renderer';
import { helmRenderer } from './helm-renderer';
import { kustomizeRenderer } from './kustomize-renderer';
import type { Renderer, ToolPlan } from './renderer';

export function rendererFor(plan: ToolPlan): Renderer {
  switch (plan.kind) {
    case 'kustomize':
      return kustomizeRenderer(plan);
    case 'helm':
      return helmRenderer(plan);
    case 'directory':
      return directoryRenderer(plan);
    default:
      return noRenderer(plan);
  }
}

function noRenderer(plan: never): never {
  throw new Error(`no renderer for a plan of kind ${(plan as { kind: string }).kind}`);
}
