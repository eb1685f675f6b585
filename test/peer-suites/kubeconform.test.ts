// kubeconform's fixtures (yannh/kubeconform fixtures/, stored as data in the shared corpus) must behave as its
// acceptance tests (acceptance.bats, acceptance-nonetwork.bats, transcribed in expectations.json) say, for strict
// validation. The comparison is kubeconform's exit status: exit 1 ⇔ Driftless has an error-severity finding in the
// test's input files; and for a failing test, each reason kubeconform gives for it (its checked output, the test's
// notes, fixture-verdicts.tsv) mapped to the rule and path of the error Driftless must report: every error Driftless
// reports there is such a reason or listed as one it reports beyond kubeconform, with why. Driftless always validates
// strictly (unknown fields and duplicate keys are errors), so `-strict` needs no counterpart and the non-strict
// expectations that strictness flips are listed as not applicable.
//
// Versions: kubeconform's default is "master" (whatever the schema repository's master held): Driftless's newest
// bundled version stands in. The tests pinning 1.20.0 use the oldest version Driftless bundles (1.23), since 1.20 is
// not bundled. Schemas: kubeconform never reads CRDs from its inputs, so each test's project knows only the CRDs the
// test's own flags provide (none, except kc-64/kc-65, whose -schema-location JSON schema was generated from a CRD that
// is in the fixtures).
//
// Every test of the 66 is listed: run and compared, an intended divergence (checked to behave as documented), or not
// applicable (with its reason). None is left out silently.
import * as assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Project } from '../../server/src/node/project';
import { readTextFile } from '../../server/src/node/read-text-file';
import { skipWithReason } from '../helpers/skips';
import {
  bundledVersions,
  describeDiagnostics,
  errorsIn,
  missingCorpus,
  PEER_SUITES_DIR,
  projectWith,
  readJson,
  skipWholeSuite,
} from './peer-corpus';

interface AcceptanceTest {
  id: string;
  suite: string;
  test_name: string;
  fixtures: string[];
  flags: string[];
  stdin: string;
  expected_status: number | number[];
  checks: { kind: string; value: string | number }[];
  kubernetes_version: string;
  scope: 'validation' | 'cli' | 'io' | 'schema-location' | 'cache' | 'output';
  notes: string;
}

/** How a compared test maps onto Driftless. */
interface RunPlan {
  /** Fixture files or folders (relative to the kubeconform folder) whose findings decide the exit status. */
  inputs: string[];
  /** CRD files the project knows (the Driftless counterpart of the test's -schema-location). */
  crds?: string[];
  /** A local JSON schema named by a `yaml-language-server` modeline (Driftless's counterpart of a schema file). */
  modelineSchema?: string;
  /** Why the mapping is what it is, when it is not the obvious one; shown in the test title. */
  note?: string;
  /**
   * Whether a resource may go unchecked for want of a schema. Otherwise a compared test also asserts Driftless had a
   * schema for every resource (no unknown-custom-resource / schema-unavailable hint), so no pass is a hollow one.
   */
  allowMissingSchema?: boolean;
}

/** Tests whose expectation does not hold for Driftless by design: checked to behave as documented instead. */
const INTENDED_DIVERGENCES: Readonly<Record<string, { reason: string; check: 'unknown-custom-resource-info' | 'no-findings' }>> = {
  'kc-20': {
    reason:
      'a custom resource whose kind no schema knows gets one informational hint, never an error (kubeconform fails on the missing schema)',
    check: 'unknown-custom-resource-info',
  },
  'kc-17': {
    reason:
      "Driftless reads whole repositories, where YAML without apiVersion and kind that does not look like a resource (`key: value`) is someone else's YAML and gets no Kubernetes findings (kubeconform is only handed manifests)",
    check: 'no-findings',
  },
};

