// The Drift view in a real VS Code against a real API server (the runner starts the test cluster, or uses
// DRIFTLESS_TEST_KUBECONFIG's, and delivers the drift-repo fixture's environment `shop` to it, drifted by hand; the
// kubeconfig reaches the extension through the machine setting driftless.kubeconfig). What the view lists, the diff a
// click opens (git against live, no Secret value), the status bar item of an open manifest, the view following a
// `kubectl scale` through its watch, and both actions on a difference, each bringing its object in sync.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { DriftRow, DriftViewState } from '../../../../client/src/api';
import type { DriftActionResult } from '../../../../server/src/protocol';
import { driftless, log, open, until, WAIT_MS } from '../helpers';

/** Drift runs render with kustomize and ask the API server: far longer than a diagnostic, far below the suite's bound. */
const DRIFT_MS = 90_000;
const NAMESPACE = process.env.DRIFTLESS_VSCODE_DRIFT_NAMESPACE ?? 'drift-suite';
const SECRETS = ['drift-suite-secret-in-git', 'drift-suite-secret-patched'];

type Environment = DriftViewState['environments'][number];
type Result = Extract<NonNullable<Environment['result']>, { objects: unknown }>;

function kubectl(...args: string[]): Promise<string> {
  const path = process.env.DRIFTLESS_VSCODE_KUBECTL;
  const kubeconfig = process.env.DRIFTLESS_VSCODE_KUBECONFIG;
  const context = process.env.DRIFTLESS_VSCODE_KUBE_CONTEXT;
  assert.ok(path && kubeconfig && context, 'the runner passes kubectl, the kubeconfig and the context');
  return new Promise((resolve, reject) => {
    const child = spawn(path, ['--kubeconfig', kubeconfig, '--context', context, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`kubectl ${args.join(' ')}: ${err}`))));
  });
}

function folder(): vscode.WorkspaceFolder {
  const found = vscode.workspace.workspaceFolders?.[0];
  assert.ok(found, 'the drift suite opens a folder');
  return found;
}

function file(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(folder().uri, relative);
}

async function state(): Promise<DriftViewState> {
  const api = await driftless();
  const shown = api.drift();
  assert.ok(shown, 'the Drift view exists');
  return shown;
}

/** The environment `shop` once a comparison of it has ended and `accept` holds for it. */
async function shop(what: string, accept: (result: Result) => boolean = () => true): Promise<{ entry: Environment; result: Result }> {
  return until(
    what,
    async () => {
      const entry = (await state()).environments.find((e) => e.environment === 'shop');
      const result = entry?.result;
      if (!entry || entry.comparing || !result || !('objects' in result) || !accept(result)) return undefined;
      return { entry, result };
    },
    DRIFT_MS,
    200,
  );
}

function statuses(result: Result): string[] {
  return result.objects.map((o) => `${o.kind} ${o.name}: ${o.status}`);
}

function row(rows: readonly DriftRow[] | undefined, label: string): DriftRow {
  const found = rows?.find((r) => r.label === label);
  assert.ok(found, `no row "${label}" among ${JSON.stringify(rows?.map((r) => r.label))}`);
  return found;
}

function differenceOf(result: Result, kind: string, name: string, path: string) {
  const object = result.objects.find((o) => o.kind === kind && o.name === name);
  assert.ok(object, `no ${kind} ${name}`);
  const difference = object.differences.find((d) => d.path === path);
  assert.ok(difference, `${kind} ${name} has no difference at ${path}: ${JSON.stringify(object.differences)}`);
  return { object, difference };
}

