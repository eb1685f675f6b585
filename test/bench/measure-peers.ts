// The CLI against its peers in one run: `driftless validate`, kubeconform and kubectl-validate on the same files (20
// copies of the bench's file, then of the held-out file that has findings), the same Kubernetes version, schemas
// served locally; each run a fresh process, rounds interleaved (the order rotating), wall time and peak memory of each.
import { spawn } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { kubernetesComponentsPath } from './corpus-path';
import { buildGoTool, installedGo, KUBECONFORM, KUBECTL_VALIDATE } from './go-tools';
import { CLI_FILE_COPIES } from './measure-cli';
import { prepareKubeconformSchemas } from './kubeconform-schemas';
import { withTimeout } from './lsp-client';
import { median } from './statistics';

/** The newest Kubernetes version kubectl-validate v0.0.4 carries schemas for (it would download any other). */
export const PEER_KUBERNETES_VERSION = '1.30';
const RUN_TIMEOUT_MS = 300_000;
/** Measures peak memory (VmHWM of the process it runs) and CPU time without racing the process's exit. */
const GNU_TIME = '/usr/bin/time';
/** A proxy nobody listens on: were a tool to reach for the network, it would fail here instead of leaving the machine. */
const NO_NETWORK_PROXY = 'http://127.0.0.1:9';

export const DRIFTLESS_CLI = 'driftless validate';
export const KUBECONFORM_NAME = 'kubeconform';
export const KUBECTL_VALIDATE_NAME = 'kubectl-validate';

export interface PeerFileSet {
  name: 'bench file' | 'held-out file';
  /** The text of one file; the folder holds CLI_FILE_COPIES copies. */
  text: string;
  /** What each tool should find in the folder, to tell a tool that validates from one that does not. */
  expected: Record<string, string>;
}

export interface ToolFigures {
  tool: string;
  version: string;
  command: string;
  /** Resources the tool says it checked (from its own summary). */
  resources: number;
  /** What it found, in its own terms. */
  findings: string;
  wallMs: number[];
  /** Peak resident memory of each run (VmHWM, via /usr/bin/time); empty where /usr/bin/time is missing. */
  peakRssMb: number[];
  /**
   * CPU time of each run, user + system, all threads (via /usr/bin/time): what the run costs, which on a busy machine
   * moves less than its wall time. Empty where /usr/bin/time is missing.
   */
  cpuMs: number[];
  resourcesPerSecond: number;
}

export interface PeerComparison {
  files: PeerFileSet['name'];
  lines: number;
  fileCount: number;
  tools: ToolFigures[];
  /** Findings that were not what the file set holds: the figures may not mean what they say. */
  warnings: string[];
}

export interface PeerFigures {
  kubernetesVersion: string;
  /** Tools that could not be measured here, and why; how the others were set up. */
  notes: string[];
  rounds: number;
  comparisons: PeerComparison[];
}

interface Tool {
  name: string;
  version: string;
  /** The command line, with `{dir}` for the folder. */
  argv: string[];
  env: NodeJS.ProcessEnv;
  /** Resources checked and findings, from the tool's output; throws when the output is not the tool's report. */
  read: (stdout: string, stderr: string) => { resources: number; findings: string };
}

interface Run {
  wallMs: number;
  peakRssMb: number | undefined;
  cpuMs: number | undefined;
  stdout: string;
  stderr: string;
}

