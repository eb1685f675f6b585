// The drift engine on objects written here: normalization, Secret masking, ignore rules (JSON pointers, jq paths,
// managers), classification (missing, extra by each delivery's marks, unknown) and what happens without a dry run.
import { strict as assert } from 'node:assert';
import { controllerStatusOf, describeControllerStatus } from '../../server/src/engine/drift/controller-status';
import { driftOf, type DriftInput, type Prediction } from '../../server/src/engine/drift/drift-report';
import { readIgnoreRules } from '../../server/src/engine/drift/ignore-rules';
import { parseJqPaths, pathsOf } from '../../server/src/engine/drift/jq-paths';
import type { Json } from '../../server/src/engine/json';
import { listKindAt, ownerOf } from '../../server/src/engine/drift/managed-fields';
import { base64OfText, normalizeForComparison } from '../../server/src/engine/drift/normalize';
import { isOwned, ownershipOf } from '../../server/src/engine/drift/ownership';

function deployment(
  overrides: { replicas?: number; image?: string; labels?: Record<string, string>; managedFields?: unknown[] } = {},
): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      labels: overrides.labels ?? { app: 'web' },
      ...(overrides.managedFields ? { managedFields: overrides.managedFields } : {}),
    },
    spec: {
      replicas: overrides.replicas ?? 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: overrides.image ?? 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

/** A live Deployment as the server returns it: defaults filled in, applied by `kubectl`, then changed by others. */
function liveDeployment(overrides: Parameters<typeof deployment>[0] = {}): Json {
  const live = deployment({
    managedFields: [
      {
        manager: 'kubectl',
        operation: 'Apply',
        time: '2025-01-01T10:00:00Z',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"web"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                  },
                },
              },
            },
          },
        },
      },
      {
        manager: 'kubectl',
        operation: 'Update',
        subresource: 'scale',
        time: '2025-01-02T10:00:00Z',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
    ],
    ...overrides,
  });
  const spec = live.spec as Json;
  const container = (((spec.template as Json).spec as Json).containers as Json[])[0]!;
  Object.assign(container, { imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log' });
  (container.ports as Json[])[0]!.protocol = 'TCP';
  Object.assign(spec, { revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
  Object.assign(live.metadata as Json, { uid: 'u-1', resourceVersion: '42', generation: 3, creationTimestamp: '2025-01-01T10:00:00Z' });
  live.status = { replicas: spec.replicas, readyReplicas: spec.replicas };
  return live;
}

function input(desired: Json[], live: Json[], extra: Partial<DriftInput> = {}): DriftInput {
  return { environment: 'production', desired, live: { objects: live, unread: [] }, rules: [], fieldManager: 'driftless-drift', ...extra };
}

describe('drift engine', function () {
  describe('normalization', function () {
    it('drops what the server keeps for itself and the last-applied annotation', function () {
      const live = liveDeployment();
      (live.metadata as Json).annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
      const normalized = normalizeForComparison(live);
      const metadata = normalized.metadata as Json;
      for (const field of ['managedFields', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'annotations'])
        assert.ok(!(field in metadata), field);
      assert.ok(!('status' in normalized));
      // The input is left as it was.
      assert.ok('managedFields' in (live.metadata as Json));
    });

    it('stores a Secret’s stringData base64-encoded in data, as the API server does', function () {
      assert.equal(base64OfText('hunter2'), 'aHVudGVyMg==');
      assert.equal(base64OfText('ü€😀'), 'w7zigqzwn5iA');
      const secret = normalizeForComparison({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's' },
        stringData: { a: 'x' },
        data: { b: null },
      });
      assert.deepEqual(secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'eA==', b: '' } });
    });
  });

  describe('classification and attribution', function () {
    it('is in sync without a dry run when the fields git sets are live', async function () {
      let asked = 0;
      const predict = () => {
        asked++;
        return Promise.resolve<Prediction>({ ok: false, problem: 'failed', message: 'not expected' });
      };
      const report = await driftOf(input([deployment()], [liveDeployment()], { predict }));
      assert.deepEqual(report.summary, { inSync: 1, drifted: 0, missing: 0, extra: 0, unknown: 0 });
      assert.equal(asked, 0);
    });

    it('names the manager of each difference: replicas scaled through /scale, an image set by hand', async function () {
      const live = liveDeployment({ replicas: 5, image: 'nginx:1.28-hotfix' });
      (live.metadata as { managedFields: unknown[] }).managedFields.push({
        manager: 'kubectl-set',
        operation: 'Update',
        time: '2025-01-03T10:00:00Z',
        fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } } } } },
      });
      const report = await driftOf(input([deployment()], [live]));
      const [object] = report.objects;
      assert.equal(object!.status, 'drifted');
      assert.equal(object!.comparedBy, 'fields-git-sets');
      assert.deepEqual(
        object!.differences.map(({ path, desired, live, manager, change }) => ({
          path,
          desired,
          live,
          manager,
          subresource: change?.subresource,
        })),
        [
          { path: '/spec/replicas', desired: 2, live: 5, manager: 'kubectl', subresource: 'scale' },
          {
            path: '/spec/template/spec/containers/0/image',
            desired: 'nginx:1.27',
            live: 'nginx:1.28-hotfix',
            manager: 'kubectl-set',
            subresource: undefined,
          },
        ],
      );
    });

    it('classifies missing objects, and unknown ones with the reason their kind could not be read', async function () {
      const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { a: '1' } };
      const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, stringData: { password: 'x' } };
      const report = await driftOf({
        ...input([deployment(), configMap, secret], [liveDeployment()]),
        live: {
          objects: [liveDeployment()],
          unread: [{ group: '', kind: 'Secret', namespace: 'shop', reason: 'forbidden: cannot list secrets' }],
        },
      });
      assert.deepEqual(
        report.objects.map((o) => [o.kind, o.status, o.error]),
        [
          ['ConfigMap', 'missing', undefined],
          ['Deployment', 'in-sync', undefined],
          ['Secret', 'unknown', 'forbidden: cannot list secrets'],
        ],
      );
    });

    it('finds extra objects by each delivery’s marks, not those a controller made from them', async function () {
      const tracked = (kind: string, name: string, metadata: Json) => ({
        apiVersion: 'v1',
        kind,
        metadata: { name, namespace: 'shop', ...metadata },
      });
      const live = [
        tracked('ConfigMap', 'old', { annotations: { 'argocd.argoproj.io/tracking-id': 'web:/ConfigMap:shop/old' } }),
        // An id copied from another object is not this object's (Argo CD checks the same).
        tracked('ConfigMap', 'copied', { annotations: { 'argocd.argoproj.io/tracking-id': 'web:/ConfigMap:shop/old' } }),
        tracked('ConfigMap', 'other-app', { annotations: { 'argocd.argoproj.io/tracking-id': 'shop:/ConfigMap:shop/other-app' } }),
        tracked('ConfigMap', 'labelled', { labels: { 'app.kubernetes.io/instance': 'web' } }),
        tracked('Pod', 'web-abc', {
          labels: { 'app.kubernetes.io/instance': 'web' },
          ownerReferences: [{ kind: 'ReplicaSet', controller: true }],
        }),
      ];
      const report = await driftOf(input([], live, { ownership: { by: 'argocd', application: 'web' } }));
      assert.deepEqual(
        report.objects.map((o) => `${o.name}: ${o.status}`),
        ['labelled: extra', 'old: extra'],
      );
    });

    it('tells each environment’s delivery marks apart', function () {
      const object = (labels: Record<string, string>, annotations: Record<string, string> = {}) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'x', labels, annotations },
      });
      const flux = ownershipOf(
        { name: 'apps', origin: 'discovered', source: { kind: 'flux', fluxKind: 'Kustomization', name: 'apps' } },
        { kind: 'kustomize', root: '/r', folder: '/r/apps' },
        [],
      )!;
      assert.ok(
        isOwned(flux, object({ 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' })),
      );
      assert.ok(!isOwned(flux, object({ 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'other' })));
      const helm = ownershipOf(
        { name: 'c', origin: 'declared' },
        { kind: 'helm', root: '/r', chart: '/r/c', release: 'shop', valuesFiles: [] },
        [],
      )!;
      assert.ok(isOwned(helm, object({ 'app.kubernetes.io/managed-by': 'Helm' }, { 'meta.helm.sh/release-name': 'shop' })));
      assert.ok(!isOwned(helm, object({ 'app.kubernetes.io/managed-by': 'Helm' }, { 'meta.helm.sh/release-name': 'blog' })));
      // Applied by hand or by CI: the labels every object of git shares.
      const byLabels = ownershipOf({ name: 'o', origin: 'discovered' }, { kind: 'kustomize', root: '/r', folder: '/r/o' }, [
        { metadata: { labels: { team: 'shop', app: 'web' } } },
        { metadata: { labels: { team: 'shop', app: 'db' } } },
      ]);
      assert.deepEqual(byLabels, { by: 'labels', labels: { team: 'shop' } });
      assert.equal(
        ownershipOf({ name: 'o', origin: 'discovered' }, { kind: 'kustomize', root: '/r', folder: '/r/o' }, [{ metadata: {} }]),
        undefined,
      );
    });
  });

  describe('dry runs', function () {
    it('reads quantities as amounts (1000m is 1, 0.5Gi is 512Mi): no drift, and no dry run needed', async function () {
      const desired = deployment();
      ((desired.spec as Json).template as { spec: { containers: Json[] } }).spec.containers[0]!.resources = {
        limits: { cpu: '1000m', memory: '0.5Gi' },
      };
      const live = liveDeployment();
      ((live.spec as Json).template as { spec: { containers: Json[] } }).spec.containers[0]!.resources = {
        limits: { cpu: '1', memory: '512Mi' },
      };
      // The fields-git-sets comparison already reads quantities as amounts: no dry run needed.
      const report = await driftOf(input([desired], [live], { predict: () => Promise.reject(new Error('not expected')) }));
      assert.equal(report.objects[0]!.status, 'in-sync');
    });

    it('compares only the fields git sets when the dry run is forbidden, and says so once per kind and namespace', async function () {
      let asked = 0;
      const forbidden = (): Promise<Prediction> => {
        asked++;
        return Promise.resolve({ ok: false, problem: 'forbidden', message: 'User "dev" cannot patch deployments' });
      };
      const other = { ...deployment({ replicas: 7 }), metadata: { name: 'api', namespace: 'shop', labels: { app: 'web' } } };
      const liveOther = { ...liveDeployment(), metadata: { ...(liveDeployment().metadata as Json), name: 'api' } };
      const report = await driftOf(
        input([deployment({ replicas: 3 }), other], [liveDeployment(), liveOther], { predict: forbidden, concurrency: 1 }),
      );
      assert.equal(asked, 1);
      assert.deepEqual(
        report.objects.map((o) => [o.name, o.status, o.comparedBy]),
        [
          ['api', 'drifted', 'fields-git-sets'],
          ['web', 'drifted', 'fields-git-sets'],
        ],
      );
      assert.equal(report.notes.filter((note) => /compared on the fields git sets only/.test(note)).length, 1);
    });

    it('reports the server refusing git’s object as an error beside what could be compared', async function () {
      const refused = (): Promise<Prediction> =>
        Promise.resolve({ ok: false, problem: 'refused', message: 'spec.selector: field is immutable' });
      const report = await driftOf(input([deployment({ replicas: 4 })], [liveDeployment()], { predict: refused }));
      assert.equal(report.objects[0]!.status, 'drifted');
      assert.match(report.objects[0]!.error!, /refuses git's version: spec\.selector: field is immutable/);
    });
  });

  describe('Secret values', function () {
    it('never shows them, and still shows that a value changed and who changed it', async function () {
      const desired = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db', namespace: 'shop' },
        stringData: { password: 'hunter2', user: 'app' },
      };
      const live = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'db',
          namespace: 'shop',
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"stringData":{"password":"hunter2"}}' },
          managedFields: [
            { manager: 'kubectl-patch', operation: 'Update', time: '2025-01-02T00:00:00Z', fieldsV1: { 'f:data': { 'f:password': {} } } },
          ],
        },
        data: { password: base64OfText('s3cr3t-patched'), user: base64OfText('app') },
      };
      const report = await driftOf(input([desired], [live], { documents: true }));
      const shown = JSON.stringify(report);
      for (const value of ['hunter2', 's3cr3t-patched', base64OfText('hunter2'), base64OfText('s3cr3t-patched'), base64OfText('app')])
        assert.ok(!shown.includes(value), `${value} shown`);
      assert.deepEqual(report.objects[0]!.differences, [
        {
          path: '/data/password',
          desired: '***',
          live: '***',
          manager: 'kubectl-patch',
          change: { operation: 'Update', time: '2025-01-02T00:00:00Z' },
        },
      ]);
    });

    it('masks a whole data map that only one side has', async function () {
      const desired = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db', namespace: 'shop' },
        data: { token: base64OfText('abc') },
      };
      const live = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' } };
      const report = await driftOf(input([desired], [live]));
      assert.deepEqual(report.objects[0]!.differences[0], { path: '/data', desired: { token: '***' }, live: null, manager: null });
    });
  });

  describe('ignore rules', function () {
    const scaledAndPatched = () => liveDeployment({ replicas: 5, image: 'nginx:1.28', labels: { app: 'web', extra: 'x' } });

    it('leaves out JSON pointers and jq paths of matching objects (Argo CD ignoreDifferences)', async function () {
      const rules = readIgnoreRules(
        [
          { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
          { group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "web") | .image'] },
        ],
        'Application web',
        { argo: true },
      );
      const report = await driftOf(input([deployment()], [scaledAndPatched()], { rules }));
      assert.equal(report.objects[0]!.status, 'in-sync');
      // An Argo CD rule without a group means the core group, as in Argo CD: it does not match a Deployment.
      const coreOnly = readIgnoreRules([{ kind: 'Deployment', jsonPointers: ['/spec/replicas'] }], 'Application web', { argo: true });
      const still = await driftOf(input([deployment()], [scaledAndPatched()], { rules: coreOnly }));
      assert.deepEqual(
        still.objects[0]!.differences.map((d) => d.path),
        ['/spec/replicas', '/spec/template/spec/containers/0/image'],
      );
    });

    it('leaves out what the named managers own (managedFieldsManagers), and applies .driftless.yaml rules by environment', async function () {
      const rules = readIgnoreRules(
        [
          { kind: 'Deployment', managedFieldsManagers: ['kubectl'], environment: 'production' },
          { kind: 'Deployment', jsonPointers: ['/spec/template'], environment: 'staging' },
        ],
        '.driftless.yaml',
      );
      const report = await driftOf(input([deployment()], [scaledAndPatched()], { rules }));
      // The image is the Apply manager `kubectl`'s too (as is the scale): both ignored; staging's rule is not applied.
      assert.equal(report.objects[0]!.status, 'in-sync');
      const staging = await driftOf({ ...input([deployment()], [scaledAndPatched()], { rules }), environment: 'staging' });
      assert.deepEqual(
        staging.objects[0]!.differences.map((d) => d.path),
        ['/spec/replicas'],
      );
    });

    it('reports a jq path outside the supported subset instead of failing', async function () {
      const rules = readIgnoreRules([{ kind: 'Deployment', jqPathExpressions: ['.spec | to_entries'] }], '.driftless.yaml');
      const report = await driftOf(input([deployment()], [scaledAndPatched()], { rules }));
      assert.equal(report.objects[0]!.status, 'drifted');
      assert.match(report.notes.join('\n'), /\.driftless\.yaml: jq path "\.spec \| to_entries": .*Driftless supports paths/);
    });
  });

  describe('jq paths', function () {
    const object = {
      metadata: { annotations: { 'a/b': '1', 'c.d': '2' } },
      spec: {
        containers: [
          { name: 'web', image: 'a', env: [{ name: 'X' }] },
          { name: 'istio-proxy', image: 'b' },
          { name: 'log-shipper', image: 'c' },
        ],
      },
    };
    const paths = (expression: string) => {
      const parsed = parseJqPaths(expression);
      assert.ok(parsed.ok, !parsed.ok ? parsed.error : '');
      return pathsOf(parsed, object).map((path) => path.join('.'));
    };

    it('selects the paths Argo CD users write', function () {
      assert.deepEqual(paths('.metadata.annotations."a/b"'), ['metadata.annotations.a/b']);
      assert.deepEqual(paths('.metadata.annotations["c.d"]'), ['metadata.annotations.c.d']);
      assert.deepEqual(paths('.spec.containers[].image'), [
        'spec.containers.0.image',
        'spec.containers.1.image',
        'spec.containers.2.image',
      ]);
      assert.deepEqual(paths('.spec.containers[1]'), ['spec.containers.1']);
      assert.deepEqual(paths('.spec.containers[] | select(.name == "istio-proxy")'), ['spec.containers.1']);
      assert.deepEqual(paths('.spec.containers[]? | select(.name | startswith("log")) | .image'), ['spec.containers.2.image']);
      assert.deepEqual(paths('.spec.containers[] | select(.name != "web" and (.image == "b" or .image == "c")) | .name'), [
        'spec.containers.1.name',
        'spec.containers.2.name',
      ]);
      assert.deepEqual(paths('.spec.containers[] | select(.name | test("^i.*y$") | not) | .image'), [
        'spec.containers.0.image',
        'spec.containers.2.image',
      ]);
      assert.deepEqual(paths('.spec.missing.deeper'), []);
    });

    it('refuses what it does not support, naming what it does', function () {
      for (const expression of ['.. | .image?', '.spec | keys', 'del(.a)', '.a +']) {
        const parsed = parseJqPaths(expression);
        assert.ok(!parsed.ok, expression);
        assert.match(parsed.error, /Driftless supports paths/);
      }
    });
  });

  describe('managed fields', function () {
    it('reads sets (v:) and items by index (i:)', function () {
      const object = {
        metadata: {
          finalizers: ['a', 'b'],
          managedFields: [
            { manager: 'one', operation: 'Update', fieldsV1: { 'f:metadata': { 'f:finalizers': { '.': {}, 'v:"a"': {} } } } },
            {
              manager: 'two',
              operation: 'Update',
              fieldsV1: { 'f:metadata': { 'f:finalizers': { 'v:"b"': {} } }, 'f:spec': { 'f:args': { 'i:1': {} } } },
            },
          ],
        },
        spec: { args: ['x', 'y'] },
      };
      assert.equal(ownerOf(object, ['metadata', 'finalizers', 1])?.manager, 'two');
      assert.equal(ownerOf(object, ['metadata', 'finalizers', 0])?.manager, 'one');
      assert.equal(ownerOf(object, ['spec', 'args', 1])?.manager, 'two');
      assert.deepEqual(listKindAt(object, ['metadata', 'finalizers']), { kind: 'set' });
    });
  });

  describe('controller status', function () {
    it('reads an Argo CD Application’s sync, health and revision, and a Flux Kustomization’s Ready condition', function () {
      const application = controllerStatusOf({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'web', namespace: 'argocd' },
        status: {
          sync: { status: 'OutOfSync', revision: 'abc' },
          health: { status: 'Healthy' },
          operationState: { syncResult: { revision: 'def' } },
        },
      })!;
      assert.equal(describeControllerStatus(application), 'OutOfSync, Healthy, revision def');
      const kustomization = controllerStatusOf({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'apps', namespace: 'flux-system' },
        spec: { suspend: true },
        status: {
          lastAppliedRevision: 'main@sha1:123',
          conditions: [{ type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'kustomize build failed' }],
        },
      })!;
      assert.equal(describeControllerStatus(kustomization), 'not Ready (False) (BuildFailed), suspended, revision main@sha1:123');
      assert.equal(kustomization.message, 'kustomize build failed');
    });
  });
});
