// The deploy engine on its own (no cluster, no git): the guardrails and what lifts each, the delivery target of an
// environment, deploy records as note lines (hostile lines ignored), the history merged from commits, the
// controller's own history and the records, and the plan as text and Markdown.
import { strict as assert } from 'node:assert';
import { planMarkdown, planText, type DeployPlan } from '../../server/src/engine/deploy/deploy-plan';
import {
  lastClusterRecord,
  parseRecordLine,
  parseRecords,
  recordLine,
  type DeployRecord,
} from '../../server/src/engine/deploy/deploy-record';
import { deployTargetOf, type DeployTarget } from '../../server/src/engine/deploy/deploy-target';
import {
  evaluateGuardrails,
  normalizedServer,
  overridesOf,
  unliftedBlocks,
  type GuardrailFacts,
} from '../../server/src/engine/deploy/guardrails';
import { controllerDeployments, currentControllerCommit, mergeHistory } from '../../server/src/engine/deploy/history';

const SHA = (n: number) => n.toString(16).padStart(40, 'a');

const target = (fields: Partial<DeployTarget> = {}): DeployTarget => ({
  environment: 'shop-prod',
  mode: 'apply',
  modeFrom: 'declared',
  protected: false,
  ...fields,
});

const facts = (fields: Partial<GuardrailFacts> = {}): GuardrailFacts => ({
  target: target({ expectedServer: 'https://prod.example.com:6443' }),
  direct: true,
  cluster: { context: 'prod', server: 'https://PROD.example.com:6443/', clusterId: 'uid-prod' },
  validationErrors: 0,
  managed: [],
  conflicts: [],
  uncommitted: [],
  ...fields,
});

const record = (fields: Partial<DeployRecord> = {}): DeployRecord => ({
  environment: 'shop-prod',
  kind: 'deploy',
  who: 'Dana Developer <dana@example.com>',
  when: '2026-12-01T10:00:00.000Z',
  mode: 'apply',
  revision: SHA(1),
  planDigest: 'ab'.repeat(32),
  outcome: 'succeeded',
  ...fields,
});

const byId = (guardrails: ReturnType<typeof evaluateGuardrails>, id: string) => guardrails.find((g) => g.id === id);

