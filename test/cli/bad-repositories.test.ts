// Bad repositories through the built CLI: symlink loops, unreadable files and folders, 20,000 files, kustomizations
// that include themselves, a chart of hundreds of templates, a file over the size limit. Each run ends in bounded time
// and memory, with a finding where one applies; never a hang.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/engine';
import { skipWithReason } from '../helpers/skips';
import { currentRunFolder, temporaryFolder } from '../helpers/temporary-folders';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
/** A hang guard, not a speed test: far above what any of these runs takes. */
const RUN_TIMEOUT_MS = 60_000;
const MB = 1024 * 1024;
/** server/src/node/read-text-file.ts DEFAULT_MAX_FILE_BYTES. */
const CLI_MAX_FILE_BYTES = 64 * MB;

interface JsonOutput {
  diagnostics: { file: string; line: number; severity: string; rule: string; message: string }[];
  summary: { files: number; resources: number; errors: number; warnings: number; infos: number };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  output: JsonOutput;
  elapsedMs: number;
  /** Peak resident set of the CLI process in MB, when measured. */
  peakRssMB?: number;
}

function tempDir(prefix: string): string {
  return temporaryFolder(`driftless-bad-${prefix}-`);
}

/** Root reads through chmod 000; the unreadable-file test runs the CLI as this user instead (Debian's nobody). */
const NOBODY = { uid: 65534, gid: 65534 };

function write(root: string, path: string, content: string | Buffer): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
}

/** Records the child's peak RSS (kB on Linux) on stderr as it exits. */
let rssProbe: string | undefined;
function peakRssProbe(): string {
  if (!rssProbe) {
    rssProbe = join(tempDir('probe'), 'peak-rss.js');
    writeFileSync(
      rssProbe,
      "process.on('exit', () => process.stderr.write('\\npeak-rss-kb=' + process.resourceUsage().maxRSS + '\\n'));\n",
    );
  }
  return rssProbe;
}

/** `driftless validate . --format json` in `cwd`, as a pipeline runs it, killed if it outlives `timeout`. */
function validate(
  cwd: string,
  options: { nodeArgs?: string[]; measureRss?: boolean; timeout?: number; user?: { uid: number; gid: number } } = {},
): Run {
  const nodeArgs = [...(options.nodeArgs ?? []), ...(options.measureRss ? ['--require', peakRssProbe()] : [])];
  const started = Date.now();
  const result = spawnSync(process.execPath, [...nodeArgs, CLI, 'validate', '.', '--format', 'json'], {
    cwd,
    encoding: 'utf8',
    // Another user cannot write root's code cache: that run goes without one.
    env: { ...process.env, NO_COLOR: '1', ...(options.user ? { DRIFTLESS_NO_CODE_CACHE: '1' } : {}) },
    ...(options.user ?? {}),
    timeout: options.timeout ?? RUN_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * MB,
  });
  const elapsedMs = Date.now() - started;
  assert.ok(!result.error, `the CLI did not finish: ${result.error?.message} after ${elapsedMs} ms`);
  assert.equal(result.signal, null, `the CLI was killed by ${result.signal}; stderr:\n${result.stderr}`);
  let output: JsonOutput;
  try {
    output = JSON.parse(result.stdout) as JsonOutput;
  } catch {
    assert.fail(`not JSON (exit ${result.status}):\n${result.stdout.slice(0, 2000)}\nstderr:\n${result.stderr.slice(0, 2000)}`);
  }
  const rss = /peak-rss-kb=(\d+)/.exec(result.stderr);
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr.replace(/\n?peak-rss-kb=\d+\n/, ''),
    output,
    elapsedMs,
    ...(rss ? { peakRssMB: Math.round(Number(rss[1]) / 1024) } : {}),
  };
}

const findings = (run: Run) => run.output.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.rule}`);

const configMap = (name: string, extra = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}data:\n  key: value\n`;
/** One known error: a label key with a space (invalid-label on line 6). */
const brokenConfigMap = (name: string) => configMap(name, '  labels:\n    "bad label": x\n');

