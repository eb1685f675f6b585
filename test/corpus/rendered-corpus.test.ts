// Validation of rendered output on the real corpus (../shared/corpus/repos), with the real kubectl and helm: every
// environment of each repository rendered, its objects judged and traced back to their sources. It must add no
// false finding to what the repository's own validation reports (test/corpus/corpus.test.ts reviews those): what it
// adds is listed here, each with why it is true. Renders that fail because the corpus left files out (scripts a
// configMapGenerator reads) are said on the line that names them, where missing-path already says it, so once.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CliDiagnostic } from '../../server/src/cli/output-formats';
import type { KubernetesTools } from '../../scripts/kubernetes-tools';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { corpusFolder } from '../helpers/shared-corpus';
import { skipWithReason } from '../helpers/skips';

const REPO_ROOT = resolve(__dirname, '..', '..');
const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const CORPUS_REPOS = corpusFolder('DRIFTLESS_CORPUS_REPOS', 'repos');

/** What rendering adds, reviewed: `repository: [file, line, rule, severity, why it is true]`. */
const REVIEWED_RENDERED_ONLY: Record<string, [string, number, string, string, string][]> = {
  'kustomize-examples': [
    [
      'examples/loadHttp/kustomization.yaml',
      4,
      'render-unavailable',
      'info',
      'Its resources are https:// URLs: rendering it needs the network, which Driftless never uses; said on the line of the first URL.',
    ],
  ],
};

function validate(repository: string, extra: string[]): CliDiagnostic[] {
  const result = spawnSync(process.execPath, [CLI, 'validate', '--format', 'json', ...extra], {
    cwd: join(CORPUS_REPOS, repository),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.ok(result.status === 0 || result.status === 1, `${repository}: exit ${result.status}\n${result.stderr}`);
  return (JSON.parse(result.stdout) as { diagnostics: CliDiagnostic[] }).diagnostics;
}

/** A finding as the comparison tells findings apart: by every field the CLI prints. */
function findingKey(d: CliDiagnostic): string {
  return JSON.stringify(d);
}

/** What `from` holds beyond `taken`, counting repeats: a multiset difference, so a duplicate cannot hide a loss. */
function beyond(from: readonly CliDiagnostic[], taken: readonly CliDiagnostic[]): CliDiagnostic[] {
  const left = new Map<string, number>();
  for (const d of taken) left.set(findingKey(d), (left.get(findingKey(d)) ?? 0) + 1);
  return from.filter((d) => {
    const count = left.get(findingKey(d)) ?? 0;
    if (count === 0) return true;
    left.set(findingKey(d), count - 1);
    return false;
  });
}

/** The corpus's repositories (each a test of its own). */
const REPOSITORIES = [
  'argo-cd-manifests',
  'eks-blueprints-add-ons',
  'flux2-kustomize-helm-example',
  'flux2-multi-tenancy',
  'kustomize-examples',
  'microservices-demo',
  'onedr0p-home-ops',
  'podinfo',
];

describe('corpus: rendered output adds only reviewed findings', function () {
  this.timeout(180_000);

  let tools: KubernetesTools;
  before(function () {
    if (!existsSync(CORPUS_REPOS)) skipWithReason(this, `the shared corpus is missing: ${CORPUS_REPOS} (set DRIFTLESS_CORPUS_REPOS)`);
    tools = renderToolsOrSkip(this);
  });

  for (const repository of REPOSITORIES) {
    it(repository, function () {
      if (!existsSync(join(CORPUS_REPOS, repository)))
        skipWithReason(this, `the corpus has no ${repository}: ${join(CORPUS_REPOS, repository)} does not exist`);
      const plain = validate(repository, []);
      const rendered = validate(repository, ['--rendered', '--kubectl', tools.kubectl, '--helm', tools.helm]);
      // Nothing the plain validation found is lost, each repeat counted.
      const lost = beyond(plain, rendered).map((d) => `${d.file}:${d.line} ${d.rule} ${d.severity}: ${d.message}`);
      assert.deepEqual(lost, [], `${repository}: rendering lost findings the plain validation reports`);
      const added = beyond(rendered, plain).map((d) => [d.file, d.line, d.rule, d.severity]);
      const reviewed = (REVIEWED_RENDERED_ONLY[repository] ?? []).map(([file, line, rule, severity]) => [file, line, rule, severity]);
      assert.deepEqual(added, reviewed, `${repository}: rendering added findings nobody reviewed (or a reviewed one is gone)`);
    });
  }
});
