// The drift engine on objects recorded from real API servers (../shared/corpus/live: Argo CD's, kubectl's and
// structured-merge-diff's test data): server defaults are no drift, each difference is attributed to the manager
// that owns it, and a server's dry-run prediction (Argo CD's ServerSideDiff captures) yields only git's changes.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compareFieldsGitSets } from '../../server/src/engine/drift/compare-objects';
import { driftOf, type DriftInput } from '../../server/src/engine/drift/drift-report';
import type { Json } from '../../server/src/engine/json';
import { listKindAt, managedFieldsOf, ownerOf } from '../../server/src/engine/drift/managed-fields';
import { normalizeForComparison } from '../../server/src/engine/drift/normalize';
import { corpusFolder } from '../helpers/shared-corpus';
import { skipWithReason } from '../helpers/skips';

const LIVE = corpusFolder('DRIFTLESS_CORPUS_LIVE', 'live');
const DIFF = join(LIVE, 'argo-cd', 'gitops-engine', 'pkg', 'diff', 'testdata');
const ARGO_UTIL = join(LIVE, 'argo-cd', 'util', 'argo', 'testdata');

const load = (path: string) => parse(readFileSync(path, 'utf8')) as Json;

/** The fields-git-sets comparison of a desired and a live file, as `path: desired vs live (manager)`. */
function compared(desiredFile: string, liveFile: string): string[] {
  const live = load(liveFile);
  const liveSide = normalizeForComparison(live);
  const entries = managedFieldsOf(live);
  return compareFieldsGitSets(normalizeForComparison(load(desiredFile)), liveSide, (path) => listKindAt(liveSide, path, entries)).map(
    (d) =>
      `/${d.path.join('/')}: ${JSON.stringify(d.desired)} vs ${JSON.stringify(d.live)} (${ownerOf(liveSide, d.path, entries)?.manager})`,
  );
}

