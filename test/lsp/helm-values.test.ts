// `.Values.x.y` in a chart's templates over the protocol: hover (the schema's description, the value in each values
// file), go to definition (the key in values.yaml and in the environment's values file) and completion (the keys).
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import type { Location, MarkupContent } from 'vscode-languageserver-protocol';
import { FixtureWorkspace, ServerSession } from './harness';

const TEMPLATE =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n      containers:\n' +
  '        - name: web\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n          ports: [{containerPort: {{ .Values.image. }}]\n';

describe('LSP: .Values in a Helm chart’s templates', function () {
  this.timeout(30_000);
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    workspace = FixtureWorkspace.create();
    workspace.write('charts/web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 1.0.0\n');
    workspace.write('charts/web/values.yaml', 'image:\n  repository: nginx\n  tag: "1.25"\nreplicas: 1\n');
    workspace.write('charts/web/values-prod.yaml', 'image:\n  tag: "1.26"\n');
    workspace.write(
      'charts/web/values.schema.json',
      JSON.stringify({
        type: 'object',
        properties: {
          image: {
            type: 'object',
            properties: { tag: { type: 'string', description: 'The image tag to run.' }, repository: { type: 'string' } },
          },
        },
      }),
    );
    workspace.write('charts/web/templates/deployment.yaml', TEMPLATE);
    workspace.write(
      '.driftless.yaml',
      'environments:\n  - name: web-prod\n    source:\n      chart: charts/web\n      valuesFiles: [charts/web/values-prod.yaml]\n',
    );
    server = await ServerSession.start(workspace, { settings: { validateRenderedOutput: false } });
    await server.settled();
    await server.open('charts/web/templates/deployment.yaml', TEMPLATE);
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  const tag = () => server.positionOf('charts/web/templates/deployment.yaml', '.Values.image.tag', '.Values.image.t'.length);

  it('hovers a key with the schema’s description and its value in each values file, the last one winning', async () => {
    const hover = await server.hover('charts/web/templates/deployment.yaml', tag());
    const text = (hover?.contents as MarkupContent).value;
    assert.match(text, /\*\*`\.Values\.image\.tag`\*\*/);
    assert.match(text, /The image tag to run\./);
    assert.match(
      text,
      /Set in \(the last one wins\):\n- `charts\/web\/values\.yaml`: `"1\.25"`\n- `charts\/web\/values-prod\.yaml`: `"1\.26"`/,
    );
  });

  it('goes to the key in values.yaml and in the environment’s values file', async () => {
    const locations = (await server.definition('charts/web/templates/deployment.yaml', tag())) as Location[];
    assert.deepEqual(
      locations.map((l) => [l.uri, l.range.start.line]),
      [
        [pathToFileURL(workspace.path('charts/web/values.yaml')).href, 2],
        [pathToFileURL(workspace.path('charts/web/values-prod.yaml')).href, 1],
      ],
    );
  });

  it('completes the keys after `.Values.image.`, with the schema’s description', async () => {
    const at = server.positionOf('charts/web/templates/deployment.yaml', '.Values.image. }}', '.Values.image.'.length);
    const items = await server.completion('charts/web/templates/deployment.yaml', at);
    assert.deepEqual(items.map((i) => i.label).sort(), ['repository', 'tag']);
    const tagItem = items.find((i) => i.label === 'tag');
    assert.equal((tagItem?.documentation as MarkupContent | undefined)?.value, 'The image tag to run.');
    const top = await server.completion(
      'charts/web/templates/deployment.yaml',
      server.positionOf('charts/web/templates/deployment.yaml', '.Values.image.repository', '.Values.'.length),
    );
    assert.deepEqual(top.map((i) => i.label).sort(), ['image', 'replicas']);
  });
});
