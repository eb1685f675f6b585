// Hovers over the protocol: the finding at the position first; short texts for the common value types (quantities,
// int-or-strings, durations, label selectors) instead of the Go type's documentation; and why a Service's selector was
// not judged against the workloads when something may run pods nobody can see.
import assert from 'node:assert/strict';
import type { Hover } from 'vscode-languageserver-protocol';
import { FixtureWorkspace, ServerSession, yaml } from './harness';

function text(hover: Hover | null): string {
  assert.ok(hover, 'no hover');
  const contents = hover.contents;
  return typeof contents === 'object' && 'value' in contents ? contents.value : JSON.stringify(contents);
}

const DEPLOYMENT = yaml(
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: web, namespace: shop}',
  'spec:',
  '  selector:',
  '    matchLabels: {app: web}',
  '  strategy:',
  '    rollingUpdate: {maxSurge: 25%}',
  '  template:',
  '    metadata: {labels: {app: web}}',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          image: nginx:1.27',
  '          resources:',
  '            limits: {cpu: 2 cores, memory: 1Gi}',
);

describe('LSP hovers', function () {
  let workspace: FixtureWorkspace;
  let server: ServerSession;

  before(async function () {
    workspace = FixtureWorkspace.create({
      'app/widget.yaml': yaml('apiVersion: example.com/v1', 'kind: Widget', 'metadata: {name: gizmo, namespace: shop}', 'spec: {size: 3}'),
    });
    server = await ServerSession.start(workspace);
    await server.settled();
  });

  after(async function () {
    await server?.stop();
    workspace?.dispose();
  });

  it('a quantity: the finding first, then what the value means with examples, not the Go documentation', async function () {
    await server.openUntil('app/deployment.yaml', DEPLOYMENT, (ds) => ds.some((d) => d.code === 'invalid-quantity'));
    const hover = text(await server.hover('app/deployment.yaml', server.positionOf('app/deployment.yaml', '2 cores', 2)));
    assert.match(hover, /^\*\*error\*\* · `invalid-quantity`: /);
    const [finding, field] = hover.split('\n\n---\n\n');
    assert.ok(finding && field, hover);
    assert.match(field, /^\*\*cpu\*\* · `quantity`/);
    assert.match(field, /`100m` \(0\.1 core/);
    assert.match(field, /`1Gi`/);
    assert.doesNotMatch(hover, /fixed-point|marshal/i);
    assert.ok(hover.split('\n').length < 20, `${hover.split('\n').length} lines`);
  });

  it('an int-or-string, and a label selector: short texts with examples', async function () {
    const surge = text(await server.hover('app/deployment.yaml', server.positionOf('app/deployment.yaml', '25%', 1)));
    assert.match(surge, /\*\*maxSurge\*\* · `integer \| string`/);
    assert.match(surge, /a percentage of the replicas \(`25%`\)/);
    assert.doesNotMatch(surge, /IntOrString is a type/);
    const selector = text(await server.hover('app/deployment.yaml', server.positionOf('app/deployment.yaml', 'selector:', 2)));
    assert.match(selector, /\*\*selector\*\* · `label selector`/);
    assert.match(selector, /`matchLabels: \{app: web\}`/);
    assert.doesNotMatch(selector, /A label selector is a label query/);
  });

  it('a Flux interval: a duration, written as Go writes it', async function () {
    const kustomization = yaml(
      'apiVersion: kustomize.toolkit.fluxcd.io/v1',
      'kind: Kustomization',
      'metadata: {name: apps, namespace: flux-system}',
      'spec:',
      '  interval: 10m',
      '  path: ./app',
      '  prune: true',
      '  sourceRef: {kind: GitRepository, name: flux-system}',
    );
    await server.open('flux/apps.yaml', kustomization);
    const hover = text(await server.hover('flux/apps.yaml', server.positionOf('flux/apps.yaml', '10m')));
    assert.match(hover, /\*\*interval\*\* · `duration`/);
    assert.match(hover, /`1h30m`/);
  });

  it('a Service whose selector matches nothing says on hover why it was not judged (a custom resource in its namespace)', async function () {
    const service = yaml(
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: billing, namespace: shop}',
      'spec:',
      '  selector: {app: biling}',
      '  ports: [{port: 80}]',
    );
    const diagnostics = await server.open('app/service.yaml', service);
    assert.deepEqual(
      diagnostics.diagnostics.filter((d) => d.code === 'unmatched-selector'),
      [],
    );
    const hover = text(await server.hover('app/service.yaml', server.positionOf('app/service.yaml', 'biling')));
    assert.match(
      hover,
      /^\*\*Selector not judged against the workloads:\*\* Widget `gizmo` \(app\/widget\.yaml\), a custom resource that may run pods/,
    );
  });
});
