// A stand-in for Flux's helm-controller, for the Flux test controller: a HelmRelease whose chart comes from a
// GitRepository (`spec.chart.spec.chart: ./path`) is rendered at the source's revision with the real `helm template`
// (release name and namespace, the chart's values under `spec.values`), its objects labelled
// `helm.toolkit.fluxcd.io/name`+`namespace` and applied server-side as field manager `helm-controller`, and its
// status written as helm-controller v2 (v1.6.3) writes it: `Released` and `Ready` with InstallSucceeded /
// UpgradeSucceeded and "Helm install succeeded for release <ns>/<name>.v<N> with chart <chart>@<version>",
// `history` (snapshots, newest first, the previous one superseded), `lastAttemptedRevision` (the chart version),
// `lastAttemptedConfigDigest`, `lastAttemptedReleaseAction`, `lastReleaseRevision`, `helmChart`, `storageNamespace`,
// `lastAttemptedGeneration`, `observedGeneration`, `lastHandledReconcileAt`. No Helm storage Secrets, hooks, tests,
// remediation or drift correction; objects a new revision no longer renders are deleted (as helm upgrade does).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { parse, stringify } from 'yaml';
import { isRecord, messageOf, type ClusterApi, type Json } from './cluster-api';
import { exportRevision, objectsOf } from './sources';

export const HELM_RELEASE = { group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases', kind: 'HelmRelease' };
const MANAGER = 'helm-controller';
const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

const record = (value: unknown): Json => (isRecord(value) ? value : {});
const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const sha256 = (value: string) => `sha256:${createHash('sha256').update(value).digest('hex')}`;

function helmTemplate(helm: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      helm,
      args,
      { encoding: 'utf8', maxBuffer: 64 << 20, env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent' } },
      (error, stdout, stderr) => (error ? reject(new Error(stderr.trim() || error.message)) : resolve(stdout)),
    );
  });
}

export interface HelmReleaseSource {
  /** `<branch>@sha1:<commit>` */
  revision: string;
  commit: string;
  bare: string;
}

/** What helm-controller keeps in its release storage (Secrets): per HelmRelease, the objects made and from which revision. */
export type ReleaseStorage = Map<string, { objects: string[]; sourceRevision: string }>;

/** Whether a HelmRelease is to be reconciled now: a request, a new generation, or its source moved on (unless suspended). */
export function helmReleaseWantsReconcile(release: Json, sourceRevision: string | undefined, storage: ReleaseStorage): boolean {
  const metadata = record(release.metadata);
  const status = record(release.status);
  const requested = text(record(metadata.annotations)[REQUESTED_AT]);
  if (requested && requested !== text(status.lastHandledReconcileAt)) return true;
  if (record(release.spec).suspend === true) return false;
  if (status.observedGeneration !== metadata.generation) return true;
  const stored = storage.get(`${text(metadata.namespace)}/${text(metadata.name)}`);
  return !!sourceRevision && sourceRevision !== stored?.sourceRevision;
}

