// Tracing a rendered object's value back to the line that wrote it, without running any tool: strategic-merge patch
// files (list items matched by content, as kustomize matches them by merge key), JSON 6902 operations, the resource
// file; a Helm template's `.Values` to the last values file that sets them; a failed render's message to its file.
import assert from 'node:assert/strict';
import { failurePlace, unreachableRemote } from '../../server/src/engine/render/render-failure';
import { namedTemplates, splitHelmOutput, templateFile, traceHelmValue } from '../../server/src/engine/helm/trace-helm';
import { correspondingPath, traceKustomizeValue, type TraceSources } from '../../server/src/engine/kustomize/trace-kustomize';
import { readKustomization } from '../../server/src/engine/kustomize/kustomization';
import { parseDocuments } from '../../server/src/engine/yaml/parse-documents';

function sourcesOf(files: Record<string, string>): TraceSources {
  return {
    documents: (file) => (files[file] === undefined ? undefined : parseDocuments(files[file])),
    kustomization: (file) =>
      files[file] === undefined
        ? undefined
        : readKustomization(
            file,
            parseDocuments(files[file])[0]?.content.value,
            (entry) => `/repo/prod/${entry}`,
            () => true,
          ),
  };
}

/** The 0-based line and column of an offset. */
function at(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset).split('\n');
  return [before.length - 1, before.at(-1)!.length];
}

const RENDERED = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'prod-web' },
  spec: {
    replicas: 'three',
    template: {
      spec: {
        containers: [
          { name: 'sidecar', image: 'envoy' },
          { name: 'web', image: 'nginx', resources: { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } } },
        ],
      },
    },
  },
};

const BASE =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: sidecar\n          image: envoy\n        - name: web\n          image: nginx\n          resources:\n            limits: {memory: 512Mi}\n';
const PATCH =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          resources:\n            requests:\n              memory: 1Gi\n';
const OPERATIONS = '- op: replace\n  path: /spec/replicas\n  value: three\n';

describe('tracing rendered values to their source', () => {
  const files = {
    '/repo/base/deployment.yaml': BASE,
    '/repo/prod/memory.yaml': PATCH,
    '/repo/prod/replicas.yaml': OPERATIONS,
    '/repo/prod/kustomization.yaml':
      'resources: [../base]\nnamePrefix: prod-\npatches:\n  - path: memory.yaml\n  - path: replicas.yaml\n    target: {kind: Deployment, name: web}\n',
  };
  const sources = sourcesOf(files);
  const trace = (path: (string | number)[], missing = false) =>
    traceKustomizeValue(
      RENDERED,
      '/repo/base/deployment.yaml',
      ['/repo/prod/kustomization.yaml'],
      { path, target: 'value', missing },
      sources,
    );

  it('matches list items by what the patch writes, not by position', () => {
    assert.deepEqual(
      correspondingPath(RENDERED, parseDocuments(PATCH)[0]!.content.value, [
        'spec',
        'template',
        'spec',
        'containers',
        1,
        'resources',
        'requests',
        'memory',
      ]),
      ['spec', 'template', 'spec', 'containers', 0, 'resources', 'requests', 'memory'],
    );
    assert.equal(
      correspondingPath(RENDERED, parseDocuments(PATCH)[0]!.content.value, ['spec', 'template', 'spec', 'containers', 0, 'image']),
      undefined,
    );
  });

  it('blames the strategic-merge patch line that wrote the value', () => {
    const found = trace(['spec', 'template', 'spec', 'containers', 1, 'resources', 'requests', 'memory'])!;
    assert.equal(found.file, '/repo/prod/memory.yaml');
    assert.equal(found.via, 'patch');
    assert.deepEqual(at(PATCH, found.start), [11, 22]);
  });

  it('blames the JSON 6902 operation whose value it is', () => {
    const found = trace(['spec', 'replicas'])!;
    assert.equal(found.file, '/repo/prod/replicas.yaml');
    assert.deepEqual(at(OPERATIONS, found.start), [2, 9]);
  });

  it('blames the resource file for what no patch wrote, and for a missing field', () => {
    const image = trace(['spec', 'template', 'spec', 'containers', 0, 'image'])!;
    assert.equal(image.file, '/repo/base/deployment.yaml');
    assert.equal(image.via, 'resource');
    assert.deepEqual(at(BASE, image.start), [9, 17]);
    // A required field nobody wrote: the object's own file, not the patch that also writes `spec`.
    const selector = trace(['spec'], true)!;
    assert.equal(selector.file, '/repo/base/deployment.yaml');
  });

  it('gives nothing for an object no file wrote (a generator made it)', () => {
    assert.equal(traceKustomizeValue(RENDERED, undefined, [], { path: ['spec'], target: 'value', missing: false }, sources), undefined);
  });
});