/** Tests that say nothing about validating manifest content, or whose expectation is for non-strict validation. */
const NOT_APPLICABLE: Readonly<Record<string, string>> = {
  // cli: kubeconform's own flags and usage.
  'kc-01': 'kubeconform -h help text (CLI usage)',
  'kc-02': 'kubeconform rejecting an unknown flag (CLI usage)',
  'kc-31': 'kubeconform rejecting a malformed -schema-location Go template (Driftless has no schema-location flag)',
  'kc-32': 'kubeconform rejecting -kubernetes-version "1.25" for not being x.y.z (Driftless accepts "1.25"; CLI parsing only)',
  'kc-40': '-skip ReplicationController: a kubeconform filter flag, no manifest content is judged',
  'kc-41': '-skip v1/ReplicationController: a kubeconform filter flag, no manifest content is judged',
  'kc-43': '-reject ReplicationController: a kubeconform policy flag that fails a valid resource by kind',
  // io: how input reaches kubeconform.
  'kc-14': 'a non-existent input path (an I/O error, not validation; the Driftless CLI exits 2 for it)',
  'kc-35': 'reading valid.yaml from stdin without "-" (input plumbing; the same content is compared in kc-03)',
  'kc-36': 'reading valid.yaml from stdin with "-" (input plumbing; the same content is compared in kc-03)',
  'kc-38': 'no input at all on an implicit stdin (input plumbing)',
  'kc-39': 'no input at all on an explicit stdin "-" (input plumbing)',
  'kc-44': '--ignore-filename-pattern file filtering (quantity.yaml, the one file left, is compared in kc-08)',
  'kc-56': 'HTTPS_PROXY pointing at a closed port (network behaviour; Driftless never fetches)',
  'kc-57': 'fixtures/valid_large.yaml (100000 resources) is not in the corpus snapshot (>= 4 MiB); a size test, not validation',
  'kc-58': 'fixtures/valid_large.yaml streamed on stdin is not in the corpus snapshot (>= 4 MiB); a size test, not validation',
  // schema-location: where kubeconform downloads schemas from.
  'kc-26': '-schema-location default (remote schema location; Driftless bundles its schemas; valid.yaml is compared in kc-03)',
  'kc-27': 'explicit HTTP -schema-location (remote schema location; valid.yaml is compared in kc-03)',
  'kc-28': 'HTTP -schema-location with $ref to remote _definitions.json (remote schema location)',
  'kc-29': 'unreachable -schema-location http://foo fails (remote schema location)',
  'kc-30': 'a -schema-location that finds no schema fails (schema location configuration)',
  'kc-33':
    'OpenShift 3.8.0 schemas from a remote -schema-location (Driftless bundles no OpenShift schemas; valid.yaml is compared in kc-03)',
  'kc-60': 'HTTPProxy against the remote datreeio CRDs-catalog -schema-location (remote schema location)',
  'kc-62': 'no network, so the remote schemas are unreachable and kubeconform fails (Driftless works offline by design)',
  // cache: kubeconform's download cache.
  'kc-45': '-cache writes downloaded schemas to a folder (download cache)',
  'kc-46': '-cache must not store a 404 (download cache)',
  'kc-47': '-cache with a missing folder fails (download cache)',
  'kc-48': '-cache stores HTTP $ref targets (download cache)',
  'kc-63': 'offline run from a pre-filled -cache (download cache)',
  'kc-66': 'offline run from a pre-filled -cache with external references (download cache)',
  // output: kubeconform's report formats.
  'kc-49': '-output tap (report format)',
  'kc-59': '-output junit checked against a JUnit XSD (report format; the XSD is not in the corpus)',
  // validation tests whose expectation is for non-strict mode; Driftless is always strict.
  'kc-22':
    'non-strict expectation: without -strict kubeconform allows the unknown field spec.replicas on a DaemonSet; Driftless is always strict, and the strict expectation for this fixture (kc-23) is compared',
  'kc-25':
    'non-strict expectation: without -strict kubeconform lets the last duplicate key win; Driftless is always strict, and the strict expectation for this fixture (kc-24) is compared',
};

interface ReasonMapping {
  /** The reason in kubeconform's words: text of the test's checked output or notes, or of the fixture's verdict row. */
  peer: string;
  /** The error Driftless reports for it, `rule@path` (errorsIn). */
  driftless: string;
  /** Why Driftless's rule or path is not what kubeconform's says, when it is not. */
  why?: string;
}

/** What makes each fixture a failing test's input fail, per document; every fixture of a failing compared test. */
const REASONS: Readonly<
  Record<string, Readonly<Record<number, { reasons: ReasonMapping[]; alsoReported?: { driftless: string; why: string }[] }>>>
