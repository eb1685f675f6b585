// What the repository as a whole gives the user in the editor: which environments apply a resource (code lens),
// rename across files, names completed from the workspace, policies with their quick fix, and a Service that selects
// nothing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import {
  driftless,
  fileIn,
  folder,
  open,
  positionOf,
  ruleOf,
  severityOf,
  until,
  waitForDiagnostics,
  waitForRule,
  writeFile,
  yaml,
} from '../helpers';
import { skipWithReason } from '../../../helpers/skips';

/** apps/base/service.yaml's first line (0-based): its `apiVersion:`. */
const FIRST_LINE_OF_SERVICE = 0;

describe('the repository as a whole', function () {
  before(async function () {
    await driftless();
  });

  it('a code lens over a base resource names the environments that apply it, and peeks them', async function () {
    const uri = fileIn('sample-repo', 'apps/base/service.yaml');
    await open(uri);
    const lenses = await until('the code lens of the Service', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return found.length ? found : undefined;
    });
    const title = lenses[0]!.command?.title ?? '';
    assert.match(title, /^Applied by 2 environments: /);
    // Plain text (a lens shows no Markdown), on the resource's first line rather than above `name:`.
    assert.match(title, /Flux Kustomization apps\b/);
    assert.doesNotMatch(title, /`/);
    assert.match(title, /apps\/overlays\/production/);
    assert.equal(lenses[0]!.range.start.line, FIRST_LINE_OF_SERVICE);
    // The lens's command opens the peek of the environments without failing.
    await vscode.commands.executeCommand(lenses[0]!.command!.command, ...((lenses[0]!.command!.arguments ?? []) as unknown[]));
    await vscode.commands.executeCommand('closeReferenceSearch');
  });

  it('renaming a Service renames the Ingress backends that send to it', async function () {
    const uri = fileIn('sample-repo', 'apps/base/service.yaml');
    const editor = await open(uri);
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>(
      'vscode.executeDocumentRenameProvider',
      uri,
      positionOf(editor.document, 4, 'frontend', 2),
      'storefront',
    );
    const files = edit.entries().map(([file, edits]) => `${vscode.workspace.asRelativePath(file, false)} ×${edits.length}`);
    assert.ok(files.includes('apps/base/service.yaml ×1'), JSON.stringify(files));
    assert.ok(
      files.some((f) => f.startsWith('apps/base/ingress.yaml')),
      JSON.stringify(files),
    );
    assert.ok(edit.entries().every(([, edits]) => edits.every((e) => e.newText === 'storefront')));
  });

  it('completes a ConfigMap name from what the repository defines', async function () {
    const uri = fileIn('sample-repo', 'sandbox/missing-configmap.yaml');
    const editor = await open(uri);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      uri,
      positionOf(editor.document, 21, 'report-settings', 'report-settings'.length),
    );
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('frontend-config'), JSON.stringify(labels));
  });

  it('a privileged container: a policy warning whose quick fix turns it off; a Service selecting no pod is flagged', async function () {
    // In a kustomization of its own: the repository as a whole has an ApplicationSet, whose pods nobody can see.
    const kustomization = fileIn('sample-repo', 'sandbox/debug/kustomization.yaml');
    await writeFile(kustomization, 'resources: [policy-check.yaml]\n');
    const uri = fileIn('sample-repo', 'sandbox/debug/policy-check.yaml');
    await writeFile(
      uri,
      yaml(
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: debug, namespace: sandbox}',
        'spec:',
        '  selector: {matchLabels: {app: debug}}',
        '  template:',
        '    metadata: {labels: {app: debug}}',
        '    spec:',
        '      containers:',
        '        - name: shell',
        '          image: busybox:1.37',
        '          resources: {limits: {memory: 64Mi}}',
        '          securityContext:',
        '            privileged: true',
        '---',
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: debug, namespace: sandbox}',
        'spec:',
        '  selector: {app: debgu}',
        '  ports: [{port: 80}]',
      ),
    );
    try {
      const editor = await open(uri);
      const privileged = await waitForRule(uri, 'privileged-container', 14);
      assert.equal(severityOf(privileged), 'warning');
      const unmatched = await waitForRule(uri, 'unmatched-selector', 20);
      assert.match(unmatched.message, /Deployment `debug` has `app: debug`/);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        privileged.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const fix = actions.find((a) => a.title === 'Set `privileged: false`');
      assert.ok(fix?.edit, JSON.stringify(actions.map((a) => a.title)));
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.equal(editor.document.lineAt(13).text.trim(), 'privileged: false');
      await waitForDiagnostics(uri, (ds) => !ds.some((d) => ruleOf(d) === 'privileged-container'), 'the policy warning to go');
      await vscode.commands.executeCommand('workbench.action.files.revert');
    } finally {
      await vscode.workspace.fs.delete(fileIn('sample-repo', 'sandbox/debug'), { recursive: true });
    }
  });

  it('a Flux Kustomization’s path links to the overlay it builds', async function () {
    const uri = fileIn('sample-repo', 'clusters/staging/apps.yaml');
    const editor = await open(uri);
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri);
    const shown = links.map((l) => [editor.document.getText(l.range), vscode.workspace.asRelativePath(l.target!, false)]);
    assert.deepEqual(shown, [['./apps/overlays/staging', 'apps/overlays/staging/kustomization.yaml']]);
  });

  it('a values file that breaks the chart’s values.schema.json, and the same object twice in a build', async function () {
    const values = fileIn('sample-repo', 'charts/backend/values-broken.yaml');
    await writeFile(values, 'replicaCount: three\n');
    const kustomization = fileIn('sample-repo', 'sandbox/twice/kustomization.yaml');
    await writeFile(kustomization, 'resources: [a.yaml, b.yaml]\n');
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: sandbox\ndata: {A: "1"}\n';
    await writeFile(fileIn('sample-repo', 'sandbox/twice/a.yaml'), configMap);
    const b = await writeFile(fileIn('sample-repo', 'sandbox/twice/b.yaml'), configMap);
    try {
      await open(values);
      const broken = await waitForRule(values, 'helm-values-schema', 1);
      assert.equal(broken.message, '`replicaCount` must be an integer, got the string "three" (values.schema.json of chart `backend`).');
      await open(b);
      const twice = await waitForRule(b, 'duplicate-object', 4);
      assert.equal(severityOf(twice), 'error');
      assert.match(twice.message, /also in `sandbox\/twice\/a\.yaml`/);
    } finally {
      await vscode.workspace.fs.delete(values);
      await vscode.workspace.fs.delete(fileIn('sample-repo', 'sandbox/twice'), { recursive: true });
    }
  });

  it('the Environments view in the Driftless sidebar lists each folder’s environments, the declared one refined', async function () {
    const api = await driftless();
    await vscode.commands.executeCommand('workbench.view.extension.driftless');
    await vscode.commands.executeCommand('driftless.refreshEnvironments');
    const result = await until('the environments of the sample repository', () => {
      const shown = api.environments();
      return shown?.complete && shown.folders.some((f) => f.environments.length) ? shown : undefined;
    });
    const sample = result.folders.find((f) => f.root.endsWith('sample-repo'));
    assert.ok(sample, JSON.stringify(result.folders.map((f) => f.root)));
    const production = sample.environments.find((e) => e.name === 'frontend-production');
    assert.equal(production?.protection, 'production');
    assert.match(production?.cluster ?? '', /context driftless-admin/);
    assert.ok(sample.environments.some((e) => e.name === 'apps' && e.source.startsWith('Flux Kustomization')));
  });

  it('Open Rendered Manifests shows an environment as kustomize renders it, read-only', async function () {
    const kubectl = vscode.workspace.getConfiguration('driftless').get<string>('kubectlPath');
    if (!kubectl) skipWithReason(this, 'no kubectl for this platform (the CLI render test says why)');
    await driftless();
    const uri = vscode.Uri.from({
      scheme: 'driftless-rendered',
      path: '/apps.yaml',
      query: new URLSearchParams({ folder: folder('sample-repo').uri.fsPath }).toString(),
    });
    const document = await vscode.workspace.openTextDocument(uri);
    const text = document.getText();
    assert.match(text, /^# apps, rendered by kubectl kustomize \(kustomize v\d+\.\d+\.\d+\)\./, text.slice(0, 300));
    assert.match(text, /host: frontend\.staging\.example\.com/);
    assert.match(text, /name: frontend-config-[a-z0-9]{10}/);
  });

  it('a kustomization that includes itself, and a folder listed as a resource that holds no kustomization', async function () {
    const loop = fileIn('sample-repo', 'sandbox/loop/kustomization.yaml');
    await writeFile(fileIn('sample-repo', 'sandbox/loop/plain/config.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain}\n');
    await writeFile(loop, 'resources:\n  - .\n  - plain\n');
    try {
      await open(loop);
      const cycle = await waitForRule(loop, 'kustomization-cycle', 2);
      assert.equal(severityOf(cycle), 'error');
      const notKustomization = await waitForRule(loop, 'not-a-kustomization', 3);
      assert.equal(severityOf(notKustomization), 'error');
    } finally {
      await vscode.workspace.fs.delete(fileIn('sample-repo', 'sandbox/loop'), { recursive: true });
    }
  });

  it('the Changes view lists what an edit does to each environment against the base branch, opens the rendered diff, and says why a render fails', async function () {
    if (!vscode.workspace.getConfiguration('driftless').get<string>('kubectlPath'))
      skipWithReason(this, 'no kubectl for this platform (the CLI diff test says why)');
    const api = await driftless();
    // The sample repository as a git repository whose main branch is the base.
    const root = folder('sample-repo').uri.fsPath;
    const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args]);
    git('init', '--quiet', '--initial-branch', 'main');
    git('add', '--all');
    git('commit', '--quiet', '-m', 'base');
    const patch = fileIn('sample-repo', 'apps/overlays/production/deployment-patch.yaml');
    const original = (await vscode.workspace.fs.readFile(patch)).toString();
    const kustomization = fileIn('sample-repo', 'apps/overlays/production/kustomization.yaml');
    const kustomizationText = (await vscode.workspace.fs.readFile(kustomization)).toString();
    try {
      await writeFile(patch, original.replace('cpu: 100m', 'cpu: 250m'));
      await vscode.commands.executeCommand('workbench.view.extension.driftless');
      await vscode.commands.executeCommand('driftless.refreshChanges');
      const result = await until('the Changes view to show the edit', () => {
        const shown = api.changes();
        return shown && !('error' in shown) && shown.summary.objects > 0 ? shown : undefined;
      });
      assert.equal(result.base, 'main');
      // Environments other tests leave broken in the sample (a kustomization naming itself) are counted as such.
      assert.match(
        result.summary.text,
        /^This change changes 1 object in 1 environment \(against main\)(\.|; \d+ environments? cannot be rendered\.)$/,
      );
      const production = result.environments.find((e) => e.name === 'apps/overlays/production');
      const change = production?.changes[0];
      assert.equal(change?.id, 'apps/v1 Deployment shop-production/frontend');
      await vscode.commands.executeCommand('driftless.openChange', production!.name, change);
      const tab = await until('the diff editor', () => {
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        return input instanceof vscode.TabInputTextDiff ? input : undefined;
      });
      const left = (await vscode.workspace.openTextDocument(tab.original)).getText();
      const right = (await vscode.workspace.openTextDocument(tab.modified)).getText();
      assert.match(left, /cpu: 100m/);
      assert.match(right, /cpu: 250m/);

      // The object's row says what changed in it; "Copy as Markdown" copies the diff for a pull request.
      const productionRow = api.changesRows().find((row) => row.label === 'apps/overlays/production');
      const objectRow = productionRow?.children?.find((row) => row.label === 'Deployment frontend');
      assert.match(objectRow?.description ?? '', /cpu request 100m → 250m/, JSON.stringify(productionRow));
      const markdown = await vscode.commands.executeCommand<string>('driftless.copyChangesMarkdown');
      assert.match(markdown, /<b>apps\/overlays\/production<\/b>: 1 changed, 0 added, 0 removed/);
      assert.match(markdown, /<code>apps\/v1 Deployment shop-production\/frontend<\/code>: cpu request 100m → 250m/);
      assert.equal(await vscode.env.clipboard.readText(), markdown);

      // An environment that cannot be rendered: why in a line, a click opens the line to fix, the tool's text on demand.
      await writeFile(kustomization, `${kustomizationText}configMapGenerator:\n  - name: tools\n    files:\n      - scripts/x.sh\n`);
      await vscode.commands.executeCommand('driftless.refreshChanges');
      const failed = await until('the Changes view to show the failed render', () =>
        api.changesRows().find((row) => row.label === 'apps/overlays/production' && /cannot be rendered/.test(row.description ?? '')),
      );
      assert.equal(failed.description, 'cannot be rendered: `scripts/x.sh` does not exist');
      assert.equal(failed.icon, 'error');
      assert.match(api.changesRows()[0]?.label ?? '', /; \d+ environments? cannot be rendered\.$/);
      assert.ok(failed.command, 'a click on the failed environment opens the line to fix');
      await vscode.commands.executeCommand(failed.command.command, ...failed.command.arguments);
      const editor = await until('the kustomization opened', () =>
        vscode.window.activeTextEditor?.document.uri.fsPath === kustomization.fsPath ? vscode.window.activeTextEditor : undefined,
      );
      assert.equal(editor.document.lineAt(editor.selection.active.line).text.trim(), '- scripts/x.sh');
      const toolRow = failed.children?.[0];
      assert.equal(toolRow?.label, "Show the tool's message");
      await vscode.commands.executeCommand(toolRow.command!.command, ...toolRow.command!.arguments);
      const message = await until('the tool’s message shown', () =>
        vscode.window.activeTextEditor?.document.uri.path.endsWith('render-error.txt')
          ? vscode.window.activeTextEditor.document
          : undefined,
      );
      assert.match(message.getText(), /scripts\/x\.sh/);
      assert.ok(!message.getText().includes(root), message.getText());
    } finally {
      await writeFile(kustomization, kustomizationText);
      await writeFile(patch, original);
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder('sample-repo').uri, '.git'), { recursive: true });
    }
  });
});

describe('the Environments view', function () {
  type Row = ReturnType<Awaited<ReturnType<typeof driftless>>['environmentsRows']>[number];
  /** The sample repository's environment rows, wherever the view puts them (a folder, a group). */
  const sampleRows = (rows: Row[]): Row[] => {
    const top = rows.find((row) => row.label === 'sample-repo')?.children ?? rows;
    return top.flatMap((row) => (row.contextValue === 'driftless.environment' ? [row] : (row.children ?? [])));
  };

  it('shows each environment’s status, groups them, and lists the open file’s environments first', async function () {
    if (!vscode.workspace.getConfiguration('driftless').get<string>('kubectlPath'))
      skipWithReason(this, 'no kubectl for this platform (the LSP status test says why)');
    const api = await driftless();
    await vscode.commands.executeCommand('workbench.view.extension.driftless');
    const statuses = await until('the environments’ statuses', () => {
      const rows = sampleRows(api.environmentsRows());
      const failing = rows.find((row) => row.label === 'sandbox/misnamed-resource');
      const production = rows.find((row) => row.label === 'apps/overlays/production');
      // The Changes test above breaks and restores production; its status follows the next background render.
      return failing?.icon === 'error' && /^Renders/m.test(production?.tooltip ?? '') ? { failing, production } : undefined;
    });
    assert.match(statuses.failing.description ?? '', /^fails: /);
    assert.ok(statuses.failing.command?.command === 'vscode.open', 'a click opens the line to fix');
    assert.notEqual(statuses.production?.icon, 'server-environment', 'a rendered environment shows its status icon');
    const frontend = sampleRows(api.environmentsRows()).find((row) => row.label === 'frontend-production');
    assert.equal(frontend?.icon, 'circle-slash');
    assert.match(frontend?.description ?? '', /not rendered here · context driftless-admin/);

    try {
      await vscode.commands.executeCommand('driftless.groupEnvironments', 'cluster');
      const byCluster = await until('the environments grouped by cluster', () => {
        const top = api.environmentsRows().find((row) => row.label === 'sample-repo')?.children ?? api.environmentsRows();
        return top.some((row) => row.label === 'Cluster not known') ? top : undefined;
      });
      assert.ok(
        byCluster.find((row) => row.label === 'Cluster not known')?.children?.some((row) => row.label === 'sandbox/misnamed-resource'),
      );
      await vscode.commands.executeCommand('driftless.groupEnvironments', 'sourceKind');
      const bySource = await until('the environments grouped by source kind', () => {
        const top = api.environmentsRows().find((row) => row.label === 'sample-repo')?.children ?? api.environmentsRows();
        return top.some((row) => row.label === 'Argo CD Applications') ? top : undefined;
      });
      const kustomizations = bySource.find((row) => row.label === 'Kustomizations')?.children?.map((row) => row.label) ?? [];
      // Others may be there too: earlier tests add kustomizations to the sample's sandbox.
      assert.ok(
        kustomizations.includes('apps/overlays/production') && kustomizations.includes('sandbox/misnamed-resource'),
        JSON.stringify(kustomizations),
      );
    } finally {
      await vscode.workspace.getConfiguration('driftless').update('environments.groupBy', undefined, vscode.ConfigurationTarget.Workspace);
    }

    await open(fileIn('sample-repo', 'apps/overlays/production/deployment-patch.yaml'));
    const first = await until('the open file’s environment first', () => {
      const row = sampleRows(api.environmentsRows())[0];
      return row?.description?.startsWith('open file') ? row : undefined;
    });
    assert.equal(first.label, 'apps/overlays/production');
  });
});
