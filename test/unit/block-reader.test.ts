// The fast block reader must read every document it accepts exactly as js-yaml does (which it falls back to).
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { readBlockDocument } from '../../server/src/engine/yaml/block-reader';
import { parseValueFast } from '../../server/src/engine/yaml/parsers';
import { isEmptyDocument, splitDocuments } from '../../server/src/engine/yaml/split-documents';
import { generateManifests } from '../bench/generate-manifests';
import { REPO_ROOT } from '../helpers/engine';
import { SHARED_CORPUS } from '../helpers/shared-corpus';
import { recordSkip } from '../helpers/skips';

const CORPUS = SHARED_CORPUS;

function* yamlFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* yamlFiles(path);
    else if (/\.ya?ml$/.test(entry)) yield path;
  }
}

/** js-yaml's reading of a document, or 'throws'. */
function jsYaml(text: string): unknown {
  try {
    return parseValueFast(text);
  } catch {
    return 'throws';
  }
}

function agreesWithJsYaml(text: string): boolean | 'fallback' {
  const fast = readBlockDocument(text);
  if (fast === undefined) return 'fallback';
  return isDeepStrictEqual(fast, jsYaml(text));
}

describe('the fast block reader agrees with js-yaml', () => {
  const cases: [string, string][] = [
    ['mapping and sequence', 'a: 1\nb:\n  - x\n  - y: 2\n    z: []\n'],
    ['indentless sequence under a key', 'items:\n- a\n- b\nnext: c\n'],
    [
      'nested sequence items with mappings',
      'containers:\n  - name: web\n    ports:\n      - containerPort: 80\n        name: http\n  - name: side\n',
    ],
    ['empty values and comments', '# head\na:   # trailing\nb: ~\nc: null\nd:\n\n  # inside\ne: x # note\n'],
    ['quoted keys and values with escapes', '"key with: colon": "tab\\there"\n\'single\': \'it\'\'s\'\nunicode: "\\u00e9\\x41"\n'],
    [
      'YAML 1.1 scalars as kubectl reads them',
      'a: yes\nb: off\nc: 0755\nd: 0x1f\ne: 1_000\nf: .inf\ng: 2024-01-02\nh: 12:30\ni: "yes"\non: push\n80: http\n',
    ],
    ['literal blocks with every chomping', 'a: |\n  line 1\n    indented\n\n  line 3\nb: |-\n  strip\n\nc: |+\n  keep\n\n\nd: after\n'],
    ['literal block at the end of the file', 'script: |\n  echo hi\n  exit 0\n'],
    ['document start marker', '---\napiVersion: v1\nkind: ConfigMap\n'],
    ['CRLF line ends', 'a: 1\r\nb:\r\n  - x\r\n'],
    ['plain scalars with inner colons and hashes', 'url: http://example.com:8080/a#b\nimage: nginx:1.25\ncmd: echo a#b\n'],
  ];
  for (const [name, text] of cases) {
    it(name, () => assert.equal(agreesWithJsYaml(text), true, JSON.stringify(readBlockDocument(text))));
  }

  const fallbacks: [string, string][] = [
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['tags', 'a: !!str 1\n'],
    ['flow collections with content', 'a: [1, 2]\nb: {c: d}\n'],
    ['folded blocks', 'a: >\n  folded\n  text\n'],
    ['multi-line plain scalars', 'a: one\n  two\n'],
    ['multi-line quoted scalars', 'a: "one\n  two"\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['merge keys', 'b: {x: 1}\na:\n  <<: {y: 2}\n'],
    ['tabs', 'a:\n\tb: 1\n'],
    ['nested inline sequences', '- - a\n'],
    ['a value that is itself a mapping entry', 'a: b: c\n'],
    ['complex keys', '? a\n: b\n'],
    ['a scalar document', 'just text\n'],
  ];
  for (const [name, text] of fallbacks) {
    it(`leaves ${name} to js-yaml`, () => assert.equal(readBlockDocument(text), undefined));
  }

  it('reads typical manifests itself (all 176 documents of the benchmark file)', () => {
    const documents = splitDocuments(generateManifests()).filter((d) => !isEmptyDocument(d.text));
    assert.equal(documents.length, 176);
    for (const document of documents) assert.equal(agreesWithJsYaml(document.text), true);
  });

  it('agrees on every document of the shared corpus and the fixtures it reads', function () {
    const roots = [join(REPO_ROOT, 'test', 'fixtures'), ...['repos', 'crds', 'peer-suites', 'live'].map((d) => join(CORPUS, d))].filter(
      existsSync,
    );
    if (roots.length === 1)
      recordSkip(`${this.test!.fullTitle()}, on the shared corpus`, `${CORPUS} not found: compared on the fixtures only`);
    let read = 0;
    const disagreements: string[] = [];
    for (const root of roots) {
      for (const file of yamlFiles(root)) {
        for (const document of splitDocuments(readFileSync(file, 'utf8'))) {
          if (isEmptyDocument(document.text)) continue;
          const verdict = agreesWithJsYaml(document.text);
          if (verdict === 'fallback') continue;
          read++;
          if (!verdict) disagreements.push(`${file} document ${document.index}`);
        }
      }
    }
    assert.deepEqual(disagreements, []);
    assert.ok(read > 50, `only ${read} documents were read by the fast reader`);
  });
});
