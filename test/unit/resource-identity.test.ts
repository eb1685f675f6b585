import { strict as assert } from 'node:assert';
import { summary, validate, yaml } from '../helpers/engine';

describe('resource identity: apiVersion, kind and their lifecycle', () => {
  it('flags a removed apiVersion as an error naming the replacement, for the target version', () => {
    const pdb =
      'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {minAvailable: 1, selector: {matchLabels: {a: b}}}\n';
    const removed = validate(pdb, { kubernetesVersion: '1.25' });
    assert.deepEqual(summary(removed), ['removed-api-version@1']);
    assert.equal(
      removed[0]!.message,
      'policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25; the target is Kubernetes 1.25. Use policy/v1 instead.',
    );
    const deprecated = validate(pdb, { kubernetesVersion: '1.24' });
    assert.deepEqual(summary(deprecated), ['deprecated-api-version@1']);
    assert.equal(deprecated[0]!.severity, 'warning');
    assert.match(deprecated[0]!.message, /deprecated since Kubernetes 1.21 and will be removed in 1.25\. Use policy\/v1 instead\./);
  });

  it('flags a misspelt built-in kind with a suggestion, and a kind in the wrong group with its home', () => {
    const typo = validate('apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: a}\n');
    assert.deepEqual(summary(typo), ['unknown-kind@2']);
    assert.match(typo[0]!.message, /apps\/v1 has no kind `Deploymnet` in Kubernetes 1\.31\. Did you mean `Deployment`\?/);
    const lower = validate('apiVersion: v1\nkind: configmap\nmetadata: {name: a}\n');
    assert.match(lower[0]!.message, /Did you mean `ConfigMap`\?/);
    const wrongGroup = validate('apiVersion: v1\nkind: Deployment\nmetadata: {name: a}\n');
    assert.match(wrongGroup[0]!.message, /Deployment is served as apps\/v1/);
    const version = validate('apiVersion: apps/v2\nkind: Deployment\nmetadata: {name: a}\n');
    assert.deepEqual(summary(version), ['unknown-kind@1']);
    assert.match(version[0]!.message, /does not serve apps\/v2; it serves apps\/v1/);
  });

  it('gives a custom resource no schema knows one informational hint, never an error', () => {
    const found = validate('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {anything: goes}\n');
    assert.deepEqual(summary(found), ['unknown-custom-resource@2']);
    assert.equal(found[0]!.severity, 'info');
  });

  it('flags missing apiVersion or kind only on documents that look like resources', () => {
    assert.deepEqual(summary(validate('kind: ConfigMap\nmetadata: {name: a}\n')), ['missing-api-version@1']);
    assert.deepEqual(summary(validate('apiVersion: v1\nmetadata: {name: a}\n')), ['missing-kind@1']);
    assert.deepEqual(validate('kind: sedan\ncolour: red\n'), []);
    assert.deepEqual(validate('name: build\non: [push]\njobs: {}\n'), []);
  });

  it('validates each item of a List', () => {
    const found = validate(yaml`
      apiVersion: v1
      kind: List
      items:
        - apiVersion: v1
          kind: ConfigMap
          metadata: {name: ok}
        - apiVersion: v1
          kind: ConfigMap
          metadata: {name: Bad_Name}
    `);
    assert.deepEqual(summary(found), ['invalid-name@9']);
  });

  it('leaves kustomize plugin configuration (apiVersion: builtin) alone', () => {
    assert.deepEqual(validate('apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: l}\nlabels: {a: b}\n'), []);
  });
});
