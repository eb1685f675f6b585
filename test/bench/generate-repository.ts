// A generated GitOps repository for the workspace-index benchmark: APP_COUNT kustomize apps, each a build of
// Deployments (each using a ConfigMap and a ServiceAccount) and the ConfigMaps and ServiceAccount they use; 10,000
// resources in all. One Deployment of the first app names a ConfigMap that nothing defines: the cross-file finding
// whose arrival the benchmark times.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const APP_COUNT = 200;
const DEPLOYMENTS_PER_APP = 25;
export const MISSING_CONFIG_MAP = 'settings-nobody-defines';

export const FIRST_APP = app(0);
export const WORKLOADS_FILE = `apps/${FIRST_APP}/workloads.yaml`;
export const CONFIG_FILE = `apps/${FIRST_APP}/config.yaml`;
/** The ConfigMap the benchmark renames in CONFIG_FILE: WORKLOADS_FILE's first Deployment uses it. */
export const RENAMED_CONFIG_MAP = configName(FIRST_APP, 0);

function app(index: number): string {
  return `app-${String(index).padStart(3, '0')}`;
}

function configName(appName: string, index: number): string {
  return `${appName}-settings-${index}`;
}

function deployment(appName: string, index: number, config: string): string {
  const name = `${appName}-worker-${index}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: ${appName}
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      serviceAccountName: ${appName}
      containers:
        - name: worker
          image: registry.example.com/${appName}/worker:1.${index}.0
          envFrom:
            - configMapRef:
                name: ${config}
          resources:
            requests: {cpu: 50m, memory: 64Mi}
            limits: {memory: 128Mi}
`;
}

function configMap(name: string): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
`;
}

/** Writes the repository under `root`; returns how many resources it holds. */
export function writeGeneratedRepository(root: string): number {
  let resources = 0;
  for (let a = 0; a < APP_COUNT; a++) {
    const appName = app(a);
    const dir = join(root, 'apps', appName);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'kustomization.yaml'), `namespace: ${appName}\nresources:\n  - workloads.yaml\n  - config.yaml\n`);
    const workloads: string[] = [];
    const configs: string[] = [`apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${appName}\n`];
    for (let d = 0; d < DEPLOYMENTS_PER_APP; d++) {
      // The last Deployment shares the first one's ConfigMap; in the first app it names one nobody defines.
      const last = d === DEPLOYMENTS_PER_APP - 1;
      const config = last ? (a === 0 ? MISSING_CONFIG_MAP : configName(appName, 0)) : configName(appName, d);
      workloads.push(deployment(appName, d, config));
      if (!last) configs.push(configMap(configName(appName, d)));
    }
    writeFileSync(join(dir, 'workloads.yaml'), workloads.join('---\n'));
    writeFileSync(join(dir, 'config.yaml'), configs.join('---\n'));
    resources += workloads.length + configs.length;
  }
  return resources;
}
