// Measures the CLI's validation throughput on 20 copies of the generated file, and its fixed cost (process start,
// schema loading) on a directory holding a single small resource, so the two can be told apart.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { withTimeout } from './lsp-client';
import { median } from './statistics';

export const CLI_FILE_COPIES = 20;
const CLI_TIMEOUT_MS = 300_000;

const ONE_CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: fixed-cost
data:
  key: value
`;

export interface CliFigures {
  files: number;
  /** Resources the CLI's JSON summary says it validated. */
  resources: number;
  errors: number;
  warnings: number;
  wallMs: number[];
  /** Wall time on one small resource: process start and everything else that does not grow with the input. */
  fixedCostMs: number[];
  resourcesPerSecond: number;
  /** Null when the fixed cost is not smaller than the whole run. */
  resourcesPerSecondExcludingFixedCost: number | null;
  /** The same from the fastest run of each series (the least disturbed on a shared machine). */
  bestResourcesPerSecond: number;
  bestResourcesPerSecondExcludingFixedCost: number | null;
  /** Node's own start (`node -e 0`), measured beside each run: the part of the fixed cost that is not Driftless's. */
  nodeStartMs: number[];
  /**
   * The same without NODE_EXTRA_CA_CERTS when the environment sets it (Node 20 reads those certificates at every
   * start, before any of our code runs); empty when it is not set.
   */
  nodeStartWithoutExtraCertsMs: number[];
}

interface CliSummary {
  files: number;
  resources: number;
  errors: number;
  warnings: number;
}

interface CliRun {
  wallMs: number;
  summary: CliSummary;
}

/** Runs `validate <dir> --format json`; exit code 0 (valid) and 1 (errors found) are both results. */
async function runValidate(cliPath: string, dir: string): Promise<CliRun> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [cliPath, 'validate', dir, '--format', 'json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  let code: number | null;
  try {
    code = await withTimeout(exited, CLI_TIMEOUT_MS, `the CLI to validate ${dir}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const wallMs = performance.now() - startedAt;
  if (code !== 0 && code !== 1) {
    throw new Error(`The CLI exited with code ${code} on ${dir}.\nstderr (tail):\n${stderr.slice(-2000)}`);
  }
  try {
    return { wallMs, summary: (JSON.parse(stdout) as { summary: CliSummary }).summary };
  } catch {
    throw new Error(`The CLI printed no JSON on ${dir}. stdout (head):\n${stdout.slice(0, 2000)}\nstderr (tail):\n${stderr.slice(-2000)}`);
  }
}

/** Wall time of `node -e 0` in the given environment. */
async function nodeStart(env: NodeJS.ProcessEnv): Promise<number> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore', env });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', () => resolve());
    }),
    CLI_TIMEOUT_MS,
    'node -e 0',
  );
  return performance.now() - startedAt;
}

export async function measureCli(cliPath: string, text: string, repetitions: number, log: (line: string) => void): Promise<CliFigures> {
  const root = mkdtempSync(join(tmpdir(), 'driftless-bench-cli-'));
  try {
    const copies = join(root, 'copies');
    const single = join(root, 'single');
    mkdirSync(copies);
    mkdirSync(single);
    for (let copy = 1; copy <= CLI_FILE_COPIES; copy++) {
      writeFileSync(join(copies, `manifests-${String(copy).padStart(2, '0')}.yaml`), text);
    }
    writeFileSync(join(single, 'configmap.yaml'), ONE_CONFIGMAP);
    const wallMs: number[] = [];
    const fixedCostMs: number[] = [];
    const nodeStartMs: number[] = [];
    const nodeStartWithoutExtraCertsMs: number[] = [];
    const withoutExtraCerts = process.env.NODE_EXTRA_CA_CERTS ? { ...process.env, NODE_EXTRA_CA_CERTS: undefined } : undefined;
    let summary: CliSummary | undefined;
    // Alternating keeps both series under the same conditions (page cache, CPU frequency).
    for (let rep = 0; rep < repetitions; rep++) {
      nodeStartMs.push(await nodeStart(process.env));
      if (withoutExtraCerts) nodeStartWithoutExtraCertsMs.push(await nodeStart(withoutExtraCerts));
      fixedCostMs.push((await runValidate(cliPath, single)).wallMs);
      const run = await runValidate(cliPath, copies);
      wallMs.push(run.wallMs);
      summary = run.summary;
      log(
        `  CLI ${rep + 1}/${repetitions}: ${run.wallMs.toFixed(0)} ms for ${run.summary.resources} resources; fixed cost ${fixedCostMs.at(-1)?.toFixed(0)} ms`,
      );
    }
    if (!summary) throw new Error('At least one CLI run is needed');
    const wall = median(wallMs);
    const variable = wall - median(fixedCostMs);
    const fastest = Math.min(...wallMs);
    const fastestVariable = fastest - Math.min(...fixedCostMs);
    return {
      files: summary.files,
      resources: summary.resources,
      errors: summary.errors,
      warnings: summary.warnings,
      wallMs,
      fixedCostMs,
      resourcesPerSecond: summary.resources / (wall / 1000),
      resourcesPerSecondExcludingFixedCost: variable > 0 ? summary.resources / (variable / 1000) : null,
      bestResourcesPerSecond: summary.resources / (fastest / 1000),
      bestResourcesPerSecondExcludingFixedCost: fastestVariable > 0 ? summary.resources / (fastestVariable / 1000) : null,
      nodeStartMs,
      nodeStartWithoutExtraCertsMs,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
