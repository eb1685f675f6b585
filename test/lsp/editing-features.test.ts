// The editing features over the protocol: hover, completion, document symbols, code actions and the
// driftless/documentStatus request, each checked against exact positions and edits.
import assert from 'node:assert/strict';
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  InsertTextFormat,
  type CompletionItem,
} from 'vscode-languageserver-protocol';
import { applyEdits, brief, BUNDLED_KUBERNETES, changesOf, codes, FixtureWorkspace, rangeText, ServerSession, yaml } from './harness';

const { Error: ERROR } = DiagnosticSeverity;

const NEWEST_KUBERNETES = BUNDLED_KUBERNETES.newest;

function markdownOf(hover: Awaited<ReturnType<ServerSession['hover']>>): string {
  assert.ok(hover, 'expected a hover');
  const contents = hover.contents;
  assert.ok(typeof contents === 'object' && 'kind' in contents, `expected MarkupContent, got ${JSON.stringify(contents)}`);
  assert.equal(contents.kind, 'markdown');
  return contents.value;
}

function labels(items: readonly CompletionItem[]): string[] {
  return items.map((i) => i.label);
}

function item(items: readonly CompletionItem[], label: string): CompletionItem {
  const found = items.find((i) => i.label === label);
  assert.ok(found, `no completion item "${label}" among ${JSON.stringify(labels(items))}`);
  return found;
}

function textEditOf(completion: CompletionItem): { range: string; newText: string } {
  const edit = completion.textEdit;
  assert.ok(edit && 'range' in edit, `"${completion.label}" has no plain textEdit`);
  return { range: rangeText(edit.range), newText: edit.newText };
}

/** A snippet with every placeholder replaced by its default (the first choice of a choice). */
function expandSnippet(snippet: string): string {
  return snippet
    .replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\{?\d+\}?/g, '');
}

