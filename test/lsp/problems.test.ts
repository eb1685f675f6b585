// The Problems panel over the protocol: every file's findings published from the start, files never opened included
// (driftless.problems.scope: workspace, the default), kept when a file closes, updated when it changes on disk; only
// open files with `openFiles`; past driftless.problems.maxFiles one info says how many files were left out.
import assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { codes, FixtureWorkspace, messageOf, ServerSession, yaml } from './harness';

/** A Service whose port decides its one finding (out of range: an error of its own file). */
function service(port: string): string {
  return yaml('apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', 'spec:', '  ports:', `    - port: ${port}`);
}

const CLEAN = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: settings', 'data:', '  a: "1"');

/** A CRD whose Widget takes `spec.size` small or large only. */
const WIDGET_CRD = yaml(
  'apiVersion: apiextensions.k8s.io/v1',
  'kind: CustomResourceDefinition',
  'metadata: {name: widgets.example.com}',
  'spec:',
  '  group: example.com',
  '  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}',
  '  scope: Namespaced',
  '  versions:',
  '    - name: v1',
  '      served: true',
  '      storage: true',
  '      schema:',
  '        openAPIV3Schema:',
  '          type: object',
  '          properties:',
  '            spec: {type: object, properties: {size: {type: string, enum: [small, large]}}}',
);

describe('LSP Problems panel: every file of the workspace', function () {
  describe('driftless.problems.scope: workspace (the default)', function () {
    let workspace: FixtureWorkspace;
    let server: ServerSession;

    before(async function () {
      workspace = FixtureWorkspace.create({
        'apps/broken.yaml': service('70000'),
        'apps/clean.yaml': CLEAN,
        'apps/later.yaml': CLEAN,
      });
      server = await ServerSession.start(workspace);
    });

    after(async function () {
      await server?.stop();
      workspace?.dispose();
    });

    it('publishes the error of a file never opened, on its line, without a version (the file as on disk)', async function () {
      const diagnostics = await server.diagnosticsUntil('apps/broken.yaml', (ds) => ds.length > 0);
      assert.deepEqual(codes(diagnostics), ['invalid-port']);
      assert.equal(diagnostics[0]!.range.start.line, 6);
      assert.equal(diagnostics[0]!.severity, DiagnosticSeverity.Error);
      assert.equal(server.lsp.diagnosticsOf(server.uri('apps/broken.yaml'))?.params.version, undefined);
      // A file without findings is not published at all (nothing to clear).
      assert.equal(server.latest('apps/clean.yaml'), undefined);
    });

    it('shows the editor’s text while open, and the saved text again once closed', async function () {
      const opened = await server.open('apps/broken.yaml', service('8080'));
      assert.deepEqual(opened.diagnostics, []);
      const closed = server.nextDiagnostics('apps/broken.yaml');
      server.close('apps/broken.yaml');
      assert.deepEqual(codes(await closed), ['invalid-port']);
    });

    it('follows a closed file changed on disk: a new mistake appears, a fixed one goes', async function () {
      const appeared = server.nextDiagnostics('apps/later.yaml', (ds) => ds.length > 0);
      workspace.write('apps/later.yaml', service('0'));
      server.filesChanged([{ relative: 'apps/later.yaml', type: 'changed' }]);
      assert.deepEqual(codes(await appeared), ['invalid-port']);
      const cleared = server.nextDiagnostics('apps/later.yaml', (ds) => ds.length === 0);
      workspace.write('apps/later.yaml', CLEAN);
      server.filesChanged([{ relative: 'apps/later.yaml', type: 'changed' }]);
      await cleared;
    });

    it('clears a file deleted from disk', async function () {
      workspace.write('apps/doomed.yaml', service('99999'));
      const appeared = server.nextDiagnostics('apps/doomed.yaml', (ds) => ds.length > 0);
      server.filesChanged([{ relative: 'apps/doomed.yaml', type: 'created' }]);
      await appeared;
      const cleared = server.nextDiagnostics('apps/doomed.yaml', (ds) => ds.length === 0);
      workspace.remove('apps/doomed.yaml');
      server.filesChanged([{ relative: 'apps/doomed.yaml', type: 'deleted' }]);
      await cleared;
    });

    it('indexes the files of a folder that appeared whole, and forgets them when it goes (the watcher names the folder only)', async function () {
      // VS Code's watcher reports a folder created or deleted with everything in it (a checkout, a copy) as the folder.
      workspace.write('apps/widget.yaml', yaml('apiVersion: example.com/v1', 'kind: Widget', 'metadata: {name: w}', 'spec: {size: huge}'));
      server.filesChanged([{ relative: 'apps/widget.yaml', type: 'created' }]);
      const judged = server.nextDiagnostics('apps/widget.yaml', (ds) => codes(ds).includes('schema-enum'));
      workspace.write('crds/widgets/widget-crd.yaml', WIDGET_CRD);
      server.filesChanged([{ relative: 'crds', type: 'created' }]);
      assert.equal((await judged).find((d) => d.code === 'schema-enum')?.range.start.line, 3);
      const forgotten = server.nextDiagnostics('apps/widget.yaml', (ds) => !codes(ds).includes('schema-enum'));
      workspace.remove('crds');
      server.filesChanged([{ relative: 'crds', type: 'deleted' }]);
      await forgotten;
      workspace.remove('apps/widget.yaml');
      server.filesChanged([{ relative: 'apps/widget.yaml', type: 'deleted' }]);
    });

    it('driftless.problems.scope: openFiles clears the files not open', async function () {
      const cleared = server.nextDiagnostics('apps/broken.yaml', (ds) => ds.length === 0);
      server.settingsChanged({ problems: { scope: 'openFiles' } });
      await cleared;
      const back = server.nextDiagnostics('apps/broken.yaml', (ds) => ds.length > 0);
      server.settingsChanged({});
      await back;
    });
  });

  describe('driftless.problems.maxFiles', function () {
    let workspace: FixtureWorkspace;
    let server: ServerSession;

    before(async function () {
      workspace = FixtureWorkspace.create({
        'a.yaml': service('70001'),
        'b.yaml': service('70002'),
        'c.yaml': service('70003'),
        'd.yaml': service('70004'),
      });
      server = await ServerSession.start(workspace, { settings: { problems: { maxFiles: 2 } } });
    });

    after(async function () {
      await server?.stop();
      workspace?.dispose();
    });

    it('publishes the first files only, and one info on the next saying how many more `driftless validate` reports', async function () {
      await server.diagnosticsUntil('b.yaml', (ds) => ds.length > 0);
      const info = await server.diagnosticsUntil('c.yaml', (ds) => ds.length > 0);
      assert.deepEqual(codes(await server.diagnosticsUntil('a.yaml', (ds) => ds.length > 0)), ['invalid-port']);
      assert.equal(info.length, 1);
      assert.equal(info[0]!.severity, DiagnosticSeverity.Information);
      assert.match(messageOf(info[0]!), /first 2 of 4 YAML files .*the other 2 .*`driftless validate` reports them all/);
      assert.equal(server.latest('d.yaml'), undefined);
    });
  });
});
