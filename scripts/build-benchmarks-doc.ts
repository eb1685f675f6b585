// Writes docs/benchmarks.md from the JSON of a run of `npm run bench` (test-results/bench.json): one table per
// benchmark (figure, Driftless, peer, ratio, target, met?), the machine and the date. What is written by hand below
// the marker line (where the time goes, what was tried) is kept. A full run writes it; `npm run bench:doc [json]`
// rewrites it from a saved run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { kubeconformRatio, type BenchResults, type TargetResult } from '../test/bench/report';
import { DRIFTLESS_CLI, type PeerComparison, type ToolFigures } from '../test/bench/measure-peers';
import { median } from '../test/bench/statistics';
import { DRIFTLESS, YAML_LANGUAGE_SERVER } from '../test/bench/server-under-test';
import type { ServerFigures } from '../test/bench/measure-server';

const ROOT = resolve(__dirname, '..');
export const BENCHMARKS_DOC = join(ROOT, 'docs', 'benchmarks.md');
const RESULTS = join(ROOT, 'test-results', 'bench.json');

/** Everything after this line is the hand-written part, kept as it is. */
export const HAND_WRITTEN_MARKER = '<!-- Written by hand below this line: kept when the tables above are regenerated. -->';

const DEFAULT_HAND_WRITTEN = `
## Where the time goes and what was tried

(Write the analysis of the figures here: it is kept when the tables above are regenerated.)
`;

const thousands = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number) => (Number.isFinite(value) ? `${value < 20 ? thousands(value, 1) : thousands(value)} ms` : 'n/a');
const seconds = (value: number) => (Number.isFinite(value) ? `${thousands(value / 1000, 2)} s` : 'n/a');
const mb = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? 'n/a' : `${thousands(value)} MB`);
const ratio = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '' : thousands(value, 3));
const plural = (count: number, noun: string) => `${thousands(count)} ${noun}${count === 1 ? '' : 's'}`;
const met = (target: TargetResult | undefined) => (target ? (target.pass ? 'yes' : '**no**') : '');

