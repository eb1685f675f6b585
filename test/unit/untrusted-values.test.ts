// The engine's rules for what a hostile repository writes, checked directly: values bound for a tool's command line
// (tool-arguments.ts), what kustomize would fetch (kustomization-references.ts), Secret masks (secret-mask.ts) and the
// limits renders are read with (rendered-documents.ts).
import { strict as assert } from 'node:assert';
import {
  apiVersionProblem,
  chartNameProblem,
  chartVersionProblem,
  fileNameProblem,
  helmChartEntryProblems,
  kubeVersionProblem,
  namespaceProblem,
  releaseNameProblem,
  valueNameProblem,
} from '../../server/src/engine/render/tool-arguments';
import { kustomizeFetches } from '../../server/src/engine/kustomize/kustomization-references';
import { LAST_APPLIED, MASK, MASK_CHANGED, masked, maskedRender, withoutSecretValues } from '../../server/src/engine/render/secret-mask';
import { readRenderedDocuments } from '../../server/src/engine/render/rendered-documents';

describe('values a repository puts on a tool’s command line', () => {
  it('takes release names and namespaces only as DNS labels (helm’s own rule): no flag gets through', () => {
    for (const good of ['web', 'web-1', 'a'.repeat(53)]) assert.equal(releaseNameProblem(good), undefined, good);
    for (const bad of ['--post-renderer=/bin/sh', '-x', 'Web', 'web_1', 'a'.repeat(54), '', 'web ', 'a/b', 42])
      assert.ok(releaseNameProblem(bad), String(bad));
    assert.equal(namespaceProblem('a'.repeat(63)), undefined);
    for (const bad of ['--kubeconfig=/x', 'a'.repeat(64), 'Prod']) assert.ok(namespaceProblem(bad), bad);
  });

  it('takes chart names without paths, versions, Kubernetes and API versions, never with a leading dash', () => {
    assert.equal(chartNameProblem('podinfo'), undefined);
    for (const bad of ['../x', 'a/b', '-x', '..', '.hidden']) assert.ok(chartNameProblem(bad), bad);
    for (const good of ['6.7.0', '>=1.0.0 <2.0.0', '~1.2', 'v1.2.3-rc.1']) assert.equal(chartVersionProblem(good), undefined, good);
    for (const bad of ['--devel', '1.0/../x']) assert.ok(chartVersionProblem(bad), bad);
    assert.equal(kubeVersionProblem('v1.31.2'), undefined);
    assert.ok(kubeVersionProblem('--post-renderer=/bin/sh'));
    assert.equal(apiVersionProblem('monitoring.coreos.com/v1/ServiceMonitor'), undefined);
    assert.ok(apiVersionProblem('--post-renderer=/bin/sh'));
    assert.ok(fileNameProblem('--post-renderer=x'));
    assert.equal(fileNameProblem('../values/prod.yaml'), undefined, 'a path: its confinement is checked where the disk is');
    assert.ok(valueNameProblem('--post-renderer'));
  });

  it('checks every field of a helmCharts entry kustomize passes to helm', () => {
    assert.deepEqual(helmChartEntryProblems({ name: 'x', releaseName: 'x', namespace: 'ns', version: '1.0.0', apiVersions: ['v1'] }), []);
    const flags = helmChartEntryProblems({
      name: 'x',
      releaseName: '--post-renderer=/bin/sh',
      namespace: '--post-renderer=/bin/sh',
      kubeVersion: '--x',
      apiVersions: ['--y'],
      additionalValuesFiles: ['--z'],
      nameTemplate: '{{ env "TOKEN" }}',
    });
    assert.equal(flags.length, 6, flags.join('\n'));
    assert.deepEqual(helmChartEntryProblems('not a mapping'), ['a helmCharts entry is not a mapping.']);
  });

  it('knows what kustomize would fetch: its remote forms, and URLs', () => {
    for (const remote of [
      'https://github.com/acme/bases//base?ref=v1',
      'http://127.0.0.1:9/cm.yaml',
      'git::https://example.com/repo.git//base',
      'ssh://git@example.com/repo.git',
      'git@github.com:acme/bases.git/base',
      'github.com/acme/bases/base',
      'file:///etc/repo',
    ])
      assert.ok(kustomizeFetches(remote), remote);
    for (const local of ['../base', 'overlays/prod', 'deployment.yaml']) assert.ok(!kustomizeFetches(local), local);
  });
});

describe('Secret masks', () => {
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'MQ==', b: 'Mg==' }, stringData: { c: 'three' } };

  it('masks data and stringData; against the other side, a changed value says so and nothing else', () => {
    assert.deepEqual(masked(secret), { ...secret, data: { a: MASK, b: MASK }, stringData: { c: MASK } });
    const rotated = { ...secret, data: { a: 'MQ==', b: 'NQ==' } };
    assert.deepEqual((masked(rotated, secret) as { data: unknown }).data, { a: MASK, b: MASK_CHANGED });
    const plain = { apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' } };
    assert.equal(masked(plain), plain, 'nothing to mask: the same object');
  });

  it('masks Secrets inside a List and the object the last-applied annotation embeds', () => {
    const list = masked({ apiVersion: 'v1', kind: 'List', items: [secret] }) as { items: { data: unknown }[] };
    assert.deepEqual(list.items[0]!.data, { a: MASK, b: MASK });
    const annotated = masked({ ...secret, metadata: { name: 's', annotations: { [LAST_APPLIED]: JSON.stringify(secret) } } }) as {
      metadata: { annotations: Record<string, string> };
    };
    assert.ok(!annotated.metadata.annotations[LAST_APPLIED]!.includes('three'));
    assert.ok(!annotated.metadata.annotations[LAST_APPLIED]!.includes('MQ=='));
    const broken = masked({ ...secret, metadata: { name: 's', annotations: { [LAST_APPLIED]: '{not json: three' } } }) as {
      metadata: { annotations: Record<string, string> };
    };
    assert.equal(broken.metadata.annotations[LAST_APPLIED], MASK);
  });

  it('masks a render’s text, leaving documents without Secrets exactly as printed', () => {
    const cm = '# kept\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n';
    const text = maskedRender(`${cm}---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {c: three}\n`);
    assert.ok(text.startsWith(cm));
    assert.ok(!text.includes('three'));
    assert.match(text, /c: "\*\*\* \(masked\)"/);
  });

  it('keeps findings about a Secret’s values from quoting them', () => {
    const findings = [{ message: '`c` must be base64-encoded data, got the string "three".', path: ['stringData', 'c'] }];
    assert.deepEqual(withoutSecretValues(findings, secret), [
      { message: '`c` must be base64-encoded data, got a value not shown (Secret data).', path: ['stringData', 'c'] },
    ]);
  });
});

describe('renders read with the validator’s limits', () => {
  it('refuses an alias bomb and too many documents with a message, and reads the rest', () => {
    const bomb =
      'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n';
    const bombed = readRenderedDocuments(`kind: A\n---\n${bomb}`);
    assert.ok(!bombed.ok && /document 2 of the render cannot be read/.test(bombed.error), JSON.stringify(bombed));
    const crowded = readRenderedDocuments('---\nkind: A\n'.repeat(20_001));
    assert.ok(!crowded.ok && /over the 20,000 limit/.test(crowded.error));
    assert.deepEqual(readRenderedDocuments('kind: A\n---\n---\nkind: B\n'), { ok: true, values: [{ kind: 'A' }, { kind: 'B' }] });
  });
});