> = {
  'fixtures/multi_invalid.yaml': {
    0: { reasons: [{ peer: "Service port 'sds' (string where integer required)", driftless: 'schema-type@spec.ports[0].port' }] },
  },
  'fixtures/invalid.yaml': {
    0: {
      reasons: [
        { peer: `spec.replicas: 'asd"' (string, want integer)`, driftless: 'schema-type@spec.replicas' },
        {
          peer: 'also unknown key spec.templates (only reported with -strict)',
          driftless: 'schema-unknown-field@spec.templates',
          why: 'Driftless is always strict',
        },
      ],
    },
  },
  'fixtures/list_invalid.yaml': {
    0: {
      reasons: [
        {
          peer: "at '/spec/replicas': got string, want null or integer",
          driftless: 'schema-type@items[1].spec.replicas',
          why: "kubeconform's pointer is into the List's item, ReplicationController bob: items[1] of the file",
        },
      ],
      alsoReported: [
        {
          driftless: 'schema-unknown-field@items[1].spec.templates',
          why: 'Driftless is always strict: the unknown key spec.templates of invalid.yaml, which kubeconform reports with -strict, in the List item',
        },
      ],
    },
  },
  'fixtures/missing_apiversion.yaml': {
    0: {
      reasons: [
        {
          peer: "missing 'apiVersion' key",
          driftless: 'missing-api-version@kind',
          why: 'an absent key has no place in the file: Driftless points at the kind of the object that lacks it',
        },
      ],
    },
  },
  'fixtures/missing_kind_value.yaml': {
    0: {
      reasons: [
        { peer: "missing 'kind' key", driftless: 'missing-kind@kind', why: '`kind:` is there, with no value: Driftless points at it' },
      ],
      alsoReported: [
        { driftless: 'missing-api-version@kind', why: 'the document has no apiVersion either; kubeconform stops at the first missing key' },
      ],
    },
  },
  'fixtures/extra_property.yaml': {
    0: {
      reasons: [{ peer: 'unknown field spec.replicas on DaemonSet', driftless: 'schema-unknown-field@spec.replicas' }],
      alsoReported: [
        {
          driftless: 'selector-mismatch@spec.selector.matchLabels.k8s-app',
          why: 'the pod template has no labels, so the selector matches none of its pods: apps/v1 validation rejects the DaemonSet ("selector does not match template labels"); kubeconform checks the schema only',
        },
      ],
    },
  },
  'fixtures/duplicate_property.yaml': {
    0: { reasons: [{ peer: "duplicate key 'containers'", driftless: 'duplicate-key@containers' }] },
  },
};

/** Mappings that are not simply "validate the test's fixtures". */
const PLAN_OVERRIDES: Readonly<Record<string, RunPlan>> = {
  'kc-21': {
    inputs: ['fixtures/test_crd.yaml'],
    allowMissingSchema: true,
    note: '-ignore-missing-schemas: what Driftless always does (an info hint, no error)',
  },
  'kc-61': {
    inputs: ['fixtures/grafana-alert-rule-group-sample.yaml'],
    modelineSchema: './grafanaalertrulegroup_v1beta1.json',
    note: '-schema-location <file> as a yaml-language-server modeline naming the same local JSON schema',
  },
  'kc-64': {
    inputs: ['fixtures/test_crd.yaml'],
    crds: ['fixtures/registry/sagemaker.aws.amazon.com_trainingjobs.yaml'],
    note: 'the registry JSON schema as its source CRD (fixtures/registry/sagemaker.aws.amazon.com_trainingjobs.yaml) in the project',
  },
  'kc-65': {
    inputs: ['fixtures/test_crd.yaml'],
    crds: ['fixtures/registry/sagemaker.aws.amazon.com_trainingjobs.yaml'],
    note: 'the registry JSON schema as its source CRD in the project (the first, missing location has no counterpart)',
  },
};

