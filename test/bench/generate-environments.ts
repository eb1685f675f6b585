// A generated repository of ENVIRONMENT_COUNT environments sharing one base, for the rendered-preview benchmark: a
// kustomize base of a realistic web app (ten objects) and one overlay per environment, each with its own namespace,
// name prefix, image tag, patches and a generated ConfigMap. Nothing includes the overlays, so each is an environment of its own
// (overlays/env-01 ...); an edit of the base changes all of them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ENVIRONMENT_COUNT = 20;
export const BASE_OBJECT_COUNT = 10;
/** The base file the benchmark edits: its one line `memory: <n>Mi` (the container's memory limit) no overlay overrides. */
export const BASE_DEPLOYMENT_FILE = 'base/deployment.yaml';
const BASE_MEMORY_LIMIT_MI = 256;

function overlayName(index: number): string {
  return `env-${String(index + 1).padStart(2, '0')}`;
}

/** The environment of overlay `index` (0-based), as driftless/environments names it. */
export function environmentName(index: number): string {
  return `overlays/${overlayName(index)}`;
}

/** The overlay file the benchmark edits: its one line `replicas: <n>`. */
export function overlayPatchFile(index: number): string {
  return `${environmentName(index)}/deployment-patch.yaml`;
}

function replaceLine(text: string, pattern: RegExp, line: string): string {
  if (!pattern.test(text)) throw new Error(`The generated file no longer has a line matching ${pattern}`);
  return text.replace(pattern, line);
}

/** The base Deployment with its memory limit raised by `step` + 1 Mi: one line, a new value at every step. */
export function editBaseMemoryLimit(text: string, step: number): string {
  return replaceLine(text, /^( {14}memory: )\d+Mi$/m, `$1${BASE_MEMORY_LIMIT_MI + step + 1}Mi`);
}

/** An overlay's patch with `replicas` set to a value no overlay starts with, a new one at every step. */
export function editOverlayReplicas(text: string, step: number): string {
  return replaceLine(text, /^( {2}replicas: )\d+$/m, `$1${100 + step}`);
}

const BASE_FILES: Record<string, string> = {
  'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
labels:
  - pairs:
      app.kubernetes.io/name: storefront
      app.kubernetes.io/part-of: shop
resources:
  - serviceaccount.yaml
  - role.yaml
  - rolebinding.yaml
  - configmap.yaml
  - deployment.yaml
  - service.yaml
  - ingress.yaml
  - hpa.yaml
  - pdb.yaml
  - networkpolicy.yaml
`,
  'serviceaccount.yaml': `apiVersion: v1
kind: ServiceAccount
metadata:
  name: storefront
`,
  'role.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: storefront
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get, list, watch]
`,
  'rolebinding.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: storefront
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: storefront
subjects:
  - kind: ServiceAccount
    name: storefront
`,
  'configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: storefront-settings
data:
  LOG_LEVEL: info
  CACHE_TTL_SECONDS: "300"
  FEATURE_FLAGS: checkout-v2,recommendations
`,
  'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
spec:
  replicas: 2
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app: storefront
  template:
    metadata:
      labels:
        app: storefront
    spec:
      serviceAccountName: storefront
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: storefront
          image: registry.example.com/shop/storefront:1.0.0
          ports:
            - name: http
              containerPort: 8080
          envFrom:
            - configMapRef:
                name: storefront-settings
          readinessProbe:
            httpGet:
              path: /healthz/ready
              port: http
          livenessProbe:
            httpGet:
              path: /healthz/live
              port: http
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: ${BASE_MEMORY_LIMIT_MI}Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
`,
  'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: storefront
spec:
  selector:
    app: storefront
  ports:
    - name: http
      port: 80
      targetPort: http
`,
  'ingress.yaml': `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: storefront
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: storefront
                port:
                  name: http
`,
  'hpa.yaml': `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: storefront
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: storefront
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
`,
  'pdb.yaml': `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: storefront
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: storefront
`,
  'networkpolicy.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: storefront
spec:
  podSelector:
    matchLabels:
      app: storefront
  policyTypes: [Ingress]
  ingress:
    - ports:
        - port: 8080
`,
};

function overlayFiles(index: number): Record<string, string> {
  const name = overlayName(index);
  return {
    'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop-${name}
namePrefix: ${name}-
resources:
  - ../../base
patches:
  - path: deployment-patch.yaml
  - target:
      kind: Ingress
      name: storefront
    patch: |-
      - op: replace
        path: /spec/rules/0/host
        value: ${name}.shop.example.com
images:
  - name: registry.example.com/shop/storefront
    newTag: 1.${index}.0
configMapGenerator:
  - name: storefront-environment
    literals:
      - ENVIRONMENT=${name}
`,
    'deployment-patch.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
spec:
  replicas: ${2 + (index % 3)}
  template:
    spec:
      containers:
        - name: storefront
          env:
            - name: REGION
              value: region-${(index % 4) + 1}
            - name: ENVIRONMENT
              valueFrom:
                configMapKeyRef:
                  name: storefront-environment
                  key: ENVIRONMENT
`,
  };
}

function writeFolder(folder: string, files: Record<string, string>): void {
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
}

/** Writes the base and the overlays under `root`. */
export function writeEnvironmentsRepository(root: string): void {
  writeFolder(join(root, 'base'), BASE_FILES);
  for (let i = 0; i < ENVIRONMENT_COUNT; i++) writeFolder(join(root, environmentName(i)), overlayFiles(i));
}
