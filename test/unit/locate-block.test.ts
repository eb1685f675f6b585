// Findings in plain block documents are located by walking their lines instead of a full `yaml` parse: every path must
// land exactly where locatePath on the `yaml` syntax tree puts it — keys, values, paths that leave the written source —
// on hand-written cases and on every document of the fixtures and the shared corpus the block reader reads.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readBlockDocument } from '../../server/src/engine/yaml/block-reader';
import { locatePath, type JsonPath, type LocateTarget } from '../../server/src/engine/yaml/locate';
import { locateInBlockDocument } from '../../server/src/engine/yaml/locate-block';
import { DocumentContent } from '../../server/src/engine/yaml/parse-documents';
import { parsePositional } from '../../server/src/engine/yaml/parsers';
import { isEmptyDocument, splitDocuments } from '../../server/src/engine/yaml/split-documents';
import { generateHeldOutManifests, generateManifests } from '../bench/generate-manifests';
import { REPO_ROOT } from '../helpers/engine';

const CORPUS = resolve(process.env.DRIFTLESS_CORPUS ?? join(REPO_ROOT, '..', 'shared', 'corpus'));
const TARGETS: LocateTarget[] = ['key', 'value'];

function* yamlFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* yamlFiles(path);
    else if (/\.ya?ml$/.test(entry)) yield path;
  }
}

/** Every path into the value, and from each one a step that leaves the written source (a missing key or item). */
function* pathsOf(value: unknown, path: JsonPath = []): Generator<JsonPath> {
  yield path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* pathsOf(value[i], [...path, i]);
    yield [...path, value.length];
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) yield* pathsOf(child, [...path, key]);
    yield [...path, 'not-written'];
  } else {
    yield [...path, 'below-a-scalar'];
    yield [...path, 0];
  }
}

/** At most this many paths per document, spread over all of them: a walk reads up to the whole text. */
const PATHS_PER_DOCUMENT = 400;

function sample<T>(items: T[], count: number): T[] {
  const step = Math.max(1, Math.ceil(items.length / count));
  return items.filter((_, i) => i % step === 0);
}

/** Where the two locators disagree on a document, described; empty when they agree (or the block reader declines). */
function disagreements(text: string, limit = 3): string[] {
  if (readBlockDocument(text) === undefined) return [];
  const document = parsePositional(text);
  const value: unknown = document.toJS();
  const found: string[] = [];
  for (const path of sample([...pathsOf(value)], PATHS_PER_DOCUMENT)) {
    for (const target of TARGETS) {
      const expected = locatePath(document, text, path, target);
      const actual = locateInBlockDocument(text, path, target) ?? { start: -1, end: -1 };
      if (expected.start !== actual.start || expected.end !== actual.end) {
        found.push(
          `${JSON.stringify(path)} ${target}: yaml ${expected.start}-${expected.end} ${JSON.stringify(text.slice(expected.start, expected.end))}, ` +
            `block ${actual.start}-${actual.end} ${JSON.stringify(text.slice(actual.start, actual.end))}`,
        );
        if (found.length >= limit) return found;
      }
    }
  }
  return found;
}

describe('locating paths in plain block documents without the positional parse', () => {
  const cases: [string, string][] = [
    ['mapping and sequence', 'a: 1\nb:\n  - x\n  - y: 2\n    z: []\n'],
    ['indentless sequence under a key', 'items:\n- a\n- b\nnext: c\n'],
    ['empty values, with spaces and comments after the colon', 'd:   \ne: # c\nf:\ng: {}\n'],
    ['empty sequence items', 'l:\n-\n-   \n- # c\n- x\n'],
    ['plain and quoted scalars with trailing spaces and comments', 'a: plain value   # c\nb: "quoted"  \nc: \'single\' # c\n'],
    ['literal blocks with every chomping', 'a: |\n  line 1\n\nb: |-\n  strip\n\nc: |+\n  keep\n\n\nd: after\n'],
    ['a literal block at the end without a newline', 'k: |\n  last'],
    ['keys with spaces before the colon, quoted keys, null and number keys', 'k  : v\n"q" : 1\n~: n\n80: http\ntrue: yes\n'],
    ['a document start marker and leading comments', '---\n# head\napiVersion: v1\nkind: ConfigMap\n'],
    ['CRLF line ends', 'a: 1\r\nb:\r\n  - x\r\n  - y: z\r\n'],
    ['a root sequence without a final newline', '- a\n- b: c\n  d: e'],
    ['a mapping whose last value has no newline', 'a:\n  b: c # note'],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      assert.notEqual(readBlockDocument(text), undefined, 'the block reader should read this document');
      assert.deepEqual(disagreements(text, 20), []);
    });
  }

  it('is what DocumentContent.locate answers for a plain block document, without the positional parse', () => {
    const text = 'spec:\n  replicas: three\n  template:\n    spec:\n      containers:\n        - name: a\n';
    const content = DocumentContent.parse(text);
    const span = content.locate(['spec', 'replicas'], 'value');
    assert.equal(text.slice(span.start, span.end), 'three');
    assert.equal(text.slice(...spanOf(content.locate(['spec', 'template', 'spec', 'containers', 0, 'image'], 'value'))), 'name: a');
    // The positional document is built on first use only; locate did not need it.
    const positional = () => (content as unknown as { positionalDocument?: unknown }).positionalDocument;
    assert.equal(positional(), undefined);
    // A document with many findings is parsed once instead of walked for each: a walk may read the whole text.
    for (let i = 0; i < 20; i++) content.locate(['spec', 'template'], 'key');
    assert.notEqual(positional(), undefined);
    assert.equal(text.slice(...spanOf(content.locate(['spec', 'replicas'], 'value'))), 'three');
  });

  it('agrees on the benchmark files and on paths spread over every document of the fixtures and the shared corpus', function () {
    this.timeout(120_000);
    const roots = [join(REPO_ROOT, 'test', 'fixtures'), ...['repos', 'crds', 'peer-suites', 'live'].map((d) => join(CORPUS, d))].filter(
      existsSync,
    );
    if (roots.length === 1) process.stdout.write('  [locate-block] the shared corpus was not found: compared on the fixtures only\n');
    const texts: [string, string][] = [
      ['bench file', generateManifests()],
      ['held-out bench file', generateHeldOutManifests()],
      ...roots.flatMap((root) => [...yamlFiles(root)].map((file) => [file, readFileSync(file, 'utf8')] as [string, string])),
    ];
    let compared = 0;
    const failures: string[] = [];
    for (const [name, fileText] of texts) {
      for (const document of splitDocuments(fileText)) {
        if (isEmptyDocument(document.text) || readBlockDocument(document.text) === undefined) continue;
        compared++;
        const found = disagreements(document.text);
        if (found.length > 0) failures.push(`${name} document ${document.index}:\n    ${found.join('\n    ')}`);
        if (failures.length >= 10) break;
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(compared > 350, `only ${compared} documents were compared`);
  });
});

function spanOf(span: { start: number; end: number }): [number, number] {
  return [span.start, span.end];
}
