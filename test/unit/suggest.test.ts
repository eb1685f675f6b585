// "Did you mean": the edit distance behind every suggestion, and the closest match it picks.
import { strict as assert } from 'node:assert';
import { closestMatch, editDistance } from '../../server/src/engine/text/suggest';

describe('suggestions for misspelt names', () => {
  it('counts insertions, deletions, substitutions and adjacent transpositions, ignoring case', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('imagePulPolicy', 'imagePullPolicy'), 1);
    assert.equal(editDistance('contianers', 'containers'), 1);
    assert.equal(editDistance('ab', 'ba'), 1);
    assert.equal(editDistance('ca', 'abc'), 3); // optimal string alignment: no edit of a transposed pair
    assert.equal(editDistance('Replicas', 'replicas'), 0);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('abc', ''), 3);
    assert.equal(editDistance('', ''), 0);
  });

  it('picks the closest candidate within about one edit per four letters', () => {
    assert.equal(closestMatch('imagePulPolicy', ['image', 'imagePullPolicy', 'imagePullSecrets']), 'imagePullPolicy');
    assert.equal(closestMatch('replica', ['replicas', 'selector']), 'replicas');
    assert.equal(closestMatch('xyz', ['replicas', 'selector']), undefined);
  });
});
