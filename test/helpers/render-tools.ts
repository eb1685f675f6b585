// The real kubectl and helm for a mocha suite that renders (scripts/kubernetes-tools.ts), or the suite (from a before
// hook) or test skipped, saying why (another platform, the dev dependency not installed).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubernetesTools, type KubernetesTools } from '../../scripts/kubernetes-tools';
import { skipWithReason } from './skips';

export function renderToolsOrSkip(context: Mocha.Context): KubernetesTools {
  const found = kubernetesTools();
  if ('missing' in found) skipWithReason(context, `no kubectl and helm to render with: ${found.missing}`);
  return found;
}

/**
 * kubectl and helm wrappers that note each run in a log (outside any repository), then run the real tool: a test
 * counts the renders a server or the CLI started, rather than assume none happened.
 */
export function loggingTools(real: KubernetesTools): KubernetesTools & { runs: () => string[]; dispose: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'driftless-tool-log-'));
  const log = join(folder, 'runs.log');
  const wrapper = (name: string, tool: string) => {
    const path = join(folder, name);
    writeFileSync(path, `#!/bin/sh\necho "${name} $*" >> '${log}'\nexec '${tool}' "$@"\n`, { mode: 0o755 });
    return path;
  };
  return {
    kubectl: wrapper('kubectl', real.kubectl),
    helm: wrapper('helm', real.helm),
    // Renders only: a tool's `version` (asked once, to name it) is no render.
    runs: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((line) => line && !/ version( |$)/.test(line))
        : [],
    dispose: () => rmSync(folder, { recursive: true, force: true }),
  };
}
