// Repositories made to crash or exhaust the CLI: an alias bomb in an environment, an environment whose source is
// missing from the base, a chart of 100,000 objects, names made to break out of the markdown of a pull-request
// comment. Each ends in bounded time and memory with a one-line message and a documented exit code — never an
// uncaught exception (whose exit 1 would read as "changes") nor a stack trace.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cappedOutput } from '../../server/src/cli/output-cap';
import { REPO_ROOT } from '../helpers/engine';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { Instruments, Repository, runFolders, STACK_TRACE } from './hostile';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

const ALIAS_BOMB = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: {name: bomb}',
  'data:',
  '  a: &a ["x","x","x","x","x","x","x","x","x","x"]',
  ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((name, i) => {
    const previous = String.fromCharCode('a'.charCodeAt(0) + i);
    return `  ${name}: &${name} [${Array(10).fill(`*${previous}`).join(',')}]`;
  }),
  '',
].join('\n');

describe('security: repositories made to crash or exhaust the CLI', function () {
  this.timeout(180_000);
  let instruments: Instruments;
  const pids: number[] = [];

  before(function () {
    instruments = new Instruments(renderToolsOrSkip(this));
  });

  after(async () => {
    await instruments?.dispose();
  });

  const driftless = (cwd: string, args: string[], nodeArgs: string[] = []) => {
    const started = Date.now();
    const result = spawnSync(process.execPath, [...nodeArgs, CLI, ...args], {
      cwd,
      encoding: 'utf8',
      env: instruments.env(),
      timeout: 150_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    pids.push(result.pid);
    assert.equal(result.signal, null, `killed by ${result.signal}`);
    assert.doesNotMatch(result.stderr, STACK_TRACE);
    assert.doesNotMatch(result.stdout, STACK_TRACE);
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
  };
  const withTools = (...args: string[]) => [...args, '--kubectl', instruments.tools.kubectl, '--helm', instruments.tools.helm];

  it('an alias bomb in an environment: render and diff end with a message (exit 2), validate reports it', () => {
    const repository = new Repository(instruments.scratch, 'alias-bomb', {
      '.driftless.yaml': 'environments:\n  - name: bombed\n    source: {directory: plain}\n',
      'plain/bomb.yaml': ALIAS_BOMB,
    });
    repository.touchAll();
    const rendered = driftless(repository.root, withTools('render', 'bombed', '--format', 'json'));
    assert.equal(rendered.code, 2);
    assert.match(rendered.stderr, /^driftless: bombed cannot be rendered: document 1 of the render cannot be read: .*alias/im);
    const diffed = driftless(repository.root, withTools('diff'));
    assert.equal(diffed.code, 2, diffed.stderr);
    assert.match(diffed.stderr, /^driftless: bombed cannot be rendered: .*cannot be read/m);
    const validated = driftless(repository.root, ['validate', '--format', 'json']);
    assert.equal(validated.code, 1);
    assert.match(validated.stdout, /yaml-alias-limit/);
    assert.equal(repository.worktrees().length, 1);
  });

  it('an environment whose source the base does not have: diff says so (exit 2) and goes on with the others', () => {
    const repository = new Repository(instruments.scratch, 'missing-in-base', {
      '.driftless.yaml': 'environments:\n  - name: later\n    source: {directory: later}\n  - name: now\n    source: {directory: now}\n',
      'now/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: now}\ndata: {k: v}\n',
    });
    repository.write({ 'later/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: later}\ndata: {k: v}\n' });
    repository.touchAll();
    const diffed = driftless(repository.root, withTools('diff', '--format', 'json'));
    assert.equal(diffed.code, 2, diffed.stderr);
    assert.match(diffed.stderr, /^driftless: later cannot be rendered: on main: .*later is not a folder$/m);
    const environments = (JSON.parse(diffed.stdout) as { environments: { name: string; error?: string }[] }).environments;
    assert.equal(environments.find((e) => e.name === 'now')?.error, undefined);
  });

  it('a chart of 100,000 objects is stopped at the validator’s limit, with a clear message, in bounded time and memory', () => {
    const repository = new Repository(instruments.scratch, 'huge-chart', {
      'charts/huge/Chart.yaml': 'apiVersion: v2\nname: huge\nversion: 0.1.0\n',
      'charts/huge/templates/many.yaml':
        '{{- range until 100000 }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: "c{{ . }}"}\ndata: {k: v}\n{{- end }}\n',
      '.driftless.yaml': 'environments:\n  - name: huge\n    source: {chart: charts/huge}\n',
    });
    const probe = join(instruments.scratch, 'peak-rss.js');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write('\\npeak-rss-kb=' + process.resourceUsage().maxRSS + '\\n'));\n");
    const rendered = driftless(repository.root, withTools('render', 'huge'), ['--require', probe]);
    const rss = Math.round(Number(/peak-rss-kb=(\d+)/.exec(rendered.stderr)?.[1]) / 1024);
    console.log(`      100,000-object chart: stopped after ${rendered.ms} ms, CLI peak RSS ${rss} MB`);
    assert.equal(rendered.code, 2);
    assert.match(
      rendered.stderr,
      /^driftless: huge cannot be rendered: its output is over 20,000 YAML documents \(the validator's limit\); stopped$/m,
    );
    // Hang guards, not speed tests: the render is cut as the documents arrive, not read whole.
    assert.ok(rendered.ms < 120_000, `${rendered.ms} ms`);
    assert.ok(rss < 512, `${rss} MB`);
    const validated = driftless(repository.root, withTools('validate', '--rendered', '--format', 'json'));
    assert.equal(validated.code, 1);
    assert.match(validated.stdout, /over 20,000 YAML documents/);
    assert.deepEqual(runFolders(pids), []);
  });

  it('markdown for a pull request escapes names and values: an environment name cannot leave <summary>, a value cannot close the fence', () => {
    const name = 'x</summary><img src=x onerror=alert(1)>**[link](http://example.com)**';
    const repository = new Repository(instruments.scratch, 'markdown', {
      '.driftless.yaml': `environments:\n  - name: ${JSON.stringify(name)}\n    source: {directory: plain}\n`,
      'plain/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes}\ndata: {k: v}\n',
    });
    repository.write({
      'plain/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes}\ndata:\n  k: "```\\n</details><script>x</script>"\n',
    });
    const diffed = driftless(repository.root, withTools('diff', '--format', 'markdown'));
    assert.equal(diffed.code, 1, diffed.stderr);
    const summary = /<summary>(.*)<\/summary>/.exec(diffed.stdout)?.[1] ?? '';
    assert.match(summary, /^<b>x&#60;\/summary&#62;&#60;img src=x onerror=alert\(1\)&#62;&#42;&#42;&#91;link&#93;\(/);
    // The fence around the diff is longer than any run of backticks inside it: what is inside stays inside.
    assert.match(diffed.stdout, /^````diff$/m);
    const outsideFences = diffed.stdout.replace(/^(`{3,})diff\n[\s\S]*?^\1$/gm, '');
    assert.doesNotMatch(outsideFences, /<img|<script/);
    assert.equal(outsideFences.match(/<\/details>/g)?.length, 1, 'the object cannot close the details');
  });

  it('an unexpected error is one line and exit 2, never a stack trace (the top-level handler)', () => {
    const repository = new Repository(instruments.scratch, 'internal-error', {
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
    });
    // Something throws where nothing catches it, once the CLI runs.
    const thrower = join(instruments.scratch, 'throw-later.js');
    writeFileSync(thrower, "setImmediate(() => { throw new Error('boom from nowhere'); });\n");
    const failed = driftless(repository.root, ['validate'], ['--require', thrower]);
    assert.equal(failed.code, 2);
    assert.equal(failed.stderr.trim(), 'driftless: internal error: boom from nowhere');
  });

  it('output over the cap is cut with a line that says so (text) or not printed (JSON), exit 2', () => {
    const text = cappedOutput({ exitCode: 1, stdout: 'line one\nline two\nline three', stderr: '' }, false, 12);
    assert.deepEqual(text, {
      exitCode: 2,
      stdout: 'line one\n… (output cut at 12 bytes)',
      stderr: 'driftless: the output is over the 12 bytes limit; it was cut.',
    });
    const json = cappedOutput({ exitCode: 0, stdout: '{"a": 1, "b": 2}', stderr: '' }, true, 5);
    assert.equal(json.stdout, '');
    assert.equal(json.exitCode, 2);
    assert.equal(cappedOutput({ exitCode: 1, stdout: 'small', stderr: '' }, true).exitCode, 1);
  });
});
