import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { formatPath } from '../../server/src/engine/validate/finding';
import { ProjectModel } from '../../server/src/engine/project/project-model';
import { referencesOf } from '../../server/src/engine/workspace/resource-references';
import { repository, validateFile, schemaFiles, summary, yaml, type Found } from '../helpers/engine';

function check(root: string, project: ProjectModel, file: string): Found[] {
  const path = join(root, file);
  return validateFile(project, path).filter((f) => f.rule.startsWith('unresolved'));
}

const deployment = (name: string, podSpec: string, namespace?: string) => yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: ${name}${namespace ? `\n    namespace: ${namespace}` : ''}
  spec:
    selector: {matchLabels: {app: ${name}}}
    template:
      metadata: {labels: {app: ${name}}}
      spec:
        ${podSpec}
`;

const CONFIG_USER = deployment('web', 'containers: [{name: web, image: nginx:1.27, envFrom: [{configMapRef: {name: web-config}}]}]');

describe('references between resources: what names what', () => {
  it('lists the names a pod uses, an Ingress and a route send to, an autoscaler targets, RBAC binds, Flux depends on', () => {
    const pod = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      spec: {
        jobTemplate: {
          spec: {
            template: {
              spec: {
                serviceAccountName: 'runner',
                imagePullSecrets: [{ name: 'registry' }],
                volumes: [
                  { name: 'a', configMap: { name: 'settings' } },
                  { name: 'b', secret: { secretName: 'tls', optional: true } },
                  { name: 'c', persistentVolumeClaim: { claimName: 'data' } },
                  { name: 'd', projected: { sources: [{ configMap: { name: 'extra' } }, { secret: { name: 'token' } }] } },
                ],
                initContainers: [{ name: 'i', envFrom: [{ secretRef: { name: 'init-env' } }] }],
                containers: [{ name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'flags', key: 'x' } } }] }],
              },
            },
          },
        },
      },
    };
    assert.deepEqual(
      referencesOf(pod).map((r) => `${r.kind} ${r.name}${r.optional ? ' (optional)' : ''} @ ${formatPath(r.at)}`),
      [
        'ServiceAccount runner @ spec.jobTemplate.spec.template.spec.serviceAccountName',
        'Secret registry @ spec.jobTemplate.spec.template.spec.imagePullSecrets[0].name',
        'ConfigMap settings @ spec.jobTemplate.spec.template.spec.volumes[0].configMap.name',
        'Secret tls (optional) @ spec.jobTemplate.spec.template.spec.volumes[1].secret.secretName',
        'PersistentVolumeClaim data @ spec.jobTemplate.spec.template.spec.volumes[2].persistentVolumeClaim.claimName',
        'ConfigMap extra @ spec.jobTemplate.spec.template.spec.volumes[3].projected.sources[0].configMap.name',
        'Secret token @ spec.jobTemplate.spec.template.spec.volumes[3].projected.sources[1].secret.name',
        'Secret init-env @ spec.jobTemplate.spec.template.spec.initContainers[0].envFrom[0].secretRef.name',
        'ConfigMap flags @ spec.jobTemplate.spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.name',
      ],
    );
    const brief = (value: unknown) => referencesOf(value).map((r) => `${r.kind} ${r.namespace ? r.namespace + '/' : ''}${r.name}`);
    assert.deepEqual(
      brief({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        spec: {
          defaultBackend: { service: { name: 'fallback' } },
          rules: [{ http: { paths: [{ backend: { service: { name: 'web' } } }] } }],
        },
      }),
      ['Service fallback', 'Service web'],
    );
    assert.deepEqual(
      brief({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        spec: {
          rules: [
            {
              backendRefs: [
                { name: 'web', namespace: 'shop' },
                { name: 'bucket', kind: 'Backend', group: 'gateway.envoyproxy.io' },
              ],
            },
          ],
        },
      }),
      ['Service shop/web'],
    );
    assert.deepEqual(
      brief({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } },
      }),
      ['Deployment web'],
    );
    assert.deepEqual(
      brief({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        roleRef: { kind: 'ClusterRole', name: 'view' },
        subjects: [
          { kind: 'ServiceAccount', name: 'ci', namespace: 'tools' },
          { kind: 'Group', name: 'devs' },
        ],
      }),
      ['ServiceAccount tools/ci'],
    );
    assert.deepEqual(
      brief({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        spec: {
          chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo', namespace: 'flux-system' } } },
          dependsOn: [{ name: 'redis' }],
          valuesFrom: [{ kind: 'ConfigMap', name: 'podinfo-values' }],
        },
      }),
      ['HelmRepository flux-system/podinfo', 'HelmRelease redis', 'ConfigMap podinfo-values'],
    );
  });
});

describe('references between resources: resolved where the resource is applied', () => {
  it('resolves within a kustomize build: its files, its generators, and what controllers make from its resources', () => {
    const { root, project } = repository({
      'base/kustomization.yaml':
        'resources: [deployment.yaml, external-secret.yaml]\nconfigMapGenerator: [{name: web-config, literals: [A=1]}]\n',
      'base/deployment.yaml': deployment(
        'web',
        'containers: [{name: web, image: nginx:1.27, envFrom: [{configMapRef: {name: web-config}}, {secretRef: {name: web-secrets}}]}]',
      ),
      'base/external-secret.yaml':
        'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: web-secrets}\nspec: {secretStoreRef: {name: vault, kind: ClusterSecretStore}, target: {name: web-secrets}}\n',
    });
    assert.deepEqual(check(root, project, 'base/deployment.yaml'), []);
  });

  it('reports a name no file of the build defines, on the name, naming the build and where one is defined instead', () => {
    const { root, project } = repository({
      'overlays/staging/kustomization.yaml': 'namespace: shop-staging\nresources: [../../base]\n',
      'overlays/production/kustomization.yaml': 'namespace: shop\nresources: [../../base, config.yaml]\n',
      'overlays/production/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config}\n',
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': CONFIG_USER,
    });
    const found = check(root, project, 'base/deployment.yaml');
    assert.deepEqual(summary(found), ['unresolved-reference@10']);
    assert.equal(found[0]!.severity, 'warning');
    assert.ok(CONFIG_USER.split('\n')[found[0]!.line - 1]!.startsWith('web-config', found[0]!.column - 1));
    assert.equal(
      found[0]!.message,
      'No ConfigMap `web-config` in namespace `shop-staging` is defined in the kustomize build of `overlays/staging`, which applies this Deployment (`overlays/production/config.yaml` defines one, outside this build).',
    );
  });

  it('judges files nothing wires against the repository, by namespace', () => {
    const { root, project } = repository({
      'apps/web.yaml': deployment(
        'web',
        'containers: [{name: web, image: nginx:1.27, envFrom: [{configMapRef: {name: web-config}}]}]',
        'shop',
      ),
      'apps/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config, namespace: staging}\n',
      'apps/worker.yaml': deployment('worker', 'serviceAccountName: worker\n        containers: [{name: w, image: busybox:1.36}]'),
      'apps/service-account.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: worker, namespace: jobs}\n',
    });
    const [found] = check(root, project, 'apps/web.yaml');
    assert.equal(
      found?.message,
      'No ConfigMap `web-config` in namespace `shop` is defined in this repository (`apps/config.yaml` defines one in namespace `staging`).',
    );
    // Without a namespace on either side, the names alone decide.
    assert.deepEqual(check(root, project, 'apps/worker.yaml'), []);
  });

  it('reports a missing Secret as an info: Secrets are often made outside git', () => {
    const { root, project } = repository({
      'app.yaml': deployment('web', 'containers: [{name: web, image: nginx:1.27, envFrom: [{secretRef: {name: db}}]}]'),
    });
    const found = check(root, project, 'app.yaml');
    assert.deepEqual(
      found.map((f) => `${f.rule} ${f.severity}`),
      ['unresolved-secret info'],
    );
  });

  it('does not judge optional, implicit or placeholder names, nor where unseen objects may be', () => {
    const { root, project } = repository({
      'plain/app.yaml': deployment(
        'web',
        'serviceAccountName: default\n        containers: [{name: web, image: nginx:1.27, envFrom: [{configMapRef: {name: maybe, optional: true}}, {configMapRef: {name: "${CONFIG}"}}], volumeMounts: [{name: ca, mountPath: /ca}]}]\n        volumes: [{name: ca, configMap: {name: kube-root-ca.crt}}]',
      ),
      'helm/kustomization.yaml':
        'namespace: helm\nresources: [app.yaml]\nhelmCharts: [{name: redis, repo: https://charts.bitnami.com/bitnami}]\n',
      'helm/app.yaml': CONFIG_USER,
      'remote/kustomization.yaml': 'namespace: remote\nresources: [app.yaml, github.com/org/repo/deploy?ref=v1]\n',
      'remote/app.yaml': CONFIG_USER,
      'released/app.yaml': deployment(
        'web',
        'containers: [{name: web, image: nginx:1.27, envFrom: [{configMapRef: {name: web-config}}]}]',
        'apps',
      ),
      'released/release.yaml':
        'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: flux-system}\nspec: {targetNamespace: apps, chartRef: {kind: OCIRepository, name: web}}\n',
      'released/source.yaml':
        'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: web, namespace: flux-system}\nspec: {url: "oci://ghcr.io/org/web", interval: 1h}\n',
      'elsewhere/app.yaml': deployment(
        'web',
        'containers: [{name: web, image: nginx:1.27, envFrom: [{configMapRef: {name: web-config}}]}]',
        'other',
      ),
    });
    assert.deepEqual(check(root, project, 'plain/app.yaml'), []);
    assert.deepEqual(check(root, project, 'helm/app.yaml'), []);
    assert.deepEqual(check(root, project, 'remote/app.yaml'), []);
    // The release renders into `apps`: a missing name there may be the chart's; in another namespace it is missing.
    assert.deepEqual(check(root, project, 'released/app.yaml'), []);
    assert.deepEqual(summary(check(root, project, 'elsewhere/app.yaml')), ['unresolved-reference@11']);
  });

  it('judges Flux references across the repository, in the namespace kustomize gives them', () => {
    const flux = (name: string, extra: string) =>
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}}\nspec:\n  interval: 1h\n  prune: true\n  path: ./${name}\n${extra}`;
    const { root, project } = repository({
      'clusters/kustomization.yaml': 'namespace: flux-system\nresources: [infra.yaml, apps.yaml, generated.yaml]\n',
      'clusters/infra.yaml': flux('infra', '  sourceRef: {kind: GitRepository, name: flux-system}\n'),
      'clusters/apps.yaml': flux(
        'apps',
        '  sourceRef: {kind: ExternalArtifact, name: apps}\n  dependsOn:\n    - name: infra\n    - name: infra-configs\n    - name: infra\n      namespace: other\n',
      ),
      'clusters/generated.yaml':
        'apiVersion: source.extensions.fluxcd.io/v1beta1\nkind: ArtifactGenerator\nmetadata: {name: artifacts}\nspec:\n  sources: [{alias: repo, kind: GitRepository, name: flux-system}]\n  artifacts: [{name: apps, copy: [{from: "@repo/apps/**", to: "@artifact/"}]}]\n',
    });
    assert.deepEqual(check(root, project, 'clusters/infra.yaml'), []);
    const found = check(root, project, 'clusters/apps.yaml');
    assert.deepEqual(summary(found), ['unresolved-reference@11', 'unresolved-reference@12']);
    assert.equal(found[0]!.message, 'No Kustomization `infra-configs` in namespace `flux-system` is defined in this repository.');
    assert.equal(
      found[1]!.message,
      'No Kustomization `infra` in namespace `other` is defined in this repository (`clusters/infra.yaml` defines one in namespace `flux-system`).',
    );
  });

  it('says nothing about names until every file has been read once (no finding reported, then taken back)', () => {
    const { root, files } = repository({
      'app.yaml': CONFIG_USER,
      'config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config}\n',
    });
    const fresh = new ProjectModel({ root, files, schemaData: schemaFiles });
    fresh.indexFile(join(root, 'app.yaml'), CONFIG_USER);
    assert.deepEqual(check(root, fresh, 'app.yaml'), []);
    fresh.scan();
    assert.deepEqual(check(root, fresh, 'app.yaml'), []);
    fresh.indexFile(join(root, 'config.yaml'), undefined);
    assert.deepEqual(summary(check(root, fresh, 'app.yaml')), ['unresolved-reference@10']);
  });

  it('resolves the names a patch adds in each build that applies it, in the namespace of what it patches', () => {
    const patch = yaml`
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        template:
          spec:
            containers:
              - name: web
                envFrom:
                  - configMapRef:
                      name: tuning
                  - secretRef:
                      name: db-credentials
    `;
    const { root, project } = repository({
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': deployment('web', 'containers: [{name: web, image: nginx:1.27}]'),
      'overlays/staging/kustomization.yaml':
        'namespace: shop-staging\nresources: [../../base]\npatches: [{path: ../../patches/tuning.yaml}]\nconfigMapGenerator: [{name: tuning, literals: [A=1]}]\nsecretGenerator: [{name: db-credentials, literals: [P=x]}]\n',
      'overlays/production/kustomization.yaml':
        'namespace: shop\nresources: [../../base, tuning.yaml]\npatches: [{path: ../../patches/tuning.yaml}]\n',
      'overlays/production/tuning.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tuning, namespace: shop}\n',
      'patches/tuning.yaml': patch,
    });
    const found = check(root, project, 'patches/tuning.yaml');
    // Staging generates both; production defines the ConfigMap but not the Secret.
    assert.deepEqual(
      found.map((f) => `${f.rule}@${f.line}`),
      ['unresolved-secret@14'],
    );
    assert.equal(
      found[0]!.message,
      'No Secret `db-credentials` in namespace `shop` is defined in the kustomize build of `overlays/production`, which applies this patch.',
    );
    // The patch file itself is not judged as a whole resource: no finding about the ConfigMap production defines.
    project.indexFile(join(root, 'overlays/production/tuning.yaml'), undefined);
    assert.deepEqual(
      check(root, project, 'patches/tuning.yaml').map((f) => `${f.rule}@${f.line}`),
      ['unresolved-reference@12', 'unresolved-secret@14'],
    );
  });

  it('judges a patch only where a build applies it (a Component nothing includes applies nothing)', () => {
    const component = 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches: [{path: patch.yaml}]\n';
    const files = {
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': deployment('web', 'containers: [{name: web, image: nginx:1.27}]'),
      'components/tuning/kustomization.yaml': component,
      'components/tuning/patch.yaml': deployment('web', 'containers: [{name: web, envFrom: [{configMapRef: {name: tuning}}]}]'),
    };
    const alone = repository(files);
    assert.deepEqual(check(alone.root, alone.project, 'components/tuning/patch.yaml'), []);
    const included = repository({
      ...files,
      'overlays/a/kustomization.yaml': 'resources: [../../base]\ncomponents: [../../components/tuning]\n',
    });
    assert.deepEqual(
      check(included.root, included.project, 'components/tuning/patch.yaml').map((f) => f.message),
      ['No ConfigMap `tuning` is defined in the kustomize build of `overlays/a`, which applies this patch.'],
    );
  });

  it('does not take a kustomize Component for a build of its own', () => {
    const { root, project } = repository({
      'components/monitoring/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [app.yaml]\n',
      'components/monitoring/app.yaml': CONFIG_USER,
      'config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config}\n',
    });
    // Read by no build, the file is judged against the repository, which defines the ConfigMap.
    assert.deepEqual(check(root, project, 'components/monitoring/app.yaml'), []);
  });
});