describe('the Drift view against a real API server', function () {
  this.timeout(3 * DRIFT_MS);

  before(async function () {
    await driftless();
    await vscode.commands.executeCommand('driftless.drift.focus');
  });

  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('lists each environment, its kinds and objects with their status, and why one is not compared', async function () {
    const { result } = await shop('the first comparison of shop');
    assert.deepEqual(statuses(result).sort(), [
      'ConfigMap leftover: extra',
      'ConfigMap settings: drifted',
      'Deployment web: drifted',
      'Secret db: drifted',
      'Service web: missing',
    ]);
    assert.deepEqual(result.summary, { inSync: 0, drifted: 3, missing: 1, extra: 1, unknown: 0 });
    const image = differenceOf(result, 'Deployment', 'web', '/spec/template/spec/containers/0/image').difference;
    assert.deepEqual([image.desired, image.live, image.manager], ['nginx:1.27', 'nginx:1.28-hotfix', 'kubectl-set']);
    const rows = (await state()).rows;
    log(JSON.stringify(rows.map((r) => `${r.label}: ${r.description ?? ''}`)));
    const environment = row(rows, 'shop');
    assert.match(environment.description ?? '', /^3 drifted · 1 missing · 1 extra/);
    assert.equal(environment.icon, 'diff-removed');
    const deployment = row(row(environment.children, 'Deployment').children, 'web');
    assert.equal(deployment.icon, 'diff-modified');
    assert.match(deployment.description ?? '', /^drifted · drift-suite · 1 difference$/);
    assert.match(row(deployment.children, '…/containers/0/image').description ?? '', /^nginx:1\.27 → nginx:1\.28-hotfix · kubectl-set$/);
    assert.equal(row(row(environment.children, 'Service').children, 'web').icon, 'diff-removed');
    assert.equal(row(row(environment.children, 'ConfigMap').children, 'leftover').icon, 'diff-added');
    // No context for staging: not compared, and the row says how to choose one.
    const staging = row(rows, 'apps/staging');
    assert.equal(staging.description, 'no cluster context: choose one');
    assert.equal(staging.icon, 'plug');
    assert.ok(!JSON.stringify(await state()).includes(SECRETS[0]!) && !JSON.stringify(await state()).includes(SECRETS[1]!));
  });

  it('opens the diff editor on a click: git against live, normalized, and no Secret value', async function () {
    const { entry, result } = await shop('shop compared');
    const open = async (kind: string, name: string) => {
      const object = result.objects.find((o) => o.kind === kind && o.name === name)!;
      await vscode.commands.executeCommand('driftless.openDrift', { entry: { folder: entry.folder, environment: 'shop' }, object });
      const tab = await until('the diff editor', () => {
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        return input instanceof vscode.TabInputTextDiff && input.original.path.includes(name) ? input : undefined;
      });
      const [git, live] = await Promise.all([
        vscode.workspace.openTextDocument(tab.original),
        vscode.workspace.openTextDocument(tab.modified),
      ]);
      return { git: git.getText(), live: live.getText(), title: vscode.window.tabGroups.activeTabGroup.activeTab?.label };
    };
    const deployment = await open('Deployment', 'web');
    assert.match(deployment.title ?? '', /Deployment web \(shop\): git ↔ /);
    assert.match(deployment.git, /image: nginx:1\.27\n/);
    assert.match(deployment.live, /image: nginx:1\.28-hotfix\n/);
    for (const text of [deployment.git, deployment.live]) assert.doesNotMatch(text, /managedFields|resourceVersion|uid:/);
    const secret = await open('Secret', 'db');
    for (const text of [secret.git, secret.live]) {
      assert.match(text, /password: "\*\*\*"/);
      for (const value of SECRETS) {
        assert.ok(!text.includes(value) && !text.includes(Buffer.from(value).toString('base64')), `a Secret value is shown: ${text}`);
      }
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the drift of an open manifest’s environment in the status bar', async function () {
    await shop('shop compared');
    await open(file('apps/shop/deployment.yaml'));
    const shown = await until('the drift status bar item', async () => {
      const item = (await state()).statusBar;
      return item.visible && /shop/.test(item.text) ? item : undefined;
    });
    assert.equal(shown.text, '$(cloud) shop: 3 drifted · 1 missing · 1 extra');
    assert.match(shown.tooltip, /^shop \(.+\): 3 drifted · 1 missing · 1 extra\n/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('follows the cluster while shown: a `kubectl scale` shows up without a refresh', async function () {
    assert.ok((await state()).watching, 'the shown environments are watched');
    await shop('shop compared');
    await kubectl('-n', NAMESPACE, 'scale', 'deployment', 'web', '--replicas=4');
    const { result } = await shop('the scale in the view', (r) =>
      r.objects.some((o) => o.kind === 'Deployment' && o.differences.some((d) => d.path === '/spec/replicas')),
    );
    const replicas = differenceOf(result, 'Deployment', 'web', '/spec/replicas').difference;
    assert.deepEqual([replicas.desired, replicas.live, replicas.manager], [2, 4, 'kubectl']);
  });

  it('"Take the live value into git" edits the manifest’s line; the object is then in sync', async function () {
    const { entry, result } = await shop('shop compared');
    const target = differenceOf(result, 'ConfigMap', 'settings', '/data/level');
    const answer = await vscode.commands.executeCommand<DriftActionResult>('driftless.takeLiveValue', {
      entry: { folder: entry.folder, environment: 'shop' },
      ...target,
    });
    assert.ok('edit' in answer, JSON.stringify(answer));
    const settings = file('apps/shop/settings.yaml');
    await until('the edit on disk', () => (readFileSync(settings.fsPath, 'utf8').includes("level: '9'") ? true : undefined), WAIT_MS);
    // Quoted as git quotes it: a plain 9 would be a number, which a ConfigMap refuses.
    assert.equal(
      readFileSync(settings.fsPath, 'utf8'),
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: '9'\n  mode: fast\n",
    );
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.toString(), settings.toString(), 'the edited file is shown');
    assert.equal(editor.selection.start.line, 5, 'at the edited line');
    await shop('settings in sync', (r) => r.objects.find((o) => o.name === 'settings' && o.kind === 'ConfigMap')?.status === 'in-sync');
  });

  it('"Ignore this field" writes the rule into .driftless.yaml; the object is then in sync', async function () {
    const { entry, result } = await shop('shop compared');
    const target = differenceOf(result, 'Secret', 'db', '/data/password');
    const answer = await vscode.commands.executeCommand<DriftActionResult>('driftless.ignoreDriftField', {
      entry: { folder: entry.folder, environment: 'shop' },
      ...target,
      into: 'config',
    });
    assert.ok('edit' in answer, JSON.stringify(answer));
    const config = file('.driftless.yaml');
    await until('the rule on disk', () => (readFileSync(config.fsPath, 'utf8').includes('ignore:') ? true : undefined), WAIT_MS);
    const text = readFileSync(config.fsPath, 'utf8');
    assert.ok(text.startsWith("# The drift suite's settings.\nenvironments:\n"), text);
    assert.match(
      text,
      /\ndrift:\n {2}ignore:\n {4}- kind: Secret\n {6}name: db\n {6}namespace: drift-suite\n {6}environment: shop\n {6}jsonPointers:\n {8}- \/data\/password\n$/,
    );
    await shop('the Secret in sync', (r) => r.objects.find((o) => o.kind === 'Secret')?.status === 'in-sync');
  });

  it('asks once for the context of an environment .driftless.yaml gives none, remembers it, and compares with it', async function () {
    const staging = await until('apps/staging listed', async () =>
      (await state()).environments.find((e) => e.environment === 'apps/staging'),
    );
    assert.ok(staging.context === null && !staging.result, JSON.stringify(staging));
    const kubeconfig = parse(readFileSync(process.env.DRIFTLESS_VSCODE_KUBECONFIG!, 'utf8')) as { contexts: { name: string }[] };
    // The question is a quick pick of the kubeconfig's contexts: its first one is taken.
    let answered = false;
    const asked = Promise.resolve(
      vscode.commands.executeCommand('driftless.chooseClusterContext', { entry: { folder: staging.folder, environment: 'apps/staging' } }),
    ).finally(() => (answered = true));
    while (!answered) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await asked;
    const compared = await until(
      'apps/staging compared',
      async () => {
        const entry = (await state()).environments.find((e) => e.environment === 'apps/staging');
        return entry?.result && 'objects' in entry.result && !entry.comparing ? { entry, result: entry.result } : undefined;
      },
      DRIFT_MS,
      200,
    );
    assert.equal(compared.entry.context, kubeconfig.contexts[0]!.name);
    // Never delivered: every object of it is missing there.
    assert.ok(
      compared.result.objects.length > 0 && compared.result.objects.every((o) => o.status === 'missing'),
      JSON.stringify(statuses(compared.result)),
    );
    assert.equal(row((await state()).rows, 'apps/staging').description, `${compared.result.objects.length} missing`);
  });
});
