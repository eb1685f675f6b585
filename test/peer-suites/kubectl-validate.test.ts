// kubectl-validate's own test cases (kubernetes-sigs/kubectl-validate testcases/, stored as data in the shared corpus)
// must agree with Driftless document by document: not only on pass/fail, but on each cause kubectl-validate gives
// (details.causes: reason and field path), mapped below to the rule and path of the error Driftless must report for
// it. Every error Driftless reports is either such a cause or listed as one it reports beyond kubectl-validate, with
// why; so a check that breaks fails here even where another error keeps the document failing. The cases that need
// CEL are excepted, by name.
//
// Their run (pkg/cmd/validate_test.go): built-in schemas for Kubernetes 1.30, the 1.23 schema patch (Container.image
// required, ContainerPort.protocol enum), and the CRDs in testcases/crds. Driftless is run as its CLI runs it: a
// Project with the Kubernetes version forced to 1.30 that knows the CRDs of every file in testcases/crds, validating
// each manifest file. Driftless has no schema patches: it requires a Pod container's image as an API-server rule
// (missing-container-image) and knows the protocol enum from its recovered enums, so no patch is applied here.
import * as assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import type { Project } from '../../server/src/node/project';
import { readTextFile } from '../../server/src/node/read-text-file';
import { skipWithReason } from '../helpers/skips';
import {
  describeDiagnostics,
  documentVerdicts,
  errorsIn,
  missingCorpus,
  PEER_SUITES_DIR,
  projectWith,
  readJson,
  skipWholeSuite,
  yamlFilesIn,
} from './peer-corpus';

/** One cause of a metav1.Status: a field error (reason, field path) or, for a decoding failure, only a message. */
interface StatusCause {
  reason?: string;
  field?: string;
  message?: string;
}