export async function reconcileHelmRelease(
  api: ClusterApi,
  helm: string,
  release: Json,
  source: HelmReleaseSource | undefined,
  storage: ReleaseStorage,
  log: (message: string) => void,
): Promise<void> {
  const metadata = record(release.metadata);
  const spec = record(release.spec);
  const namespace = text(metadata.namespace);
  const name = text(metadata.name);
  const generation = metadata.generation;
  const requested = text(record(metadata.annotations)[REQUESTED_AT]);
  const previous = record(release.status);
  const chartSpec = record(record(spec.chart).spec);
  const sourceRef = record(chartSpec.sourceRef);
  const releaseName = text(spec.releaseName) || name;
  const targetNamespace = text(spec.targetNamespace) || namespace;
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastTransitionTime: now(),
    observedGeneration: typeof generation === 'number' ? generation : 0,
  });
  const write = (status: Json) =>
    api.mergeStatus(HELM_RELEASE.group, HELM_RELEASE.version, HELM_RELEASE.plural, namespace, name, {
      observedGeneration: generation,
      lastAttemptedGeneration: generation,
      helmChart: `${text(sourceRef.namespace) || namespace}/${namespace}-${name}`,
      storageNamespace: targetNamespace,
      ...(requested ? { lastHandledReconcileAt: requested } : {}),
      ...status,
    });
  // Suspended: the request is handled, nothing is released.
  if (spec.suspend === true) return void (await write({}));
  if (!source)
    return void (await write({
      conditions: [
        condition(
          'Ready',
          'False',
          'ArtifactFailed',
          `HelmChart '${text(sourceRef.namespace) || namespace}/${namespace}-${name}' is not ready`,
        ),
      ],
    }));
  const tree = await exportRevision(source.bare, source.commit);
  let objects: Json[];
  let chart: { name: string; version: string; appVersion?: string };
  const values = record(spec.values);
  try {
    const chartPath = normalize(text(chartSpec.chart));
    if (chartPath.startsWith('..') || chartPath.startsWith('/')) throw new Error(`chart path ${chartPath} is outside the source`);
    const chartFile = parse(readFileSync(join(tree.folder, chartPath, 'Chart.yaml'), 'utf8')) as Json;
    // reconcileStrategy Revision: source-controller versions the chart `<version>+<commit[:12]>`, so every commit is
    // a new chart; by default (ChartVersion) only a new version is.
    chart = {
      name: text(chartFile.name),
      version:
        chartSpec.reconcileStrategy === 'Revision' ? `${text(chartFile.version)}+${source.commit.slice(0, 12)}` : text(chartFile.version),
      ...(chartFile.appVersion ? { appVersion: text(chartFile.appVersion) } : {}),
    };
    const valuesFile = join(tree.folder, '.helm-release-values.yaml');
    writeFileSync(valuesFile, stringify(values));
    const rendered = await helmTemplate(helm, [
      'template',
      releaseName,
      join(tree.folder, chartPath),
      '--namespace',
      targetNamespace,
      '--values',
      valuesFile,
      '--kube-version',
      '1.35.0',
    ]);
    objects = objectsOf(rendered);
  } catch (error) {
    return void (await write({
      lastAttemptedRevision: text(previous.lastAttemptedRevision) || undefined,
      conditions: [condition('Ready', 'False', 'ArtifactFailed', `chart could not be loaded: ${messageOf(error)}`)],
    }));
  } finally {
    tree.done();
  }
  const history = Array.isArray(previous.history) ? previous.history.filter(isRecord) : [];
  // The same chart version and values as the release in storage: nothing to upgrade, the request is handled (in sync).
  const configDigest = sha256(JSON.stringify(values));
  if (
    history[0] &&
    history[0].chartVersion === chart.version &&
    history[0].configDigest === configDigest &&
    history[0].status === 'deployed'
  )
    return void (await write({}));
  const version = (typeof history[0]?.version === 'number' ? history[0].version : 0) + 1;
  const action = history.length ? 'upgrade' : 'install';
  const applied: string[] = [];
  try {
    for (const object of objects) {
      const objectMetadata = record(object.metadata);
      if (!objectMetadata.namespace && !['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(text(object.kind)))
        objectMetadata.namespace = targetNamespace;
      objectMetadata.labels = {
        ...record(objectMetadata.labels),
        'helm.toolkit.fluxcd.io/name': name,
        'helm.toolkit.fluxcd.io/namespace': namespace,
      };
      objectMetadata.annotations = {
        ...record(objectMetadata.annotations),
        'meta.helm.sh/release-name': releaseName,
        'meta.helm.sh/release-namespace': targetNamespace,
      };
      object.metadata = objectMetadata;
      await api.apply(object, MANAGER);
      applied.push(`${text(object.apiVersion)}|${text(object.kind)}|${text(objectMetadata.namespace)}|${text(objectMetadata.name)}`);
    }
  } catch (error) {
    return void (await write({
      lastAttemptedRevision: chart.version,
      lastAttemptedReleaseAction: action,
      conditions: [
        condition('Released', 'False', action === 'install' ? 'InstallFailed' : 'UpgradeFailed', messageOf(error)),
        condition('Ready', 'False', action === 'install' ? 'InstallFailed' : 'UpgradeFailed', messageOf(error)),
      ],
    }));
  }
  // What the previous release made and this one no longer renders goes, as helm upgrade deletes it.
  const key = `${namespace}/${name}`;
  for (const old of storage.get(key)?.objects ?? []) {
    if (applied.includes(old)) continue;
    const [apiVersion, kind, objectNamespace, objectName] = old.split('|') as [string, string, string, string];
    await api.remove(apiVersion, kind, objectNamespace || undefined, objectName);
  }
  storage.set(key, { objects: applied, sourceRevision: source.revision });
  const deployedAt = now();
  const snapshot = {
    apiVersion: 'helm.sh/v3',
    name: releaseName,
    namespace: targetNamespace,
    version,
    status: 'deployed',
    action,
    chartName: chart.name,
    chartVersion: chart.version,
    ...(chart.appVersion ? { appVersion: chart.appVersion } : {}),
    configDigest,
    digest: sha256(`${releaseName}/${version}/${chart.version}/${configDigest}`),
    firstDeployed: deployedAt,
    lastDeployed: deployedAt,
  };
  const message = `Helm ${action} succeeded for release ${targetNamespace}/${releaseName}.v${version} with chart ${chart.name}@${chart.version}`;
  const reason = action === 'install' ? 'InstallSucceeded' : 'UpgradeSucceeded';
  await write({
    lastAttemptedRevision: chart.version,
    lastAttemptedConfigDigest: snapshot.configDigest,
    lastAttemptedReleaseAction: action,
    lastReleaseRevision: version,
    history: [snapshot, ...history.map((s) => ({ ...s, status: 'superseded' }))].slice(0, 5),
    conditions: [condition('Released', 'True', reason, message), condition('Ready', 'True', reason, message)],
  });
  log(`${namespace}/${name}: ${action} v${version} at ${source.revision}`);
}
