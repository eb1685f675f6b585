// kubectl-validate's own test cases (kubernetes-sigs/kubectl-validate testcases/, stored as data in the shared corpus)
// must agree with Driftless document by document on pass/fail; the cases that need CEL are excepted, by name.
//
// Their run (pkg/cmd/validate_test.go): built-in schemas for Kubernetes 1.30, the 1.23 schema patch (Container.image
// required, ContainerPort.protocol enum), and the CRDs in testcases/crds. Driftless is run as its CLI runs it: a
// Project with the Kubernetes version forced to 1.30 that knows the CRDs of every file in testcases/crds, validating
// each manifest file. Driftless has no schema patches: it requires a Pod container's image as an API-server rule
// (missing-container-image) and knows the protocol enum from its recovered enums, so no patch is applied here.
// A document fails in Driftless when it has at least one error-severity diagnostic; in kubectl-validate when its
// expected metav1.Status is a Failure.
import * as assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import type { Project } from '../../server/src/node/project';
import { readTextFile } from '../../server/src/node/read-text-file';
import {
  describeDiagnostics,
  documentVerdicts,
  missingCorpus,
  PEER_SUITES_DIR,
  projectWith,
  readJson,
  skipWholeSuite,
  yamlFilesIn,
} from './peer-corpus';

interface ExpectedDocument {
  index: number;
  start_line: number;
  comment_only: boolean;
  expected: { status: 'Success' | 'Failure'; message?: string; reason?: string };
}

interface ExpectedCase {
  file: string;
  run_by_go_test: boolean;
  expect_command_error?: boolean;
  documents?: ExpectedDocument[];
  note?: string;
}

/** kubectl-validate's default --version in the upstream test run. */
const KUBERNETES_VERSION = '1.30';

/**
 * Cases whose expected failure comes only from evaluating CEL (x-kubernetes-validations), which Driftless does not
 * do. Every other case is compared, including error_x_list_map_default (see below).
 */
const NEEDS_CEL: ReadonlyMap<string, string> = new Map([
  [
    'error_cel_basic.yaml',
    'needs CEL: the only violation is CELBasic.value = -3 against the rule `self > 0` (x-kubernetes-validations); the schema itself allows any integer',
  ],
  [
    'error_cel_basic_multiple.yaml',
    'needs CEL: the only violation is the root rule `!has(self.other_value) || self.other_value % self.value == 0` (8 % 3 != 0); both fields are valid integers',
  ],
]);
// error_x_list_map_default.yaml is NOT excepted: it uses the CELBasic CRD, but both of its CEL rules hold on that
// document (`value` is absent, so `self > 0` is not evaluated; `!has(self.other_value)` is true). Its failure comes
// from structural defaulting (map_list item 2 gets protocol: TCP from the schema default) followed by
// x-kubernetes-list-type: map uniqueness on [containerPort, protocol] — no CEL involved, so Driftless must agree.

describe('peer suite: kubectl-validate test cases agree document by document on pass/fail', function () {
  const missing = missingCorpus('kubectl-validate');
  if (missing) {
    skipWholeSuite(missing);
    return;
  }
  const suiteDir = join(PEER_SUITES_DIR, 'kubectl-validate');
  const testcasesDir = join(suiteDir, 'testcases');
  const crdFiles = yamlFilesIn(join(testcasesDir, 'crds'));
  const { cases } = readJson<{ cases: ExpectedCase[] }>(join(suiteDir, 'expectations.json'));

  let project: Project | undefined;
  const getProject = (): Project => (project ??= projectWith(testcasesDir, KUBERNETES_VERSION, crdFiles));
  const validations = new Map<string, ReturnType<Project['validateText']>>();
  const validate = (file: string) => {
    let validation = validations.get(file);
    if (!validation) {
      const text = readTextFile(join(suiteDir, file));
      if (!text.ok) throw new Error(`${file}: ${text.message}`);
      validation = getProject().validateText(join(suiteDir, file), text.text);
      validations.set(file, validation);
    }
    return validation;
  };

  it('loads the CRDs kubectl-validate loads with --local-crds testcases/crds, skipping the non-CRD file', function () {
    const kinds = getProject()
      .crds.all()
      .map(({ crd, source }) => `${crd.group}/${crd.kind}@${basename(source.id)}`);
    for (const expected of ['stable.example.com/CELBasic@cel_basic.yaml', 'batch.x-k8s.io/JobSet@jobset.yaml']) {
      assert.ok(kinds.includes(expected), `${expected} not among the loaded CRDs:\n  ${kinds.join('\n  ')}`);
    }
    assert.ok(
      kinds.some((k) => k.startsWith('cert-manager.io/Certificate@')),
      'cert-manager CRDs not loaded',
    );
    assert.ok(!kinds.some((k) => k.endsWith('@not-a-crd-should-be-ignored.yaml')), 'a PodDisruptionBudget was read as a CRD');
  });

  for (const testCase of cases) {
    const name = basename(testCase.file);
    if (!testCase.run_by_go_test) {
      it(`${name} — not run upstream either: ${testCase.note ?? 'disabled'}`, function () {
        this.skip();
      });
      continue;
    }
    const documents = testCase.documents ?? [];

    it(`${name}: Driftless splits it into the same ${documents.length} document(s)`, function () {
      const verdicts = documentVerdicts(validate(testCase.file));
      assert.deepEqual(
        verdicts.map((v) => ({ index: v.index, startLine: v.contentStartLine })),
        documents.map((d) => ({ index: d.index, startLine: d.start_line })),
        'document index / start line mismatch between Driftless and the k8s YAMLReader split',
      );
    });

    for (const expected of documents) {
      const title = `${name} document ${expected.index} (line ${expected.start_line}): expects ${expected.expected.status}`;
      const cel = NEEDS_CEL.get(name);
      if (cel) {
        it(`${title} — excepted, ${cel}`, function () {
          this.skip();
        });
        continue;
      }
      it(title, function () {
        const validation = validate(testCase.file);
        const verdict = documentVerdicts(validation).find((v) => v.index === expected.index);
        assert.ok(verdict, `Driftless has no document ${expected.index} in ${name}`);
        const shouldFail = expected.expected.status === 'Failure';
        const failed = verdict.errors.length > 0;
        if (failed !== shouldFail) {
          const upstream = shouldFail
            ? `kubectl-validate: ${expected.expected.reason ?? ''} ${expected.expected.message ?? ''}`.trim()
            : 'kubectl-validate: Success';
          assert.fail(
            `${name} document ${expected.index}: expected ${shouldFail ? 'an error' : 'no error'}, Driftless ${
              failed ? 'reports errors' : 'reports none'
            }\n  ${upstream}\n  Driftless:\n${describeDiagnostics(validation, verdict.diagnostics)}`,
          );
        }
        // An agreement is only worth something if Driftless had a schema for the resource (JobSet, CELBasic CRDs).
        const unchecked = verdict.diagnostics.filter((d) => d.rule === 'unknown-custom-resource' || d.rule === 'schema-unavailable');
        assert.equal(unchecked.length, 0, `Driftless had no schema here:\n${describeDiagnostics(validation, unchecked)}`);
      });
    }
  }
});
