import { strict as assert } from 'node:assert';
import { summary, validate, yaml } from '../helpers/engine';

/** A valid Deployment; `container` lines are added to its one container (line 16 on), `spec` lines to its spec. */
const deployment = (container: string, spec = '') =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  selector:',
    '    matchLabels: {app: web}',
    '  template:',
    '    metadata:',
    '      labels: {app: web}',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: nginx:1.25',
    ...(container ? [container] : []),
    ...(spec ? [spec] : []),
    '',
  ].join('\n');

describe('schema validation (built-in kinds)', () => {
  it('accepts a well-formed Deployment', () => {
    assert.deepEqual(validate(deployment('')), []);
  });

  it('words type errors on the offending value, with a rule id', () => {
    const found = validate(deployment('', '  replicas: "three"'));
    assert.deepEqual(summary(found), ['schema-type@15']);
    assert.equal(found[0]!.message, '`replicas` must be an integer, got the string "three".');
    assert.equal(found[0]!.column, 13);
    assert.equal(found[0]!.endColumn, 20);
  });

  it('explains YAML 1.1 booleans where a string is expected', () => {
    const found = validate(deployment('          env:\n              - name: DEBUG\n                value: yes'));
    assert.deepEqual(summary(found), ['schema-type@17']);
    assert.match(found[0]!.message, /must be a string, got the boolean true\. Quote it/);
  });

  it('reports unknown fields on the key, suggesting the closest known one', () => {
    const found = validate(deployment('          imagePullPolicty: Always'));
    assert.deepEqual(summary(found), ['schema-unknown-field@15']);
    assert.match(found[0]!.message, /Unknown field `imagePullPolicty` in `containers\[0\]`\. Did you mean `imagePullPolicy`\?/);
    assert.deepEqual(found[0]!.diagnostic.fixes, [
      { kind: 'rename-key', path: ['spec', 'template', 'spec', 'containers', 0, 'imagePullPolicty'], to: 'imagePullPolicy' },
    ]);
  });

  it('reports a missing required field on the parent key, with a fix that adds it', () => {
    const found = validate(yaml`
      apiVersion: v1
      kind: Pod
      metadata:
        name: p
      spec:
        containers:
          - image: nginx
    `);
    assert.deepEqual(summary(found), ['schema-required@7']);
    assert.equal(found[0]!.message, '`containers[0]` is missing the required field `name`.');
  });

  it('checks enumerations recovered from descriptions, suggesting the right case', () => {
    const found = validate(deployment('          imagePullPolicy: always'));
    assert.deepEqual(summary(found), ['schema-enum@15']);
    assert.match(found[0]!.message, /must be one of Always, Never, IfNotPresent; got the string "always"\. Did you mean "Always"\?/);
  });

  it('checks formats the API server checks: base64 Secret data, int32 ranges, RFC 3339 times', () => {
    const found = validate(yaml`
      apiVersion: v1
      kind: Secret
      metadata:
        name: s
        creationTimestamp: yesterday
      data:
        password: not base64!
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: big}
      spec:
        replicas: 3000000000
        selector: {matchLabels: {app: a}}
        template:
          metadata: {labels: {app: a}}
          spec: {containers: [{name: a, image: a}]}
    `);
    assert.deepEqual(summary(found), ['schema-format@5', 'schema-format@7', 'schema-format@13']);
  });

  it('treats null as unset, so only required fields can fail', () => {
    assert.deepEqual(validate(deployment('          ports: null', '  replicas: ~')), []);
    const found = validate(yaml`
      apiVersion: v1
      kind: Pod
      metadata: {name: p}
      spec:
        containers:
          - name: ~
            image: nginx
    `);
    assert.deepEqual(summary(found), ['schema-required@6']);
  });

  it('accepts int-or-string fields either way and checks quantities', () => {
    const found = validate(
      deployment(
        yaml`
            ports:
              - containerPort: 8080
                name: http
            resources:
              requests: {cpu: 100m, memory: 128Mi}
              limits: {cpu: 1, memory: "1.5.0"}
            readinessProbe:
              httpGet: {path: /, port: http}
            livenessProbe:
              tcpSocket: {port: 8080}
    `.replace(/^/gm, '          '),
      ),
    );
    assert.deepEqual(summary(found), ['invalid-quantity@20']);
    assert.match(found[0]!.message, /`memory` is not a valid quantity/);
  });

  it('does not judge placeholders filled in later (Flux ${VAR}, Helm {{ }})', () => {
    assert.deepEqual(validate(deployment('          imagePullPolicy: ${PULL_POLICY}', '  replicas: ${REPLICAS}')), []);
    assert.deepEqual(validate(deployment('          imagePullPolicy: "{{ .Values.pullPolicy }}"')), []);
  });

  it('finds duplicate items of list maps, applying key defaults (protocol TCP)', () => {
    const found = validate(
      deployment(
        yaml`
      ports:
        - containerPort: 80
        - containerPort: 80
          protocol: TCP
        - containerPort: 80
          protocol: UDP
    `.replace(/^/gm, '          '),
      ),
    );
    assert.deepEqual(summary(found), ['schema-duplicate-item@17']);
    assert.match(found[0]!.message, /repeats containerPort 80 and protocol "TCP"/);
  });

  it('reports each container name clash once', () => {
    const found = validate(deployment('        - name: web\n          image: other'));
    assert.deepEqual(summary(found), ['schema-duplicate-item@15']);
  });
});

