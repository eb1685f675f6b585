import { strict as assert } from 'node:assert';
import { isEmptyDocument, splitDocuments } from '../../server/src/engine/yaml/split-documents';

const texts = (text: string) => splitDocuments(text).map((d) => d.text);

describe('splitDocuments', () => {
  it('keeps a single document whole', () => {
    assert.deepEqual(texts('a: 1\nb: 2\n'), ['a: 1\nb: 2\n']);
  });

  it('splits at --- lines; each slice keeps its own marker', () => {
    assert.deepEqual(texts('a: 1\n---\nb: 2\n---\nc: 3\n'), ['a: 1\n', '---\nb: 2\n', '---\nc: 3\n']);
  });

  it('gives comments before the first --- to the document that follows them', () => {
    assert.deepEqual(texts('# header\n---\na: 1\n'), ['# header\n---\na: 1\n']);
  });

  it('keeps a directive with its document', () => {
    assert.deepEqual(texts('%YAML 1.1\n---\na: 1\n'), ['%YAML 1.1\n---\na: 1\n']);
  });

  it('treats --- followed by content on the same line as a marker, but not ---- or a --- inside a value', () => {
    assert.deepEqual(texts('a: 1\n--- |\n  text\n'), ['a: 1\n', '--- |\n  text\n']);
    assert.deepEqual(texts('a: ---\nb: 2\n'), ['a: ---\nb: 2\n']);
    assert.deepEqual(texts('----\n'), ['----\n']);
  });

  it('ends a document at ... and handles CRLF line ends', () => {
    assert.deepEqual(texts('a: 1\n...\n---\nb: 2\n'), ['a: 1\n...\n', '---\nb: 2\n']);
    assert.deepEqual(texts('a: 1\r\n---\r\nb: 2\r\n'), ['a: 1\r\n', '---\r\nb: 2\r\n']);
  });

  it('reports empty documents between markers, with offsets that cover the whole file', () => {
    const text = '---\n---\na: 1\n---\n';
    const slices = splitDocuments(text);
    assert.equal(slices.length, 3);
    assert.deepEqual(
      slices.map((s) => isEmptyDocument(s.text)),
      [true, false, true],
    );
    assert.equal(slices.map((s) => s.text).join(''), text);
    slices.forEach((s, i) => assert.equal(s.index, i));
  });

  it('returns one empty document for an empty file', () => {
    assert.deepEqual(texts(''), ['']);
  });
});
