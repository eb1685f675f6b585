// A base that reaches the cluster only through kustomize builds, with every build rendered: the renders decide what is
// wrong with its objects. A LabelTransformer plugin (`transformers:`), which Driftless does not apply by itself,
// supplies the selector: statically the base lacks one; its render (real kubectl) is valid, so no error is shown.
import assert from 'node:assert/strict';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { FixtureWorkspace, ServerSession, yaml } from './harness';

const BASE = yaml(
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: cart',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: cart',
  '          image: cart:1.0',
  '          resources: {limits: {memory: 64Mi}}',
);

const FILES = {
  'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
  'base/deployment.yaml': BASE,
  'overlay/kustomization.yaml': 'resources: [../base]\ntransformers: [labels.yaml]\n',
  'overlay/labels.yaml': yaml(
    'apiVersion: builtin',
    'kind: LabelTransformer',
    'metadata: {name: labels}',
    'labels: {app: cart}',
    'fieldSpecs:',
    '  - {path: metadata/labels, create: true}',
    '  - {path: spec/selector/matchLabels, kind: Deployment, create: true}',
    '  - {path: spec/template/metadata/labels, kind: Deployment, create: true}',
  ),
};

describe('LSP: with every build of a base rendered, the render decides', function () {
  this.timeout(60_000);

  it('without renders (validateRenderedOutput off) the base is judged by Driftless alone: the selector is missing', async function () {
    const workspace = FixtureWorkspace.create(FILES);
    const server = await ServerSession.start(workspace, { settings: { validateRenderedOutput: false } });
    try {
      await server.settled();
      const diagnostics = await server.openUntil('base/deployment.yaml', BASE, (ds) => ds.length > 0);
      assert.deepEqual(
        diagnostics.map((d) => d.code),
        ['schema-required'],
      );
    } finally {
      await server.stop();
      workspace.dispose();
    }
  });

  it('with the overlay rendered by kubectl, its valid Deployment clears the base’s error', async function () {
    const tools = renderToolsOrSkip(this);
    const workspace = FixtureWorkspace.create(FILES);
    const server = await ServerSession.start(workspace, { settings: { kubectlPath: tools.kubectl } });
    try {
      await server.settled();
      await server.open('base/deployment.yaml', BASE);
      const cleared = await server.diagnosticsUntil('base/deployment.yaml', (ds) => ds.length === 0);
      assert.deepEqual(cleared, []);
      // The render still judges: breaking the overlay's transformer config brings a render-failed on it, and the
      // base's own judgement back.
      const back = server.nextDiagnostics('base/deployment.yaml', (ds) => ds.some((d) => d.code === 'schema-required'));
      workspace.write('overlay/kustomization.yaml', 'resources: [../base]\ntransformers: [missing.yaml]\n');
      server.filesChanged([{ relative: 'overlay/kustomization.yaml', type: 'changed' }]);
      await back;
    } finally {
      await server.stop();
      workspace.dispose();
    }
  });
});