function table(header: string[], rows: string[][]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

function target(results: BenchResults, name: string): TargetResult | undefined {
  return results.targets.find((t) => t.name === name);
}

function limitText(t: TargetResult | undefined): string {
  if (!t) return '';
  if (t.unit === 'ratio') return `${t.comparison} ${thousands(t.limit, 2)}`;
  if (t.unit === 'per second') return `${t.comparison} ${thousands(t.limit)}/s`;
  return `${t.comparison} ${thousands(t.limit)} ms`;
}

function serverTable(results: BenchResults): string | undefined {
  const ours = results.servers.find((s) => s.server === DRIFTLESS);
  const theirs = results.servers.find((s) => s.server === YAML_LANGUAGE_SERVER);
  if (!ours || !theirs) return undefined;
  const rows: [string, (f: ServerFigures) => number, string | undefined, (v: number) => string][] = [
    ['spawn → first diagnostics of the file (cold start)', (f) => median(f.coldStartMs), 'cold start to first diagnostics', ms],
    ['open the file in a running server → diagnostics', (f) => median(f.openMs), 'open to diagnostics', ms],
    [
      'open the file right after the server answered a first small file → final diagnostics',
      (f) => median(f.largeOpenAfterStartMs),
      'large file opened right after start, to final diagnostics',
      ms,
    ],
    ['one-character edit → diagnostics', (f) => median(f.editMs), 'edit to diagnostics', ms],
    ['completion inside a container', (f) => median(f.completionMs), 'completion', ms],
    ['peak memory (VmHWM)', (f) => f.memory.peakRssMb, 'peak memory (VmHWM)', mb],
  ];
  return [
    `## The language server against yaml-language-server`,
    '',
    `yaml-language-server ${theirs.version} in its Kubernetes mode, offline, against Driftless ${ours.version}, on a generated file of ` +
      `${thousands(results.manifests.lines)} lines and ${results.manifests.documents} documents; medians, ratios are Driftless over the peer.`,
    '',
    table(
      ['figure', 'Driftless', 'yaml-language-server', 'ratio', 'target', 'met?'],
      rows.map(([label, value, targetName, format]) => {
        const t = targetName ? target(results, targetName) : undefined;
        const v = value(ours);
        const p = value(theirs);
        return [label, format(v), format(p), ratio(v / p), limitText(t), met(t)];
      }),
    ),
  ].join('\n');
}

function toolCell(tool: ToolFigures | undefined, value: (t: ToolFigures) => string): string {
  return tool ? value(tool) : 'not measured';
}

function peerTable(results: BenchResults, comparison: PeerComparison): string {
  const ours = comparison.tools.find((t) => t.tool === DRIFTLESS_CLI);
  const others = comparison.tools.filter((t) => t.tool !== DRIFTLESS_CLI);
  const t = target(results, `CLI wall time vs kubeconform, ${comparison.files}`);
  const rows: [string, (tool: ToolFigures) => number, (v: number) => string, boolean][] = [
    ['whole run, median (wall)', (tool) => median(tool.wallMs), ms, true],
    ['resources per second', (tool) => tool.resourcesPerSecond, (v) => `${thousands(v)}/s`, false],
    ['CPU time, user + system, all threads', (tool) => (tool.cpuMs?.length ? median(tool.cpuMs) : NaN), ms, false],
    ['peak memory (VmHWM)', (tool) => (tool.peakRssMb.length ? median(tool.peakRssMb) : NaN), mb, false],
  ];
  const header = ['figure', `Driftless ${ours?.version ?? ''}`.trim()];
  for (const other of others) header.push(`${other.tool} ${other.version}`, 'ratio');
  header.push('target', 'met?');
  return table(header, [
    ...rows.map(([label, value, format, targeted]) => {
      const row = [label, toolCell(ours, (tool) => format(value(tool)))];
      for (const other of others) row.push(format(value(other)), ours ? ratio(value(ours) / value(other)) : '');
      row.push(targeted ? `${limitText(t)} vs kubeconform` : '', targeted ? met(t) : '');
      return row;
    }),
    ['what it found', toolCell(ours, (tool) => tool.findings), ...others.flatMap((other) => [other.findings, '']), '', ''],
  ]);
}

function peersSection(results: BenchResults): string | undefined {
  const peers = results.peers;
  if (!peers) return undefined;
  const parts = [
    `## The CLI against kubeconform and kubectl-validate`,
    '',
    `\`driftless validate\`, kubeconform and kubectl-validate on the same ${peers.comparisons[0]?.fileCount ?? 20} files, Kubernetes ` +
      `${peers.kubernetesVersion}, schemas local, each run a fresh process, ${peers.rounds} interleaved rounds; medians. Ratios are ` +
      `Driftless over the peer (below 1: Driftless is faster or smaller). Driftless checks far more than either peer (API-server ` +
      `rules, references across files, policies).`,
    '',
    ...peers.notes.map((note) => `- ${note}`),
  ];
  for (const comparison of peers.comparisons) {
    const ratioToKubeconform = kubeconformRatio(comparison);
    parts.push(
      '',
      `### ${comparison.files === 'bench file' ? 'The bench file (no findings)' : 'The held-out file (findings in every Deployment)'}`,
      '',
      `${comparison.fileCount} copies of a ${thousands(comparison.lines)}-line file` +
        (ratioToKubeconform === undefined ? '.' : `; Driftless's whole run takes ${ratio(ratioToKubeconform)} of kubeconform's.`),
      '',
      peerTable(results, comparison),
    );
    for (const warning of comparison.warnings) parts.push('', `Warning: ${warning}`);
  }
  return parts.join('\n');
}

function cliSection(results: BenchResults): string | undefined {
  const cli = results.cli;
  if (!cli) return undefined;
  const t = target(results, 'CLI resources per second');
  const rows = [
    ['whole run, median', ms(median(cli.wallMs)), '', ''],
    ['resources per second', `${thousands(cli.resourcesPerSecond)}/s`, limitText(t), met(t)],
    ['fixed cost (one resource)', ms(median(cli.fixedCostMs)), '', ''],
    [
      'resources per second without the fixed cost',
      cli.resourcesPerSecondExcludingFixedCost === null ? 'n/a' : `${thousands(cli.resourcesPerSecondExcludingFixedCost)}/s`,
      '',
      '',
    ],
    ["of the fixed cost: Node's own start (node -e 0)", ms(median(cli.nodeStartMs)), '', ''],
  ];
  if (cli.nodeStartWithoutExtraCertsMs.length)
    rows.push(['the same without NODE_EXTRA_CA_CERTS', ms(median(cli.nodeStartWithoutExtraCertsMs)), '', '']);
  return [
    `## The CLI on its own`,
    '',
    `\`driftless validate\` on ${cli.files} copies of the bench file (${thousands(cli.resources)} resources), the newest bundled ` +
      `Kubernetes version, ${cli.wallMs.length} runs.`,
    '',
    table(['figure', 'Driftless', 'target', 'met?'], rows),
  ].join('\n');
}

function indexSection(results: BenchResults): string | undefined {
  if (!results.index.length) return undefined;
  const t = target(results, 're-check after an edit, 10,000 resources');
  return [
    `## The workspace index`,
    '',
    table(
      ['figure', ...results.index.map((f) => f.repository), 'target', 'met?'],
      [
        ['resources, files', ...results.index.map((f) => `${thousands(f.resources)}, ${thousands(f.files)}`), '', ''],
        ['server spawn → index complete', ...results.index.map((f) => ms(f.indexCompleteMs)), '', ''],
        ['peak memory (RSS)', ...results.index.map((f) => mb(f.memory.peakRssMb)), '', ''],
        ['edit of the open file → its diagnostics', ...results.index.map((f) => ms(median(f.editRecheckMs))), limitText(t), met(t)],
        [
          "edit of another file → the open file's new diagnostics",
          ...results.index.map((f) => (f.crossFileRecheckMs.length ? ms(median(f.crossFileRecheckMs)) : 'n/a')),
          limitText(t),
          met(t),
        ],
      ],
    ),
  ].join('\n');
}

function renderSection(results: BenchResults): string | undefined {
  const render = results.render;
  if (!render) return undefined;
  const parts = [`## Rendered previews and the Changes view`, ''];
  if (render.notMeasured) return [...parts, `Not measured: ${render.notMeasured}`].join('\n');
  parts.push(
    `The server driven over LSP with ${render.tools ?? 'kubectl and helm'}: from announcing a saved one-line edit to the answer of ` +
      '`driftless/changes` (what the Changes view shows). Issue 18 sets a goal of 2 s for the shared-base edit on these 2 cores.',
    '',
    table(
      [
        'repository, renderer, background validation',
        'environments rendered',
        'first request (nothing changed)',
        'one-line edit → Changes',
        'changed',
      ],
      render.changes.map((f) => [
        `${f.repository}, ${f.kustomizeTool}, ${f.validateRenderedOutput ? 'on' : 'off'}`,
        String(f.rendered),
        seconds(f.beforeEditMs),
        `${seconds(median(f.afterEditMs))} (first ${seconds(f.afterEditMs[0] ?? NaN)})`,
        `${plural(f.changedObjects, 'object')} in ${plural(f.changedEnvironments.length, 'environment')}`,
      ]),
    ),
  );
  if (render.cache) {
    const c = render.cache;
    parts.push(
      '',
      table(
        ['`driftless/render` of one environment', 'Driftless'],
        [
          ['first render (cold)', ms(median(c.coldMs))],
          ['again, nothing changed (cache)', ms(median(c.cachedMs))],
          ['after a one-line edit of its overlay', ms(median(c.afterEditMs))],
        ],
      ),
    );
  }
  if (render.renderTools) {
    const r = render.renderTools;
    parts.push(
      '',
      `The renders themselves, ${r.environments} environments of the generated repository, fresh processes:`,
      '',
      ...r.notes.map((note) => `- ${note}`),
      ...(r.notes.length ? [''] : []),
      table(
        [
          'renderer',
          'one render',
          `${r.environments} one after another`,
          `${r.environments} two at a time`,
          `${r.environments} in one process (a kustomization listing them)`,
          'objects per render',
        ],
        r.tools.map((t) => [
          t.tool,
          ms(median(t.oneRenderMs)),
          seconds(median(t.sequentialMs)),
          seconds(median(t.twoAtOnceMs)),
          seconds(median(t.allInOneMs)),
          String(t.objects),
        ]),
      ),
    );
  }
  return parts.join('\n');
}

function machineLine(results: BenchResults): string {
  const m = results.machine;
  return (
    `Run of ${results.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}${results.quick ? ' (quick: fewer repetitions)' : ''} on ` +
    `${m.cpus} cores (${m.cpuModel}), Node ${m.node}, ${m.go === undefined ? 'Go version not recorded' : (m.go ?? 'Go not installed')}, ${m.platform}; load average ` +
    `${thousands(m.loadAverage.start, 2)} before, ${thousands(m.loadAverage.end, 2)} after (other work on the machine makes the figures noisy).`
  );
}

/** The generated part of docs/benchmarks.md. */
export function benchmarkTables(results: BenchResults): string {
  const sections = [serverTable(results), peersSection(results), cliSection(results), indexSection(results), renderSection(results)].filter(
    (s): s is string => s !== undefined,
  );
  return [
    '# Benchmarks',
    '',
    '<!-- Generated by scripts/build-benchmarks-doc.ts from the JSON of `npm run bench`: regenerate, do not edit the tables. -->',
    '',
    `${machineLine(results)} Every figure of the run, with its raw samples, is in the JSON it wrote (\`test-results/bench.json\`); ` +
      '`npm run bench` prints them too.',
    '',
    sections.join('\n\n'),
  ].join('\n');
}

/** The document: the tables of `results`, then the hand-written part of `previous` (the current document), if any. */
export function benchmarksDocument(results: BenchResults, previous: string | undefined): string {
  const at = previous?.indexOf(HAND_WRITTEN_MARKER) ?? -1;
  const handWritten = previous !== undefined && at !== -1 ? previous.slice(at + HAND_WRITTEN_MARKER.length) : DEFAULT_HAND_WRITTEN;
  return `${benchmarkTables(results)}\n\n${HAND_WRITTEN_MARKER}\n${handWritten.replace(/^\n*/, '\n')}`;
}

/** Writes the document, formatted as the project formats Markdown (its tables aligned). */
export async function writeBenchmarksDocument(results: BenchResults, path = BENCHMARKS_DOC): Promise<void> {
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  const options = (await resolveConfig(path)) ?? {};
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, await format(benchmarksDocument(results, previous), { ...options, filepath: path }));
}

if (require.main === module) {
  const input = resolve(process.argv[2] ?? RESULTS);
  if (!existsSync(input)) {
    console.error(`No benchmark results at ${input}: run \`npm run bench\` first.`);
    process.exitCode = 2;
  } else {
    void writeBenchmarksDocument(JSON.parse(readFileSync(input, 'utf8')) as BenchResults).then(
      () => console.log(`Wrote ${BENCHMARKS_DOC} from ${input}`),
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exitCode = 1;
      },
    );
  }
}