describe('deploy engine: guardrails', function () {
  it('passes a plain deploy to the declared cluster (server URLs compared normalized)', function () {
    const guardrails = evaluateGuardrails(facts(), {});
    assert.deepEqual(unliftedBlocks(guardrails), []);
    assert.equal(byId(guardrails, 'cluster')?.verdict, 'pass');
    assert.equal(normalizedServer('HTTPS://Host:443/'), 'https://host');
    assert.equal(normalizedServer('https://host:6443'), 'https://host:6443');
  });

  it('a protected environment needs its exact name typed', function () {
    const protectedFacts = facts({ target: target({ protected: true, expectedServer: 'https://prod.example.com:6443' }) });
    const none = byId(evaluateGuardrails(protectedFacts, {}), 'protection')!;
    assert.deepEqual([none.verdict, none.lifted, none.lift], ['block', false, 'confirm']);
    assert.match(none.message, /type its name to go on \(driftless: --confirm shop-prod\)/);
    const wrong = byId(evaluateGuardrails(protectedFacts, { confirm: 'shop-PROD' }), 'protection')!;
    assert.equal(wrong.lifted, false);
    assert.match(wrong.message, /"shop-PROD" is not its name/);
    assert.equal(byId(evaluateGuardrails(protectedFacts, { confirm: 'shop-prod' }), 'protection')?.lifted, true);
    assert.deepEqual(overridesOf(evaluateGuardrails(protectedFacts, { confirm: 'shop-prod' })), [], 'typing the name is no override');
  });

  it('refuses a context that points at another cluster: by the declared server, or by the last deploy’s cluster id', function () {
    const repointed = evaluateGuardrails(facts({ cluster: { context: 'prod', server: 'https://staging.example.com:6443' } }), {});
    assert.equal(byId(repointed, 'cluster')?.verdict, 'block');
    assert.equal(byId(repointed, 'cluster')?.lift, undefined, 'nothing lifts it: fix the kubeconfig');
    assert.match(
      byId(repointed, 'cluster')!.message,
      /points at https:\/\/staging\.example\.com:6443, but shop-prod's cluster is https:\/\/prod/,
    );
    const undeclared = target();
    const renamed = evaluateGuardrails(
      facts({
        target: undeclared,
        cluster: { context: 'prod', server: 'https://b', clusterId: 'uid-b' },
        lastRecord: record({ server: 'https://a', clusterId: 'uid-a', context: 'prod' }),
      }),
      {},
    );
    assert.equal(byId(renamed, 'cluster')?.verdict, 'block');
    assert.match(byId(renamed, 'cluster')!.message, /reaches another cluster/);
    const unknown = evaluateGuardrails(facts({ target: undeclared }), {});
    assert.equal(byId(unknown, 'cluster')?.verdict, 'warn');
    const unknownProtected = evaluateGuardrails(facts({ target: target({ protected: true }) }), { confirm: 'shop-prod' });
    assert.equal(byId(unknownProtected, 'cluster')?.verdict, 'block', 'a protected environment needs its cluster.server');
  });

  it('validation errors and controller-managed objects block a direct apply unless overridden (recorded)', function () {
    const blocked = evaluateGuardrails(
      facts({ validationErrors: 2, managed: [{ object: 'Deployment shop/web', by: 'Argo CD Application argocd/web' }] }),
      {},
    );
    assert.deepEqual(
      unliftedBlocks(blocked).map((g) => g.id),
      ['validation', 'managed-objects'],
    );
    assert.match(byId(blocked, 'managed-objects')!.message, /managed by Argo CD Application argocd\/web .*change it through git/);
    const overridden = evaluateGuardrails(facts({ validationErrors: 2, managed: [{ object: 'Deployment shop/web', by: 'Argo CD' }] }), {
      override: true,
    });
    assert.deepEqual(unliftedBlocks(overridden), []);
    assert.deepEqual(overridesOf(overridden), ['validation', 'managed-objects']);
    const throughGit = evaluateGuardrails(facts({ direct: false, managed: [{ object: 'Deployment shop/web', by: 'Argo CD' }] }), {});
    assert.equal(byId(throughGit, 'managed-objects'), undefined, 'through git, the controller applies them');
  });

  it('an auto-sync that would undo a direct change is named; suspending it lifts the block', function () {
    const argo = target({
      controller: { kind: 'argocd', application: 'web', namespace: 'argocd' },
      expectedServer: 'https://prod.example.com:6443',
    });
    const application = { kind: 'Application', spec: { syncPolicy: { automated: { prune: true } } }, status: {} };
    const direct = evaluateGuardrails(facts({ target: argo, controllerObject: application }), {});
    assert.equal(byId(direct, 'auto-sync')?.lifted, false);
    assert.match(byId(direct, 'auto-sync')!.message, /syncs automatically .*Suspend it .* or go through git/);
    assert.equal(
      byId(evaluateGuardrails(facts({ target: argo, controllerObject: application }), { suspendAutoSync: true }), 'auto-sync')?.lifted,
      true,
    );
    const disabled = { ...application, spec: { syncPolicy: { automated: { enabled: false } } } };
    assert.equal(byId(evaluateGuardrails(facts({ target: argo, controllerObject: disabled }), {}), 'auto-sync'), undefined);
    const running = { ...application, status: { operationState: { phase: 'Running' } } };
    assert.match(
      byId(
        evaluateGuardrails(facts({ target: { ...argo, mode: 'pull-request' }, direct: false, controllerObject: running }), {}),
        'controller',
      )!.message,
      /another operation in progress/,
    );
    const missing = evaluateGuardrails(facts({ target: { ...argo, mode: 'commit' }, direct: false, controllerObject: null }), {});
    assert.equal(byId(missing, 'controller')?.verdict, 'block');
  });

  it('fields other managers own are shown, not forced unless chosen; another deploy’s Lease blocks', function () {
    const conflicts = [{ object: 'Deployment shop/web', conflicts: [{ field: '.spec.replicas', manager: 'hpa-team' }] }];
    const shown = byId(evaluateGuardrails(facts({ conflicts }), {}), 'conflicts')!;
    assert.deepEqual([shown.verdict, shown.lift, shown.lifted], ['block', 'force-conflicts', false]);
    assert.match(shown.message, /\.spec\.replicas by hpa-team/);
    assert.deepEqual(overridesOf(evaluateGuardrails(facts({ conflicts }), { forceConflicts: true })), ['force-conflicts']);
    const held = byId(
      evaluateGuardrails(facts({ heldBy: { holder: 'sam@ci (pid 4)', since: '2026-12-01T10:00:00Z' } }), { override: true }),
      'lease',
    )!;
    assert.equal(held.verdict, 'block');
    assert.equal(held.lift, undefined, 'no answer lifts a held Lease');
  });
});