async function runOnce(tool: Tool, dir: string, scratch: string): Promise<Run> {
  const argv = tool.argv.map((arg) => (arg === '{dir}' ? dir : arg));
  const timeFile = join(scratch, 'time.txt');
  const measured = existsSync(GNU_TIME) ? [GNU_TIME, '-f', '%M %U %S', '-o', timeFile, ...argv] : argv;
  const startedAt = performance.now();
  const child = spawn(measured[0]!, measured.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: tool.env });
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
    code = await withTimeout(exited, RUN_TIMEOUT_MS, `${tool.name} on ${dir}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const wallMs = performance.now() - startedAt;
  // Exit 1 means "found problems" for all three; anything else is a failure of the run.
  if (code !== 0 && code !== 1) throw new Error(`${tool.name} exited with code ${code} on ${dir}.\nstderr (tail):\n${stderr.slice(-2000)}`);
  // The last line: "<peak KB> <user s> <system s>" (a line before it says the exit status when it is not 0).
  const [kilobytes, user, system] = existsSync(timeFile)
    ? readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number)
    : [];
  rmSync(timeFile, { force: true });
  const cpuMs = user !== undefined && system !== undefined ? (user + system) * 1000 : NaN;
  return {
    wallMs,
    peakRssMb: kilobytes !== undefined && Number.isFinite(kilobytes) ? kilobytes / 1024 : undefined,
    cpuMs: Number.isFinite(cpuMs) ? cpuMs : undefined,
    stdout,
    stderr,
  };
}

function driftless(cliPath: string, version: string): Tool {
  return {
    name: DRIFTLESS_CLI,
    version,
    argv: [process.execPath, cliPath, 'validate', '{dir}', '--kubernetes-version', PEER_KUBERNETES_VERSION, '--format', 'json'],
    env: process.env,
    read: (stdout) => {
      const { summary } = JSON.parse(stdout) as { summary: { resources: number; errors: number; warnings: number; infos: number } };
      return { resources: summary.resources, findings: `${summary.errors} errors, ${summary.warnings} warnings, ${summary.infos} infos` };
    },
  };
}

/** An environment that keeps a Go tool off the network and away from the user's kubeconfig. */
function isolatedEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    KUBECONFIG: join(home, 'no-kubeconfig'),
    HTTPS_PROXY: NO_NETWORK_PROXY,
    HTTP_PROXY: NO_NETWORK_PROXY,
  };
}

function kubeconform(path: string, schemaRoot: string, kubernetesVersion: string, home: string): Tool {
  return {
    name: KUBECONFORM_NAME,
    version: KUBECONFORM.version,
    // -n: one worker per core, as its README's examples scale it (its default is 4); -strict, as Driftless rejects
    // unknown fields; the schema folder in its layout, derived from the corpus.
    argv: [
      path,
      '-strict',
      '-summary',
      '-output',
      'json',
      '-kubernetes-version',
      kubernetesVersion,
      '-schema-location',
      schemaRoot,
      '-n',
      String(cpus().length),
      '{dir}',
    ],
    env: isolatedEnv(home),
    read: (stdout) => {
      const { summary } = JSON.parse(stdout) as { summary: { valid: number; invalid: number; errors: number; skipped: number } };
      return {
        resources: summary.valid + summary.invalid + summary.errors + summary.skipped,
        findings: `${summary.invalid} invalid, ${summary.errors} errors, ${summary.skipped} skipped`,
      };
    },
  };
}

function kubectlValidate(path: string, home: string): Tool {
  return {
    name: KUBECTL_VALIDATE_NAME,
    version: KUBECTL_VALIDATE.version,
    // --version picks the schemas it carries for that release; no kubeconfig, so no cluster is asked.
    argv: [path, '{dir}', '--version', PEER_KUBERNETES_VERSION, '--output', 'json'],
    env: isolatedEnv(home),
    read: (stdout) => {
      const results = JSON.parse(stdout) as Record<string, { status?: string }[]>;
      const statuses = Object.values(results).flat();
      const failed = statuses.filter((s) => s.status !== 'Success').length;
      return { resources: statuses.length, findings: `${failed} invalid` };
    },
  };
}

function commandLine(tool: Tool): string {
  return tool.argv.map((arg) => (arg === '{dir}' ? '<folder>' : arg.includes('/') ? arg.split('/').pop()! : arg)).join(' ');
}

/** Builds the peers (or says why not) and measures the three on each file set. */
export async function measurePeers(
  cliPath: string,
  driftlessVersion: string,
  fileSets: PeerFileSet[],
  rounds: number,
  log: (line: string) => void,
): Promise<PeerFigures> {
  const notes: string[] = [];
  const root = mkdtempSync(join(tmpdir(), 'driftless-bench-peers-'));
  try {
    const home = join(root, 'home');
    mkdirSync(home);
    const tools: Tool[] = [driftless(cliPath, driftlessVersion)];
    const go = installedGo();
    if (go) notes.push(`peers built with ${go}`);
    const components = kubernetesComponentsPath(PEER_KUBERNETES_VERSION);
    const kubeconformBinary = buildGoTool(KUBECONFORM, log);
    if ('missing' in kubeconformBinary) notes.push(kubeconformBinary.missing);
    else if (!existsSync(components)) notes.push(`kubeconform not measured: the corpus schemas are missing (${components})`);
    else {
      const schemas = prepareKubeconformSchemas(components, PEER_KUBERNETES_VERSION);
      notes.push(
        `kubeconform validates against ${schemas.kinds} standalone-strict kind schemas derived from the corpus's Kubernetes ${PEER_KUBERNETES_VERSION} OpenAPI (${schemas.root})`,
      );
      tools.push(kubeconform(kubeconformBinary.path, schemas.root, schemas.kubernetesVersion, home));
    }
    const kubectlValidateBinary = buildGoTool(KUBECTL_VALIDATE, log);
    if ('missing' in kubectlValidateBinary) notes.push(kubectlValidateBinary.missing);
    else {
      notes.push(
        `kubectl-validate validates against the Kubernetes ${PEER_KUBERNETES_VERSION} schemas it carries (--version), without a kubeconfig`,
      );
      tools.push(kubectlValidate(kubectlValidateBinary.path, home));
    }
    if (!existsSync(GNU_TIME)) notes.push(`peak memory not measured: ${GNU_TIME} is missing`);

    const comparisons: PeerComparison[] = [];
    for (const set of fileSets) {
      const dir = join(root, set.name.replace(/\W+/g, '-'));
      mkdirSync(dir);
      for (let copy = 1; copy <= CLI_FILE_COPIES; copy++)
        writeFileSync(join(dir, `manifests-${String(copy).padStart(2, '0')}.yaml`), set.text);
      const runs = new Map<Tool, Run[]>(tools.map((tool) => [tool, []]));
      // One unrecorded round first: page cache, Driftless's code cache; then the order rotates every round.
      for (let round = -1; round < rounds; round++) {
        const start = Math.max(round, 0) % tools.length;
        const order = [...tools.slice(start), ...tools.slice(0, start)];
        const line: string[] = [];
        for (const tool of order) {
          const run = await runOnce(tool, dir, root);
          if (round >= 0) runs.get(tool)!.push(run);
          line.push(`${tool.name} ${run.wallMs.toFixed(0)} ms`);
        }
        log(`  ${set.name} ${round < 0 ? 'warm-up' : `${round + 1}/${rounds}`}: ${line.join(', ')}`);
      }
      const warnings: string[] = [];
      const figures = tools.map((tool): ToolFigures => {
        const toolRuns = runs.get(tool)!;
        const last = toolRuns[toolRuns.length - 1]!;
        let report: { resources: number; findings: string };
        try {
          report = tool.read(last.stdout, last.stderr);
        } catch {
          throw new Error(
            `${tool.name} printed no report on ${set.name}. stdout (head):\n${last.stdout.slice(0, 2000)}\nstderr (tail):\n${last.stderr.slice(-2000)}`,
          );
        }
        const expected = set.expected[tool.name];
        if (expected !== undefined && report.findings !== expected)
          warnings.push(`${tool.name} found ${report.findings} on the ${set.name}s, expected ${expected}`);
        const wallMs = toolRuns.map((r) => r.wallMs);
        return {
          tool: tool.name,
          version: tool.version,
          command: commandLine(tool),
          resources: report.resources,
          findings: report.findings,
          wallMs,
          peakRssMb: toolRuns.flatMap((r) => (r.peakRssMb === undefined ? [] : [r.peakRssMb])),
          cpuMs: toolRuns.flatMap((r) => (r.cpuMs === undefined ? [] : [r.cpuMs])),
          resourcesPerSecond: report.resources / (median(wallMs) / 1000),
        };
      });
      comparisons.push({ files: set.name, lines: set.text.split('\n').length - 1, fileCount: CLI_FILE_COPIES, tools: figures, warnings });
    }
    return { kubernetesVersion: PEER_KUBERNETES_VERSION, notes, rounds, comparisons };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
