// Rendering with origins on the real corpus: for every kustomization KUSTOMIZE-BUILD-RESULTS.tsv marks as building,
// Driftless's origin-tracked render, its tracking annotations taken off, equals plain `kubectl kustomize` output, and
// every object read from a file names a file that exists.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { renderWithOrigins } from '../../server/src/node/render/render-environment';
import { corpusFolder } from '../helpers/shared-corpus';
import { skipWithReason } from '../helpers/skips';
import { kubernetesTools } from '../../scripts/kubernetes-tools';

const CORPUS_REPOS = corpusFolder('DRIFTLESS_CORPUS_REPOS', 'repos');
const RESULTS = join(CORPUS_REPOS, 'KUSTOMIZE-BUILD-RESULTS.tsv');

describe('real corpus: origin-tracked renders equal plain kubectl kustomize', function () {
  this.timeout(10 * 60_000);

  it('for every kustomization that builds', async function () {
    const tools = kubernetesTools();
    if ('missing' in tools) skipWithReason(this, `no kubectl to render with: ${tools.missing}`);
    if (!existsSync(RESULTS)) skipWithReason(this, `the shared corpus is missing: ${RESULTS} does not exist (set DRIFTLESS_CORPUS_REPOS)`);
    const kubectl = (tools as { kubectl: string }).kubectl;
    const building = readFileSync(RESULTS, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t'))
      .filter(([dir, result]) => dir && result === 'PASS')
      .map(([dir]) => dir!);
    assert.ok(building.length > 100, `${building.length} building kustomizations`);
    const problems: string[] = [];
    let objects = 0;
    let withOrigin = 0;
    const check = async (dir: string) => {
      const folder = join(CORPUS_REPOS, dir);
      const plain = await promisify(execFile)(kubectl, ['kustomize', folder], { maxBuffer: 64 * 1024 * 1024 });
      const tracked = await renderWithOrigins({ kind: 'kustomize', root: CORPUS_REPOS, folder }, { kubectl });
      if (!tracked.ok) return void problems.push(`${dir}: ${tracked.error}`);
      const expected = parseAllDocuments(plain.stdout)
        .map((d) => d.toJS() as unknown)
        .filter((v) => v !== null);
      try {
        assert.deepEqual(
          tracked.objects.map((t) => t.object),
          expected,
        );
      } catch {
        problems.push(`${dir}: the objects differ from kubectl kustomize`);
      }
      for (const { origin } of tracked.objects) if (origin && !existsSync(origin)) problems.push(`${dir}: origin ${origin} does not exist`);
      objects += tracked.objects.length;
      withOrigin += tracked.objects.filter((t) => t.origin).length;
    };
    // Two at a time: kubectl is the cost, and these machines have two cores.
    for (let i = 0; i < building.length; i += 2) await Promise.all(building.slice(i, i + 2).map(check));
    console.log(
      `      ${building.length} kustomizations, ${objects} objects, ${withOrigin} with the file they come from (the rest generated)`,
    );
    assert.ok(withOrigin > objects / 2, `${withOrigin} of ${objects} objects have an origin`);
    assert.deepEqual(problems, []);
  });
});
