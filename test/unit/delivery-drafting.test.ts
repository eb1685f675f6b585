// Delivery's drafting in the engine: commit messages from rendered changes, the override trailer, branch names (held
// to git's own rules by asking git), pull-request bodies cut at each forge's limit, forge detection from remote URLs,
// and `delivery.pullRequest` settings.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { draftCommitMessage, overrideOf, withOverrideTrailer } from '../../server/src/engine/delivery/commit-message';
import { branchNameProblem, branchSlug, draftBranchName, freeBranchName } from '../../server/src/engine/delivery/branch-name';
import { describeField, fieldChangesOf } from '../../server/src/engine/delivery/field-changes';
import { detectForge, forgeFromCiVariables, parseRemoteUrl, withoutCredentials } from '../../server/src/engine/delivery/forge';
import { BODY_LIMITS, buildPullRequestBody } from '../../server/src/engine/delivery/pull-request-body';
import { pullRequestSettingsFor, readPullRequestSettings } from '../../server/src/engine/delivery/pull-request-settings';
import { readDeclaredEnvironments } from '../../server/src/engine/environments/environment';
import { renderedDiffMarkdown, type EnvironmentChanges } from '../../server/src/engine/render/diff-markdown';
import { diffRenders } from '../../server/src/engine/render/object-diff';
import { validate } from '../helpers/engine';

