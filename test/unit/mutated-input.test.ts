// Bad input, generated: the project's own fixtures, mutated at random (a fixed seed, so a failure reproduces), go
// through validation, completion and hover as they would while being typed. Nothing may throw, and no document may
// take long; the YAML library's warnings must not reach stderr.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SchemaContext } from '../../server/src/engine/language/document-schema';
import { completeAt } from '../../server/src/engine/language/completion';
import { hoverAt } from '../../server/src/engine/language/hover';
import { parseDocuments } from '../../server/src/engine/yaml/parse-documents';
import { repository } from '../helpers/engine';

const FIXTURES = join(__dirname, '..', 'fixtures');
const MUTATIONS = 400;
/** Far above what a document of these sizes takes; a hang or an exponential case would pass it. */
const BOUND_MS = 3000;

const INSERTS = [
  '{',
  '}',
  '[',
  ']',
  ':',
  '- ',
  '  ',
  '\t',
  '&a ',
  '*a',
  '!!str ',
  '|',
  '>',
  '"',
  "'",
  '#',
  '\n',
  '---\n',
  '${X}',
  '{{ .Values.x }}',
  '<<: *a\n',
  '? ',
  '%YAML 1.2\n',
  'é',
  '😀',
  ' '.repeat(200),
  'x'.repeat(5000),
];

function yamlFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** A small linear congruential generator: the same seed, the same mutations. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

function mutate(text: string, random: () => number): string {
  let out = text;
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  for (let i = 0, n = 1 + Math.floor(random() * 4); i < n; i++) {
    const at = Math.floor(random() * (out.length + 1));
    const choice = random();
    if (choice < 0.35) out = out.slice(0, at) + pick(INSERTS) + out.slice(at);
    else if (choice < 0.55) out = out.slice(0, at) + out.slice(Math.min(out.length, at + Math.floor(random() * 40)));
    else if (choice < 0.75) {
      const lines = out.split('\n');
      lines.splice(Math.floor(random() * lines.length), 0, pick(lines));
      out = lines.join('\n');
    } else {
      const lines = out.split('\n');
      const line = Math.floor(random() * lines.length);
      lines[line] = ' '.repeat(Math.floor(random() * 12)) + lines[line]!.trimStart();
      out = lines.join('\n');
    }
  }
  return out;
}

describe('mutated input', () => {
  it(`survives ${MUTATIONS} mutations of the fixtures in validation, completion and hover`, function () {
    this.timeout(120_000);
    const sources = yamlFiles(FIXTURES).map((path) => readFileSync(path, 'utf8'));
    assert.ok(sources.length > 20, 'the fixtures are there');
    const { root, project } = repository({ 'app/kustomization.yaml': 'resources: [a.yaml]\n', 'app/a.yaml': '' });
    const names = ['app/a.yaml', 'app/kustomization.yaml', 'other.yaml', 'Chart.yaml', 'chart/values.yaml', '.driftless.yaml'];
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    const random = generator(20261128);
    try {
      for (let i = 0; i < MUTATIONS; i++) {
        const text = mutate(sources[Math.floor(random() * sources.length)]!, random);
        const path = join(root, names[Math.floor(random() * names.length)]!);
        const context: SchemaContext = {
          catalog: project.catalog,
          kubernetesVersion: project.config.kubernetesVersion,
          host: project,
          facts: project.facts(path),
        };
        const started = Date.now();
        try {
          project.validateText(path, text);
          const documents = parseDocuments(text);
          for (let k = 0; k < 3; k++) {
            const offset = Math.floor(random() * (text.length + 1));
            completeAt(text, documents, offset, context, { host: project.workspaceCompletion, file: path });
            hoverAt(documents, offset, context);
          }
        } catch (error) {
          assert.fail(`mutation ${i} of ${path} threw: ${(error as Error).stack}\n--- text ---\n${text.slice(0, 2000)}`);
        }
        assert.ok(Date.now() - started < BOUND_MS, `mutation ${i} took ${Date.now() - started} ms`);
      }
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings, []);
  });
});
