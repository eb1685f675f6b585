import { strict as assert } from 'node:assert';
import { completeAt } from '../../server/src/engine/language/completion';
import type { SchemaContext } from '../../server/src/engine/language/document-schema';
import { hoverAt } from '../../server/src/engine/language/hover';
import { quickFixes } from '../../server/src/engine/language/quick-fixes';
import { resourceSymbols } from '../../server/src/engine/language/symbols';
import { LineIndex } from '../../server/src/engine/yaml/line-index';
import { parseDocuments } from '../../server/src/engine/yaml/parse-documents';
import { projectFor, validate, withCursor } from '../helpers/engine';

const project = projectFor('1.31');
const context = (path = '/w/app.yaml'): SchemaContext => ({
  catalog: project.catalog,
  kubernetesVersion: '1.31',
  host: project,
  facts: { path },
});

function complete(marked: string, path?: string) {
  const { text, offset } = withCursor(marked);
  return completeAt(text, parseDocuments(text), offset, context(path));
}

function hover(marked: string) {
  const { text, offset } = withCursor(marked);
  return hoverAt(parseDocuments(text), offset, context());
}

const DEPLOYMENT_HEAD =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n';

describe('editing help', () => {
  describe('completion', () => {
    it('offers the keys a container may have, not those already present, required ones first', () => {
      const items = complete(DEPLOYMENT_HEAD + '        - name: web\n          image: nginx\n          |\n');
      const labels = items.map((i) => i.label);
      assert.ok(labels.includes('ports') && labels.includes('resources') && labels.includes('imagePullPolicy'));
      assert.ok(!labels.includes('name') && !labels.includes('image'));
      const ports = items.find((i) => i.label === 'ports')!;
      assert.equal(ports.insertText, 'ports:\n  - containerPort: ${1}');
      assert.match(ports.documentation ?? '', /List of ports to expose/);
    });

    it('completes a partly typed key and replaces the whole word', () => {
      const marked = DEPLOYMENT_HEAD + '        - name: web\n          imagePu|\n';
      const items = complete(marked);
      const item = items.find((i) => i.label === 'imagePullPolicy')!;
      assert.equal(item.insertText, 'imagePullPolicy: ${1|Always,Never,IfNotPresent|}');
      const { offset } = withCursor(marked);
      assert.equal(item.replaceStart, offset - 'imagePu'.length);
    });

    it('offers the first key of a new list item', () => {
      const labels = complete(DEPLOYMENT_HEAD + '        - |\n').map((i) => i.label);
      assert.ok(labels.includes('name') && labels.includes('image'));
    });

    it('offers enum values and booleans', () => {
      assert.deepEqual(
        complete(DEPLOYMENT_HEAD + '        - name: web\n          imagePullPolicy: |\n').map((i) => i.label),
        ['Always', 'Never', 'IfNotPresent'],
      );
      assert.deepEqual(
        complete(DEPLOYMENT_HEAD + '        - name: web\n          stdin: |\n').map((i) => i.label),
        ['true', 'false'],
      );
    });

    it('offers apiVersions (those serving the kind first) and kinds for an apiVersion', () => {
      const versions = complete('apiVersion: |\nkind: Deployment\n');
      assert.ok(versions.some((i) => i.label === 'apps/v1' && i.sortText!.startsWith('0')));
      assert.ok(versions.some((i) => i.label === 'v1' && i.sortText!.startsWith('1')));
      assert.ok(versions.some((i) => i.label === 'argoproj.io/v1alpha1'));
      const kinds = complete('apiVersion: apps/v1\nkind: |\n').map((i) => i.label);
      assert.deepEqual(kinds.sort(), ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet']);
    });

    it('offers new-resource skeletons in an empty document', () => {
      const items = complete('|');
      const deployment = items.find((i) => i.label === 'Deployment (apps/v1)')!;
      assert.equal(deployment.kind, 'skeleton');
      assert.match(deployment.insertText, /^apiVersion: apps\/v1\nkind: Deployment\nmetadata:/);
      const skeletonText = deployment.insertText.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1');
      assert.deepEqual(validate(skeletonText), [], 'a filled-in skeleton is a valid resource');
    });

    it('completes keys of kustomization.yaml from its schema', () => {
      const labels = complete('resources: [a.yaml]\nname|\n', '/w/kustomization.yaml').map((i) => i.label);
      assert.ok(labels.includes('namePrefix') && labels.includes('nameSuffix'));
    });
  });

  describe('hover', () => {
    it('describes a field: type, required, description and source', () => {
      const result = hover(DEPLOYMENT_HEAD.replace('spec:\n  selector', 'spec:\n  repl|icas: 2\n  selector'));
      assert.ok(result);
      assert.match(result.markdown, /^\*\*replicas\*\* · `integer`/);
      assert.match(result.markdown, /Number of desired pods/);
      assert.match(result.markdown, /Kubernetes 1\.31 · apps\/v1 Deployment/);
      const required = hover(DEPLOYMENT_HEAD + '        - na|me: web\n');
      assert.match(required!.markdown, /`string` · required/);
    });

    it('says when a field is deprecated', () => {
      const result = hover(
        DEPLOYMENT_HEAD.replace('    spec:\n      containers:\n', '    spec:\n      serviceAcc|ount: web\n      containers:\n'),
      );
      assert.match(result!.markdown, /^\*\*serviceAccount\*\* · `string`\n\n\*\*Deprecated\.\*\*/);
      const current = hover(
        DEPLOYMENT_HEAD.replace('    spec:\n      containers:\n', '    spec:\n      serviceAccountN|ame: web\n      containers:\n'),
      );
      assert.doesNotMatch(current!.markdown, /Deprecated/);
    });

    it('lists allowed values', () => {
      const result = hover(DEPLOYMENT_HEAD + '        - name: web\n          imagePullPol|icy: Always\n');
      assert.match(result!.markdown, /Allowed values: `Always`, `Never`, `IfNotPresent`/);
    });

    it('tells when an apiVersion is removed and what replaces it', () => {
      const result = hover('apiVersion: policy/v1be|ta1\nkind: PodDisruptionBudget\n');
      assert.match(result!.markdown, /\*\*Removed\*\* in Kubernetes 1\.25 \(target: 1\.31\)\. Use `policy\/v1`\./);
    });
  });

  it('still helps in a document whose value cannot be made (an alias to no anchor while typing)', () => {
    const broken = DEPLOYMENT_HEAD + '        - name: web\n          image: *img\n';
    assert.ok(complete(broken + '          |\n').length > 0, 'completion offers keys');
    assert.match(hover(broken + '  replic|as: 2\n')?.markdown ?? '', /Number of desired pods/);
  });

  it('outlines one symbol per resource, "Kind name"', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec: {ports: [{port: 80}]}\n';
    const result = project.validateText('/w/a.yaml', text);
    const symbols = resourceSymbols(result.report.documents);
    assert.deepEqual(
      symbols.map((s) => [s.name, s.detail, result.lines.positionAt(s.start).line, result.lines.positionAt(s.selectionStart).line]),
      [
        ['ConfigMap settings', 'shop · v1', 0, 3],
        ['Service web', 'v1', 6, 9],
      ],
    );
  });

  describe('quick fixes', () => {
    function fixesFor(text: string, rule: string) {
      const diagnostic = validate(text).find((f) => f.rule === rule)!.diagnostic;
      const documents = parseDocuments(text);
      return quickFixes(diagnostic, text, new LineIndex(text), documents, { catalog: project.catalog, kubernetesVersion: '1.31' }).map(
        (fix) => ({
          title: fix.title,
          result: fix.edits.reduceRight((out, e) => out.slice(0, e.start) + e.newText + out.slice(e.end), text),
        }),
      );
    }

    it('renames a misspelt key', () => {
      const [rename] = fixesFor(DEPLOYMENT_HEAD + '        - name: web\n          imagePullPolicty: Always\n', 'schema-unknown-field');
      assert.equal(rename!.title, 'Rename to `imagePullPolicy`');
      assert.match(rename!.result, /\n {10}imagePullPolicy: Always\n/);
    });

    it('fixes the case of an enum value', () => {
      const [fix] = fixesFor(DEPLOYMENT_HEAD + '        - name: web\n          imagePullPolicy: always\n', 'schema-enum');
      assert.match(fix!.result, /imagePullPolicy: Always\n/);
    });

    it('adds a missing required field at the right indentation', () => {
      const [fix] = fixesFor(
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - image: nginx\n      ports: []\n',
        'schema-required',
      );
      assert.equal(fix!.title, 'Add required field `name`');
      assert.match(fix!.result, /\n {4}- image: nginx\n {6}ports: \[\]\n {6}name: \n/);
    });

    it('migrates a removed apiVersion only when the object is valid under the replacement', () => {
      const pdb =
        'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec:\n  minAvailable: 1\n  selector: {matchLabels: {app: web}}\n';
      const [migrate] = fixesFor(pdb, 'removed-api-version');
      assert.equal(migrate!.title, 'Change apiVersion to policy/v1');
      assert.match(migrate!.result, /^apiVersion: policy\/v1\n/);
      const ingress =
        'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  backend: {serviceName: web, servicePort: 80}\n';
      assert.deepEqual(
        fixesFor(ingress, 'removed-api-version').map((f) => f.title),
        ['Disable removed-api-version for this line'],
        'the v1 Ingress schema has no serviceName: no blind migration',
      );
    });

    it('offers to disable the rule for the line', () => {
      const fixes = fixesFor(DEPLOYMENT_HEAD + '        - name: web\n          imagePullPolicy: always\n', 'schema-enum');
      const disable = fixes.find((f) => f.title === 'Disable schema-enum for this line')!;
      assert.match(disable.result, /\n {10}# driftless-disable-next-line schema-enum\n {10}imagePullPolicy: always\n/);
      assert.deepEqual(validate(disable.result), []);
    });
  });
});