function deployment(
  name: string,
  options: { image: string; memory: string; memoryRequest?: string; replicas?: number; sidecar?: string },
): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: {name: ${name}, namespace: shop}`,
    'spec:',
    `  replicas: ${options.replicas ?? 2}`,
    '  template:',
    '    spec:',
    '      containers:',
    `        - name: ${name}`,
    `          image: registry.example.com/shop/${name}:${options.image}`,
    '          env: [{name: LOG_LEVEL, value: info}]',
    `          resources: {limits: {memory: ${options.memory}}, requests: {memory: ${options.memoryRequest ?? options.memory}}}`,
    ...(options.sidecar ? ['        - name: proxy', `          image: envoyproxy/envoy:${options.sidecar}`] : []),
  ].join('\n');
}

function environment(name: string, before: string, after: string): EnvironmentChanges {
  const changes: unknown = diffRenders(before, after, { base: 'main', head: 'working tree' });
  if (!Array.isArray(changes)) throw new Error(`the renders cannot be read: ${JSON.stringify(changes)}`);
  return { name, changes: changes as EnvironmentChanges['changes'] };
}

describe('delivery: drafting a commit message from the rendered changes', () => {
  const prod = environment(
    'cart-prod',
    deployment('cart', { image: '1.0.0', memory: '128Mi' }),
    deployment('cart', { image: '1.0.1', memory: '256Mi' }),
  );
  const staging = environment(
    'cart-staging',
    deployment('cart', { image: '1.0.0', memory: '128Mi' }),
    deployment('cart', { image: '1.0.0', memory: '256Mi' }),
  );

  it('names each change and the environments it reaches, as the issue shows', () => {
    const drafted = draftCommitMessage([prod, staging]);
    assert.equal(drafted.subject, 'cart: image 1.0.0 → 1.0.1 in cart-prod; memory 128Mi → 256Mi in cart-prod, cart-staging');
    assert.equal(
      drafted.body,
      [
        'cart-prod:',
        '- Deployment shop/cart: image 1.0.0 → 1.0.1, memory 128Mi → 256Mi',
        'cart-staging:',
        '- Deployment shop/cart: memory 128Mi → 256Mi',
      ].join('\n'),
    );
    assert.equal(drafted.message, `${drafted.subject}\n\n${drafted.body}`);
  });

  it('says "limit" or "request" when only one of them changes, and names containers when several change', () => {
    const only = environment(
      'web',
      deployment('web', { image: '1', memory: '128Mi', sidecar: '1.28' }),
      deployment('web', { image: '2', memory: '256Mi', memoryRequest: '128Mi', sidecar: '1.29' }),
    );
    const described = fieldChangesOf(only.changes[0]!).fields.map(describeField);
    assert.deepEqual(described, ['image (web) 1 → 2', 'memory limit (web) 128Mi → 256Mi', 'image (proxy) 1.28 → 1.29']);
  });

  it('shows an image whose repository changes in full, and environment values by name', () => {
    const before = deployment('api', { image: '1.0', memory: '1Gi' });
    const after = before.replace('registry.example.com/shop/api:1.0', 'ghcr.io/acme/api:1.0').replace('value: info', 'value: debug');
    const fields = fieldChangesOf(environment('e', before, after).changes[0]!).fields.map(describeField);
    assert.deepEqual(fields, ['LOG_LEVEL info → debug', 'image registry.example.com/shop/api:1.0 → ghcr.io/acme/api:1.0']);
  });

  it('never shows a Secret value, masked or not', () => {
    const secret = (value: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: ${value}}\n`;
    const drafted = draftCommitMessage([environment('prod', secret('hunter2'), secret('correct-horse'))]);
    assert.equal(drafted.subject, 'db: password changed in prod');
    assert.doesNotMatch(drafted.message, /hunter2|correct-horse|masked/);
  });

  it('says objects added and removed, and sums up what is too long for a subject', () => {
    const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {a: b}\n`;
    const added = draftCommitMessage([environment('prod', '', cm('settings'))]);
    assert.equal(added.subject, 'settings: ConfigMap added in prod');
    const many = Array.from({ length: 6 }, (_, i) =>
      environment(
        `environment-number-${i}`,
        deployment(`service-${i}`, { image: '1.0.0', memory: '1Gi' }),
        deployment(`service-${i}`, { image: '1.0.1', memory: '2Gi', replicas: 3 }),
      ),
    );
    const drafted = draftCommitMessage(many);
    assert.equal(drafted.subject, 'service-0, service-1, service-2 and 3 more: 18 changes in 6 environments');
    assert.match(
      drafted.body,
      /^environment-number-5:\n- Deployment shop\/service-5: replicas 2 → 3, image 1\.0\.0 → 1\.0\.1, memory 1Gi → 2Gi$/m,
    );
  });

  it('falls back on the changed files when no render changed', () => {
    assert.equal(draftCommitMessage([{ name: 'prod', changes: [] }], ['docs/README.md']).subject, 'Update docs/README.md');
    assert.equal(draftCommitMessage([], ['apps/web/a.yaml', 'apps/web/b.yaml']).subject, 'Update 2 files in apps/web');
  });

  it('records an override in a trailer, joining an existing trailer block and replacing an earlier override', () => {
    assert.equal(withOverrideTrailer('cart: image 1 → 2 in prod', 2), 'cart: image 1 → 2 in prod\n\nDriftless-Override: 2 errors');
    assert.equal(
      withOverrideTrailer('Subject\n\nBody text.\n\nSigned-off-by: A <a@b.c>\n', 1),
      'Subject\n\nBody text.\n\nSigned-off-by: A <a@b.c>\nDriftless-Override: 1 error',
    );
    assert.equal(withOverrideTrailer('Subject\n\nDriftless-Override: 5 errors', 3), 'Subject\n\nDriftless-Override: 3 errors');
    assert.equal(overrideOf(withOverrideTrailer('Subject', 2)), 2);
    assert.equal(overrideOf('Subject: with a colon'), undefined);
  });
});

describe('delivery: branch names', () => {
  it('drafts one from the first change, as the issue shows', () => {
    const prod = environment(
      'cart-prod',
      deployment('cart', { image: '1.0.0', memory: '1Gi' }),
      deployment('cart', { image: '1.0.1', memory: '1Gi' }),
    );
    assert.equal(draftBranchName([{ name: 'cart-staging', changes: [] }, prod]), 'driftless/cart-prod-image-1.0.1');
    assert.equal(
      draftBranchName([environment('web', '', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-env}\n')]),
      'driftless/web-add-configmap-web-env',
    );
    assert.equal(draftBranchName([], ['apps/web/values.yaml']), 'driftless/update-values');
  });

  it('slugs whatever the change says into a name git takes', () => {
    assert.equal(branchSlug('prod: memory limit (web) 128Mi → 256Mi'), 'prod-memory-limit-web-128Mi-256Mi');
    assert.equal(branchSlug('..weird..name.lock'), 'weird.name-lock');
    assert.equal(branchSlug('-@{x}~^:?*[\\'), 'x');
    assert.equal(freeBranchName('driftless/a', new Set(['driftless/a', 'driftless/a-2'])), 'driftless/a-3');
  });

  it('agrees with git check-ref-format --branch on names that are and are not branches', function () {
    const names = [
      'driftless/cart-prod-image-1.0.1',
      'feature/x',
      'main',
      'a/.b',
      'a.lock',
      'a/b.lock/c',
      'a..b',
      'a b',
      'a~1',
      'a^',
      'a:b',
      'a?',
      'a*',
      'a[1',
      'a\\b',
      '/a',
      'a/',
      'a//b',
      'a.',
      'a@{1}',
      '-x',
      'HEAD',
      'x\u0007y',
      'v1.0.0',
      'a@b',
      'release/2026.01',
    ];
    for (const name of names) {
      const git = spawnSync('git', ['check-ref-format', '--branch', name], { encoding: 'utf8' });
      const ours = branchNameProblem(name);
      assert.equal(
        ours === undefined,
        git.status === 0,
        `${JSON.stringify(name)}: git says ${git.status === 0 ? 'valid' : 'invalid'}, Driftless says ${ours ?? 'valid'}`,
      );
    }
    // Stricter than git on purpose: `@` means HEAD to git's revision parser, and not every forge takes non-ASCII names.
    assert.match(branchNameProblem('@')!, /not a branch name/);
    assert.match(branchNameProblem('ünïcode')!, /ASCII/);
  });
});

describe('delivery: pull-request bodies', () => {
  const big = environment(
    'prod',
    Array.from(
      { length: 400 },
      (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\ndata: {value: "${'a'.repeat(200)}"}`,
    ).join('\n---\n'),
    Array.from(
      { length: 400 },
      (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\ndata: {value: "${'b'.repeat(200)}"}`,
    ).join('\n---\n'),
  );
  // Uncapped, as pull requests build it: the body is cut at the forge's limit, not at the CLI's comment limit.
  const markdown = renderedDiffMarkdown([big], 'This change changes 400 objects in 1 environment (against main).', Infinity);

  it('holds the validation result, the drift and the rendered diff, in that order', () => {
    const small = renderedDiffMarkdown(
      [big].map((e) => ({ ...e, changes: e.changes.slice(0, 1) })),
      'summary',
    );
    const { body, cut } = buildPullRequestBody({
      renderedDiff: small,
      validation: { errors: 2, warnings: 1, infos: 0, files: 3, overridden: true },
      drift: '### Driftless: drift\n\nprod: in sync',
      forge: 'github',
    });
    assert.equal(cut, false);
    assert.ok(body.indexOf('validation') < body.indexOf('drift') && body.indexOf('drift') < body.indexOf('rendered changes'));
    assert.match(body, /Committed despite validation errors \(`Driftless-Override: 2 errors`\): 2 errors, 1 warning, 0 infos in 3 files/);
  });

  for (const forge of ['github', 'gitlab', 'gitea'] as const) {
    it(`is cut at ${forge}'s limit with a note, closing what was open`, () => {
      const limit = forge === 'github' ? BODY_LIMITS.github : 20_000; // the others' limits, scaled down
      const { body, cut, fullLength } = buildPullRequestBody(
        { renderedDiff: markdown, forge, validation: { errors: 0, warnings: 0, infos: 0, files: 1 } },
        limit,
      );
      assert.equal(cut, true);
      assert.ok(fullLength > limit);
      assert.ok([...body].length <= limit, `${[...body].length} > ${limit}`);
      assert.match(
        body,
        /✂️ Cut to fit .* limit of [\d,]+ characters: [\d,]+ of [\d,]+ shown\. `driftless diff --format markdown` prints all of it\.$/,
      );
      assert.match(body, /Validation passed/);
      const fences = body.split('\n').filter((line) => line.startsWith('```')).length;
      assert.equal(fences % 2, 0, 'every code block is closed');
      assert.equal(body.split('<details>').length, body.split('</details>').length, 'every <details> is closed');
    });
  }

  it('counts characters as the forge does (code points), never splitting a surrogate pair', () => {
    const emoji = renderedDiffMarkdown([{ name: 'e', changes: [] }], '🌈'.repeat(5000));
    const { body } = buildPullRequestBody({ renderedDiff: emoji, forge: 'github' }, 1000);
    assert.ok([...body].length <= 1000);
    assert.doesNotMatch(body, /[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('keeps GitHub, GitLab and Gitea limits as documented', () => {
    assert.deepEqual(BODY_LIMITS, { github: 65_536, gitlab: 1_000_000, gitea: 1_000_000 });
  });
});

describe('delivery: forge detection from a remote URL', () => {
  const cases: [string, string | undefined][] = [
    ['https://github.com/acme/fleet.git', 'github https://github.com https://api.github.com acme/fleet'],
    ['git@github.com:acme/fleet.git', 'github https://github.com https://api.github.com acme/fleet'],
    ['ssh://git@github.com/acme/fleet', 'github https://github.com https://api.github.com acme/fleet'],
    ['https://x-access-token:ghp_secret@github.com/acme/fleet', 'github https://github.com https://api.github.com acme/fleet'],
    ['https://gitlab.com/acme/platform/fleet.git', 'gitlab https://gitlab.com https://gitlab.com/api/v4 acme/platform/fleet'],
    ['git@codeberg.org:acme/fleet.git', 'gitea https://codeberg.org https://codeberg.org/api/v1 acme/fleet'],
    ['https://ghe.corp.example/acme/fleet.git', 'github https://ghe.corp.example https://ghe.corp.example/api/v3 acme/fleet'],
    [
      'ssh://git@gitlab.corp.example:2222/grp/sub/app.git',
      'gitlab https://gitlab.corp.example https://gitlab.corp.example/api/v4 grp/sub/app',
    ],
    ['http://127.0.0.1:3000/admin/sample.git', 'gitea http://127.0.0.1:3000 http://127.0.0.1:3000/api/v1 admin/sample'],
    ['https://tools.example/gitea/acme/fleet', 'gitea https://tools.example/gitea https://tools.example/gitea/api/v1 acme/fleet'],
  ];
  const configured = [
    { url: 'https://ghe.corp.example', kind: 'github' as const },
    { url: 'https://gitlab.corp.example/', kind: 'gitlab' as const },
    { url: 'http://127.0.0.1:3000', kind: 'gitea' as const },
    { url: 'https://tools.example/gitea', kind: 'gitea' as const },
  ];
  for (const [url, expected] of cases)
    it(withoutCredentials(url), () => {
      const found = detectForge(url, configured);
      assert.ok('repository' in found, JSON.stringify(found));
      const r = found.repository;
      assert.equal(`${r.kind} ${r.webUrl} ${r.apiUrl} ${r.fullName}`, expected);
      assert.doesNotMatch(JSON.stringify(found), /ghp_secret/);
    });

  it('leaves an unknown host to be asked, refuses local paths, and never repeats credentials', () => {
    assert.deepEqual(detectForge('https://git.example.org/acme/fleet.git'), {
      unknown: { webUrl: 'https://git.example.org', path: 'acme/fleet', host: 'git.example.org' },
    });
    assert.match((detectForge('/srv/git/fleet.git') as { error: string }).error, /local path/);
    const bad = detectForge('ftp://user:token123@host/x/y') as { error: string };
    assert.doesNotMatch(bad.error, /token123/);
    assert.match((detectForge('https://github.com/acme/a/b') as { error: string }).error, /only GitLab has subgroups/);
    assert.equal(parseRemoteUrl('git@host:../../etc/passwd'), undefined);
    assert.equal(detectForge('http://127.0.0.1:3001/a/b.git', configured).hasOwnProperty('unknown'), true, 'another port is another forge');
  });

  it('reads the forge from CI variables (Gitea and Forgejo Actions set GITHUB_API_URL to their /api/v1)', () => {
    assert.deepEqual(forgeFromCiVariables({ GITHUB_API_URL: 'https://api.github.com' }), {
      kind: 'github',
      apiUrl: 'https://api.github.com',
    });
    assert.deepEqual(forgeFromCiVariables({ GITHUB_API_URL: 'https://gitea.example/api/v1/' }), {
      kind: 'gitea',
      apiUrl: 'https://gitea.example/api/v1',
    });
    assert.deepEqual(forgeFromCiVariables({ CI_API_V4_URL: 'https://gitlab.example/api/v4' }), {
      kind: 'gitlab',
      apiUrl: 'https://gitlab.example/api/v4',
    });
    assert.equal(forgeFromCiVariables({}), undefined);
  });
});

describe('delivery: pull-request settings from .driftless.yaml', () => {
  const declared = readDeclaredEnvironments(
    [
      { name: 'prod', delivery: { mode: 'pull-request', branch: 'release', pullRequest: { reviewers: ['alice', ''], labels: ['prod'] } } },
      { name: 'staging', delivery: { pullRequest: { draft: true, labels: ['staging'], base: 'release' } } },
      { name: 'dev', delivery: { pullRequest: { base: 'develop', draft: 'yes' } } },
    ],
    (p) => p,
    '.driftless.yaml',
  );
  const byName = (name: string) => declared.find((e) => e.name === name)!;
  const top = readPullRequestSettings({ reviewers: ['platform-team'], labels: ['gitops'], base: 'main' });

  it('joins the environments’ reviewers and labels with the top level’s; any draft makes a draft', () => {
    assert.deepEqual(pullRequestSettingsFor([byName('prod'), byName('staging')], top), {
      draft: true,
      reviewers: ['platform-team', 'alice'],
      labels: ['gitops', 'prod', 'staging'],
      base: 'release',
      baseFrom: 'the environments prod, staging',
    });
  });

  it('takes the top level’s base when the environments disagree, and ignores what is not of the right type', () => {
    const settings = pullRequestSettingsFor([byName('prod'), byName('dev')], top);
    assert.equal(settings.base, 'main');
    assert.equal(settings.draft, undefined);
    assert.deepEqual(pullRequestSettingsFor([], undefined), {});
  });
});

describe('delivery: .driftless.yaml’s delivery.pullRequest in the configuration schema', () => {
  const config = (text: string) => validate(text, { path: '/workspace/.driftless.yaml' }).map((f) => `${f.line} ${f.rule}: ${f.message}`);

  it('takes draft, reviewers, labels and base at the top level and per environment', () => {
    assert.deepEqual(
      config(
        [
          'delivery:',
          '  pullRequest: {draft: true, reviewers: [alice], labels: [gitops], base: main}',
          'environments:',
          '  - name: prod',
          '    delivery: {mode: pull-request, branch: release, pullRequest: {labels: [production]}}',
          '',
        ].join('\n'),
      ),
      [],
    );
  });

  it('reports what is not of the right shape, on its line', () => {
    const found = config(['delivery:', '  pullRequest:', '    draft: "yes"', '    reviewer: [alice]', ''].join('\n'));
    assert.equal(found.length, 2, JSON.stringify(found));
    assert.ok(found.some((f) => f.startsWith('3 ')) && found.some((f) => f.startsWith('4 ')), JSON.stringify(found));
  });
});
