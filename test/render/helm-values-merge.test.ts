// Driftless's merge of Helm values (engine/helm/helm-values-merge) against the real `helm template`: the values a chart
// sees, dumped by a template, must be what mergeValueFiles then coalesceValues compute for the same files — a null
// removes the chart's default, maps merge, lists and scalars are replaced, later files win.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parse } from 'yaml';
import { coalesceValues, mergeValueFiles } from '../../server/src/engine/helm/helm-values-merge';
import { type KubernetesTools } from '../../scripts/kubernetes-tools';
import { renderToolsOrSkip } from '../helpers/render-tools';
import { fileWriter } from '../helpers/write-files';
import { temporaryFolder } from '../helpers/temporary-folders';

const DEFAULTS = `
replicas: 2
image: {repository: nginx, tag: "1.27", pullPolicy: IfNotPresent}
resources: {limits: {cpu: 500m, memory: 256Mi}, requests: {cpu: 100m}}
ports: [80, 443]
annotations: {team: web}
debug: false
`;

/** The values files of each case, in the order they are given to helm. */
const CASES: Record<string, string[]> = {
  'a null removes a default, nested and at the top': ['image: {pullPolicy: null}\nannotations: null\n'],
  'maps merge key by key, lists and scalars are replaced': ['resources: {limits: {cpu: "1"}}\nports: [8080]\nreplicas: 5\n'],
  'a later file wins, its null too': ['image: {tag: "1.28"}\ndebug: true\n', 'image: {tag: null, repository: caddy}\ndebug: null\n'],
  'a null in an earlier file is replaced by a later value': ['resources: {requests: null}\n', 'resources: {requests: {cpu: 50m}}\n'],
  'a map replaced by a scalar, and a new key': ['resources: none\nextra: {a: 1}\n'],
  'a null for a key the chart does not have': ['absent: null\nimage: {absent: null}\n'],
};

describe('Helm values merge against helm template', function () {
  this.timeout(60_000);
  let tools: KubernetesTools;
  let root: string;

  before(function () {
    tools = renderToolsOrSkip(this);
    root = temporaryFolder('driftless-helm-merge-');
    const write = fileWriter(() => root);
    write('chart/Chart.yaml', 'apiVersion: v2\nname: dump\nversion: 1.0.0\n');
    write('chart/values.yaml', DEFAULTS);
    write(
      'chart/templates/values.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: values}\ndata:\n  values: {{ toJson .Values | quote }}\n',
    );
  });

  /** The values the chart's templates see, as helm computes them from the files. */
  function helmValues(files: string[]): unknown {
    const write = fileWriter(() => root);
    const args = ['template', 'dump', join(root, 'chart')];
    files.forEach((text, i) => {
      write(`values-${i}.yaml`, text);
      args.push('--values', join(root, `values-${i}.yaml`));
    });
    const output = parse(execFileSync(tools.helm, args, { encoding: 'utf8' })) as { data: { values: string } };
    return JSON.parse(output.data.values);
  }

  for (const [name, files] of Object.entries(CASES))
    it(name, function () {
      const ours = coalesceValues(mergeValueFiles(files.map((text) => parse(text) as unknown)), parse(DEFAULTS));
      assert.deepEqual(ours, helmValues(files));
    });
});
