// Validation of rendered output with the real kubectl and helm: each finding of a render is shown where the user
// edits it (the overlay's patch line, the values key, the template line), and a failed render on the file its tool
// names.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkEnvironmentRender, renderedMessage, type RenderedFinding } from '../../server/src/node/render/rendered-validation';
import { Project } from '../../server/src/node/project';
import { SchemaFiles } from '../../server/src/node/schema-files';
import { type KubernetesTools } from '../../scripts/kubernetes-tools';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { fileWriter } from '../helpers/write-files';
import { temporaryFolder } from '../helpers/temporary-folders';

const BASE_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: sidecar
          image: envoy:1.30
        - name: web
          image: nginx:1.27
          resources:
            limits:
              memory: 512Mi
`;

const MEMORY_PATCH = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          resources:
            requests:
              memory: 1Gi
`;

const DEPLOYMENT_TEMPLATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image }}"
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
`;

describe('Rendered output validated and traced back to its source', function () {
  this.timeout(60_000);
  let tools: KubernetesTools;
  let root: string;

  const write = fileWriter(() => root);
  const check = async (environment: string): Promise<RenderedFinding[]> => {
    const project = new Project(root, new SchemaFiles());
    project.scan();
    const found = project.environments().find((e) => e.name === environment);
    assert.ok(
      found,
      `environments: ${project
        .environments()
        .map((e) => e.name)
        .join(', ')}`,
    );
    return (await checkEnvironmentRender(project, found, { kubectl: tools.kubectl, helm: tools.helm })).findings;
  };
  const lineOf = (relative: string, line: number, finding: RenderedFinding | undefined) => {
    assert.ok(finding, 'a finding');
    assert.equal(finding.file, join(root, relative));
    assert.equal(finding.range.start.line, line, JSON.stringify(finding));
  };

  before(function () {
    tools = renderToolsOrSkip(this);
  });
  beforeEach(() => {
    root = temporaryFolder('driftless-rendered-');
    write('.driftless.yaml', 'kubernetesVersion: "1.32"\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('flags the overlay patch line that raises a request above the base limit', async () => {
    write('base/kustomization.yaml', 'resources: [deployment.yaml]\n');
    write('base/deployment.yaml', BASE_DEPLOYMENT);
    write('overlays/prod/kustomization.yaml', 'resources: [../../base]\nnamePrefix: prod-\npatches:\n  - path: memory.yaml\n');
    write('overlays/prod/memory.yaml', MEMORY_PATCH);
    const findings = await check('overlays/prod');
    assert.equal(findings.length, 1, JSON.stringify(findings, null, 2));
    const finding = findings[0]!;
    assert.equal(finding.rule, 'requests-exceed-limits');
    assert.equal(renderedMessage(finding), `${finding.message} (Deployment prod-web, as rendered for overlays/prod)`);
    lineOf('overlays/prod/memory.yaml', 11, finding);
    assert.equal(finding.range.start.character, 'memory: '.length + 14);
  });

  it('flags the line of an inline patch inside the kustomization, and JSON 6902 operations', async () => {
    write('base/kustomization.yaml', 'resources: [deployment.yaml]\n');
    write('base/deployment.yaml', BASE_DEPLOYMENT);
    write(
      'overlays/inline/kustomization.yaml',
      [
        'resources: [../../base]',
        'patches:',
        '  - target: {kind: Deployment, name: web}',
        '    patch: |-',
        '      - op: add',
        '        path: /spec/replicas',
        '        value: three',
        '  - patch: |-',
        '      apiVersion: apps/v1',
        '      kind: Deployment',
        '      metadata: {name: web}',
        '      spec:',
        '        template:',
        '          spec:',
        '            containers:',
        '              - name: web',
        '                resources: {requests: {memory: 2Gi}}',
        '',
      ].join('\n'),
    );
    const findings = await check('overlays/inline');
    const replicas = findings.find((f) => f.rule === 'schema-type');
    lineOf('overlays/inline/kustomization.yaml', 6, replicas);
    assert.equal(replicas?.range.start.character, '        value: '.length);
    lineOf(
      'overlays/inline/kustomization.yaml',
      16,
      findings.find((f) => f.rule === 'requests-exceed-limits'),
    );
  });

  it('shows a finding in the base when the base wrote the value', async () => {
    write('base/kustomization.yaml', 'resources: [deployment.yaml]\n');
    write(
      'base/deployment.yaml',
      BASE_DEPLOYMENT.replace('memory: 512Mi', 'memory: 512Mi\n            requests:\n              memory: 1Gi'),
    );
    write('overlays/dev/kustomization.yaml', 'resources: [../../base]\nnamespace: dev\n');
    const findings = await check('overlays/dev');
    lineOf(
      'base/deployment.yaml',
      20,
      findings.find((f) => f.rule === 'requests-exceed-limits'),
    );
  });

  it('flags the values key a template reads, in the last values file that sets it', async () => {
    write('charts/web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
    write('charts/web/values.yaml', 'replicaCount: 2\nimage: nginx:1.27\nresources:\n  limits:\n    memory: 256Mi\n');
    write('charts/web/templates/deployment.yaml', DEPLOYMENT_TEMPLATE);
    write('charts/web/values-prod.yaml', '# production\nreplicaCount: three\nresources:\n  limits:\n    memory: lots\n');
    write(
      '.driftless.yaml',
      'kubernetesVersion: "1.32"\nenvironments:\n  - name: web-prod\n    source:\n      chart: charts/web\n      valuesFiles: [charts/web/values-prod.yaml]\n',
    );
    const findings = await check('web-prod');
    lineOf(
      'charts/web/values-prod.yaml',
      1,
      findings.find((f) => f.rule === 'schema-type'),
    );
    assert.equal(findings.find((f) => f.rule === 'schema-type')?.range.start.character, 'replicaCount: '.length);
    lineOf(
      'charts/web/values-prod.yaml',
      4,
      findings.find((f) => f.rule === 'invalid-quantity'),
    );
  });

  it('flags the parent chart’s values key that a subchart’s template reads (under the subchart’s name)', async () => {
    write('charts/web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
    write('charts/web/values.yaml', 'db:\n  replicas: 1\n');
    write('charts/web/charts/db/Chart.yaml', 'apiVersion: v2\nname: db\nversion: 0.1.0\n');
    write('charts/web/charts/db/values.yaml', 'replicas: 1\n');
    write(
      'charts/web/charts/db/templates/statefulset.yaml',
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  replicas: {{ .Values.replicas }}\n' +
        '  serviceName: db\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n' +
        '    spec: {containers: [{name: db, image: "postgres:16"}]}\n',
    );
    write('charts/web/values-prod.yaml', 'db:\n  # more for production\n  replicas: lots\n');
    write(
      '.driftless.yaml',
      'environments:\n  - name: web-prod\n    source:\n      chart: charts/web\n      valuesFiles: [charts/web/values-prod.yaml]\n',
    );
    const findings = await check('web-prod');
    lineOf(
      'charts/web/values-prod.yaml',
      2,
      findings.find((f) => f.rule === 'schema-type'),
    );
  });

  it('follows `include` into the chart’s helpers: to the values key a helper reads, else the helper’s line', async () => {
    write('charts/web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
    write('charts/web/values.yaml', 'image: nginx:1.27\n# the tier label\ntier: front end\nrelease: 1.0 beta\n');
    write(
      'charts/web/templates/_helpers.tpl',
      '{{- define "web.labels" -}}\napp.kubernetes.io/name: {{ .Chart.Name }}\n{{- with .Values.tier }}\ntier: {{ . }}\n{{- end }}\nteam: platform engineering\nrelease: {{ .Values.release }}\n{{- end }}\n',
    );
    write(
      'charts/web/templates/configmap.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  labels:\n    {{- include "web.labels" . | nindent 4 }}\ndata:\n  image: {{ .Values.image }}\n',
    );
    write('.driftless.yaml', 'environments:\n  - name: web\n    source: {chart: charts/web}\n');
    const findings = (await check('web')).filter((f) => f.rule === 'invalid-label');
    assert.equal(findings.length, 3, JSON.stringify(findings));
    lineOf(
      'charts/web/values.yaml',
      3,
      findings.find((f) => f.message.includes('label "release"')),
    );
    // `tier: {{ . }}` inside `with .Values.tier` names no `.Values` path on its line: the helper's line it is.
    lineOf(
      'charts/web/templates/_helpers.tpl',
      3,
      findings.find((f) => f.message.includes('label "tier"')),
    );
    lineOf(
      'charts/web/templates/_helpers.tpl',
      5,
      findings.find((f) => f.message.includes('label "team"')),
    );
  });

  it('flags the template line when no values key is involved', async () => {
    write('charts/web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
    write('charts/web/values.yaml', 'replicaCount: 2\nimage: nginx:1.27\nresources: {}\n');
    write('charts/web/templates/deployment.yaml', DEPLOYMENT_TEMPLATE.replace('        - name: app', '        - name: App_1'));
    write('.driftless.yaml', 'environments:\n  - name: web\n    source: {chart: charts/web}\n');
    const findings = await check('web');
    lineOf(
      'charts/web/templates/deployment.yaml',
      13,
      findings.find((f) => f.rule === 'invalid-name'),
    );
  });

  it('reports a failed render on the file the tool names', async () => {
    write('base/kustomization.yaml', 'resources: [deployment.yaml]\n');
    write('base/deployment.yaml', BASE_DEPLOYMENT);
    write('overlays/broken/kustomization.yaml', 'resources: [../../base]\npatches:\n  - path: gone.yaml\n');
    let findings = await check('overlays/broken');
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.rule, 'render-failed');
    // On the line that names the missing patch.
    lineOf('overlays/broken/kustomization.yaml', 2, findings[0]);
    assert.match(findings[0].message, /gone\.yaml/);

    write('charts/web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
    write('charts/web/values.yaml', 'replicaCount: 2\n');
    write(
      'charts/web/templates/deployment.yaml',
      DEPLOYMENT_TEMPLATE.replace('.Values.replicaCount }}', '.Values.replicaCount | nosuchfunction }}'),
    );
    write('.driftless.yaml', 'environments:\n  - name: web\n    source: {chart: charts/web}\n');
    findings = await check('web');
    assert.equal(findings[0]?.rule, 'render-failed');
    lineOf('charts/web/templates/deployment.yaml', 5, findings[0]);
  });
});
