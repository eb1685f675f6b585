import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { configSchema } from '../../scripts/build-config-schema';
import { enumFromDescription } from '../../scripts/enums-from-descriptions';
import { SchemaCatalog } from '../../server/src/engine/schema/catalog';
import { RULE_IDS } from '../../server/src/engine/rules';
import { REPO_ROOT, schemaFiles } from '../helpers/engine';
import { SHARED_CORPUS } from '../helpers/shared-corpus';

/**
 * What the built code runs: the extension, and the bundles the small loaders dist/server.js and dist/cli.js load
 * (`join(__dirname, "server-main.js")`, scripts/build.mjs) — read from the loaders, so a renamed bundle is followed.
 */
function shippedBundles(): { name: string; text: string }[] {
  const read = (name: string) => {
    const path = join(REPO_ROOT, 'dist', name);
    assert.ok(existsSync(path), `dist/${name} is missing: run \`npm run build\` first`);
    return { name: `dist/${name}`, text: readFileSync(path, 'utf8') };
  };
  const loaded = ['server.js', 'cli.js'].map((loader) => {
    const name = /__dirname,\s*"([\w.-]+\.js)"/.exec(read(loader).text)?.[1];
    assert.ok(name, `dist/${loader} loads no bundle by name`);
    return read(name);
  });
  return [read('extension.js'), ...loaded];
}

/** What a bundle that reads the shared corpus (or anything beside the checkout) would contain, minified or not. */
function pathsOutsideTheCheckout(): { what: string; pattern: RegExp }[] {
  const literal = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return [
    { what: 'the absolute path of this checkout', pattern: literal(REPO_ROOT) },
    { what: 'the absolute path of the folder holding the shared corpus', pattern: literal(dirname(SHARED_CORPUS)) },
    { what: 'a relative path up to ../shared', pattern: /\.\.[/\\]shared\b/ },
    { what: 'path segments "..", "shared" (path.join arguments)', pattern: /["'`]\.\.["'`]\s*,\s*["'`]shared["'`]/ },
    { what: 'path segments "shared", "corpus"', pattern: /["'`]shared["'`]\s*,\s*["'`]corpus["'`]/ },
    { what: 'shared/corpus', pattern: /shared[/\\]corpus/ },
  ];
}

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
    const bundles = shippedBundles();
    // The real code, not a loader: each bundle holds the engine or the client.
    for (const { name, text } of bundles) assert.ok(text.length > 100_000, `${name} is ${text.length} bytes: not a bundle`);
    const found = bundles.flatMap(({ name, text }) =>
      pathsOutsideTheCheckout()
        .filter(({ pattern }) => pattern.test(text))
        .map(
          ({ what, pattern }) =>
            `${name} holds ${what}: …${text.slice(Math.max(0, text.search(pattern) - 60), text.search(pattern) + 60)}…`,
        ),
    );
    assert.deepEqual(found, [], 'shipped code must never read ../shared or a path of the build machine');
  });
});
