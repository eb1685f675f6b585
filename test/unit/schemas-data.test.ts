import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../../scripts/build-config-schema';
import { enumFromDescription } from '../../scripts/enums-from-descriptions';
import { SchemaCatalog } from '../../server/src/engine/schema/catalog';
import { RULE_IDS } from '../../server/src/engine/rules';
import { REPO_ROOT, schemaFiles } from '../helpers/engine';

describe('bundled schema data', () => {
  const index = schemaFiles.readJson('index.json') as {
    kubernetesVersions: string[];
    crds: { source: string; group: string; kind: string; versions: string[] }[];
    enumsRecovered: { fromDescriptions: number };
  };

  it('covers every Kubernetes minor from 1.23 to 1.35', () => {
    assert.deepEqual(
      index.kubernetesVersions,
      Array.from({ length: 13 }, (_, i) => `1.${23 + i}`),
    );
  });

  it('bundles the CRDs of the common GitOps projects, and each one resolves', () => {
    const sources = new Set(index.crds.map((c) => c.source));
    for (const project of [
      'argo-cd',
      'flux',
      'cert-manager',
      'gateway-api',
      'prometheus-operator',
      'argo-rollouts',
      'external-secrets',
      'sealed-secrets',
      'kyverno',
    ]) {
      assert.ok(sources.has(project), project);
    }
    const catalog = new SchemaCatalog(schemaFiles);
    for (const crd of index.crds) {
      for (const version of crd.versions) {
        const lookup = catalog.lookup(`${crd.group}/${version}`, crd.kind, '1.35');
        assert.equal(lookup.status, 'found', `${crd.group}/${version} ${crd.kind}`);
      }
    }
  });

  it('stays small: versions share definitions', () => {
    const size = (file: string) => readFileSync(join(REPO_ROOT, 'schemas', file)).length;
    assert.ok(size('kubernetes/definitions.jsonl') < 5_000_000);
    assert.ok(size('crds.json') < 2_000_000);
  });

  it('has the .driftless.yaml schema in step with the rule registry', () => {
    const committed = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'driftless-config.schema.json'), 'utf8')) as object;
    assert.deepEqual(committed, configSchema(), 'run `npm run schemas` after adding a rule');
    assert.deepEqual(
      Object.keys((configSchema() as { properties: { rules: { properties: object } } }).properties.rules.properties),
      RULE_IDS,
    );
  });

  it('recovers enumerations from descriptions', () => {
    assert.deepEqual(enumFromDescription('Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always.'), [
      'Always',
      'Never',
      'IfNotPresent',
    ]);
    assert.deepEqual(enumFromDescription('Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".'), ['UDP', 'TCP', 'SCTP']);
    assert.deepEqual(enumFromDescription("Valid values are 'ClusterFirstWithHostNet', 'ClusterFirst', 'Default' or 'None'."), [
      'ClusterFirstWithHostNet',
      'ClusterFirst',
      'Default',
      'None',
    ]);
    assert.deepEqual(enumFromDescription('Valid values are:\n\n- "Allow" (default): allows; - "Forbid": forbids; - "Replace": replaces'), [
      'Allow',
      'Forbid',
      'Replace',
    ]);
    assert.equal(enumFromDescription('Must be a DNS_LABEL.'), undefined);
    assert.equal(enumFromDescription('Must be an empty string (default) or Memory.'), undefined);
    assert.ok(index.enumsRecovered.fromDescriptions >= 80);
  });

  it('is derived by a script in the project, from ../shared/corpus, never read by the shipped code', function () {
    assert.ok(existsSync(join(REPO_ROOT, 'scripts', 'build-schemas.ts')));
    for (const bundle of ['dist/server.js', 'dist/cli.js', 'dist/extension.js']) {
      const path = join(REPO_ROOT, bundle);
      if (!existsSync(path)) this.skip();
      assert.ok(!readFileSync(path, 'utf8').includes('shared/corpus'), `${bundle} must not read ../shared`);
    }
  });
});
