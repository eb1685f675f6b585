// `npm run bench`: measures yaml-language-server (Kubernetes mode, offline) and Driftless side by side on the same
// generated file, prints both sets of raw figures and the ratios against the targets, and writes
// test-results/bench.json; with Driftless, also its rendered previews (Changes view, render cache), its CLI against
// kubeconform and kubectl-validate (built from the Go module proxy), and drift against the test cluster. Options:
// --only yls|driftless|render|cli|peers|drift (render: only the rendered previews; cli: only the CLI's own figures;
// peers: only the CLI against its peers; drift: only drift against the test cluster's API server, measure-drift.ts),
// --quick.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeBenchmarksDocument, BENCHMARKS_DOC } from '../../scripts/build-benchmarks-doc';
import { activationTargets } from './activation';
import { CORPUS_DIR } from './corpus-path';
import { installedGo } from './go-tools';
import { DriftlessServer, DRIFTLESS_CLI_PATH, driftlessBuildMissing } from './driftless-server';
import { countLines, DOCUMENT_COUNT, generateHeldOutManifests, generateManifests, HELD_OUT_FINDINGS } from './generate-manifests';
import { CLI_FILE_COPIES, measureCli, type CliFigures } from './measure-cli';
import { formatDrift, measureDrift, type DriftFigures } from './measure-drift';
import { measureIndex, type IndexFigures } from './measure-index';
import { DRIFTLESS_CLI, KUBECONFORM_NAME, KUBECTL_VALIDATE_NAME, measurePeers, type PeerFigures, type PeerFileSet } from './measure-peers';
import { measureRender, type RenderFigures } from './measure-render';
import { measureServer, type ServerFigures } from './measure-server';
import { evaluateTargets, formatReport, type BenchRepetitions, type BenchResults } from './report';
import type { ServerUnderTest } from './server-under-test';
import { YamlLanguageServer } from './yaml-language-server';
import { prepareYlsKubernetesSchemas } from './yls-kubernetes-schemas';

const RESULTS_PATH = resolve(__dirname, '../../test-results/bench.json');
/** The largest repository of the shared corpus, indexed and rendered when it is there. */
const CORPUS_REPOSITORY = join(CORPUS_DIR, 'repos', 'onedr0p-home-ops');
const USAGE = 'Usage: npm run bench -- [--only yls|driftless|render|cli|peers|drift] [--quick]';

const FULL: BenchRepetitions = {
  coldStart: 3,
  largeOpenAfterStart: 5,
  open: 5,
  edit: 10,
  completion: 20,
  cli: 11,
  // Three tools on two file sets, on a machine other work shares: enough rounds for steady medians.
  peers: 11,
  index: 10,
  changes: 3,
  render: 10,
};
const QUICK: BenchRepetitions = {
  coldStart: 1,
  largeOpenAfterStart: 1,
  open: 2,
  edit: 3,
  completion: 5,
  cli: 1,
  peers: 2,
  index: 4,
  changes: 1,
  render: 3,
};

const ONLY = ['yls', 'driftless', 'render', 'cli', 'peers', 'drift'] as const;
type Only = (typeof ONLY)[number] | undefined;

function isOnly(value: string | undefined): value is NonNullable<Only> {
  return (ONLY as readonly (string | undefined)[]).includes(value);
}

class UsageError extends Error {}

function parseArguments(args: string[]): { only: Only; quick: boolean } {
  let only: Only;
  let quick = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--only' && isOnly(args[i + 1])) only = args[++i] as Only;
    else throw new UsageError(`Unknown or incomplete argument "${arg}".\n${USAGE}`);
  }
  return { only, quick };
}

