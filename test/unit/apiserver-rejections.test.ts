// Fixtures of manifests the API server rejects, one file per category (test/fixtures/apiserver-rejects): every
// `# expect-next-line: <rule>` must be found on the line that follows, and nothing else may be reported.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, validate } from '../helpers/engine';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'apiserver-rejects');

function expectations(text: string): string[] {
  const lines = text.split('\n');
  const expected: string[] = [];
  lines.forEach((line, index) => {
    const match = /#\s*expect-next-line:\s*(.+)$/.exec(line);
    if (!match) return;
    let target = index + 1;
    while (target < lines.length && /^\s*#/.test(lines[target]!)) target++;
    for (const rule of match[1]!.split(',').map((r) => r.trim())) expected.push(`${rule}@${target + 1}`);
  });
  return expected.sort();
}

describe('manifests the API server rejects, by category', () => {
  for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml'))) {
    it(file.replace(/\.yaml$/, ''), () => {
      const text = readFileSync(join(FIXTURES, file), 'utf8');
      const version = /^# kubernetes: (\S+)/m.exec(text)?.[1];
      assert.ok(version, 'each fixture names its Kubernetes version');
      const found = validate(text, { path: join(FIXTURES, file), kubernetesVersion: version })
        .filter((f) => f.severity !== 'info')
        .map((f) => `${f.rule}@${f.line}`)
        .sort();
      assert.deepEqual(found, expectations(text));
    });
  }
});
