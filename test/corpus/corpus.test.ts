// The real corpus (../shared/corpus/repos: eight public GitOps repositories, stored as data) must produce no false
// errors. What Driftless reports there is kept in a reviewed list, test/corpus/reviewed-findings.json: every error and
// warning one entry marked true (why the API server or tool really rejects or deprecates it) or false (why Driftless
// is wrong, and the open issue that will remove it); infos reviewed by group. This test keeps the list and the CLI's
// output in step, both ways, so the list is reviewed rather than a snapshot accepted blindly:
//   - a finding nobody reviewed fails (review it and add it with a verdict),
//   - a reviewed finding no longer reported fails (remove it: the list must not rot),
//   - every entry has a verdict and a why, and every false one names its issue,
//   - nothing false may be left to issue 2 (per-document validation must not leave false errors behind),
//   - every info falls into a reviewed group, with the reviewed count.
//
// The corpus is validated the way a user would: the built CLI in a child process, run in the repos folder
// (`node dist/cli.js validate . --format json`; the folder has no .driftless.yaml and is no git repository, so the
// project is rooted there and validates for the newest bundled Kubernetes version). DRIFTLESS_CORPUS_REPOS overrides
// the folder.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CliDiagnostic } from '../../server/src/cli/output-formats';
import { corpusFolder } from '../helpers/shared-corpus';
import { skipWithReason } from '../helpers/skips';

const REPO_ROOT = resolve(__dirname, '..', '..');
const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const REVIEWED_FILE = join(__dirname, 'reviewed-findings.json');
const REVIEWED_DISPLAY = 'test/corpus/reviewed-findings.json';
const CORPUS_REPOS = corpusFolder('DRIFTLESS_CORPUS_REPOS', 'repos');

/** The issue every engine bug without an issue of its own is filed under, so that this test fails until it is fixed. */
const PER_DOCUMENT_ISSUE = 2;

type Verdict = 'true' | 'false';

interface ReviewedFinding {
  file: string;
  line: number;
  rule: string;
  severity: string;
  /** The message at review time, for the reader; findings are matched by file, line, rule and severity. */
  message?: string;
  verdict: Verdict;
  why: string;
  issue?: number;
}

interface ReviewedInfoGroup {
  rule: string;
  group: string;
  count: number;
  verdict: Verdict;
  why: string;
  issue?: number;
}

interface ReviewedList {
  kubernetesVersion: string;
  findings: ReviewedFinding[];
  infoGroups: ReviewedInfoGroup[];
}

interface CliOutput {
  diagnostics: CliDiagnostic[];
  summary: { files: number; resources: number; errors: number; warnings: number; infos?: number };
  kubernetesVersion: string;
}

function findingKey(f: { file: string; line: number; rule: string; severity: string }): string {
  return `${f.file}:${f.line} ${f.rule} (${f.severity})`;
}

/** Counts of each key: findings are matched as multisets (one line may carry the same rule twice). */
function tally<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/**
 * The group an info belongs to: unknown-custom-resource by "apiVersion Kind"; schema-unavailable by the schema URL's
 * host, or by a longer reviewed prefix (host + path, without ".json") when one is listed; unresolved-secret by the
 * Secret's name; any other info by its rule.
 */