describe('schema validation (custom resources)', () => {
  const crd = yaml`
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: backups.example.com
    spec:
      group: example.com
      names: {kind: Backup, plural: backups}
      scope: Namespaced
      versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  required: [schedule]
                  properties:
                    schedule: {type: string, pattern: '^[0-9*/, -]+$'}
                    method: {type: string, enum: [Snapshot, Restic]}
                    retention: {type: integer, minimum: 1, maximum: 365}
                    size: {x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}]}
                    extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
                    target:
                      type: object
                      oneOf: [{required: [pvc]}, {required: [bucket]}]
                      properties:
                        pvc: {type: string}
                        bucket: {type: string}
                    rules:
                      type: array
                      x-kubernetes-validations: [{rule: "self.size() < 3"}]
                      items: {type: string}
  `;
  const backup = (spec: string) => `apiVersion: example.com/v1\nkind: Backup\nmetadata:\n  name: nightly\nspec:\n${spec}`;

  it('validates a custom resource against a CRD found in the workspace', () => {
    const ok = validate(
      backup(
        '  schedule: "0 3 * * *"\n  method: Restic\n  retention: 30\n  size: 10Gi\n  extra: {anything: [1, 2]}\n  target: {pvc: data}\n  rules: [a, b, c, d]\n',
      ),
      { crdFiles: { '/w/crd.yaml': crd } },
    );
    assert.deepEqual(ok, [], 'CEL rules (x-kubernetes-validations) are not evaluated yet and cause no findings');
  });

  it('reports enum, pattern, range, unknown-field, one-of and required violations', () => {
    const found = validate(
      backup('  schedule: "every night"\n  method: Rsync\n  retention: 0\n  colour: blue\n  target: {pvc: a, bucket: b}\n'),
      { crdFiles: { '/w/crd.yaml': crd } },
    );
    assert.deepEqual(summary(found), [
      'schema-constraint@6',
      'schema-enum@7',
      'schema-constraint@8',
      'schema-unknown-field@9',
      'schema-constraint@10',
    ]);
    assert.match(found[4]!.message, /must set exactly one of `pvc`, `bucket`, not 2/);
    const missing = validate(backup('  method: Restic\n'), { crdFiles: { '/w/crd.yaml': crd } });
    assert.deepEqual(summary(missing), ['schema-required@5']);
  });

  it('validates metadata of custom resources as the API server does', () => {
    const found = validate(backup('  schedule: "1"\n').replace('name: nightly', 'name: Nightly_Backup'), {
      crdFiles: { '/w/crd.yaml': crd },
    });
    assert.deepEqual(summary(found), ['invalid-name@4']);
  });

  it('uses the bundled CRDs offline (Argo CD Application)', () => {
    const found = validate(yaml`
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata: {name: web, namespace: argocd}
      spec:
        project: default
        source: {repoURL: https://example.com/repo.git, path: apps, targetRevision: main}
        destination: {server: https://kubernetes.default.svc, namespace: web}
        syncPolicy: {automated: {prune: yes}}
    `);
    assert.deepEqual(found, []);
    const bad = validate(
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web}\nspec:\n  project: default\n  destination: {server: x}\n  sourc: {}\n',
    );
    assert.deepEqual(summary(bad), ['schema-unknown-field@7']);
  });
});