describe('tracing Helm-rendered values to values files and templates', () => {
  const template =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n        - name: app\n          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n';
  const defaults = parseDocuments('replicaCount: 2\nresources:\n  limits:\n    memory: 256Mi\n')[0]!;
  const production = parseDocuments('# prod\nreplicaCount: three\n')[0]!;
  const values = [
    { file: '/chart/values.yaml', document: defaults, prefix: [] },
    { file: '/chart/values-prod.yaml', document: production, prefix: [] },
  ];

  it('splits helm output by `# Source:` and finds the template file', () => {
    const objects = splitHelmOutput(
      '---\n# Source: web/templates/a.yaml\nkind: A\n---\n# Source: web/charts/db/templates/b.yaml\nkind: B\n',
    );
    assert.deepEqual(
      objects.map((o) => o.source),
      ['web/templates/a.yaml', 'web/charts/db/templates/b.yaml'],
    );
    assert.equal(
      templateFile('web/charts/db/templates/b.yaml', '/repo/charts/web', (...parts) => parts.join('/')),
      '/repo/charts/web/charts/db/templates/b.yaml',
    );
  });

  it('blames the last values file that sets the key the template reads', () => {
    const found = traceHelmValue('/chart/templates/deployment.yaml', template, ['spec', 'replicas'], 'value', values);
    assert.equal(found.file, '/chart/values-prod.yaml');
    assert.deepEqual(at(production.content.text, found.start), [1, 14]);
  });

  it('follows a parent key whose template line reads a whole values subtree', () => {
    const found = traceHelmValue(
      '/chart/templates/deployment.yaml',
      template,
      ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'memory'],
      'value',
      values,
    );
    assert.equal(found.file, '/chart/values.yaml');
    assert.deepEqual(at(defaults.content.text, found.start), [3, 12]);
  });

  it('blames the template line of the right key when no values are read', () => {
    const found = traceHelmValue(
      '/chart/templates/deployment.yaml',
      template,
      ['spec', 'template', 'spec', 'containers', 0, 'name'],
      'value',
      values,
    );
    assert.equal(found.via, 'template');
    assert.deepEqual(at(template, found.start), [9, 10]);
  });
});

