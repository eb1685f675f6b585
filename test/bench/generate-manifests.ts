// Generates the benchmark's multi-document manifest file: 44 apps, each a Deployment, Service, ConfigMap and Ingress,
// valid for Kubernetes 1.32 and shaped like the peer figures' file (5,278 lines, ~30 lines per resource); and a
// held-out file of the same size and kinds that has findings, as users' files do (see generateHeldOutManifests).

export const APP_COUNT = 44;
export const KINDS_PER_APP = ['Deployment', 'Service', 'ConfigMap', 'Ingress'] as const;
export const DOCUMENT_COUNT = APP_COUNT * KINDS_PER_APP.length;
export const NAMESPACE = 'shop';

const TEAMS = ['payments', 'catalog', 'checkout', 'search', 'accounts'];
const TIERS = ['frontend', 'backend', 'worker'];
const LOG_LEVELS = ['info', 'debug', 'warn'];

/** Every app's values derive from its index alone, so the output is the same on every run. */
interface App {
  name: string;
  namespace: string;
  team: string;
  tier: string;
  version: string;
  replicas: number;
  /** Two apps in three are slow starters with a feature flag: three more lines, which bring the file to 5,278. */
  isSlowStarter: boolean;
}

export function appName(index: number): string {
  return `app-${String(index).padStart(2, '0')}`;
}

/** What sets the held-out file apart from the bench's own. */
interface Variant {
  name: (index: number) => string;
  namespace: string;
  /** Each Deployment names a ServiceAccount of its own that no file defines (in place of revisionHistoryLimit). */
  undefinedServiceAccounts: boolean;
  /** The apps whose Deployment has a field of the wrong type and a misspelled key. */
  mistyped: (index: number) => boolean;
}

const BENCH_FILE: Variant = { name: appName, namespace: NAMESPACE, undefinedServiceAccounts: false, mistyped: () => false };

/**
 * Held out: no speed work was tuned on it. Other names, a ServiceAccount defined nowhere in every Deployment (an
 * `unresolved-reference` warning each) and, in 4 of the 44 apps, a port written as a string and `imagePulPolicy`.
 */
const HELD_OUT_FILE: Variant = {
  name: (index) => `svc-${String(index).padStart(2, '0')}`,
  namespace: 'store',
  undefinedServiceAccounts: true,
  mistyped: (index) => index % 11 === 5,
};

const MISTYPED_APPS = Array.from({ length: APP_COUNT }, (_, index) => index).filter(HELD_OUT_FILE.mistyped).length;

/** Per held-out file: one unresolved ServiceAccount per Deployment, two schema errors in each mistyped Deployment. */
export const HELD_OUT_FINDINGS = { warnings: APP_COUNT, errors: 2 * MISTYPED_APPS, invalidResources: MISTYPED_APPS };

function describeApp(index: number, variant: Variant): App {
  return {
    name: variant.name(index),
    namespace: variant.namespace,
    team: TEAMS[index % TEAMS.length] ?? 'platform',
    tier: TIERS[index % TIERS.length] ?? 'backend',
    version: `1.${index % 7}.${index % 10}`,
    replicas: 2 + (index % 3),
    isSlowStarter: index % 3 !== 0,
  };
}

function deployment(app: App, index: number, variant: Variant): string {
  const featureFlag = app.isSlowStarter
    ? `
            - name: FEATURE_${app.team.toUpperCase()}_V2
              value: "true"`
    : '';
  const readinessDelay = app.isSlowStarter ? '\n            initialDelaySeconds: 5' : '';
  const mistyped = variant.mistyped(index);
  // The same line count either way: the held-out file trades revisionHistoryLimit for a serviceAccountName.
  const historyLimit = variant.undefinedServiceAccounts ? '' : '\n  revisionHistoryLimit: 5';
  const serviceAccount = variant.undefinedServiceAccounts ? `\n      serviceAccountName: ${app.name}-runner` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app.name}
  namespace: ${app.namespace}
  labels:
    app.kubernetes.io/name: ${app.name}
    app.kubernetes.io/part-of: ${app.namespace}
    app.kubernetes.io/version: "${app.version}"
    tier: ${app.tier}
  annotations:
    driftless.dev/owner: team-${app.team}
spec:
  replicas: ${app.replicas}${historyLimit}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${app.name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${app.name}
        tier: ${app.tier}
    spec:${serviceAccount}
      securityContext:
        runAsNonRoot: true
        runAsUser: ${10000 + index}
      containers:
        - name: ${app.name}
          image: registry.example.com/${app.namespace}/${app.name}:${app.version}
          ${mistyped ? 'imagePulPolicy' : 'imagePullPolicy'}: IfNotPresent
          ports:
            - name: http
              containerPort: ${mistyped ? '"8080"' : '8080'}
              protocol: TCP
          env:
            - name: LOG_LEVEL
              value: ${LOG_LEVELS[index % LOG_LEVELS.length]}
            - name: DATABASE_URL
              valueFrom:
                configMapKeyRef:
                  name: ${app.name}-config
                  key: database-url${featureFlag}
          resources:
            requests:
              cpu: ${50 * (1 + (index % 4))}m
              memory: ${64 * (1 + (index % 4))}Mi
            limits:
              cpu: "1"
              memory: ${128 * (1 + (index % 4))}Mi
          readinessProbe:
            httpGet:
              path: /healthz/ready
              port: http${readinessDelay}
            periodSeconds: 10
          livenessProbe:
            httpGet:
              path: /healthz/live
              port: http
            initialDelaySeconds: 15
            periodSeconds: 20
`;
}

function service(app: App): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${app.name}
  namespace: ${app.namespace}
  labels:
    app.kubernetes.io/name: ${app.name}
    tier: ${app.tier}
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: ${app.name}
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
`;
}

function configMap(app: App, index: number): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${app.name}-config
  namespace: ${app.namespace}
  labels:
    app.kubernetes.io/name: ${app.name}
data:
  database-url: postgres://${app.name}@db.${app.namespace}.svc:5432/${app.name.replace('-', '_')}
  cache-ttl: "${60 * (1 + (index % 5))}"
  app.properties: |
    server.port=8080
    management.port=9090
    team=${app.team}
`;
}

function ingress(app: App): string {
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${app.name}
  namespace: ${app.namespace}
  labels:
    app.kubernetes.io/name: ${app.name}
  annotations:
    nginx.ingress.kubernetes.io/proxy-body-size: 8m
spec:
  ingressClassName: nginx
  rules:
    - host: ${app.name}.${app.namespace}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ${app.name}
                port:
                  name: http
`;
}

function generate(variant: Variant): string {
  const documents: string[] = [];
  for (let index = 0; index < APP_COUNT; index++) {
    const app = describeApp(index, variant);
    documents.push(deployment(app, index, variant), service(app), configMap(app, index), ingress(app));
  }
  return documents.join('---\n');
}

/** The whole file: documents separated by `---`, ending with a newline. */
export function generateManifests(): string {
  return generate(BENCH_FILE);
}

/** The held-out file: the same apps, kinds and line count, with the findings HELD_OUT_FINDINGS counts. */
export function generateHeldOutManifests(): string {
  return generate(HELD_OUT_FILE);
}

export function countLines(text: string): number {
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}
