// `driftless environments` as a pipeline runs it: text for people, JSON for scripts, over the sample repository.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/engine';
import { temporaryFolder } from '../helpers/temporary-folders';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
/**
 * A copy of the sample repository outside any git repository: inside this project's checkout its Flux objects would be
 * judged against this project's git remotes (which are not the sample's).
 */
let sample: string;

function driftless(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: sample, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('CLI: driftless environments', function () {
  before(function () {
    sample = join(temporaryFolder('driftless-sample-'), 'sample-repo');
    cpSync(join(REPO_ROOT, 'test', 'fixtures', 'sample-repo'), sample, { recursive: true });
  });

  it('lists the sample repository’s environments, with the declared production one refined', function () {
    const run = driftless(['environments', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const { environments } = JSON.parse(run.stdout) as {
      environments: {
        name: string;
        sourceKind?: string;
        sourcePath?: string;
        cluster: string;
        protection?: string;
        origin: string;
        file?: string;
      }[];
    };
    assert.deepEqual(
      environments.map((e) => e.name),
      [
        'apps',
        'apps/overlays/production',
        'backend',
        'backend-production',
        'flux-system',
        'frontend-production',
        'infrastructure',
        'infrastructure-production',
        'infrastructure-staging',
        'sandbox/misnamed-resource',
      ],
    );
    const production = environments.find((e) => e.name === 'frontend-production')!;
    assert.equal(production.origin, 'both');
    assert.equal(production.protection, 'production');
    assert.equal(production.cluster, 'context driftless-admin, https://kubernetes.default.svc, namespace shop-production');
    const staging = environments.find((e) => e.name === 'apps')!;
    assert.deepEqual([staging.sourceKind, staging.sourcePath], ['flux', 'apps/overlays/staging']);
    // One Application per element of the ApplicationSet's list generator.
    const generated = environments.find((e) => e.name === 'infrastructure-staging')!;
    assert.deepEqual(
      [generated.sourceKind, generated.cluster, generated.file],
      ['application', 'https://staging.k8s.example.com:6443, namespace default', 'argocd/infrastructure-appset.yaml'],
    );
  });

  it('prints one line per environment in text, and refuses another format', function () {
    const run = driftless(['environments']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^frontend-production +Argo CD Application frontend-production {2}→ {2}context driftless-admin, .*\[production\]$/m,
    );
    assert.equal(run.stdout.trim().split('\n').length, 10);
    assert.equal(driftless(['environments', '--format', 'sarif']).code, 2);
  });
});
