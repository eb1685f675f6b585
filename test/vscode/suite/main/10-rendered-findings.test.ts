// What each environment really receives, checked in the editor: the server renders the environments in the background
// with the configured kubectl and helm and shows what a rendered object would have rejected on the line that causes
// it (an overlay's patch, a chart's values key), and takes it back once the fix is saved.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { skipWithReason } from '../../../helpers/skips';
import { driftless, fileIn, folder, open, ruleOf, severityOf, until, waitForDiagnostics, waitForRule, writeFile, yaml } from '../helpers';

const PATCH = yaml(
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: worker',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: worker',
  '          resources:',
  '            requests:',
  '              memory: 2Gi',
);

describe('findings of rendered output', function () {
  before(async function () {
    if (!vscode.workspace.getConfiguration('driftless').get<string>('kubectlPath'))
      skipWithReason(this, 'no kubectl for this platform (the LSP test of rendered findings says why)');
    await driftless();
  });

  it("shows the overlay patch line that raises a container's memory request above the base's limit, until it is fixed", async function () {
    const base = 'sandbox/rendered/base';
    const overlay = 'sandbox/rendered/production';
    try {
      await writeFile(fileIn('sample-repo', `${base}/kustomization.yaml`), 'resources: [worker.yaml]\n');
      await writeFile(
        fileIn('sample-repo', `${base}/worker.yaml`),
        yaml(
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata:',
          '  name: worker',
          'spec:',
          '  selector: {matchLabels: {app: worker}}',
          '  template:',
          '    metadata: {labels: {app: worker}}',
          '    spec:',
          '      containers:',
          '        - name: worker',
          '          image: ghcr.io/example/worker:1.4.2',
          '          resources: {limits: {memory: 1Gi}}',
        ),
      );
      await writeFile(
        fileIn('sample-repo', `${overlay}/kustomization.yaml`),
        'resources: [../base]\nnamePrefix: prod-\npatches:\n  - path: memory.yaml\n',
      );
      const patch = await writeFile(fileIn('sample-repo', `${overlay}/memory.yaml`), PATCH);
      await open(patch);
      const finding = await waitForRule(patch, 'requests-exceed-limits', 12);
      assert.equal(severityOf(finding), 'error');
      assert.equal(finding.range.start.character, 'memory: '.length + 14);
      assert.match(finding.message, /\(Deployment prod-worker, as rendered for sandbox\/rendered\/production\)$/);

      await writeFile(patch, PATCH.replace('memory: 2Gi', 'memory: 512Mi'));
      await waitForDiagnostics(patch, (ds) => !ds.some((d) => ruleOf(d) === 'requests-exceed-limits'), 'the finding to go');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(fileIn('sample-repo', 'sandbox/rendered'), { recursive: true });
    }
  });

  it('shows the values key a chart template reads, in the environment’s values file', async function () {
    const config = fileIn('sample-repo', '.driftless.yaml');
    const original = (await vscode.workspace.fs.readFile(config)).toString();
    const chart = 'sandbox/rendered-chart';
    try {
      await writeFile(fileIn('sample-repo', `${chart}/Chart.yaml`), 'apiVersion: v2\nname: jobs\nversion: 0.1.0\n');
      await writeFile(fileIn('sample-repo', `${chart}/values.yaml`), 'workers: 2\n');
      await writeFile(
        fileIn('sample-repo', `${chart}/templates/deployment.yaml`),
        yaml(
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata: {name: "{{ .Release.Name }}"}',
          'spec:',
          '  replicas: {{ .Values.workers }}',
          '  selector: {matchLabels: {app: jobs}}',
          '  template:',
          '    metadata: {labels: {app: jobs}}',
          '    spec: {containers: [{name: jobs, image: "ghcr.io/example/jobs:2.0.1"}]}',
        ),
      );
      const values = await writeFile(fileIn('sample-repo', `${chart}/values-production.yaml`), '# Production sizing\nworkers: many\n');
      await writeFile(
        config,
        original +
          yaml('  - name: jobs-production', '    source:', `      chart: ${chart}`, `      valuesFiles: [${chart}/values-production.yaml]`),
      );
      await open(values);
      const finding = await waitForRule(values, 'schema-type', 2);
      assert.equal(finding.range.start.character, 'workers: '.length);
      assert.match(finding.message, /`replicas` must be an integer.*\(Deployment jobs-production, as rendered for jobs-production\)$/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await writeFile(config, original);
      await vscode.workspace.fs.delete(fileIn('sample-repo', chart), { recursive: true });
    }
  });

  it('Open Rendered Manifests on a kustomization file (explorer, editor title) shows what its folder renders to', async function () {
    await vscode.commands.executeCommand('driftless.openRendered', fileIn('sample-repo', 'apps/overlays/production/kustomization.yaml'));
    const editor = await until('the rendered document', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.scheme === 'driftless-rendered' && active.document.getText().includes('kind:') ? active : undefined;
    });
    const text = editor.document.getText();
    assert.match(text, /^# (sample-repo\/)?apps\/overlays\/production\/kustomization\.yaml, rendered by /);
    assert.match(text, /namespace: shop-production/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('the Driftless output channel logs the render’s tool run, and never the Secret it renders', async function () {
    const secret = 's3cr3t-In-The-Log-Never';
    const folder = 'sandbox/secret-app';
    const kustomization = fileIn('sample-repo', `${folder}/kustomization.yaml`);
    await writeFile(kustomization, yaml('secretGenerator:', `  - {name: credentials, literals: ["password=${secret}"]}`));
    try {
      await vscode.commands.executeCommand('driftless.openRendered', kustomization);
      await until('the rendered Secret', () => {
        const active = vscode.window.activeTextEditor;
        return active?.document.uri.scheme === 'driftless-rendered' && active.document.getText().includes('kind: Secret')
          ? true
          : undefined;
      });
      await vscode.commands.executeCommand('driftless.showOutput');
      // The Output panel shows a channel as a document of the `output` scheme; its text is the log.
      const log = await until('the render’s run in the log', () => {
        const text = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && d.uri.path.endsWith('.Driftless'))?.getText();
        return text && /ran \S*kubectl kustomize \S*secret-app \(kustomize v\d+\.\d+\.\d+\S*\): exit 0 after \d+ ms/.test(text)
          ? text
          : undefined;
      });
      assert.match(log, /Indexed .*: \d+ files, \d+ resources/);
      assert.ok(!log.includes(secret), 'the Secret value is in the log');
      assert.ok(!log.includes(Buffer.from(secret).toString('base64')), 'the Secret value (base64) is in the log');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closePanel');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(fileIn('sample-repo', folder), { recursive: true });
    }
  });
});

describe('the rendered document', function () {
  it('is titled after the environment, has an outline, hover, code lenses and Go to source to the patch line', async function () {
    if (!vscode.workspace.getConfiguration('driftless').get<string>('kubectlPath'))
      skipWithReason(this, 'no kubectl for this platform (the LSP rendered-document test says why)');
    await driftless();
    // A value the API server refuses, in the production patch: the rendered document shows it where it is rendered.
    const patch = fileIn('sample-repo', 'apps/overlays/production/deployment-patch.yaml');
    const original = (await vscode.workspace.fs.readFile(patch)).toString();
    await writeFile(patch, original.replace('cpu: 100m', 'cpu: 100x'));
    try {
      await vscode.commands.executeCommand('driftless.openRendered', {
        environment: { name: 'apps/overlays/production' },
        root: folder('sample-repo').uri.fsPath,
      });
      const editor = await until('the rendered document', () => {
        const active = vscode.window.activeTextEditor;
        return active?.document.uri.scheme === 'driftless-rendered' && active.document.getText().includes('cpu: 100x') ? active : undefined;
      });
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      assert.equal(tab?.label, 'apps∕overlays∕production (rendered)');
      const document = editor.document;
      const symbols = await until('the outline', async () => {
        const found = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
        return found?.length ? found : undefined;
      });
      assert.ok(
        symbols.some((s) => s.name === 'Deployment frontend' && s.detail === 'shop-production'),
        JSON.stringify(symbols.map((s) => s.name)),
      );
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
      assert.equal(lenses.length, symbols.length);
      assert.ok(lenses.every((lens) => lens.command?.command === 'driftless.goToRenderedSource'));

      const cpu = document.positionAt(document.getText().indexOf('cpu: 100x') + 'cpu: '.length);
      const squiggle = await until('the rendered finding', () =>
        vscode.languages.getDiagnostics(document.uri).find((d) => d.range.start.line === cpu.line),
      );
      assert.equal(squiggle.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(squiggle.source, 'driftless (rendered)');
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, cpu);
      // Markdown as written: plain text escaped (spaces as &nbsp;, punctuation with backslashes).
      const hoverText = hovers
        .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
        .join('\n')
        .replace(/&nbsp;/g, ' ')
        .replace(/\\/g, '');
      assert.match(hoverText, /Deployment frontend/);
      assert.ok(hoverText.indexOf(squiggle.message.slice(0, 20)) < hoverText.indexOf('Deployment frontend'), 'the finding first');
      assert.match(hoverText, /Go to source/);

      // Go to Definition on the patched value: the patch's line.
      const definitions = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
        'vscode.executeDefinitionProvider',
        document.uri,
        cpu,
      );
      const target = definitions[0];
      const uri = target && ('targetUri' in target ? target.targetUri : target.uri);
      const range = target && ('targetRange' in target ? target.targetRange : target.range);
      assert.equal(uri?.fsPath, fileIn('sample-repo', 'apps/overlays/production/deployment-patch.yaml').fsPath);
      const patchText = (await vscode.workspace.openTextDocument(uri)).lineAt(range!.start.line).text;
      assert.match(patchText, /cpu: 100x/);

      // The object's lens: where it is written (the base resource), opened.
      const deployment = symbols.find((s) => s.name === 'Deployment frontend')!;
      await vscode.commands.executeCommand('driftless.goToRenderedSource', document.uri.toString(), deployment.range.start.line);
      const opened = await until('the base resource opened', () =>
        vscode.window.activeTextEditor?.document.uri.fsPath === fileIn('sample-repo', 'apps/base/deployment.yaml').fsPath
          ? vscode.window.activeTextEditor
          : undefined,
      );
      assert.match(opened.document.lineAt(opened.selection.active.line).text, /name: frontend/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await writeFile(patch, original);
    }
  });
});