describe('LSP editing features', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    workspace = FixtureWorkspace.create();
    server = await ServerSession.start(workspace);
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  describe('hover', function () {
    it('on a key: markdown with the field’s type and description', async function () {
      await server.open(
        'hover.yaml',
        yaml(
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata:',
          '  name: web',
          'spec:',
          '  replicas: 2',
          '  selector: {matchLabels: {app: web}}',
        ),
      );
      const hover = await server.hover('hover.yaml', { line: 5, character: 4 });
      const markdown = markdownOf(hover);
      assert.match(markdown, /^\*\*replicas\*\* · `integer`/);
      assert.match(markdown, /Number of desired pods\./);
      assert.match(markdown, new RegExp(`Kubernetes ${NEWEST_KUBERNETES.replace('.', '\\.')} · apps/v1 Deployment`));
      assert.equal(rangeText(hover!.range!), '5:2-5:10');
    });

    it('on the apiVersion of a removed API: says it is removed, since when, and the replacement', async function () {
      await server.open(
        'pdb.yaml',
        yaml('apiVersion: policy/v1beta1', 'kind: PodDisruptionBudget', 'metadata:', '  name: web', 'spec:', '  minAvailable: 1'),
      );
      const hover = await server.hover('pdb.yaml', { line: 0, character: 15 });
      const markdown = markdownOf(hover);
      assert.match(markdown, /`policy\/v1beta1` · PodDisruptionBudget/);
      assert.match(markdown, new RegExp(`\\*\\*Removed\\*\\* in Kubernetes 1\\.25 \\(target: ${NEWEST_KUBERNETES.replace('.', '\\.')}\\)`));
      assert.match(markdown, /Use `policy\/v1`/);
      assert.equal(rangeText(hover!.range!), '0:12-0:26');
    });

    it('on a value that is not in any schema: no hover', async function () {
      await server.open('plain.yaml', yaml('name: CI', 'on: [push]'));
      assert.equal(await server.hover('plain.yaml', { line: 0, character: 1 }), null);
    });
  });

  describe('completion', function () {
    const CONTAINER = yaml(
      'apiVersion: apps/v1', //  0
      'kind: Deployment', //  1
      'metadata:', //  2
      '  name: web', //  3
      'spec:', //  4
      '  selector:', //  5
      '    matchLabels:', //  6
      '      app: web', //  7
      '  template:', //  8
      '    metadata:', //  9
      '      labels:', // 10
      '        app: web', // 11
      '    spec:', // 12
      '      containers:', // 13
      '        - name: web', // 14
      '          ', // 15  the cursor: a blank line inside the container
      '          resources: {}', // 16
    );

    it('on a blank line in a container: the container’s keys, not those already there', async function () {
      await server.open('container.yaml', CONTAINER);
      const items = await server.completion('container.yaml', { line: 15, character: 10 });
      for (const expected of ['image', 'ports', 'imagePullPolicy', 'env', 'command']) assert.ok(labels(items).includes(expected), expected);
      for (const present of ['name', 'resources']) assert.ok(!labels(items).includes(present), `offers "${present}", already present`);
      const image = item(items, 'image');
      assert.equal(image.kind, CompletionItemKind.Property);
      assert.deepEqual(textEditOf(image), { range: '15:10-15:10', newText: 'image: $0' });
      assert.deepEqual(textEditOf(item(items, 'imagePullPolicy')), {
        range: '15:10-15:10',
        newText: 'imagePullPolicy: ${1|Always,Never,IfNotPresent|}',
      });
    });

    it('on a half-typed key: replaces what was typed', async function () {
      await server.edit('container.yaml', [
        { range: { start: { line: 15, character: 10 }, end: { line: 15, character: 10 } }, text: 'ima' },
      ]);
      const items = await server.completion('container.yaml', { line: 15, character: 13 });
      assert.deepEqual(textEditOf(item(items, 'image')), { range: '15:10-15:13', newText: 'image: $0' });
    });

    it('at `imagePullPolicy: `: Always, IfNotPresent and Never', async function () {
      await server.edit('container.yaml', [server.replace('container.yaml', 'ima\n', 'imagePullPolicy: \n')]);
      const items = await server.completion('container.yaml', { line: 15, character: 27 });
      assert.deepEqual([...labels(items)].sort(), ['Always', 'IfNotPresent', 'Never']);
      for (const value of items) {
        assert.equal(value.kind, CompletionItemKind.Value);
        assert.deepEqual(textEditOf(value), { range: '15:27-15:27', newText: value.label });
      }
    });

    it('at `apiVersion: `: the group/versions, those serving the document’s kind first', async function () {
      await server.open('identity.yaml', yaml('apiVersion: ', 'kind: Deployment', 'metadata:', '  name: web'));
      const items = await server.completion('identity.yaml', { line: 0, character: 12 });
      const apps = item(items, 'apps/v1');
      assert.deepEqual(textEditOf(apps), { range: '0:12-0:12', newText: 'apps/v1' });
      // apps/v1 is the only version serving Deployment: it sorts before every other.
      const sortKey = (i: CompletionItem) => i.sortText ?? i.label;
      const before = items.filter((i) => i !== apps && sortKey(i) <= sortKey(apps)).map((i) => i.label);
      assert.deepEqual(before, [], `sorted before apps/v1 (sortText ${apps.sortText})`);
    });

    it('at `kind: `: the kinds the apiVersion serves', async function () {
      await server.open('kind.yaml', yaml('apiVersion: apps/v1', 'kind: ', 'metadata:', '  name: web'));
      const items = await server.completion('kind.yaml', { line: 1, character: 6 });
      for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']) assert.ok(labels(items).includes(kind), kind);
      assert.ok(!labels(items).includes('Service'), 'Service is not served by apps/v1');
    });

    it('in an empty document: a Deployment skeleton that validates clean', async function () {
      await server.open('new.yaml', '');
      const items = await server.completion('new.yaml', { line: 0, character: 0 });
      const skeleton = item(items, 'Deployment (apps/v1)');
      assert.equal(skeleton.kind, CompletionItemKind.Snippet);
      assert.equal(skeleton.insertTextFormat, InsertTextFormat.Snippet);
      const edit = textEditOf(skeleton);
      assert.equal(edit.range, '0:0-0:0');
      assert.match(edit.newText, /^apiVersion: apps\/v1\nkind: Deployment\nmetadata:\n {2}name: \$\{1:name\}\n/);
      // Inserted with its defaults, the skeleton is a valid Deployment.
      const inserted = await server.open('skeleton.yaml', expandSnippet(edit.newText));
      assert.deepEqual(inserted.diagnostics, []);
    });
  });

  describe('document symbols', function () {
    it('one per resource, named `Kind name`, selecting the name', async function () {
      await server.open(
        'outline.yaml',
        yaml(
          'apiVersion: v1', //  0
          'kind: ConfigMap', //  1
          'metadata:', //  2
          '  name: settings', //  3
          'data: {mode: dev}', //  4
          '---', //  5
          'apiVersion: v1', //  6
          'kind: Service', //  7
          'metadata:', //  8
          '  name: web', //  9
          'spec:', // 10
          '  ports: [{port: 80}]', // 11
          '---', // 12
          'apiVersion: apps/v1', // 13
          'kind: Deployment', // 14
          'metadata:', // 15
          '  name: web-app', // 16
          '  namespace: prod', // 17
          'spec:', // 18
          '  selector: {matchLabels: {app: web}}', // 19
          '  template:', // 20
          '    metadata: {labels: {app: web}}', // 21
          '    spec: {containers: [{name: web, image: nginx}]}', // 22
        ),
      );
      const symbols = await server.symbols('outline.yaml');
      assert.deepEqual(
        symbols.map((s) => ({ name: s.name, range: rangeText(s.range), selection: rangeText(s.selectionRange) })),
        [
          { name: 'ConfigMap settings', range: '0:0-4:17', selection: '3:8-3:16' },
          { name: 'Service web', range: '6:0-11:21', selection: '9:8-9:11' },
          { name: 'Deployment web-app', range: '13:0-22:51', selection: '16:8-16:15' },
        ],
      );
      assert.equal(symbols[2]!.detail, 'prod · apps/v1');
    });
  });

  describe('code actions', function () {
    const TYPO = yaml(
      'apiVersion: apps/v1', //  0
      'kind: Deployment', //  1
      'metadata:', //  2
      '  name: web', //  3
      'spec:', //  4
      '  selector: {matchLabels: {app: web}}', //  5
      '  template:', //  6
      '    metadata: {labels: {app: web}}', //  7
      '    spec:', //  8
      '      contianers:', //  9
      '        - name: web', // 10
      '          image: nginx', // 11
    );

    it('renames the unknown field `contianers` to `containers`', async function () {
      const published = await server.open('typo.yaml', TYPO);
      const unknown = published.diagnostics.find((d) => d.code === 'schema-unknown-field');
      assert.ok(unknown, JSON.stringify(brief(published.diagnostics)));
      assert.equal(rangeText(unknown.range), '9:6-9:16');
      const actions = await server.codeActions('typo.yaml', [unknown]);
      const rename = actions.find((a) => a.title === 'Rename to `containers`');
      assert.ok(rename, JSON.stringify(actions.map((a) => a.title)));
      assert.equal(rename.kind, CodeActionKind.QuickFix);
      assert.equal(rename.isPreferred, true);
      assert.deepEqual(rename.edit?.changes?.[server.uri('typo.yaml')], [
        { range: { start: { line: 9, character: 6 }, end: { line: 9, character: 16 } }, newText: 'containers' },
      ]);
      // Applied, the fix leaves a valid Deployment.
      const fixed = await server.edit('typo.yaml', changesOf(rename, server.uri('typo.yaml')));
      assert.deepEqual(fixed.diagnostics, []);
    });

    it('changes `imagePullPolicy: always` to `Always`', async function () {
      const text = TYPO.replace('contianers', 'containers').replace('image: nginx\n', 'image: nginx\n          imagePullPolicy: always\n');
      const published = await server.open('enum.yaml', text);
      assert.deepEqual(brief(published.diagnostics), [{ code: 'schema-enum', severity: ERROR, range: '12:27-12:33' }]);
      const actions = await server.codeActions('enum.yaml', published.diagnostics);
      const fix = actions.find((a) => a.isPreferred);
      assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
      assert.equal(fix.title, 'Change to "Always"');
      assert.deepEqual(fix.edit?.changes?.[server.uri('enum.yaml')], [
        { range: { start: { line: 12, character: 27 }, end: { line: 12, character: 33 } }, newText: 'Always' },
      ]);
      assert.equal(applyEdits(text, fix, server.uri('enum.yaml')), text.replace('always', 'Always'));
    });

    it('fixes the right place in the second document of a file', async function () {
      const text = yaml(
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: settings}',
        '---',
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: web',
        'spec:',
        '  ports:',
        '    - port: 80',
        '      protcol: TCP',
      );
      const published = await server.open('second.yaml', text);
      assert.deepEqual(brief(published.diagnostics), [{ code: 'schema-unknown-field', severity: ERROR, range: '11:6-11:13' }]);
      const actions = await server.codeActions('second.yaml', published.diagnostics);
      const rename = actions.find((a) => a.title === 'Rename to `protocol`');
      assert.ok(rename, JSON.stringify(actions.map((a) => a.title)));
      assert.equal(applyEdits(text, rename, server.uri('second.yaml')), text.replace('protcol', 'protocol'));
    });

    it('offers “Disable <rule> for this line” for every diagnostic, inserting the directive with the line’s indent', async function () {
      const text = yaml(
        'apiVersion: apps/v1', //  0
        'kind: Deployment', //  1
        'metadata:', //  2
        '  name: web', //  3
        'spec:', //  4
        '  replicas: "two"', //  5  schema-type
        '  selector: {matchLabels: {app: web}}', //  6
        '  template:', //  7
        '    metadata: {labels: {app: web}}', //  8
        '    spec:', //  9
        '      containers:', // 10
        '        - name: web', // 11
        '          image: nginx', // 12
        '          imagePullPolicy: sometimes', // 13  schema-enum
        '          colour: blue', // 14  schema-unknown-field
        '---', // 15
        'a: [b', // 16  yaml-syntax (at the end of the document)
      );
      const uri = server.uri('disable.yaml');
      const published = await server.open('disable.yaml', text);
      assert.deepEqual(codes(published.diagnostics), ['schema-type', 'schema-enum', 'schema-unknown-field', 'yaml-syntax']);
      for (const diagnostic of published.diagnostics) {
        const actions = await server.codeActions('disable.yaml', [diagnostic]);
        const title = `Disable ${String(diagnostic.code)} for this line`;
        const disable = actions.find((a) => a.title === title);
        assert.ok(disable, `${title}: not among ${JSON.stringify(actions.map((a) => a.title))}`);
        assert.equal(disable.kind, CodeActionKind.QuickFix);
        assert.deepEqual(disable.diagnostics, [diagnostic]);
        const line = diagnostic.range.start.line;
        const indent = /^ */.exec(text.split('\n')[line]!)![0];
        assert.deepEqual(disable.edit?.changes?.[uri], [
          {
            range: { start: { line, character: 0 }, end: { line, character: 0 } },
            newText: `${indent}# driftless-disable-next-line ${String(diagnostic.code)}\n`,
          },
        ]);
      }
      // Applied, the directive silences that finding and no other.
      const enumFinding = published.diagnostics.find((d) => d.code === 'schema-enum')!;
      const disable = (await server.codeActions('disable.yaml', [enumFinding])).find((a) => a.title.startsWith('Disable'))!;
      const edited = await server.edit('disable.yaml', changesOf(disable, uri));
      assert.deepEqual(codes(edited.diagnostics), ['schema-type', 'schema-unknown-field', 'yaml-syntax']);
    });
  });

  describe('driftless/documentStatus', function () {
    it('returns the Kubernetes version, where it came from, and the schema sources of the document’s resources', async function () {
      await server.open(
        'status.yaml',
        yaml(
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata: {name: web}',
          '---',
          'apiVersion: v1',
          'kind: Service',
          'metadata: {name: web}',
          '---',
          'apiVersion: argoproj.io/v1alpha1',
          'kind: Application',
          'metadata: {name: web}',
        ),
      );
      const { index, ...status } = (await server.documentStatus('status.yaml'))!;
      // The index counts the workspace's resources (this file's Application among them) once every file is read.
      assert.ok(!index.complete || index.resources >= 1, JSON.stringify(index));
      assert.deepEqual(status, {
        kubernetesVersion: NEWEST_KUBERNETES,
        versionSource: 'default',
        schemaSources: [`Kubernetes ${NEWEST_KUBERNETES}`, 'bundled CRD (argo-cd)'],
        bundledVersions: BUNDLED_KUBERNETES.versions,
      });
    });

    it('answers null for a document that is not open', async function () {
      assert.equal(await server.documentStatus('never-opened.yaml'), null);
    });
  });
});
