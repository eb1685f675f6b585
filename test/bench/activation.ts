// The extension's activation time against its goal. It can only be measured inside VS Code, so the extension-host
// suites record it (`npm run test:vscode` writes test-results/vscode-timings.json, with a hash of the extension bundle
// it ran); the bench reads it and judges it here, where a goal belongs, instead of a timed assertion in the tests.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TargetResult } from './report';

export const ACTIVATION_TARGET_MS = 100;
const TIMINGS = resolve(__dirname, '../../test-results/vscode-timings.json');
const EXTENSION_BUNDLE = resolve(__dirname, '../../dist/extension.js');

interface VscodeTimings {
  measuredAt?: string;
  extensionSha256?: string;
  timings?: Record<string, { activationMs?: number }>;
}

/** The SHA-256 of the built extension bundle (the same sources build the same bundle). */
export function extensionBundleSha256(): string | undefined {
  return existsSync(EXTENSION_BUNDLE) ? createHash('sha256').update(readFileSync(EXTENSION_BUNDLE)).digest('hex') : undefined;
}

/** The recorded activation times as targets, or why there are none for this build. */
export function activationTargets(): { targets: TargetResult[]; note: string } {
  if (!existsSync(TIMINGS)) return { targets: [], note: `activation: not measured (run npm run test:vscode first; it writes ${TIMINGS})` };
  const report = JSON.parse(readFileSync(TIMINGS, 'utf8')) as VscodeTimings;
  if (!report.extensionSha256 || report.extensionSha256 !== extensionBundleSha256())
    return {
      targets: [],
      note: `activation: the last npm run test:vscode (${report.measuredAt ?? 'undated'}) ran another build; run it again`,
    };
  const runs: [string, string][] = [
    ['package', 'activation, the installed .vsix (extension-host time)'],
    ['main', 'activation, development host on the sample repository'],
  ];
  const targets = runs.flatMap(([run, name]) => {
    const value = report.timings?.[run]?.activationMs;
    return typeof value === 'number'
      ? [{ name, value, unit: 'ms' as const, comparison: '<=' as const, limit: ACTIVATION_TARGET_MS, pass: value <= ACTIVATION_TARGET_MS }]
      : [];
  });
  return { targets, note: `activation: from npm run test:vscode at ${report.measuredAt}, on this build` };
}