async function main(): Promise<number> {
  const { only, quick } = parseArguments(process.argv.slice(2));
  // Driftless keeps a V8 code cache of its bundles; a fresh folder per run makes the first cold start a first start
  // after installation (no cache), reported on its own, and the later ones what every later start sees.
  process.env.DRIFTLESS_CACHE_DIR = mkdtempSync(join(tmpdir(), 'driftless-bench-code-cache-'));
  const repetitions = quick ? QUICK : FULL;
  const includeOurs = only === undefined || only === 'driftless';
  const includeTheirs = only === undefined || only === 'yls';
  const includeRender = only === undefined || only === 'driftless' || only === 'render';
  const includeCli = only === undefined || only === 'driftless' || only === 'cli';
  const includePeers = only === undefined || only === 'peers';
  const includeDrift = only === undefined || only === 'drift';
  const missing = includeOurs || includeRender || includeCli || includePeers || includeDrift ? driftlessBuildMissing() : [];
  if (missing.length > 0) {
    console.error(`Missing ${missing.join(' and ')}: run \`npm run build\` first (or \`npm run bench -- --only yls\`).`);
    return 2;
  }

  const loadAtStart = loadavg()[0] ?? 0;
  const text = generateManifests();
  const log = (line: string) => console.log(line);
  const servers: ServerUnderTest[] = [];
  let yamlLanguageServer: YamlLanguageServer | undefined;
  if (includeTheirs) {
    yamlLanguageServer = new YamlLanguageServer(prepareYlsKubernetesSchemas());
    servers.push(yamlLanguageServer);
  }
  if (includeOurs) servers.push(new DriftlessServer());

  const figures: ServerFigures[] = [];
  for (const server of servers) {
    log(`Measuring ${server.name} ${server.version}...`);
    figures.push(await measureServer(server, text, repetitions, log));
  }
  let cli: CliFigures | null = null;
  if (includeCli) {
    log('Measuring the Driftless CLI...');
    cli = await measureCli(DRIFTLESS_CLI_PATH, text, repetitions.cli, log);
  }
  let peers: PeerFigures | null = null;
  if (includePeers) {
    log('Measuring the CLI against kubeconform and kubectl-validate...');
    peers = await measurePeers(DRIFTLESS_CLI_PATH, driftlessVersion(), peerFileSets(text), repetitions.peers, log);
  }
  let index: IndexFigures[] = [];
  if (includeOurs) {
    log('Measuring the workspace index...');
    index = await measureIndex(existsSync(CORPUS_REPOSITORY) ? CORPUS_REPOSITORY : undefined, repetitions.index, log);
  }
  let render: RenderFigures | null = null;
  if (includeRender) {
    log('Measuring the rendered previews (kubectl, helm)...');
    render = await measureRender(existsSync(CORPUS_REPOSITORY) ? CORPUS_REPOSITORY : undefined, repetitions, log);
  }

  const activation = includeOurs ? activationTargets() : { targets: [], note: '' };
  if (activation.note) log(activation.note);

  let drift: DriftFigures | { skipped: string } | null = null;
  if (includeDrift) {
    log('Measuring drift against the test cluster (driftless drift, kubectl diff --server-side)...');
    drift = await measureDrift(DRIFTLESS_CLI_PATH, quick ? 1 : 3, log);
  }

  const firstCpu = cpus()[0];
  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: firstCpu?.model ?? 'unknown',
      node: process.version,
      go: installedGo() ?? null,
      platform: `${platform()} ${release()}`,
      loadAverage: { start: loadAtStart, end: loadavg()[0] ?? 0 },
    },
    manifests: { lines: countLines(text), documents: DOCUMENT_COUNT, bytes: Buffer.byteLength(text) },
    quick,
    repetitions,
    servers: figures,
    yamlLanguageServerSchemaRequests: yamlLanguageServer?.schemaRequests ?? [],
    cli,
    peers,
    index,
    render,
    targets: [...evaluateTargets(figures, cli, peers, index), ...activation.targets],
  };
  log('');
  log(formatReport(results));
  if (drift) log(`\n${formatDrift(drift)}`);
  mkdirSync(resolve(RESULTS_PATH, '..'), { recursive: true });
  writeFileSync(RESULTS_PATH, JSON.stringify({ ...results, drift }, null, 2) + '\n');
  log(`\nWrote ${RESULTS_PATH}`);
  // Only a full run speaks for every benchmark: a partial or quick one leaves the document as it is.
  if (only === undefined && !quick) {
    await writeBenchmarksDocument(results);
    log(`Wrote ${BENCHMARKS_DOC}`);
  } else log(`(${BENCHMARKS_DOC} is written by full runs only; \`npm run bench:doc\` writes it from this JSON.)`);
  return 0;
}

function driftlessVersion(): string {
  return new DriftlessServer().version;
}

/** The bench's own file (no findings) and the held-out one (findings in every Deployment), with what each tool should find. */
function peerFileSets(text: string): PeerFileSet[] {
  const copies = CLI_FILE_COPIES;
  const { errors, warnings, invalidResources } = HELD_OUT_FINDINGS;
  return [
    {
      name: 'bench file',
      text,
      expected: {
        [DRIFTLESS_CLI]: '0 errors, 0 warnings, 0 infos',
        [KUBECONFORM_NAME]: '0 invalid, 0 errors, 0 skipped',
        [KUBECTL_VALIDATE_NAME]: '0 invalid',
      },
    },
    {
      name: 'held-out file',
      text: generateHeldOutManifests(),
      expected: {
        [DRIFTLESS_CLI]: `${errors * copies} errors, ${warnings * copies} warnings, 0 infos`,
        [KUBECONFORM_NAME]: `${invalidResources * copies} invalid, 0 errors, 0 skipped`,
        [KUBECTL_VALIDATE_NAME]: `${invalidResources * copies} invalid`,
      },
    },
  ];
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
