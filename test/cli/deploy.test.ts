// `driftless deploy`, `rollback` and `history` as processes against the real API server, in the sample repository
// cloned from the GitHub stand-in: the exit codes (0 done or planned, 1 refused, 2 errors), the JSON result (the
// object the editor's commands return), the text, and the usage errors. The modes and the faults in depth are in
// test/cluster/deploy.test.ts; these runs check the command line and what it prints.
import { strict as assert } from 'node:assert';
import { kubernetesTools } from '../../scripts/kubernetes-tools';
import { DeployWorkbench } from '../cluster/deploy-workbench';
import { skipWithReason } from '../helpers/skips';
import { testClusterOrSkip } from '../helpers/test-cluster';

const DIRECT = 'apps/overlays/production';

describe('CLI: driftless deploy, rollback and history (real API server)', function () {
  this.timeout(5 * 60_000);
  let bench: DeployWorkbench;

  /** The CLI as a child process (asynchronous: the forge stand-in answers from this process). */
  const driftless = (args: string[]) => bench.cli(args);
  const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown> & { plan?: Record<string, unknown> };

  before(async function () {
    if ('missing' in kubernetesTools()) skipWithReason(this, `no kubectl here: ${(kubernetesTools() as { missing: string }).missing}`);
    const cluster = await testClusterOrSkip(this);
    bench = await DeployWorkbench.create(cluster, `dcli${process.pid}`);
    await bench.bootstrap();
  });
  after(async function () {
    if (bench) await bench.cleanup();
  });

  let first: string;
  it('--dry-run prints the plan and writes nothing: exit 0, JSON with the plan and outcome "planned"', async function () {
    const run = await driftless(['deploy', '--env', DIRECT, '--dry-run', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const result = json(run.stdout);
    assert.equal(result.outcome, 'planned');
    assert.equal(result.plan?.mode, 'apply');
    assert.deepEqual(result.commits, []);
    assert.equal((await bench.json(['get', 'deployments', '-n', bench.namespaces.prod])).items instanceof Array, true);
    assert.deepEqual((await bench.json(['get', 'deployments', '-n', bench.namespaces.prod])).items, []);
    const text = await driftless(['deploy', '--env', DIRECT, '--dry-run']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^Deploy apps\/overlays\/production \(apply, direct\)/);
    assert.match(text.stdout, /guardrails:\n {4}ok +apps\/overlays\/production is not protected\./);
    assert.match(text.stdout, /Planned only \(dry run\): nothing was done\.$/);
  });

  it('deploys (exit 0), the text says each step, and history shows the record', async function () {
    const run = await driftless(['deploy', '--env', DIRECT, '--timeout', '120']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /✓ server-side apply: \d+ created/);
    assert.match(run.stdout, /Recorded in refs\/notes\/driftless on [0-9a-f]{12} \(pushed\)/);
    assert.match(run.stdout, /Deployed apps\/overlays\/production at [0-9a-f]{12}\.$/);
    assert.match(run.stderr, /driftless: took the Lease/, 'progress goes to stderr as it happens');
    first = (await bench.git('rev-parse', 'HEAD')).trim();
    const history = await driftless(['history', '--env', DIRECT, '--format', 'json']);
    assert.equal(history.code, 0, history.stderr);
    const entries = json(history.stdout).entries as { commit: string; current: boolean; records: { outcome: string; mode: string }[] }[];
    const entry = entries.find((e) => e.commit === first);
    assert.ok(entry, history.stdout);
    assert.equal(entry.current, true);
    assert.deepEqual(
      entry.records.map((r) => [r.outcome, r.mode]),
      [['succeeded', 'apply']],
    );
    const text = await driftless(['history', '--env', DIRECT]);
    assert.match(
      text.stdout,
      new RegExp(
        `^\\* ${first.slice(0, 12)} .*\\[running now\\]\\n {6}changed its inputs; deploy succeeded \\(apply\\) by Dana Developer`,
        'm',
      ),
    );
  });

  it('rolls back (exit 0) with a new commit; JSON names it and the record', async function () {
    await bench.commit(
      'apps/overlays/production/kustomization.yaml',
      (text) => text.replace('newTag: 6.7.1', 'newTag: 6.7.3'),
      'frontend: 6.7.3',
    );
    assert.equal((await driftless(['deploy', '--env', DIRECT])).code, 0);
    const run = await driftless(['rollback', '--env', DIRECT, '--to', first.slice(0, 8), '--format', 'json']);
    assert.equal(run.code, 0, run.stdout);
    const result = json(run.stdout) as { commits: { commit: string }[]; record: { kind: string; to: string }; outcome: string };
    assert.equal(result.outcome, 'succeeded');
    assert.equal(result.commits.length, 1);
    assert.equal(result.commits[0]!.commit, (await bench.git('rev-parse', 'HEAD')).trim());
    assert.deepEqual([result.record.kind, result.record.to], ['rollback', first]);
    const deployment = await bench.json(['get', 'deployment', 'frontend', '-n', bench.namespaces.prod]);
    assert.match(JSON.stringify(deployment.spec), /podinfo:6\.7\.1"/);
  });

  it('exit 1 when a guardrail refuses (a protected environment without --confirm), with the reason', async function () {
    const run = await driftless(['deploy', '--env', 'frontend-production', '--dry-run']);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /BLOCKED frontend-production is protected \(production\): type its name to go on \(driftless: --confirm frontend-production\)\./,
    );
    assert.match(run.stdout, /^Refused: /m);
    const confirmed = await driftless([
      'deploy',
      '--env',
      'frontend-production',
      '--dry-run',
      '--confirm',
      'frontend-production',
      '--format',
      'json',
    ]);
    assert.notEqual(json(confirmed.stdout).outcome, undefined);
    const guardrails = json(confirmed.stdout).plan?.guardrails as { id: string; lifted?: boolean }[];
    assert.equal(guardrails.find((g) => g.id === 'protection')?.lifted, true);
  });

  it('exit 2 with one clear line on usage errors and unknown environments', async function () {
    const cases: [string[], RegExp][] = [
      [['deploy'], /deploy needs --env NAME/],
      [['deploy', '--env', DIRECT, '--mode', 'push'], /--mode must be pull-request, commit, apply, not "push"/],
      [['rollback', '--env', DIRECT], /rollback needs --to REV/],
      [['deploy', '--env', DIRECT, '--format', 'yaml'], /--format must be text or json/],
      [['history', '--env', 'nowhere'], /no environment named "nowhere"\. Environments: /],
      [['rollback', '--env', DIRECT, '--to', 'no-such-rev'], /"no-such-rev" names no commit of this repository/],
      [['rollback', '--env', DIRECT, '--to', '--upload-pack=x'], /.+/],
    ];
    for (const [args, message] of cases) {
      const run = await driftless(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
      assert.match(run.stdout + run.stderr, message, args.join(' '));
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
