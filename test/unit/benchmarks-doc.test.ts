// docs/benchmarks.md is generated from a run's JSON: a table per benchmark with the peers' figures, ratios and targets,
// the machine and the date; what is written by hand below the marker survives a regeneration.
import { strict as assert } from 'node:assert';
import { benchmarksDocument, HAND_WRITTEN_MARKER } from '../../scripts/build-benchmarks-doc';
import type { BenchResults } from '../bench/report';

function results(): BenchResults {
  const tool = (name: string, version: string, wallMs: number[], findings: string) => ({
    tool: name,
    version,
    command: name,
    resources: 3520,
    findings,
    wallMs,
    peakRssMb: [100, 110, 120],
    cpuMs: wallMs.map((w) => w / 2),
    resourcesPerSecond: 3520 / (wallMs[1]! / 1000),
  });
  return {
    generatedAt: '2026-12-06T22:00:00.000Z',
    machine: {
      cpus: 2,
      cpuModel: 'Test CPU',
      node: 'v20.20.2',
      go: 'go version go1.26.8 linux/amd64',
      platform: 'linux',
      loadAverage: { start: 1, end: 2 },
    },
    manifests: { lines: 5278, documents: 176, bytes: 1 },
    quick: false,
    repetitions: {
      coldStart: 1,
      largeOpenAfterStart: 1,
      open: 1,
      edit: 1,
      completion: 1,
      cli: 1,
      peers: 3,
      index: 1,
      changes: 1,
      render: 1,
    },
    servers: [],
    yamlLanguageServerSchemaRequests: [],
    cli: null,
    peers: {
      kubernetesVersion: '1.30',
      notes: ['peers built with go'],
      rounds: 3,
      comparisons: [
        {
          files: 'held-out file',
          lines: 5278,
          fileCount: 20,
          warnings: [],
          tools: [
            tool('driftless validate', '0.1.0', [700, 800, 900], '160 errors'),
            tool('kubeconform', 'v0.8.0', [900, 1000, 1100], '80 invalid'),
            tool('kubectl-validate', 'v0.0.4', [3000, 4000, 5000], '80 invalid'),
          ],
        },
      ],
    },
    index: [],
    render: null,
    targets: [{ name: 'CLI wall time vs kubeconform, held-out file', value: 0.8, unit: 'ratio', comparison: '<=', limit: 1, pass: true }],
  };
}

describe('docs/benchmarks.md', () => {
  it('has a table per benchmark: each tool, the ratio to each peer, the target and whether it is met', () => {
    const document = benchmarksDocument(results(), undefined);
    assert.match(document, /2 cores \(Test CPU\), Node v20\.20\.2, go version go1\.26\.8/);
    assert.match(document, /2026-12-06 22:00:00 UTC/);
    const row = document.split('\n').find((line) => line.startsWith('| whole run, median (wall)'));
    // Driftless 800 ms; kubeconform 1,000 ms (ratio 0.800); kubectl-validate 4,000 ms (0.200); target met.
    assert.equal(row, '| whole run, median (wall) | 800 ms | 1,000 ms | 0.800 | 4,000 ms | 0.200 | <= 1.00 vs kubeconform | yes |');
    assert.match(document, /\| peak memory \(VmHWM\) \| 110 MB \| 110 MB \| 1\.000 \|/);
    assert.match(document, /\| what it found \| 160 errors \| 80 invalid \|/);
  });

  it('keeps what is written by hand below the marker, and writes a place for it the first time', () => {
    const first = benchmarksDocument(results(), undefined);
    assert.ok(first.includes(HAND_WRITTEN_MARKER));
    const edited = first.replace(/\(Write the analysis[^\n]*/, 'The lexer was the cost; a line walker replaced it.');
    const slower = results();
    slower.targets[0] = { ...slower.targets[0]!, value: 1.2, pass: false };
    const again = benchmarksDocument(slower, edited);
    assert.ok(again.includes('The lexer was the cost; a line walker replaced it.'));
    assert.ok(!again.includes('(Write the analysis'));
    assert.match(again, /vs kubeconform \| \*\*no\*\* \|/);
    assert.equal(again.split(HAND_WRITTEN_MARKER).length, 2);
  });
});
