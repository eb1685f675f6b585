// The drift engine on objects recorded from the test cluster's real API server (test/fixtures/drift/recorded, made by
// record.ts there): a Deployment scaled and given a hotfix image by hand, a Secret patched, a Service with the
// server's defaults, a ConfigMap whose finalizers two managers share — each with the server's dry-run prediction.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { driftOf, type DriftReport } from '../../server/src/engine/drift/drift-report';
import type { Json } from '../../server/src/engine/json';
import { listKindAt, ownerOf } from '../../server/src/engine/drift/managed-fields';
import { REPO_ROOT } from '../helpers/engine';

const RECORDED = join(REPO_ROOT, 'test', 'fixtures', 'drift', 'recorded');
const read = (name: string) =>
  (name.endsWith('.yaml')
    ? parse(readFileSync(join(RECORDED, name), 'utf8'))
    : JSON.parse(readFileSync(join(RECORDED, name), 'utf8'))) as Json;

async function drift(name: string, withPrediction: boolean): Promise<DriftReport> {
  return driftOf({
    environment: 'shop',
    desired: [read(`${name}.desired.yaml`)],
    live: { objects: [read(`${name}.live.json`)], unread: [] },
    rules: [],
    fieldManager: 'driftless-drift',
    ...(withPrediction ? { predict: () => Promise.resolve({ ok: true as const, object: read(`${name}.predicted.json`) }) } : {}),
  });
}

describe('drift engine on objects recorded from the test cluster', function () {
  it('finds the hand scaling and the hotfix image, each with its manager, through the server’s prediction', async function () {
    const report = await drift('deployment', true);
    const [object] = report.objects;
    assert.equal(object!.comparedBy, 'dry-run');
    assert.deepEqual(
      object!.differences.map((d) => [d.path, d.desired, d.live, d.manager, d.change?.subresource]),
      [
        ['/spec/replicas', 2, 5, 'kubectl', 'scale'],
        ['/spec/template/spec/containers/0/image', 'nginx:1.27', 'nginx:1.28-hotfix', 'kubectl-set', undefined],
      ],
    );
  });

  it('finds a patched Secret value, attributed, without showing either value', async function () {
    const report = await drift('secret', true);
    assert.deepEqual(report.objects[0]!.differences, [
      {
        path: '/data/password',
        desired: '***',
        live: '***',
        manager: 'kubectl-patch',
        change: {
          operation: 'Update',
          time: (read('secret.live.json').metadata as { managedFields: { time: string }[] }).managedFields[1]!.time,
        },
      },
    ]);
    const shown = JSON.stringify(report);
    for (const value of ['value-in-git', 'value-patched', 'dmFsdWUtaW4tZ2l0', 'dmFsdWUtcGF0Y2hlZA=='])
      assert.ok(!shown.includes(value), value);
  });

  it('finds a Service with the server’s defaults in sync, without a dry run', async function () {
    const report = await drift('service', false);
    assert.equal(report.objects[0]!.status, 'in-sync');
    assert.equal(report.objects[0]!.comparedBy, 'fields-git-sets');
  });

  it('reads finalizers as a set two managers share: another manager’s finalizer is no drift', async function () {
    const live = read('configmap.live.json');
    assert.deepEqual(listKindAt(live, ['metadata', 'finalizers']), { kind: 'set' });
    assert.equal(ownerOf(live, ['metadata', 'finalizers', 1])?.manager, 'cleanup-controller');
    assert.equal(ownerOf(live, ['metadata', 'finalizers', 0])?.manager, 'kubectl');
    const report = await drift('configmap', false);
    assert.equal(report.objects[0]!.status, 'in-sync');
  });
});
