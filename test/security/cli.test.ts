// The hostile repositories through the built CLI, as a pipeline runs it on a pull request from a fork: `render` of
// every environment, `diff` (the base in a worktree and the working tree, both hostile), `validate --rendered` and
// plain `validate`. Whatever a repository tries, no program of its runs (the marker stays absent), no file outside it
// is read (the canary never appears), no connection is made (the listener records none), no environment variable
// shows, the exit codes are the documented ones, nothing prints a stack trace, and nothing is left behind.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/engine';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { Instruments, Repository, runFolders, STACK_TRACE } from './hostile';
import { HOSTILE_NAMES, hostileRepositories, type HostileRepository } from './repositories';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface JsonDiagnostic {
  file: string;
  rule: string;
  severity: string;
  message: string;
}

describe('security: hostile repositories through the CLI', function () {
  this.timeout(180_000);
  let instruments: Instruments;
  let definitions: HostileRepository[];
  /** The processes of every run: what they left in the temp dir is theirs. */
  const pids: number[] = [];
  /** Every output of every run, checked at the end of each test. */
  let outputs: string[];

  before(async function () {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    instruments = new Instruments(renderToolsOrSkip(this));
    await instruments.listen();
    definitions = hostileRepositories(instruments);
    assert.deepEqual(
      definitions.map((d) => d.name),
      HOSTILE_NAMES,
    );
  });

  after(async () => {
    await instruments?.dispose();
  });

  beforeEach(() => {
    outputs = [];
  });

  const driftless = (args: string[], cwd: string): Run => {
    const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: instruments.env(), timeout: 120_000 });
    assert.equal(result.signal, null, `driftless ${args.join(' ')} was killed (${result.signal})`);
    pids.push(result.pid);
    outputs.push(result.stdout, result.stderr);
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const withTools = (...args: string[]) => [...args, '--kubectl', instruments.tools.kubectl, '--helm', instruments.tools.helm];

  /** What must hold after any run on a hostile repository. */
  const nothingEscaped = (repository: Repository) => {
    assert.ok(!existsSync(instruments.marker), 'a payload ran: the marker file exists');
    assert.deepEqual(instruments.connections, [], 'a connection reached the listener');
    for (const output of outputs) {
      for (const secret of instruments.secrets) assert.ok(!output.includes(secret), `an output holds ${secret}:\n${output.slice(0, 3000)}`);
      assert.doesNotMatch(output, STACK_TRACE);
    }
    assert.deepEqual(runFolders(pids), [], 'temporary folders were left behind');
    assert.equal(repository.worktrees().length, 1, 'a worktree was left registered');
  };

  HOSTILE_NAMES.forEach((name, index) => {
    it(name, function () {
      const definition = definitions[index]!;
      const repository = new Repository(instruments.scratch, `cli-${index}`, definition.files, {
        ...(definition.links ? { links: definition.links } : {}),
        ...(definition.remote ? { remote: definition.remote } : {}),
      });
      repository.touchAll();
      const expected = Object.entries(definition.environments);

      // The environments are there: a test that rendered nothing would prove nothing.
      const listed = driftless(['environments', '--format', 'json'], repository.root);
      assert.equal(listed.code, 0, listed.stderr);
      const names = (JSON.parse(listed.stdout) as { environments: { name: string }[] }).environments.map((e) => e.name);
      for (const [environment] of expected) assert.ok(names.includes(environment), `${environment} is not among ${names.join(', ')}`);

      // render: refused ones start no tool at all (the wrappers count every run).
      for (const [environment, outcome] of expected) {
        const before = instruments.renders().length;
        const rendered = driftless([...withTools('render', '--format', 'json'), '--', environment], repository.root);
        const runs = instruments.renders().length - before;
        if (outcome === 'renders') {
          assert.equal(rendered.code, 0, `${environment}: ${rendered.stderr}`);
          assert.ok(runs >= 1, `${environment} rendered without a tool run`);
        } else {
          assert.equal(rendered.code, 2, `${environment} rendered: ${rendered.stdout.slice(0, 500)}`);
          assert.equal(runs, 0, `${environment}: a tool ran (${instruments.renders().slice(before).join('; ')})`);
          assert.match(rendered.stderr, outcome === 'needs-network' ? /cannot be rendered: needs the network: / : /cannot be rendered: /);
        }
      }

      // validate --rendered: a refused render is an error on the repository, a remote one an info.
      const validated = driftless(withTools('validate', '--rendered', '--format', 'json'), repository.root);
      assert.ok(validated.code === 0 || validated.code === 1, `exit ${validated.code}: ${validated.stderr}`);
      const diagnostics = (JSON.parse(validated.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
      for (const [environment, outcome] of expected) {
        if (outcome === 'renders' || definition.validatedAsWritten?.includes(environment)) continue;
        const rule = outcome === 'refused' ? 'render-failed' : 'render-unavailable';
        const about = diagnostics.filter((d) => d.rule === rule && d.message.includes(environment));
        assert.ok(about.length, `no ${rule} for ${environment}: ${JSON.stringify(diagnostics.map((d) => [d.rule, d.message]))}`);
        // Findings stay on the repository's files.
        for (const d of about) assert.ok(!d.file.startsWith('..') && !d.file.startsWith('/'), `${d.file} is outside the repository`);
      }

      // diff: both sides rendered (the base in a worktree), errors said, exit 2 when any environment failed.
      const diffed = driftless(withTools('diff', '--format', 'json'), repository.root);
      const failing = expected.some(([, outcome]) => outcome !== 'renders');
      assert.ok(failing ? diffed.code === 2 : diffed.code === 0 || diffed.code === 1, `exit ${diffed.code}: ${diffed.stderr}`);
      const results = (JSON.parse(diffed.stdout) as { environments: { name: string; error?: string }[] }).environments;
      for (const [environment, outcome] of expected) {
        const result = results.find((r) => r.name === environment);
        assert.ok(result, `${environment} is not in the diff`);
        if (outcome === 'renders') assert.equal(result.error, undefined, `${environment}: ${result.error}`);
        else assert.ok(result.error, `${environment} was not refused in the diff`);
      }
      driftless(withTools('diff', '--format', 'markdown'), repository.root);
      driftless(withTools('diff'), repository.root);

      // Plain validation reads the files, and no further than the repository.
      const plain = driftless(['validate', '--format', 'json'], repository.root);
      assert.ok(plain.code === 0 || plain.code === 1, plain.stderr);
      if (definition.links) {
        const warned = (JSON.parse(plain.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics
          .filter((d) => d.rule === 'link-outside-repository')
          .map((d) => d.file);
        assert.ok(warned.includes('vendor'), `the link out of the repository was not said: ${warned.join(', ')}`);
      }
      nothingEscaped(repository);
    });
  });

  it('plain validation reads no CRD folder or modeline schema outside the repository (their enums would be quoted)', function () {
    const outside = join(instruments.scratch, 'outside');
    writeFileSync(
      join(outside, 'crd.yaml'),
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\n' +
        'spec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n' +
        `    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec: {type: object, properties: {size: {type: string, enum: [${instruments.canaryText}]}}}\n`,
    );
    writeFileSync(
      join(outside, 'schema.json'),
      JSON.stringify({ type: 'object', properties: { size: { enum: [instruments.canaryText] } } }),
    );
    const repository = new Repository(instruments.scratch, 'cli-config-outside', {
      '.driftless.yaml': `crds: ['../../outside', '${outside}']\n`,
      'widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: big}\n',
      'values.yaml': `# yaml-language-server: $schema=${join(outside, 'schema.json')}\nsize: big\n`,
      'relative.yaml': '# yaml-language-server: $schema=../../outside/schema.json\nsize: big\n',
    });
    const validated = driftless(['validate', '--format', 'json'], repository.root);
    assert.equal(validated.code, 0, validated.stderr);
    const found = (JSON.parse(validated.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics.map((d) => `${d.file} ${d.rule}`);
    assert.deepEqual(found.sort(), [
      'relative.yaml schema-unavailable',
      'values.yaml schema-unavailable',
      'widget.yaml unknown-custom-resource',
    ]);
    nothingEscaped(repository);
  });

  it('runs none of the repository’s git hooks when it makes the base worktree (git worktree add runs post-checkout)', function () {
    const repository = new Repository(instruments.scratch, 'cli-hooks', {
      'app/kustomization.yaml': 'resources: [cm.yaml]\n',
      'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {k: v}\n',
    });
    // The repository points git at hooks it carries (a setting some repositories ask their users to make).
    const hooks = join(repository.root, '.githooks');
    mkdirSync(hooks);
    writeFileSync(join(hooks, 'post-checkout'), `#!/bin/sh\ntouch '${instruments.marker}'\n`);
    chmodSync(join(hooks, 'post-checkout'), 0o755);
    repository.git('config', 'core.hooksPath', '.githooks');
    // The hook is live: a plain `git worktree add` runs it.
    const probe = join(instruments.scratch, 'hook-probe');
    repository.git('worktree', 'add', '--detach', '--quiet', probe, 'main');
    assert.ok(existsSync(instruments.marker), 'the hook did not run on a plain git worktree add: the test proves nothing');
    repository.git('worktree', 'remove', '--force', probe);
    rmSync(instruments.marker);
    repository.touchAll();
    const diffed = driftless(withTools('diff', '--format', 'json'), repository.root);
    assert.equal(diffed.code, 0, diffed.stderr);
    assert.ok(instruments.renders().length > 0);
    nothingEscaped(repository);
  });

  it('tells a git repository’s own worktrees apart from the leftovers of a killed run, and prunes only those', function () {
    const repository = new Repository(instruments.scratch, 'cli-prune', {
      'app/kustomization.yaml': 'resources: [cm.yaml]\n',
      'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {k: v}\n',
    });
    const users = join(instruments.scratch, 'users-worktree');
    repository.git('worktree', 'add', '--detach', '--quiet', users, 'main');
    // A run killed outright (no handler runs): its worktree stays registered, its folder in the temp dir. Made as
    // leftovers.ts names them, with the id of a process that is gone.
    const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
    const leftover = join(tmpdir(), `driftless-base-${dead}-test`, 'worktree');
    repository.git('worktree', 'add', '--detach', '--quiet', leftover, 'main');
    assert.equal(repository.worktrees().length, 3);
    repository.touchAll();
    const diffed = driftless(withTools('diff'), repository.root);
    assert.equal(diffed.code, 0, diffed.stderr);
    assert.deepEqual(
      repository.worktrees().map((line) => line.slice('worktree '.length)),
      [repository.root, users],
    );
    assert.ok(!existsSync(leftover));
    repository.git('worktree', 'remove', '--force', users);
  });
});
