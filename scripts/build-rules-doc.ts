// Writes docs/rules.md, the list of every rule users can set, from the engine's rule registry (RULES), formatted as
// prettier formats it. Run: npm run docs (a test checks the committed file is current).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { RULES, ruleAnchor, type RuleId, type RuleInfo } from '../server/src/engine/rules';

const ROOT = join(__dirname, '..');
export const RULES_DOC = join(ROOT, 'docs', 'rules.md');

/** One section per category, in the order a file is judged: its text, its identity, its schema, then wider. */
const SECTIONS: { category: RuleInfo['category']; title: string; intro: string }[] = [
  {
    category: 'yaml',
    title: 'YAML',
    intro: 'The file as text and YAML, read as kubectl reads it. A document that cannot be read is not judged further.',
  },
  {
    category: 'resource',
    title: 'Identity',
    intro: "A resource's apiVersion and kind, and whether the target Kubernetes version serves them.",
  },
  {
    category: 'schema',
    title: 'Schema',
    intro:
      "The resource against the schema of its own apiVersion and kind (built-in, a bundled CRD or one of the workspace's), and other files against their JSON Schema.",
  },
  {
    category: 'api-server',
    title: 'API server',
    intro: 'What the API server rejects beyond the published OpenAPI schemas: names, labels, quantities, ports, selectors.',
  },
  {
    category: 'references',
    title: 'Across files and renders',
    intro:
      'What one file says about others, judged where it is applied (its kustomize build, else the repository), and what each environment renders to.',
  },
  {
    category: 'policy',
    title: 'Policies',
    intro:
      "Best practices, judged on what will be applied (a build's `images:` overrides and patches count). Those `off` by default are contested: they fire on many correct manifests, so a team turns them on.",
  },
  { category: 'project', title: 'Project', intro: "Driftless's own configuration and the schemas it is told to use." },
];

/** A table cell: one line, with `|` escaped. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function row(id: RuleId): string {
  const rule: RuleInfo = RULES[id];
  const why = rule.link ? ` [Why](${rule.link})` : '';
  return `| <a id="${ruleAnchor(id)}"></a>\`${id}\` | ${rule.severity} | ${cell(rule.summary)}${why} |`;
}

/** docs/rules.md as it should be committed. */
export async function rulesDocument(): Promise<string> {
  const ids = Object.keys(RULES) as RuleId[];
  const listed = new Set(SECTIONS.map((section) => section.category));
  const unlisted = ids.filter((id) => !listed.has(RULES[id].category));
  if (unlisted.length) throw new Error(`no section of docs/rules.md for the category of ${unlisted.join(', ')}`);
  const lines = [
    '<!-- Generated from server/src/engine/rules.ts by scripts/build-rules-doc.ts: edit those, then run `npm run docs`. -->',
    '',
    '# Rules',
    '',
    `Every finding Driftless reports has one of these ${ids.length} rule ids. Each rule can be set to \`off\`, \`info\`, \`warning\` or \`error\`:`,
    '',
    '- for the team, in `.driftless.yaml` (`rules: { deprecated-api-version: error }`), read by the editor and the CLI alike;',
    "- for yourself, in the VS Code setting `driftless.rules` (the file's entries win);",
    '- for one line or one YAML document, with a comment: `# driftless-disable-next-line <rule-id>` or `# driftless-disable <rule-id>`.',
    '',
    'The CLI exits with 1 when a finding at `error` remains. Every diagnostic in VS Code links to its rule here.',
  ];
  for (const section of SECTIONS) {
    const rows = ids.filter((id) => RULES[id].category === section.category);
    lines.push('', `## ${section.title}`, '', section.intro, '', '| Rule | Default | What it means |', '| --- | --- | --- |');
    lines.push(...rows.map(row));
  }
  const options = (await resolveConfig(RULES_DOC)) ?? {};
  return format(lines.join('\n') + '\n', { ...options, parser: 'markdown' });
}

if (require.main === module) {
  void rulesDocument().then((text) => {
    writeFileSync(RULES_DOC, text);
    console.log(`wrote ${RULES_DOC}`);
  });
}
