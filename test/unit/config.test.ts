import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { effectiveConfig, readConfigValues } from '../../server/src/engine/config/project-config';
import { Project } from '../../server/src/node/project';
import { schemaFiles, summary, validate } from '../helpers/engine';
import { temporaryFolder } from '../helpers/temporary-folders';

const bundled = { versions: ['1.23', '1.24', '1.30', '1.31', '1.35'], newest: '1.35' };

describe('project configuration: .driftless.yaml first, editor settings fill the gaps', () => {
  it('uses the newest bundled version when nothing says otherwise', () => {
    const config = effectiveConfig(undefined, undefined, bundled);
    assert.equal(config.kubernetesVersion, '1.35');
    assert.equal(config.versionSource, 'default');
  });

  it('lets the file win over settings, key by key, and merges rule severities per rule', () => {
    const config = effectiveConfig(
      readConfigValues({ kubernetesVersion: 'v1.30', rules: { 'schema-type': 'warning' } }),
      readConfigValues({ kubernetesVersion: '1.24', exclude: ['vendor/**'], rules: { 'schema-type': 'off', 'invalid-label': 'off' } }),
      bundled,
    );
    assert.equal(config.kubernetesVersion, '1.30');
    assert.equal(config.versionSource, 'config');
    assert.deepEqual(config.rules, { 'schema-type': 'warning', 'invalid-label': 'off' });
    assert.deepEqual(config.exclude, ['vendor/**']);
  });

  it('falls back with a clear message when a version is not bundled or not a version', () => {
    const newer = effectiveConfig(readConfigValues({ kubernetesVersion: '1.40' }), undefined, bundled);
    assert.equal(newer.kubernetesVersion, '1.35');
    assert.equal(newer.problems[0]!.kind, 'version-not-bundled');
    const older = effectiveConfig(undefined, readConfigValues({ kubernetesVersion: '1.19' }), bundled);
    assert.equal(older.kubernetesVersion, '1.23');
    assert.match(older.settingsProblems[0]!, /driftless\.kubernetesVersion: Kubernetes 1\.19 is not bundled/);
    const garbage = effectiveConfig(undefined, readConfigValues({ kubernetesVersion: 'latest' }), bundled);
    assert.equal(garbage.kubernetesVersion, '1.35');
    assert.match(garbage.settingsProblems[0]!, /"latest" is not a Kubernetes version/);
  });

  it('ignores an unquoted number (1.30 would read as 1.3); the schema asks for a string', () => {
    assert.equal(readConfigValues({ kubernetesVersion: 1.3 }).kubernetesVersion, undefined);
  });

  it('is read identically by every consumer through Project: version and rule severities apply', () => {
    const root = temporaryFolder('driftless-config-');
    writeFileSync(
      join(root, '.driftless.yaml'),
      'kubernetesVersion: "1.24"\nrules:\n  deprecated-api-version: error\n  invalid-label: off\n',
    );
    const project = new Project(root, schemaFiles);
    assert.equal(project.config.kubernetesVersion, '1.24');
    const found = validate(
      'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\n  labels: {a: "b c"}\nspec: {minAvailable: 1}\n',
      {
        project,
        path: join(root, 'pdb.yaml'),
      },
    );
    assert.deepEqual(summary(found), ['deprecated-api-version@1']);
    assert.equal(found[0]!.severity, 'error');
  });

  it('excludes files by glob when finding YAML', () => {
    const root = temporaryFolder('driftless-exclude-');
    writeFileSync(join(root, '.driftless.yaml'), 'exclude: ["vendor/**"]\n');
    for (const dir of ['vendor', 'apps']) {
      mkdirSync(join(root, dir));
      writeFileSync(join(root, dir, 'a.yaml'), 'a: 1\n');
    }
    const files = new Project(root, schemaFiles).yamlFiles().map((f) => f.slice(root.length + 1));
    assert.deepEqual(files, ['.driftless.yaml', 'apps/a.yaml']);
  });
});