describe('drift engine on recorded live objects', function () {
  before(function () {
    if (!existsSync(LIVE)) {
      skipWithReason(this, `no recorded live objects at ${LIVE}`);
    }
  });

  it('finds no drift where the server only added its defaults', function () {
    // A real Deployment, Service, StatefulSet, webhook configuration and ServiceAccount with everything the server
    // fills in (strategy, probes' thresholds, clusterIP(s), ipFamilies, sessionAffinity, token secrets, ...).
    for (const name of [
      'deployment',
      'smd-deploy2',
      'elasticsearch',
      'mutatingwebhookconfig',
      'spinnaker-sa',
      'endpoints',
      'ssd-service',
    ]) {
      const extension = existsSync(join(DIFF, `${name}-config.json`)) ? 'json' : 'yaml';
      const live = existsSync(join(DIFF, `${name}-live.json`)) ? `${name}-live.json` : `${name}-live.yaml`;
      assert.deepEqual(compared(join(DIFF, `${name}-config.${extension}`), join(DIFF, live)), [], name);
    }
  });

  it('reads null and empty alike: a Secret value null or "", a Role without rules', function () {
    assert.deepEqual(compared(join(DIFF, 'wordpress-config.json'), join(DIFF, 'wordpress-live.json')), []);
    assert.deepEqual(compared(join(DIFF, 'grafana-clusterrole-config.json'), join(DIFF, 'grafana-clusterrole-live.json')), []);
    // The aggregation controller's rules of an aggregated ClusterRole are not git's.
    assert.deepEqual(compared(join(DIFF, 'aggr-clusterrole-config.json'), join(DIFF, 'aggr-clusterrole-live.json')), []);
  });

  it('attributes replicas scaled by a controller and a field another manager applied', function () {
    assert.deepEqual(compared(join(ARGO_UTIL, 'desired_deployment.yaml'), join(ARGO_UTIL, 'live_deployment_with_managed_replica.yaml')), [
      // Owned by argocd (2021-12-01) and kube-controller-manager (later): the later change made it 2.
      '/spec/replicas: 3 vs 2 (kube-controller-manager)',
      '/spec/revisionHistoryLimit: 1 vs 3 (revision-history-manager)',
    ]);
  });

  it('attributes a webhook certificate to the controller that injects it', function () {
    const found = compared(join(ARGO_UTIL, 'desired_validating_webhook.yaml'), join(ARGO_UTIL, 'live_validating_webhook.yaml'));
    assert.equal(found.length, 1);
    assert.match(found[0]!, /^\/webhooks\/0\/clientConfig\/caBundle: "Cg==" vs "LS0t.*" \(external-secrets\)$/);
  });

  it('matches list items by the key fields managedFields show (a port without its defaulted protocol)', function () {
    const live = load(join(DIFF, 'ssd-deploy-composite-key-live.yaml'));
    const containers = ['spec', 'template', 'spec', 'containers'];
    assert.deepEqual(listKindAt(live, containers), { kind: 'map', keys: ['name'] });
    assert.deepEqual(listKindAt(live, [...containers, 0, 'ports']), { kind: 'map', keys: ['containerPort', 'protocol'] });
    // Git adds a third port: named after the live ones; no manager owns it or the container holding it (no `.`).
    assert.deepEqual(compared(join(DIFF, 'ssd-deploy-composite-key-config.yaml'), join(DIFF, 'ssd-deploy-composite-key-live.yaml')), [
      '/spec/template/spec/containers/0/ports/2: {"containerPort":8080,"name":"metrics"} vs undefined (undefined)',
    ]);
  });

  it('names the owner of a leaf, of an item by its key, and of the nearest owned field above', function () {
    const live = load(join(DIFF, 'ssd-deploy-with-manual-apply-live.yaml'));
    const containers = ['spec', 'template', 'spec', 'containers'];
    assert.equal(ownerOf(live, [...containers, 1, 'image'])?.manager, 'kubectl-client-side-apply');
    assert.equal(ownerOf(live, [...containers, 0, 'image'])?.manager, 'argocd-controller');
    assert.deepEqual(ownerOf(live, [...containers, 0, 'ports', 0, 'protocol']), {
      manager: 'argocd-controller',
      operation: 'Update',
      time: '2025-02-25T01:19:32Z',
    });
    assert.equal(ownerOf(live, ['status', 'replicas'])?.subresource, 'status');
    // A label no one owns: the labels map itself is argocd-controller's (`.`).
    assert.deepEqual(ownerOf(live, ['metadata', 'labels', 'added-by-hand'])?.via, ['metadata', 'labels']);
  });

  it('compares a dry-run prediction with the live object: git’s new port, not the webhook’s label', async function () {
    const predicted = JSON.parse(readFileSync(join(DIFF, 'ssd-deploy-with-manual-apply-predicted-live.json'), 'utf8')) as Json;
    const input: DriftInput = {
      environment: 'test',
      desired: [load(join(DIFF, 'ssd-deploy-with-manual-apply-config.yaml'))],
      live: { objects: [load(join(DIFF, 'ssd-deploy-with-manual-apply-live.yaml'))], unread: [] },
      rules: [],
      // The capture's dry run ran as Argo CD's manager.
      fieldManager: 'argocd-controller',
      predict: () => Promise.resolve({ ok: true, object: predicted }),
    };
    const report = await driftOf(input);
    assert.equal(report.objects.length, 1);
    const [object] = report.objects;
    assert.equal(object!.status, 'drifted');
    assert.equal(object!.comparedBy, 'dry-run');
    assert.deepEqual(
      object!.differences.map((d) => [d.path, d.desired, d.live]),
      [['/spec/template/spec/containers/0/ports/1', { containerPort: 40, name: 'https', protocol: 'TCP' }, null]],
    );
    // The prediction's label from a mutating webhook is no difference git makes; the foreign container stays.
    assert.ok(!JSON.stringify(report).includes('FROM-MUTATION-WEBHOOK'));
  });

  it('finds a Service in sync when its only prediction difference is a webhook’s label', async function () {
    const report = await driftOf({
      environment: 'test',
      desired: [
        {
          ...load(join(DIFF, 'ssd-service-config.yaml')),
          spec: { ...(load(join(DIFF, 'ssd-service-config.yaml')).spec as Json), sessionAffinity: 'ClientIP' },
        },
      ],
      live: { objects: [load(join(DIFF, 'ssd-service-live.yaml'))], unread: [] },
      rules: [],
      fieldManager: 'argocd-controller',
      predict: () =>
        Promise.resolve({ ok: true, object: JSON.parse(readFileSync(join(DIFF, 'ssd-service-predicted-live.json'), 'utf8')) as Json }),
    });
    // Git's change (forced here to ask for a prediction) is not in this capture's prediction: nothing git sets differs.
    assert.equal(report.objects[0]!.status, 'in-sync');
    assert.equal(report.objects[0]!.comparedBy, 'dry-run');
  });
});
