// Runs a render plan (engine/render) with the real tools: kustomize (or kubectl kustomize), helm template, or the
// manifests of a folder; applies Flux's post-build substitution. Nothing runs before the plan's preflight passed
// (render-preflight: paths inside the repository, values checked, no network); the tools' own errors are passed on
// as they are.
import { rendererFor } from './renderers/renderers';
import type { RenderPlan } from '../../engine/render/render-plan';
import type { Rendered, RenderTools } from './renderers/renderer';

export type { Rendered, RenderFailure, RenderTools } from './renderers/renderer';
export { kustomizeCommand, renderWithOrigins } from './renderers/kustomize-build';

export async function renderPlanWith(plan: RenderPlan, tools: RenderTools, signal?: AbortSignal): Promise<Rendered> {
  // Anything unexpected on the way (a folder gone mid-render, a file that cannot be read) is this render's failure,
  // said in a sentence: never an exception that ends the caller's other renders (a diff's, a validation's).
  try {
    return await renderPlanUnguarded(plan, tools, signal);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

async function renderPlanUnguarded(plan: RenderPlan, tools: RenderTools, signal?: AbortSignal): Promise<Rendered> {
  if (plan.kind === 'none') return { ok: false, error: plan.why };
  return rendererFor(plan).render(tools, signal);
}
