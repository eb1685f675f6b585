// The status bar item and the settings: what version a manifest is validated against, where that came from, and a
// setting change taking effect at once (in a folder without .driftless.yaml, where the setting decides).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DriftlessApi } from '../../../../client/src/api';
import {
  describe1,
  driftless,
  extension,
  fileIn,
  open,
  ruleOf,
  setWorkspaceSetting,
  until,
  waitForDiagnostics,
  waitForRule,
  WAIT_MS,
} from '../helpers';

function newestBundled(): string {
  const index = JSON.parse(readFileSync(join(extension().extensionPath, 'schemas', 'index.json'), 'utf8')) as {
    defaultKubernetesVersion: string;
  };
  return index.defaultKubernetesVersion;
}

/** Waits until the status bar shows `text` (a substring) with a tooltip matching `tooltip`. */
function statusShows(api: DriftlessApi, text: string, tooltip: RegExp) {
  return until(`the status bar to show "${text}" (${tooltip}); it shows ${JSON.stringify(api.statusBar())}`, () => {
    const shown = api.statusBar();
    return shown.visible && shown.text.includes(text) && tooltip.test(shown.tooltip) ? shown : undefined;
  });
}

describe('status bar and settings', function () {
  let api: DriftlessApi;

  before(async function () {
    api = await driftless();
  });

  after(async function () {
    await setWorkspaceSetting('driftless', 'kubernetesVersion', undefined);
  });

  it('a manifest of the sample repo: `K8s 1.31`, set by its .driftless.yaml, and where the schemas came from', async function () {
    await open(fileIn('sample-repo', 'apps/base/deployment.yaml'));
    const shown = await statusShows(api, 'K8s 1.31', /\.driftless\.yaml/);
    assert.match(shown.tooltip, /Kubernetes 1\.31 \(set by \.driftless\.yaml\)/);
    assert.match(shown.tooltip, /Schemas: Kubernetes 1\.31/);
    // A custom resource names its CRD as the schema's source.
    await open(fileIn('sample-repo', 'argocd/project.yaml'));
    await statusShows(api, 'K8s 1.31', /Schemas: .*CRD/);
  });

  it('no Kubernetes file in the editor: the item hides', async function () {
    await open(fileIn('sample-repo', 'README.md'));
    await until('the status bar item to hide', () => (api.statusBar().visible ? undefined : true));
  });

  it('driftless.kubernetesVersion: a removed API at 1.25 is only deprecated at 1.24, and the status bar follows', async function () {
    const uri = fileIn('no-config', 'pdb.yaml');
    await open(uri);
    await setWorkspaceSetting('driftless', 'kubernetesVersion', '1.24');
    const deprecated = await waitForRule(uri, 'deprecated-api-version', 2);
    assert.equal(deprecated.severity, vscode.DiagnosticSeverity.Warning, describe1(deprecated));
    assert.match(deprecated.message, /deprecated/);
    await statusShows(api, 'K8s 1.24', /set by the driftless\.kubernetesVersion setting/);

    await setWorkspaceSetting('driftless', 'kubernetesVersion', '1.25');
    const removed = await waitForRule(uri, 'removed-api-version', 2);
    assert.equal(removed.severity, vscode.DiagnosticSeverity.Error, describe1(removed));
    const all = await waitForDiagnostics(uri, (ds) => !ds.some((d) => ruleOf(d) === 'deprecated-api-version'), 'the warning to go');
    assert.deepEqual(all.map(ruleOf), ['removed-api-version']);
    await statusShows(api, 'K8s 1.25', /set by the driftless\.kubernetesVersion setting/);
  });

  it('a version Driftless does not bundle: validation goes on with the default, never a dead extension', async function () {
    const uri = fileIn('no-config', 'pdb.yaml');
    await open(uri);
    await setWorkspaceSetting('driftless', 'kubernetesVersion', '1.99');
    const newest = newestBundled();
    await statusShows(api, `K8s ${newest}`, new RegExp(`Kubernetes ${newest.replace('.', '\\.')}`));
    await waitForRule(uri, 'removed-api-version', 2);
    assert.ok(await api.serverProcessId(), 'the server still answers');
  });

  it('the status bar’s command picks a version and saves it as the workspace setting', async function () {
    const uri = fileIn('no-config', 'pdb.yaml');
    await open(uri);
    await setWorkspaceSetting('driftless', 'kubernetesVersion', '1.30');
    await statusShows(api, 'K8s 1.30', /setting/);
    const newest = newestBundled();
    const picking = vscode.commands.executeCommand('driftless.selectKubernetesVersion');
    // The picker lists the newest version first; accept it as soon as the picker is open.
    await until(
      'the version picker to save the setting',
      async () => {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return vscode.workspace.getConfiguration('driftless').inspect('kubernetesVersion')?.workspaceValue === newest ? true : undefined;
      },
      WAIT_MS,
      200,
    );
    await picking;
    await statusShows(api, `K8s ${newest}`, /set by the driftless\.kubernetesVersion setting/);
  });
});
