import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { RULES_DOC, rulesDocument } from '../../scripts/build-rules-doc';
import { RULE_IDS, ruleAnchor, ruleDocumentationUrl } from '../../server/src/engine/rules';

describe('generated documentation', () => {
  it('docs/rules.md lists every rule as rules.ts has it', async function () {
    this.timeout(60_000);
    const committed = readFileSync(RULES_DOC, 'utf8');
    const current = await rulesDocument();
    assert.ok(committed === current, 'docs/rules.md is stale: run `npm run docs` and commit docs/rules.md');
    for (const id of RULE_IDS) assert.ok(committed.includes(`<a id="${ruleAnchor(id)}"></a>\`${id}\``), `no row for ${id}`);
  });

  it('links each diagnostic to its row of docs/rules.md', () => {
    const doc = readFileSync(RULES_DOC, 'utf8');
    for (const id of RULE_IDS) {
      const [page, anchor] = ruleDocumentationUrl(id).split('#');
      assert.ok(page!.endsWith('/docs/rules.md'), page);
      assert.ok(doc.includes(`<a id="${anchor!}"></a>`), `no anchor ${anchor!} in docs/rules.md`);
    }
  });
});