function infoGroupOf(d: CliDiagnostic, reviewed: readonly ReviewedInfoGroup[]): string {
  if (d.rule === 'unknown-custom-resource') {
    const m = /^No schema for (\S+) (\S+?):/.exec(d.message);
    return m ? `${m[1]} ${m[2]}` : `(unrecognised message) ${d.message}`;
  }
  if (d.rule === 'unresolved-secret') return /^No Secret `([^`]+)`/.exec(d.message)?.[1] ?? `(unrecognised message) ${d.message}`;
  if (d.rule === 'schema-unavailable') {
    const m = /^The schema (\S+) cannot be used/.exec(d.message);
    if (!m) return '*';
    let url: URL;
    try {
      url = new URL(m[1]!);
    } catch {
      return '*';
    }
    const key = `${url.host}${url.pathname.replace(/\.json$/, '')}`;
    const candidates = reviewed
      .filter((g) => g.rule === d.rule && (key === g.group || key.startsWith(`${g.group}/`)))
      .map((g) => g.group)
      .sort((a, b) => b.length - a.length);
    return candidates[0] ?? url.host;
  }
  return '*';
}

function describeFinding(f: ReviewedFinding): string {
  return `  ${findingKey(f)}: ${f.verdict}${f.issue !== undefined ? ` (issue #${f.issue})` : ''} — ${f.why}`;
}

describe('real corpus: every finding reviewed (test/corpus/reviewed-findings.json)', function () {
  this.timeout(180_000);

  if (!existsSync(CORPUS_REPOS)) {
    const reason = `the shared corpus is missing: ${CORPUS_REPOS} does not exist (set DRIFTLESS_CORPUS_REPOS to the corpus/repos folder)`;
    it(`SKIPPED — ${reason}`, function () {
      skipWithReason(this, reason);
    });
    return;
  }

  let reviewed: ReviewedList;
  let output: CliOutput;
  let errorsAndWarnings: CliDiagnostic[];
  let infos: CliDiagnostic[];

  before(function () {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    reviewed = JSON.parse(readFileSync(REVIEWED_FILE, 'utf8')) as ReviewedList;
    const run = spawnSync(process.execPath, [CLI, 'validate', '.', '--format', 'json'], {
      cwd: CORPUS_REPOS,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1' },
    });
    // 0: nothing at error severity, 1: errors found; anything else means the CLI itself failed.
    if (run.status !== 0 && run.status !== 1)
      throw new Error(
        `driftless validate exited ${String(run.status)} in ${CORPUS_REPOS}:\n${run.stderr}${run.error ? String(run.error) : ''}`,
      );
    output = JSON.parse(run.stdout) as CliOutput;
    errorsAndWarnings = output.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
    infos = output.diagnostics.filter((d) => d.severity === 'info');
  });

  it('validated against the Kubernetes version the list was reviewed for', () => {
    assert.equal(
      output.kubernetesVersion,
      reviewed.kubernetesVersion,
      `the corpus is now validated for Kubernetes ${output.kubernetesVersion}, the list was reviewed for ${reviewed.kubernetesVersion}: ` +
        `re-review the verdicts that depend on the version (unknown-kind, removed/deprecated API versions) and update kubernetesVersion in ${REVIEWED_DISPLAY}`,
    );
  });

  it('every entry has a verdict and a why; every false one names the issue that will remove it', () => {
    const problems: string[] = [];
    for (const f of reviewed.findings) {
      const where = findingKey(f);
      if (f.verdict !== 'true' && f.verdict !== 'false')
        problems.push(`${where}: verdict must be "true" or "false", got ${JSON.stringify(f.verdict)}`);
      if (typeof f.why !== 'string' || f.why.trim().length < 20) problems.push(`${where}: "why" must say why (at least a sentence)`);
      if (f.verdict === 'false' && !(Number.isInteger(f.issue) && f.issue! > 0))
        problems.push(`${where}: a false finding must name the open issue that will remove it ("issue": <number>)`);
      if (f.verdict === 'true' && f.issue !== undefined) problems.push(`${where}: a true finding names no issue (it is not to be removed)`);
    }
    for (const g of reviewed.infoGroups) {
      const where = `info group ${g.rule} "${g.group}"`;
      if (g.verdict !== 'true' && g.verdict !== 'false')
        problems.push(`${where}: verdict must be "true" or "false", got ${JSON.stringify(g.verdict)}`);
      if (typeof g.why !== 'string' || g.why.trim().length < 20) problems.push(`${where}: "why" must say why (at least a sentence)`);
      if (!(Number.isInteger(g.count) && g.count > 0)) problems.push(`${where}: "count" must be a positive integer`);
      if (g.verdict === 'false' && !(Number.isInteger(g.issue) && g.issue! > 0))
        problems.push(`${where}: a false group must name the open issue that will remove it ("issue": <number>)`);
      if (g.verdict === 'true' && g.issue !== undefined) problems.push(`${where}: a true group names no issue`);
    }
    const groupKeys = reviewed.infoGroups.map((g) => `${g.rule} ${g.group}`);
    for (const key of new Set(groupKeys))
      if (groupKeys.filter((k) => k === key).length > 1) problems.push(`info group ${key} is listed twice`);
    assert.deepEqual(problems, [], `${REVIEWED_DISPLAY} has incomplete entries:\n${problems.join('\n')}`);
  });

  it('every error and warning reported has been reviewed', () => {
    const listed = tally(reviewed.findings, findingKey);
    const unreviewed: CliDiagnostic[] = [];
    for (const [key, found] of tally(errorsAndWarnings, findingKey)) {
      const extra = found.length - (listed.get(key)?.length ?? 0);
      if (extra > 0) unreviewed.push(...found.slice(found.length - extra));
    }
    const template = unreviewed.map((d) =>
      JSON.stringify({
        file: d.file,
        line: d.line,
        rule: d.rule,
        severity: d.severity,
        message: d.message,
        verdict: 'TODO true|false',
        why: 'TODO',
        issue: 'TODO (when false)',
      }),
    );
    assert.equal(
      unreviewed.length,
      0,
      `${unreviewed.length} error/warning finding(s) on the real corpus are not in ${REVIEWED_DISPLAY}. Review each: open the file and ` +
        `what uses it (the kustomization that lists it, the chart, the repository's MANIFEST.txt), decide whether the API server or tool ` +
        `really rejects it as configured (true: say why) or Driftless is wrong (false: name the open issue that will remove it, or fix the ` +
        `engine), and add it to "findings":\n${template.join(',\n')}`,
    );
  });

  it('every reviewed finding is still reported (no stale entries)', () => {
    const found = tally(errorsAndWarnings, findingKey);
    const stale: ReviewedFinding[] = [];
    for (const [key, entries] of tally(reviewed.findings, findingKey)) {
      const extra = entries.length - (found.get(key)?.length ?? 0);
      if (extra > 0) stale.push(...entries.slice(entries.length - extra));
    }
    assert.equal(
      stale.length,
      0,
      `${stale.length} reviewed finding(s) are no longer reported on the real corpus. If a fix removed a false finding, delete its entry; ` +
        `if a true one moved or disappeared, find out why before deleting it:\n${stale.map(describeFinding).join('\n')}`,
    );
  });

  it(`no false error or warning is left to issue ${PER_DOCUMENT_ISSUE} (per-document validation)`, () => {
    const left = reviewed.findings.filter((f) => f.verdict === 'false' && f.issue === PER_DOCUMENT_ISSUE);
    assert.equal(
      left.length,
      0,
      `${left.length} finding(s) are false and belong to issue #${PER_DOCUMENT_ISSUE}, which must not leave false errors behind: fix the engine ` +
        `(then drop the entries), or show that a later open issue covers them:\n${left.map(describeFinding).join('\n')}`,
    );
  });

  it('every info falls into a reviewed group, with the reviewed count', () => {
    const counts = new Map<string, number>();
    for (const d of infos) {
      const key = `${d.rule} ${infoGroupOf(d, reviewed.infoGroups)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const problems: string[] = [];
    const listed = new Map(reviewed.infoGroups.map((g) => [`${g.rule} ${g.group}`, g]));
    for (const [key, count] of counts) {
      const group = listed.get(key);
      if (!group)
        problems.push(`unreviewed info group: ${key} (${count}) — review it and add {rule, group, count, verdict, why} to "infoGroups"`);
      else if (group.count !== count)
        problems.push(`info group ${key}: reviewed count ${group.count}, now ${count} — review what changed and update it`);
    }
    for (const [key, group] of listed)
      if (!counts.has(key)) problems.push(`stale info group: ${key} (reviewed ${group.count}) is no longer reported — remove it`);
    assert.deepEqual(problems, [], `infos on the real corpus do not match ${REVIEWED_DISPLAY}:\n${problems.join('\n')}`);
  });

  it(`no false info group is left to issue ${PER_DOCUMENT_ISSUE} (per-document validation)`, () => {
    const left = reviewed.infoGroups.filter((g) => g.verdict === 'false' && g.issue === PER_DOCUMENT_ISSUE);
    assert.equal(
      left.length,
      0,
      `${left.length} info group(s) are false and belong to issue #${PER_DOCUMENT_ISSUE}: fix the engine, then drop or re-review them:\n` +
        left.map((g) => `  ${g.rule} "${g.group}" (${g.count}): ${g.why}`).join('\n'),
    );
  });
});