function versionFor(test: AcceptanceTest, bundled: ReturnType<typeof bundledVersions>): { version: string; note?: string } {
  if (test.kubernetes_version.startsWith('master')) return { version: bundled.newest };
  if (test.kubernetes_version === '1.20.0')
    return { version: bundled.oldest, note: `Kubernetes 1.20.0 is not bundled: oldest bundled ${bundled.oldest} used` };
  if (test.kubernetes_version === '3.8.0')
    return { version: bundled.newest, note: `OpenShift 3.8.0 schemas are not bundled: Kubernetes ${bundled.newest} used` };
  throw new Error(`${test.id}: no Driftless version for kubeconform version ${test.kubernetes_version}`);
}

describe("peer suite: kubeconform's fixtures behave as its acceptance expectations say (strict validation)", function () {
  const missing = missingCorpus('kubeconform');
  if (missing) {
    skipWholeSuite(missing);
    return;
  }
  const suiteDir = join(PEER_SUITES_DIR, 'kubeconform');
  const { tests } = readJson<{ tests: AcceptanceTest[] }>(join(suiteDir, 'expectations.json'));
  const bundled = bundledVersions();
  /** fixture-verdicts.tsv, one line per fixture: what kubeconform makes of it, in words. */
  const verdictRows = new Map(
    readFileSync(join(suiteDir, 'fixture-verdicts.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((line) => [line.split('\t')[0]!, line] as const),
  );
  /** Everything kubeconform says about a test's failure: its checked output, its notes, its fixtures' verdict rows. */
  const peerWords = (test: AcceptanceTest, files: readonly string[]): string =>
    [...test.checks.map((c) => String(c.value)), test.notes, ...files.map((f) => verdictRows.get(f) ?? '')].join('\n');

  const projects = new Map<string, Project>();
  const projectFor = (version: string, crds: readonly string[] = []): Project => {
    const key = `${version}|${crds.join(',')}`;
    let project = projects.get(key);
    if (!project) {
      project = projectWith(
        suiteDir,
        version,
        crds.map((c) => join(suiteDir, c)),
      );
      projects.set(key, project);
    }
    return project;
  };

  /** Validates the plan's inputs (folders expanded as the CLI expands them); the findings per file. */
  const run = (plan: RunPlan, version: string) => {
    const project = projectFor(version, plan.crds);
    const files = plan.inputs.flatMap((input) => {
      const path = join(suiteDir, input);
      return statSync(path).isDirectory() ? project.yamlFiles([path]) : [path];
    });
    assert.ok(files.length > 0, `no input files for ${plan.inputs.join(' ')}`);
    return files.map((file) => {
      const text = readTextFile(file);
      if (!text.ok) throw new Error(`${file}: ${text.message}`);
      const source = plan.modelineSchema ? `# yaml-language-server: $schema=${plan.modelineSchema}\n${text.text}` : text.text;
      const validation = project.validateText(file, source);
      return { file: file.slice(suiteDir.length + 1), validation, source };
    });
  };

  const report = (results: ReturnType<typeof run>): string =>
    results.map((r) => `  ${r.file}:\n${describeDiagnostics(r.validation, r.validation.diagnostics)}`).join('\n');

  it('lists every acceptance test exactly once: compared, intended divergence or not applicable', function () {
    const ids = tests.map((t) => t.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate test ids in expectations.json');
    for (const id of [...Object.keys(NOT_APPLICABLE), ...Object.keys(INTENDED_DIVERGENCES), ...Object.keys(PLAN_OVERRIDES)])
      assert.ok(ids.includes(id), `${id} is classified here but is not in expectations.json`);
    for (const test of tests) {
      const classes = [test.id in NOT_APPLICABLE, test.id in INTENDED_DIVERGENCES].filter(Boolean).length;
      assert.ok(classes <= 1, `${test.id} is classified twice`);
      if (test.scope !== 'validation')
        assert.ok(test.id in NOT_APPLICABLE, `${test.id} (${test.scope}) is neither compared nor listed as not applicable`);
    }
    const failingInputs = new Set(
      tests
        .filter((t) => t.expected_status === 1 && !(t.id in NOT_APPLICABLE) && !(t.id in INTENDED_DIVERGENCES))
        .flatMap((t) => PLAN_OVERRIDES[t.id]?.inputs ?? t.fixtures),
    );
    for (const fixture of Object.keys(REASONS)) assert.ok(failingInputs.has(fixture), `REASONS lists ${fixture}, no failing test's input`);
  });

  for (const test of tests) {
    const label = `${test.id} ${test.test_name}`;
    const notApplicable = NOT_APPLICABLE[test.id];
    if (notApplicable) {
      it(`${label} — not applicable: ${notApplicable}`, function () {
        skipWithReason(this, `not applicable: ${notApplicable}`, 'by-design');
      });
      continue;
    }
    const plan: RunPlan = PLAN_OVERRIDES[test.id] ?? { inputs: test.fixtures };
    const { version, note: versionNote } = versionFor(test, bundled);
    const notes = [
      test.stdin ? `stdin <${test.stdin}: the same text validated` : undefined,
      test.flags.includes('-strict') ? '-strict: always on in Driftless' : undefined,
      plan.note,
      versionNote,
    ].filter(Boolean);
    const suffix = notes.length ? ` [${notes.join('; ')}]` : '';
    const divergence = INTENDED_DIVERGENCES[test.id];

    if (divergence) {
      it(`${label} — intended divergence: ${divergence.reason}`, function () {
        const results = run(plan, version);
        const diagnostics = results.flatMap((r) => r.validation.diagnostics);
        if (divergence.check === 'no-findings') {
          assert.equal(diagnostics.length, 0, `expected no findings at all; Driftless said:\n${report(results)}`);
          return;
        }
        const errors = diagnostics.filter((d) => d.severity === 'error');
        const hints = diagnostics.filter((d) => d.rule === 'unknown-custom-resource' && d.severity === 'info');
        assert.ok(
          errors.length === 0 && hints.length === 1,
          `expected no error and exactly one unknown-custom-resource info; Driftless said:\n${report(results)}`,
        );
      });
      continue;
    }

    const expectedStatus = test.expected_status as number;
    it(`${label}: kubeconform exits ${expectedStatus}${suffix}`, function () {
      const results = run(plan, version);
      const hasError = results.some((r) => r.validation.diagnostics.some((d) => d.severity === 'error'));
      const expectError = expectedStatus === 1;
      assert.equal(
        hasError,
        expectError,
        `kubeconform exits ${expectedStatus} (${test.notes || 'no notes'}); Driftless ${
          hasError ? 'reports an error' : 'reports no error'
        } at Kubernetes ${version}:\n${report(results)}`,
      );
      if (!plan.allowMissingSchema) {
        const unchecked = results.flatMap((r) =>
          r.validation.diagnostics.filter((d) => d.rule === 'unknown-custom-resource' || d.rule === 'schema-unavailable'),
        );
        assert.equal(unchecked.length, 0, `Driftless had no schema for part of the input, so it was not compared:\n${report(results)}`);
      }
      if (!expectError) return;
      // Each reason kubeconform gives is found, with its rule and path; nothing else is reported unreviewed.
      const words = peerWords(
        test,
        results.map((r) => r.file),
      );
      for (const r of results) {
        const mapped = REASONS[r.file] ?? {};
        for (const { reasons } of Object.values(mapped))
          for (const reason of reasons)
            assert.ok(words.includes(reason.peer), `${r.file}: kubeconform does not say "${reason.peer}" for ${test.id}`);
        const documents = r.validation.report.documents.map(({ document }) => document.index);
        for (const index of documents) {
          const wanted = [...(mapped[index]?.reasons ?? []), ...(mapped[index]?.alsoReported ?? [])].map((m) => m.driftless).sort();
          assert.deepEqual(
            errorsIn(r.validation, r.source, index),
            wanted,
            `${r.file} document ${index}: Driftless's errors (rule@path) are not the mapped reasons\n${report(results)}`,
          );
        }
      }
      // A path kubeconform names (a JSON pointer in its output) is one of the mapped reasons.
      for (const pointer of words.match(/at '\/[^']*'/g) ?? []) {
        const named = results.some((r) =>
          Object.values(REASONS[r.file] ?? {}).some((m) => m.reasons.some((reason) => reason.peer.includes(pointer))),
        );
        assert.ok(named, `${test.id}: kubeconform names ${pointer}, which no mapped reason covers`);
      }
    });
  }
});
