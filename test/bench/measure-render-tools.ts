// What the Changes view's renders cost at the process level, and what it would save to start a cheaper tool or to run
// renders side by side: every environment of the generated repository rendered with `kubectl kustomize` and with a
// standalone `kustomize build` (built from the Go module proxy), one after another, two at a time, and all in one
// process (a kustomization listing every overlay: what a batched render would cost, were its objects told apart).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ENVIRONMENT_COUNT, environmentName, writeEnvironmentsRepository } from './generate-environments';
import { withTimeout } from './lsp-client';

const RENDER_TIMEOUT_MS = 60_000;

export interface RenderToolFigures {
  tool: string;
  /** One environment, a fresh process each time. */
  oneRenderMs: number[];
  /** Every environment, one process after another. */
  sequentialMs: number[];
  /** Every environment, two processes at a time (this machine's cores). */
  twoAtOnceMs: number[];
  /** Every environment in one process: one kustomization that lists all the overlays. */
  allInOneMs: number[];
  /** Objects in one environment's output, to show both tools render the same thing. */
  objects: number;
}

export interface RenderToolsFigures {
  environments: number;
  tools: RenderToolFigures[];
  /** Tools not measured here, and why. */
  notes: string[];
}

export interface KustomizeTool {
  label: string;
  command: string;
  args: string[];
}

async function render(tool: KustomizeTool, folder: string): Promise<string> {
  const child = spawn(tool.command, [...tool.args, folder], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await withTimeout(
    new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    }),
    RENDER_TIMEOUT_MS,
    `${tool.label} on ${folder}`,
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  if (code !== 0) throw new Error(`${tool.label} failed on ${folder}: ${stderr.slice(-1000)}`);
  return stdout;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await work();
  return performance.now() - startedAt;
}

/** Renders every folder, `width` processes at a time. */
async function renderAll(tool: KustomizeTool, folders: string[], width: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < folders.length) await render(tool, folders[next++]!);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

export async function measureRenderTools(
  tools: KustomizeTool[],
  notes: string[],
  repetitions: number,
  log: (line: string) => void,
): Promise<RenderToolsFigures> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'driftless-bench-render-tools-')));
  try {
    writeEnvironmentsRepository(root);
    const folders = Array.from({ length: ENVIRONMENT_COUNT }, (_, i) => join(root, environmentName(i)));
    const allInOne = join(root, 'all-environments');
    mkdirSync(allInOne);
    writeFileSync(
      join(allInOne, 'kustomization.yaml'),
      `resources:\n${Array.from({ length: ENVIRONMENT_COUNT }, (_, i) => `  - ../${environmentName(i)}\n`).join('')}`,
    );
    const figures = tools.map((tool): RenderToolFigures => ({
      tool: tool.label,
      oneRenderMs: [],
      sequentialMs: [],
      twoAtOnceMs: [],
      allInOneMs: [],
      objects: 0,
    }));
    // A warm-up of each tool first (page cache), then the tools alternate within every repetition.
    for (const tool of tools) await render(tool, folders[0]!);
    for (let rep = 0; rep < repetitions; rep++) {
      for (const [i, tool] of tools.entries()) {
        const figure = figures[i]!;
        let output = '';
        figure.oneRenderMs.push(await timed(async () => (output = await render(tool, folders[rep % folders.length]!))));
        figure.objects = output.split(/^---$/m).filter((document) => document.trim()).length;
        figure.sequentialMs.push(await timed(() => renderAll(tool, folders, 1)));
        figure.twoAtOnceMs.push(await timed(() => renderAll(tool, folders, 2)));
        figure.allInOneMs.push(await timed(() => render(tool, allInOne)));
        log(
          `  ${tool.label}: one render ${figure.oneRenderMs.at(-1)!.toFixed(0)} ms; ${ENVIRONMENT_COUNT} one after another ` +
            `${figure.sequentialMs.at(-1)!.toFixed(0)} ms; two at a time ${figure.twoAtOnceMs.at(-1)!.toFixed(0)} ms; ` +
            `all in one process ${figure.allInOneMs.at(-1)!.toFixed(0)} ms`,
        );
      }
    }
    return { environments: ENVIRONMENT_COUNT, tools: figures, notes };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
