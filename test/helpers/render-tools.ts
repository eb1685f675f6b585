// The real kubectl and helm for a mocha suite that renders (scripts/kubernetes-tools.ts), or the suite (from a before
// hook) or test skipped, saying why (another platform, the dev dependency not installed).
import { kubernetesTools, type KubernetesTools } from '../../scripts/kubernetes-tools';
import { skipWithReason } from './skips';

export function renderToolsOrSkip(context: Mocha.Context): KubernetesTools {
  const found = kubernetesTools();
  if ('missing' in found) skipWithReason(context, `no kubectl and helm to render with: ${found.missing}`);
  return found;
}