interface ExpectedDocument {
  index: number;
  start_line: number;
  comment_only: boolean;
  expected: { status: 'Success' | 'Failure'; message?: string; reason?: string; details?: { causes?: StatusCause[] } };
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
/** A cause as this file names it: `reason at field`, or the message of a cause without a field. */
function causeKey(cause: StatusCause): string {
  return cause.field ? `${cause.reason ?? '(no reason)'} at ${cause.field}` : (cause.message ?? '(empty cause)');
}

interface CauseMapping {
  /** The cause as causeKey names it. */
  peer: string;
  /** The error Driftless reports for it, `rule@path` (errorsIn). */
  driftless: string;
  /** Why Driftless's rule or path is not what kubectl-validate's says; required whenever the paths differ. */
  why?: string;
}

interface DocumentCauses {
  causes: CauseMapping[];
  /** Errors Driftless reports that kubectl-validate does not, each with why it is right. */
  alsoReported?: { driftless: string; why: string }[];
}

const UNKNOWN_FIELD_FIRST =
  '`containers` is required in a PodSpec: kubectl-validate stops at the strict-decoding error (the unknown field) before schema validation, as the API server does; with the key fixed to anything but `containers`, the Pod is rejected for the missing field';

/** Every cause of every failing document (but the CEL ones), in the order kubectl-validate gives them. */
const CAUSES: Readonly<Record<string, Readonly<Record<number, DocumentCauses>>>> = {
  'error_array_instead_of_map.yaml': { 0: { causes: [{ peer: 'FieldValueTypeInvalid at data', driftless: 'schema-type@data' }] } },
  'error_crd_typo.yaml': {
    0: {
      causes: [
        {
          peer: 'FieldValueNotSupported at spec.validation.openAPIV3Schema.properties[spec].properties[message].type',
          driftless: 'invalid-crd-schema@spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.message.type',
          why: 'the API server names a schema all versions share by its internal place, spec.validation; the file has it under spec.versions[0].schema, where Driftless points',
        },
      ],
    },
  },
  'error_enum_invalid.yaml': {
    0: {
      causes: [
        {
          peer: 'FieldValueNotSupported at spec.containers[0].ports[0].protocol',
          driftless: 'schema-enum@spec.containers[0].ports[0].protocol',
        },
      ],
    },
  },
  'error_indentation.yaml': { 0: { causes: [{ peer: 'FieldValueInvalid at containers', driftless: 'schema-unknown-field@containers' }] } },
  'error_invalid_kind.yaml': {
    0: {
      causes: [
        {
          peer: 'failed to retrieve validator: kind configmap not found in v1 groupversion',
          driftless: 'unknown-kind@kind',
          why: 'kubectl-validate gives no field; the kind is what is wrong',
        },
      ],
    },
  },
  'error_invalid_label.yaml': {
    0: {
      causes: [
        {
          peer: 'FieldValueInvalid at metadata.labels',
          driftless: 'invalid-label@metadata.labels.owner',
          why: 'Driftless points at the label itself',
        },
      ],
    },
  },
  'error_invalid_name.yaml': { 0: { causes: [{ peer: 'FieldValueInvalid at metadata.name', driftless: 'invalid-name@metadata.name' }] } },
  'error_invalid_protocol_type.yaml': {
    0: {
      causes: [
        {
          peer: 'FieldValueTypeInvalid at spec.containers[0].ports[0].protocol',
          driftless: 'schema-type@spec.containers[0].ports[0].protocol',
        },
        {
          peer: 'FieldValueNotSupported at spec.containers[0].ports[0].protocol',
          driftless: 'schema-type@spec.containers[0].ports[0].protocol',
          why: 'one finding per value: a value of the wrong type (the number 22) is not also compared with the enum of strings, which would say the same twice',
        },
      ],
    },
  },
  'error_map_instead_of_array.yaml': {
    0: {
      causes: [
        {
          peer: 'json: cannot unmarshal object into Go struct field ObjectMeta.finalizers of type []string',
          driftless: 'schema-type@metadata.finalizers',
          why: 'a decoding error without a field: the Go field ObjectMeta.finalizers is metadata.finalizers',
        },
      ],
    },
  },
  'error_missing_image.yaml': {
    0: {
      causes: [
        {
          peer: 'FieldValueRequired at spec.containers[0].image',
          driftless: 'missing-container-image@spec.containers[0]',
          why: 'an absent field has no place in the file: Driftless points at the container that lacks it',
        },
      ],
    },
  },
  'error_missing_name.yaml': {
    0: {
      causes: [
        {
          peer: 'FieldValueRequired at metadata.name',
          driftless: 'missing-name@kind',
          why: 'an absent field has no place in the file: Driftless points at the kind of the object that lacks it',
        },
      ],
    },
  },
  'error_misspelled_key.yaml': {
    0: {
      causes: [{ peer: 'FieldValueInvalid at spec.contAIN3rz', driftless: 'schema-unknown-field@spec.contAIN3rz' }],
      alsoReported: [{ driftless: 'schema-required@spec', why: UNKNOWN_FIELD_FIRST }],
    },
  },
  'error_multiple_fields.yaml': {
    0: {
      causes: [
        {
          peer: 'line 24: key "containers" already set in map',
          driftless: 'duplicate-key@containers',
          why: 'a decoding error without a field: the key set twice is `containers`',
        },
      ],
    },
  },
  'error_multiple_resources_all_invalid.yaml': {
    0: {
      causes: [{ peer: 'FieldValueInvalid at spec.contAIN3rz', driftless: 'schema-unknown-field@spec.contAIN3rz' }],
      alsoReported: [{ driftless: 'schema-required@spec', why: UNKNOWN_FIELD_FIRST }],
    },
    1: {
      causes: [
        {
          peer: 'FieldValueRequired at metadata.name',
          driftless: 'missing-name@kind',
          why: 'an absent field has no place in the file: Driftless points at the kind of the object that lacks it',
        },
      ],
    },
  },
  'error_multiple_resources_one_invalid.yaml': {
    0: {
      causes: [{ peer: 'FieldValueInvalid at spec.contAIN3rz', driftless: 'schema-unknown-field@spec.contAIN3rz' }],
      alsoReported: [{ driftless: 'schema-required@spec', why: UNKNOWN_FIELD_FIRST }],
    },
  },
  'error_name_exceeds_max_length.yaml': {
    0: { causes: [{ peer: 'FieldValueInvalid at metadata.name', driftless: 'invalid-name@metadata.name' }] },
  },
  'error_quantity.yaml': {
    0: {
      causes: [
        {
          peer: 'FieldValueInvalid at <nil>',
          driftless: 'schema-type@spec.containers[0].resources.requests.cpu',
          why: 'the one-of (a quantity is a string or a number) for the same value, which its message names: spec.containers[0].resources.requests.cpu; one finding per value',
        },
        {
          peer: 'FieldValueTypeInvalid at spec.containers[0].resources.requests.cpu',
          driftless: 'schema-type@spec.containers[0].resources.requests.cpu',
        },
      ],
    },
  },
  'error_x_list_map_default.yaml': {
    0: { causes: [{ peer: 'FieldValueDuplicate at map_list[1]', driftless: 'schema-duplicate-item@map_list[1]' }] },
  },
  'error_x_list_map_duplicate_key.yaml': {
    0: {
      causes: [
        { peer: 'FieldValueDuplicate at spec.containers[0].ports[2]', driftless: 'schema-duplicate-item@spec.containers[0].ports[2]' },
      ],
    },
  },
};

// error_x_list_map_default.yaml is NOT excepted: it uses the CELBasic CRD, but both of its CEL rules hold on that
// document (`value` is absent, so `self > 0` is not evaluated; `!has(self.other_value)` is true). Its failure comes
// from structural defaulting (map_list item 2 gets protocol: TCP from the schema default) followed by
// x-kubernetes-list-type: map uniqueness on [containerPort, protocol] — no CEL involved, so Driftless must agree.

describe('peer suite: kubectl-validate test cases agree document by document on pass/fail and on each cause', function () {
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
  const validations = new Map<string, { validation: ReturnType<Project['validateText']>; text: string }>();
  const validated = (file: string) => {
    let entry = validations.get(file);
    if (!entry) {
      const text = readTextFile(join(suiteDir, file));
      if (!text.ok) throw new Error(`${file}: ${text.message}`);
      entry = { validation: getProject().validateText(join(suiteDir, file), text.text), text: text.text };
      validations.set(file, entry);
    }
    return entry;
  };
  const validate = (file: string) => validated(file).validation;

  it('maps exactly the failing documents (CEL ones aside), and says why wherever a path differs', function () {
    const failing = cases.flatMap((c) =>
      (c.documents ?? [])
        .filter((d) => d.expected.status === 'Failure' && !NEEDS_CEL.has(basename(c.file)))
        .map((d) => `${basename(c.file)} ${d.index}`),
    );
    const mapped = Object.entries(CAUSES).flatMap(([file, documents]) => Object.keys(documents).map((index) => `${file} ${index}`));
    assert.deepEqual(mapped.sort(), failing.sort());
    for (const [file, documents] of Object.entries(CAUSES)) {
      for (const { causes } of Object.values(documents)) {
        for (const cause of causes) {
          const peerField = / at (\S+)$/.exec(cause.peer)?.[1];
          const samePath = peerField !== undefined && cause.driftless.endsWith(`@${peerField}`);
          assert.ok(samePath || cause.why, `${file}: ${cause.peer} -> ${cause.driftless} differs in path but says no why`);
        }
      }
    }
  });

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
        skipWithReason(this, `not run upstream either: ${testCase.note ?? 'disabled'}`, 'by-design');
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
          skipWithReason(this, `excepted, ${cel}`, 'by-design');
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
        if (!shouldFail) return;
        // Each cause kubectl-validate gives is found, with its rule and path; nothing else is reported unreviewed.
        const mapping = CAUSES[name]?.[expected.index];
        assert.ok(mapping, `${name} document ${expected.index}: no mapping of its causes in CAUSES`);
        const causes = (expected.expected.details?.causes ?? []).map(causeKey);
        assert.deepEqual(
          mapping.causes.map((c) => c.peer),
          causes,
          `${name} document ${expected.index}: CAUSES must map each cause kubectl-validate gives, in its order`,
        );
        const wanted = [...new Set(mapping.causes.map((c) => c.driftless)), ...(mapping.alsoReported ?? []).map((a) => a.driftless)].sort();
        assert.deepEqual(
          errorsIn(validation, validated(testCase.file).text, expected.index),
          wanted,
          `${name} document ${expected.index}: Driftless's errors (rule@path) are not the mapped causes\n  Driftless:\n${describeDiagnostics(validation, verdict.errors)}`,
        );
      });
    }
  }
});