describe('deploy engine: targets', function () {
  it('the mode: asked, else declared, else pull-request with a controller and apply without', function () {
    const declared = {
      name: 'web',
      origin: 'declared' as const,
      delivery: { mode: 'commit' as const },
      protection: 'production' as const,
      cluster: { server: 'https://k:6443/' },
    };
    assert.deepEqual(
      [deployTargetOf(declared).mode, deployTargetOf(declared).modeFrom, deployTargetOf(declared, 'apply').mode],
      ['commit', 'declared', 'apply'],
    );
    assert.equal(deployTargetOf(declared).protected, true);
    assert.equal(deployTargetOf(declared).expectedServer, 'https://k:6443');
    assert.equal(deployTargetOf({ name: 'plain', origin: 'declared' }).mode, 'apply');
    const application = {
      name: 'web',
      origin: 'discovered' as const,
      source: { kind: 'application' as const, name: 'web' },
      object: { metadata: { namespace: 'argocd' }, spec: { source: { targetRevision: 'release' } } },
    };
    const argo = deployTargetOf(application);
    assert.deepEqual([argo.mode, argo.branch, argo.controller?.kind], ['pull-request', 'release', 'argocd']);
    const inCluster = deployTargetOf({ ...application, cluster: { server: 'https://kubernetes.default.svc' } });
    assert.equal(inCluster.expectedServer, undefined, 'the in-cluster address names no cluster');
  });

  it("a Flux object's source, reconciled first: a Kustomization's sourceRef, a HelmRelease's chart sourceRef", function () {
    const flux = (fluxKind: 'Kustomization' | 'HelmRelease', spec: Record<string, unknown>) =>
      deployTargetOf({
        name: 'backend',
        origin: 'discovered' as const,
        source: { kind: 'flux' as const, fluxKind, name: 'backend', namespace: 'shop' },
        object: { metadata: { name: 'backend', namespace: 'shop' }, spec },
      }).controller;
    assert.deepEqual(flux('Kustomization', { sourceRef: { kind: 'GitRepository', name: 'fleet', namespace: 'flux-system' } }), {
      kind: 'flux',
      fluxKind: 'Kustomization',
      name: 'backend',
      namespace: 'shop',
      source: { kind: 'GitRepository', name: 'fleet', namespace: 'flux-system' },
    });
    const release = flux('HelmRelease', {
      chart: { spec: { chart: './charts/backend', sourceRef: { kind: 'GitRepository', name: 'fleet' } } },
    });
    assert.deepEqual(release && 'source' in release ? release.source : undefined, {
      kind: 'GitRepository',
      name: 'fleet',
      namespace: 'shop',
    });
  });
});

describe('deploy engine: records', function () {
  it('a record is one note line and reads back the same', function () {
    const written = record({ overrides: ['force-conflicts'], to: SHA(2), kind: 'rollback', message: 'line one\nline two' });
    const line = recordLine(written);
    assert.equal(line.includes('\n'), false);
    assert.deepEqual(parseRecordLine(line), written);
  });

  it('hostile or malformed lines are ignored, other note text is left alone', function () {
    const good = recordLine(record());
    const note = [
      'Reviewed-by: someone',
      good,
      'Driftless-Deploy: {not json',
      recordLine({ ...record(), revision: 'HEAD' }),
      recordLine({ ...record(), outcome: 'exploded' as never }),
      recordLine({ ...record(), when: 'yesterday' }),
      recordLine({ ...record(), environment: 'x'.repeat(300) }),
      `Driftless-Deploy: ${JSON.stringify({ ...record(), message: 'y'.repeat(9000) })}`,
    ].join('\n');
    assert.deepEqual(parseRecords(note), [record()]);
  });

  it('the last record that reached a cluster (refusals do not count)', function () {
    const records = [
      record({ when: '2026-12-01T10:00:00Z', server: 'https://a' }),
      record({ when: '2026-12-02T10:00:00Z', server: 'https://b', outcome: 'refused' }),
      record({ when: '2026-12-03T10:00:00Z', environment: 'other', server: 'https://c' }),
    ];
    assert.equal(lastClusterRecord(records, 'shop-prod')?.server, 'https://a');
  });
});

