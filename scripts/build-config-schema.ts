// Writes schemas/driftless-config.schema.json, the schema of .driftless.yaml, with one entry per rule id from the
// engine's rule registry. Run: npm run schemas (a test checks the committed file is current).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../server/src/engine/rules';

export function configSchema(): object {
  const severity = {
    type: 'string',
    enum: ['off', 'info', 'warning', 'error'],
    description: 'off silences the rule; info, warning and error set how its findings are reported.',
  };
  const rules = Object.fromEntries(
    Object.entries(RULES).map(([id, rule]) => [id, { ...severity, description: `${rule.summary} Default: ${rule.severity}.` }]),
  );
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://driftless.dev/schemas/driftless-config.schema.json',
    title: 'Driftless project configuration (.driftless.yaml)',
    description: 'Settings a team shares, read identically by the Driftless editor extension and the driftless CLI.',
    type: 'object',
    additionalProperties: false,
    properties: {
      kubernetesVersion: {
        type: 'string',
        pattern: '^v?1\\.\\d+(\\.\\d+)?$',
        description: 'The Kubernetes minor version to validate against, e.g. "1.31". Default: the newest bundled version.',
        examples: ['1.31'],
      },
      crds: {
        type: 'array',
        items: { type: 'string' },
        description: 'Extra files or folders (relative to this file) holding CustomResourceDefinitions whose kinds should be validated.',
      },
      exclude: {
        type: 'array',
        items: { type: 'string' },
        description: 'Glob patterns (relative to this file) of files not to validate, e.g. "vendor/**".',
      },
      rules: {
        type: 'object',
        description: 'Severity per rule id: off, info, warning or error.',
        additionalProperties: false,
        properties: rules,
      },
    },
  };
}

if (require.main === module) {
  const path = join(__dirname, '..', 'schemas', 'driftless-config.schema.json');
  writeFileSync(path, JSON.stringify(configSchema(), null, 2) + '\n');
  console.log(`wrote ${path}`);
}
