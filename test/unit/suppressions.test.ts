import { strict as assert } from 'node:assert';
import { summary, validate } from '../helpers/engine';

/** A Pod whose labels (line 6 on) are `labels`. */
const pod = (labels: string) =>
  [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: p',
    '  labels:',
    labels,
    'spec:',
    '  containers: [{name: a, image: nginx}]',
    '',
  ].join('\n');

describe('inline suppressions', () => {
  it('driftless-disable-next-line silences the listed rules on the next line only', () => {
    const text = pod('    # driftless-disable-next-line invalid-label\n    a: "x y"\n    b: "x y"');
    assert.deepEqual(summary(validate(text)), ['invalid-label@8']);
  });

  it('skips comment lines between the directive and the line it covers', () => {
    const text = pod('    # driftless-disable-next-line invalid-label, schema-type\n    # why: legacy\n    a: "x y"');
    assert.deepEqual(validate(text), []);
  });

  it('does not silence other rules', () => {
    const text = pod('    # driftless-disable-next-line schema-type\n    a: "x y"');
    assert.deepEqual(summary(validate(text)), ['invalid-label@7']);
  });

  it('driftless-disable silences the rest of the document, not the next one', () => {
    const text = `${pod('    # driftless-disable invalid-label\n    a: "x y"\n    b: "x y"')}---\n${pod('    c: "x y"')}`;
    assert.deepEqual(summary(validate(text)), ['invalid-label@17']);
  });

  it('a directive without rule ids silences every rule', () => {
    const text = pod('    # driftless-disable-next-line\n    a: "x y"');
    assert.deepEqual(validate(text), []);
  });
});