describe('tracing Helm values through named templates (`include`)', () => {
  const helpers = [
    '{{/* Common labels */}}',
    '{{- define "web.labels" -}}',
    'app.kubernetes.io/name: {{ .Chart.Name }}',
    '{{- if .Values.tier }}',
    'tier: {{ .Values.tier }}',
    '{{- end }}',
    'team: platform engineering',
    '{{- end }}',
    '{{- define "web.selector" -}}',
    'app: web',
    '{{- end }}',
    '',
  ].join('\n');
  const template =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    {{- include "web.labels" . | nindent 4 }}\nspec:\n  replicas: 1\n';
  const values = [{ file: '/chart/values.yaml', document: parseDocuments('# defaults\ntier: front end\n')[0]!, prefix: [] }];
  const named = namedTemplates([{ file: '/chart/templates/_helpers.tpl', text: helpers }]);

  it('reads define blocks whole, their nested if/end blocks inside', () => {
    assert.deepEqual([...named.keys()], ['web.labels', 'web.selector']);
    assert.match(named.get('web.labels')!.body, /^\napp\.kubernetes\.io\/name: [\s\S]*team: platform engineering\n$/);
  });

  it('follows an include to the values key the helper reads', () => {
    const found = traceHelmValue('/chart/templates/deployment.yaml', template, ['metadata', 'labels', 'tier'], 'value', values, named);
    assert.equal(found.file, '/chart/values.yaml');
    assert.equal(found.via, 'values');
    assert.deepEqual(at(values[0]!.document.content.text, found.start), [1, 6]);
  });

  it('blames the helper’s line when it writes the value itself', () => {
    const found = traceHelmValue('/chart/templates/deployment.yaml', template, ['metadata', 'labels', 'team'], 'value', values, named);
    assert.equal(found.file, '/chart/templates/_helpers.tpl');
    assert.deepEqual(at(helpers, found.start), [6, 0]);
    // Without the helpers, only the template's `labels:` line can be named.
    const plain = traceHelmValue('/chart/templates/deployment.yaml', template, ['metadata', 'labels', 'team'], 'value', values);
    assert.equal(plain.file, '/chart/templates/deployment.yaml');
    assert.deepEqual(at(template, plain.start), [4, 2]);
  });
});

describe('a failed render placed on its file', () => {
  const host = {
    isFile: (path: string) => ['/repo/charts/web/templates/deployment.yaml', '/tmp/values.yaml', '/repo/app/bad.yaml'].includes(path),
    resolve: (folder: string, relative: string) => `${folder}/${relative}`,
    kustomizationsNaming: (path: string) => (path === '/repo/app/gone.yaml' ? ['/repo/app/kustomization.yaml'] : []),
    lineNaming: () => 3,
    kustomizationIn: (folder: string) => (folder === '/repo/base' ? '/repo/base/kustomization.yaml' : undefined),
  };
  const helm = { kind: 'helm' as const, folder: '/repo/charts/web', rootFile: '/repo/charts/web/Chart.yaml', folders: [] };
  const kustomize = { kind: 'kustomize' as const, folder: '/repo/app', rootFile: '/repo/app/kustomization.yaml', folders: ['/repo/app'] };

  it('reads the template and line from helm', () => {
    assert.deepEqual(failurePlace('Error: parse error at (web/templates/deployment.yaml:9): function "x" not defined', helm, host), {
      file: '/repo/charts/web/templates/deployment.yaml',
      line: 8,
    });
    assert.deepEqual(
      failurePlace('Error: failed to parse /tmp/values.yaml: error converting YAML to JSON: yaml: line 3: bad', helm, host),
      { file: '/tmp/values.yaml', line: 2 },
    );
  });

  it('puts a missing file on the kustomization line naming it, and a malformed one on itself', () => {
    assert.deepEqual(
      failurePlace(
        "error: evalsymlink failure on '/repo/app/gone.yaml' : lstat /repo/app/gone.yaml: no such file or directory",
        kustomize,
        host,
      ),
      {
        file: '/repo/app/kustomization.yaml',
        line: 3,
      },
    );
    assert.deepEqual(
      failurePlace(
        "error: accumulating resources from 'bad.yaml': MalformedYAMLError: yaml: line 6: did not find expected node content in File: bad.yaml",
        kustomize,
        host,
      ),
      {
        file: '/repo/app/bad.yaml',
        line: 5,
      },
    );
    assert.deepEqual(failurePlace('error: something else entirely', kustomize, host), { file: '/repo/app/kustomization.yaml' });
    assert.deepEqual(
      failurePlace("error: couldn't make target for path '/repo/base': invalid Kustomization: yaml: unknown anchor", kustomize, host),
      { file: '/repo/base/kustomization.yaml' },
    );
  });

  it('tells a render that needs the network', () => {
    assert.equal(
      unreachableRemote('Get "https://example.com/x.yaml": dial tcp: lookup example.com: no such host'),
      'https://example.com/x.yaml',
    );
  });
});