describe('deploy engine: history', function () {
  const application = {
    kind: 'Application',
    status: {
      sync: { revision: SHA(3) },
      history: [
        { id: 0, revision: SHA(1), deployedAt: '2026-12-01T10:00:00Z' },
        { id: 1, revision: SHA(3), deployedAt: '2026-12-03T10:00:00Z' },
      ],
    },
  };

  it('reads what Argo CD and Flux say they deployed, newest first', function () {
    assert.deepEqual(
      controllerDeployments(application).map((d) => [d.id, d.commit]),
      [
        [1, SHA(3)],
        [0, SHA(1)],
      ],
    );
    assert.equal(currentControllerCommit(application), SHA(3));
    const kustomization = { kind: 'Kustomization', status: { lastAppliedRevision: `main@sha1:${SHA(4)}` } };
    assert.deepEqual(
      controllerDeployments(kustomization).map((d) => [d.source, d.commit]),
      [['Flux', SHA(4)]],
    );
    assert.equal(currentControllerCommit(kustomization), SHA(4));
  });

  it('merges commits, the controller’s history and the records by commit, newest first, marking what runs now', function () {
    const entries = mergeHistory({
      commits: [
        { commit: SHA(3), date: '2026-12-02T09:00:00Z', author: 'Dana', subject: 'web: 1.1' },
        { commit: SHA(1), date: '2026-11-30T09:00:00Z', author: 'Dana', subject: 'web: 1.0' },
      ],
      controller: controllerDeployments(application),
      records: [
        record({ revision: SHA(3), when: '2026-12-03T10:01:00Z' }),
        record({ revision: SHA(5), when: '2026-12-04T10:00:00Z', outcome: 'failed' }),
      ],
      describe: (commit) => (commit === SHA(5) ? { commit, date: '2026-12-04T09:00:00Z', author: 'Sam', subject: 'web: 1.2' } : undefined),
      currentCommit: currentControllerCommit(application),
    });
    assert.deepEqual(
      entries.map((e) => [e.commit, e.subject, e.current, e.changedInputs, e.controller.length, e.records.length]),
      [
        [SHA(5), 'web: 1.2', false, false, 0, 1],
        [SHA(3), 'web: 1.1', true, true, 1, 1],
        [SHA(1), 'web: 1.0', false, true, 1, 0],
      ],
    );
  });
});

describe('deploy engine: the plan shown', function () {
  const plan: DeployPlan = {
    kind: 'deploy',
    environment: 'shop-prod',
    mode: 'apply',
    direct: true,
    revision: { commit: SHA(1), subject: 'web: 1.1' },
    target: { context: 'prod', server: 'https://prod.example.com:6443', contextFrom: '.driftless.yaml' },
    validation: { errors: 0, warnings: 1, files: 3 },
    diff: {
      summary: { inSync: 1, drifted: 1, missing: 0, extra: 1, unknown: 0 },
      objects: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'shop',
          name: 'web',
          action: 'update',
          differences: [{ path: '.spec.template.spec.containers[0].image', desired: 'web:1.1', live: 'web:1.0' } as never],
          conflicts: [{ field: '.spec.replicas', manager: 'hpa-team' }],
        },
      ],
    },
    prune: { enabled: false, objects: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'old-config' }] },
    steps: ['take the deploy Lease', 'server-side apply'],
    uncommitted: [],
    guardrails: evaluateGuardrails(
      facts({ conflicts: [{ object: 'Deployment shop/web', conflicts: [{ field: '.spec.replicas', manager: 'hpa-team' }] }] }),
      {},
    ),
    notes: [],
    digest: 'f'.repeat(64),
  };

  it('as text: target, the diff, each object to prune (off), the steps and the blocked guardrail', function () {
    const text = planText(plan);
    assert.match(text, /^Deploy shop-prod \(apply, direct\): a{39}1 web: 1\.1|^Deploy shop-prod \(apply, direct\): aaaaaaaaaaaa web: 1\.1/);
    assert.match(text, /target: context prod \(https:\/\/prod\.example\.com:6443\)/);
    assert.match(
      text,
      /~ apps\/v1 Deployment shop\/web\n {8}\.spec\.template\.spec\.containers\[0\]\.image: "web:1\.0" → "web:1\.1"\n {8}conflict: \.spec\.replicas is owned by hpa-team/,
    );
    assert.match(text, /prune: off \(1 objects would be pruned with --prune\)\n {4}- v1 ConfigMap shop\/old-config/);
    assert.match(text, /BLOCKED 1 field is owned by another field manager/);
  });

  it('as Markdown: blocked first, then the tables and sections, user text escaped', function () {
    const markdown = planMarkdown({ ...plan, revision: { commit: SHA(1), subject: 'web: <img src=x onerror=alert(1)>' } });
    assert.match(markdown, /^# Deploy shop-prod\n\n> \*\*Blocked:\*\* /);
    assert.match(markdown, /\| Cluster \| `https:\/\/prod\.example\.com:6443` \|/);
    assert.match(markdown, /## Prune\n\nOff: these objects stay/);
    assert.doesNotMatch(markdown, /<img/);
    // Read as source in the editor: quotes and ampersands as written; a table cell or a link cannot be made.
    const plain = planMarkdown({ ...plan, revision: { commit: SHA(1), subject: 'fix "quotes" & a|b [x](y)' } });
    assert.match(plain, /\| Revision \| `[0-9a-f]{12}` fix "quotes" & a\\\|b \\\[x\\\]\(y\) \|/);
  });
});