describe('driftless validate on bad repositories (CLI): bounded, never a hang', function () {
  this.timeout(RUN_TIMEOUT_MS + 10_000);

  before(function () {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  });

  it('symlink loops end, dangling links are skipped, a file reached through several paths is validated once, by its own path, and links out of the repository are not followed (a warning each)', function () {
    if (process.platform === 'win32') skipWithReason(this, 'symlinks need privileges on Windows');
    const root = tempDir('symlinks');
    const outside = tempDir('outside');
    write(outside, 'shared.yaml', brokenConfigMap('shared'));
    write(outside, 'base/cm.yaml', brokenConfigMap('base'));
    write(root, 'real/cm.yaml', brokenConfigMap('real'));
    mkdirSync(join(root, 'a'));
    mkdirSync(join(root, 'b'));
    mkdirSync(join(root, 'c'));
    symlinkSync('..', join(root, 'a', 'loop')); // a folder symlink to an ancestor
    symlinkSync('../b', join(root, 'b', 'self')); // a folder symlink to itself
    symlinkSync('../real', join(root, 'c', 'real-again')); // a second path to real/cm.yaml
    symlinkSync('../real/cm.yaml', join(root, 'a', 'cm-again.yaml')); // a third
    symlinkSync(join(outside, 'shared.yaml'), join(root, 'a', 'shared.yaml')); // a file outside the repository
    symlinkSync(join(outside, 'base'), join(root, 'c', 'base')); // a folder outside the repository
    symlinkSync('missing.yaml', join(root, 'a', 'dangling.yaml'));
    symlinkSync('itself.yaml', join(root, 'a', 'itself.yaml')); // ELOOP

    const run = validate(root);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr, '');
    // Followed inside the repository, each real file once, by its own path; a link out of the repository is not
    // followed (repository content must not make Driftless read the machine), and said.
    assert.deepEqual(findings(run).sort(), [
      'a/shared.yaml:1 warning link-outside-repository',
      'c/base:1 warning link-outside-repository',
      'real/cm.yaml:6 error invalid-label',
    ]);
    assert.equal(run.output.summary.files, 1);
  });

  it('skips an unreadable file (named on stderr, exit 2) and an unreadable folder, still validating the rest (as root, the CLI runs as nobody: chmod 000 does not block root)', function () {
    if (process.platform === 'win32') skipWithReason(this, 'chmod 000 does not make a file unreadable on Windows');
    const root = tempDir('unreadable');
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      // nobody must reach the repository: through the run folder (traverse only) into the repository's folder.
      chmodSync(currentRunFolder()!, 0o711);
      chmodSync(root, 0o755);
    }
    write(root, 'ok/cm.yaml', brokenConfigMap('ok'));
    write(root, 'secret.yaml', configMap('secret'));
    write(root, 'locked/inner.yaml', brokenConfigMap('inner'));
    chmodSync(join(root, 'secret.yaml'), 0o000);
    chmodSync(join(root, 'locked'), 0o000);
    let run: Run;
    try {
      run = validate(root, asRoot ? { user: NOBODY } : {});
    } finally {
      chmodSync(join(root, 'locked'), 0o755);
      chmodSync(join(root, 'secret.yaml'), 0o644);
    }
    assert.ok(findings(run).includes('ok/cm.yaml:6 error invalid-label'), findings(run).join('\n'));
    // Exit 2: "unreadable path" (README, The CLI); the file is named, the readable findings still printed.
    assert.equal(run.code, 2);
    assert.match(run.stderr, /driftless: secret\.yaml: permission denied/);
    assert.match(run.stderr, /driftless: locked\/: permission denied/);
    assert.deepEqual(findings(run), ['ok/cm.yaml:6 error invalid-label']);
    assert.ok(!run.stdout.includes('inner.yaml'));
  });

  it('validates 20,000 files in 200 kustomizations within a 512 MB heap', function () {
    this.timeout(180_000);
    const root = tempDir('20k');
    for (let folder = 0; folder < 200; folder++) {
      const dir = `apps/app-${String(folder).padStart(3, '0')}`;
      const resources: string[] = [];
      for (let i = 0; i < 100; i++) {
        const file = `cm-${String(i).padStart(3, '0')}.yaml`;
        write(root, `${dir}/${file}`, configMap(`cm-${folder}-${i}`));
        resources.push(`  - ${file}`);
      }
      write(
        root,
        `${dir}/kustomization.yaml`,
        `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: app-${folder}\nresources:\n${resources.join('\n')}\n`,
      );
    }
    const run = validate(root, { nodeArgs: ['--max-old-space-size=512'], measureRss: true, timeout: 150_000 });
    console.log(
      `      20,000 files + 200 kustomizations: ${run.elapsedMs} ms, peak RSS ${run.peakRssMB ?? '?'} MB (heap capped at 512 MB)`,
    );
    assert.equal(run.code, 0, `${run.stderr}\n${findings(run).slice(0, 20).join('\n')}`);
    assert.deepEqual(findings(run), []);
    assert.equal(run.output.summary.files, 20_200);
    assert.equal(run.output.summary.resources, 20_000);
    assert.ok(run.elapsedMs < 120_000, `${run.elapsedMs} ms`);
  });

  it('reports kustomizations that include themselves as kustomization-cycle, without hanging', () => {
    const root = tempDir('cycles');
    const kustomization = (resources: string[]) =>
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;
    write(root, 'dot/kustomization.yaml', kustomization(['cm.yaml', '.']));
    write(root, 'dot/cm.yaml', configMap('dot'));
    write(root, 'self/kustomization.yaml', kustomization(['../self']));
    write(root, 'ping/kustomization.yaml', kustomization(['../pong']));
    write(root, 'pong/kustomization.yaml', kustomization(['../ping']));
    const run = validate(root);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(findings(run).sort(), [
      'dot/kustomization.yaml:5 error kustomization-cycle',
      'ping/kustomization.yaml:4 error kustomization-cycle',
      'pong/kustomization.yaml:4 error kustomization-cycle',
      'self/kustomization.yaml:4 error kustomization-cycle',
    ]);
  });

  it('reads a chart of 500 templates without a finding from the templates (they are not YAML)', () => {
    const root = tempDir('chart');
    write(root, 'chart/Chart.yaml', 'apiVersion: v2\nname: big\nversion: 1.0.0\n');
    write(root, 'chart/values.yaml', 'replicas: 2\nimage: {repository: nginx, tag: "1.27"}\nenabled: true\n');
    write(root, 'chart/templates/_helpers.tpl', '{{- define "big.labels" -}}\napp: {{ .Chart.Name }}\n{{- end }}\n');
    for (let i = 0; i < 500; i++) {
      write(
        root,
        `chart/templates/deployment-${String(i).padStart(3, '0')}.yaml`,
        [
          '{{- if .Values.enabled }}',
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata:',
          `  name: {{ .Release.Name }}-${i}`,
          '  labels: {{- include "big.labels" . | nindent 4 }}',
          'spec:',
          '  replicas: {{ .Values.replicas }}',
          '  selector: {matchLabels: {{ include "big.labels" . | fromYaml | toJson }}}',
          '  template:',
          '    spec:',
          '      containers:',
          '        - name: app',
          '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
          '          {{- with .Values.resources }}',
          '          resources: {{- toYaml . | nindent 12 }}',
          '          {{- end }}',
          '{{- end }}',
          '',
        ].join('\n'),
      );
    }
    const run = validate(root);
    console.log(`      chart of 500 templates: ${run.elapsedMs} ms`);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      findings(run).filter((f) => f.startsWith('chart/templates/')),
      [],
    );
    assert.equal(run.output.summary.errors, 0);
    assert.ok(run.elapsedMs < 30_000, `${run.elapsedMs} ms`);
  });

  it('skips a file over the 64 MB limit with a file-too-large warning, validating the rest', () => {
    const root = tempDir('huge');
    write(root, 'ok.yaml', brokenConfigMap('ok'));
    const header = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n';
    const line = '  key: "0123456789012345678901234567890123456789012345678901234567890"\n';
    // Repeat one line up to one byte past the limit.
    const body = Buffer.alloc(CLI_MAX_FILE_BYTES + 1 - header.length, line);
    writeFileSync(join(root, 'huge.yaml'), Buffer.concat([Buffer.from(header), body]));
    const run = validate(root, { measureRss: true });
    console.log(`      64 MB + 1 byte file: ${run.elapsedMs} ms, peak RSS ${run.peakRssMB ?? '?'} MB`);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(findings(run), ['huge.yaml:1 warning file-too-large', 'ok.yaml:6 error invalid-label']);
    assert.match(run.output.diagnostics[0]!.message, /over the 64 MB limit; not validated/);
    assert.equal(run.output.summary.warnings, 1);
  });

  it('skips a file of more YAML documents than the limit (memory follows documents, not bytes)', () => {
    const root = tempDir('crowded');
    write(root, 'ok.yaml', brokenConfigMap('ok'));
    const documents = Array.from({ length: 30_000 }, (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\n`);
    writeFileSync(join(root, 'crowded.yaml'), documents.join(''));
    const run = validate(root, { measureRss: true });
    console.log(`      30,000 documents in one file: ${run.elapsedMs} ms, peak RSS ${run.peakRssMB ?? '?'} MB`);
    assert.deepEqual(findings(run), ['crowded.yaml:1 warning file-too-large', 'ok.yaml:6 error invalid-label']);
    assert.match(run.output.diagnostics[0]!.message, /split into 30,000 YAML documents, over the 20,000 limit; not validated/);
  });
});
