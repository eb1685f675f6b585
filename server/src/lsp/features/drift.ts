// The Drift view's requests: driftless/drift (one environment's working tree against its live cluster, node/drift),
// driftless/driftDocument (one side of an object for the diff editor, from the environment's last run),
// driftless/kubeContexts (the contexts the view lets the user pick from), and the watches of the environments the view
// shows (driftless/watchDrift in, driftless/driftChanged out). Never in an untrusted workspace (it uses the
// kubeconfig's credentials and runs kustomize, helm and exec plugins); cancellable; the clusters' connections and each
// environment's last run are kept between requests.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { CancellationToken } from 'vscode-languageserver/node';
import type { DriftObject } from '../../engine/drift/drift-report';
import { isRecord, type Json } from '../../engine/json';
import { apiGroupOf } from '../../engine/kubernetes/api-version';
import { ClusterConnections } from '../../node/cluster/cluster-connections';
import { loadKubeconfig } from '../../node/cluster/kubeconfig';
import { driftEnvironments, type EnvironmentDrift } from '../../node/drift/drift-environments';
import { DriftWatches } from '../../node/drift/drift-watches';
import type { Project } from '../../node/project';
import {
  DriftChangedNotification,
  DriftDocumentRequest,
  DriftRequest,
  KubeContextsRequest,
  WatchDriftNotification,
  type DriftDocumentResult,
  type DriftlessSettings,
  type DriftObjectRef,
  type DriftParams,
  type DriftResult,
  type KubeContextsResult,
} from '../../protocol';
import type { DocumentRequests } from '../document-requests';
import { toolsOf } from './render';

export interface DriftHost {
  projects(): Project[];
  trusted(): boolean;
  settings(): DriftlessSettings;
}

export const UNTRUSTED_DRIFT =
  'This workspace is not trusted: Driftless reads no cluster here (that uses your kubeconfig’s credentials). Trust the workspace to see drift.';

/** The driftless.kubeconfig setting as a path (`~/` is the home folder, as people write it in settings). */
export function kubeconfigSetting(settings: DriftlessSettings): string | undefined {
  const value = settings.kubeconfig;
  if (typeof value !== 'string' || !value.trim()) return undefined;
  return value.startsWith('~/') ? join(homedir(), value.slice(2)) : value.trim();
}

/** A request to a cluster that takes longer than this fails with a message: the view never waits on a dead cluster. */
const EDITOR_TIMEOUT_MS = 15_000;

/** The environment's project (its workspace folder, else the first) and the key of a run of it. */
function targetOf(host: DriftHost, params: DriftParams): { project: Project; key: string } | { error: string } {
  const projects = host.projects();
  const project = (params.folder && projects.find((p) => p.root === params.folder)) || projects[0];
  if (!project) return { error: 'No workspace folder.' };
  if (typeof params.environment !== 'string' || !params.environment) return { error: 'Which environment? (`environment` is missing)' };
  const context = typeof params.context === 'string' && params.context ? params.context : null;
  return { project, key: JSON.stringify([project.root, params.environment, context]) };
}

/** Whether a drift object is the one a reference names (the group, not the version, tells a kind apart). */
export function isObject(object: DriftObject, ref: DriftObjectRef): boolean {
  return (
    object.kind === ref.kind &&
    object.name === ref.name &&
    (object.namespace ?? '') === (ref.namespace ?? '') &&
    apiGroupOf(object.apiVersion) === apiGroupOf(ref.apiVersion)
  );
}

/** Keys in the order people read Kubernetes objects: apiVersion, kind, metadata first, then by name. */
function ordered(value: unknown, top = false): unknown {
  if (Array.isArray(value)) return value.map((item) => ordered(item));
  if (!isRecord(value)) return value;
  const first = top ? ['apiVersion', 'kind', 'metadata'] : ['name'];
  const keys = Object.keys(value).sort((a, b) => {
    const [x, y] = [first.indexOf(a), first.indexOf(b)];
    if (x !== -1 || y !== -1) return (x === -1 ? first.length : x) - (y === -1 ? first.length : y);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return Object.fromEntries(keys.map((key) => [key, ordered(value[key])]));
}

/** One side of an object as the diff editor shows it. */
export function documentText(object: DriftObject, side: 'git' | 'live'): string {
  const document = side === 'git' ? object.desiredObject : object.liveObject;
  if (document) return stringify(ordered(document, true), { lineWidth: 0 });
  const what = `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
  if (object.status === 'unknown') return `# ${what} could not be read: ${object.error ?? 'unknown'}\n`;
  return side === 'git' ? `# ${what} is not in git: only the cluster has it.\n` : `# ${what} is not in the cluster.\n`;
}

/** What the Drift view's requests share: connections, each environment's last run, the watches. */
export class DriftSession {
  readonly connections = new ClusterConnections({ timeoutMs: EDITOR_TIMEOUT_MS });
  /** The last run of each environment (with both sides of each object), by target key. */
  private readonly runs = new Map<string, EnvironmentDrift>();
  readonly watches: DriftWatches;

  constructor(
    readonly host: DriftHost,
    notify: (params: { folder: string; environment: string; context?: string; reason: string }) => void,
  ) {
    this.watches = new DriftWatches((key, reason) => {
      const [folder, environment, context] = JSON.parse(key) as [string, string, string | null];
      notify({ folder, environment, ...(context ? { context } : {}), reason });
    });
  }

  dispose(): void {
    this.watches.stopAll();
    this.connections.closeAll();
    this.runs.clear();
  }

  /** The environment's drift, run now; kept (with both sides of each object) for documents and actions. */
  async run(params: DriftParams, signal?: AbortSignal): Promise<DriftResult> {
    if (!this.host.trusted()) return { error: UNTRUSTED_DRIFT };
    const target = targetOf(this.host, params);
    if ('error' in target) return target;
    const { project, key } = target;
    const settings = this.host.settings();
    const result = await driftEnvironments({
      root: project.root,
      cwd: project.root,
      env: process.env,
      tools: toolsOf(settings),
      environment: params.environment,
      connections: this.connections,
      documents: true,
      ...(signal ? { signal } : {}),
      ...(project.indexComplete ? { project } : {}),
      ...(typeof params.context === 'string' && params.context ? { context: params.context } : {}),
      ...(kubeconfigSetting(settings) ? { kubeconfig: kubeconfigSetting(settings)! } : {}),
      onListing: (_environment, _context, listing) => this.watches.listed(key, listing),
    });
    if ('error' in result) return result;
    const drift = result.environments[0];
    if (!drift) return { error: `No environment named "${params.environment}".` };
    // A cancelled run says nothing true of the cluster: the last complete one stays.
    if (!signal?.aborted) this.runs.set(key, drift);
    return drift;
  }

  /** The environment's last run, or a new one. */
  async last(params: DriftParams, signal?: AbortSignal): Promise<EnvironmentDrift | { error: string }> {
    const target = targetOf(this.host, params);
    if ('error' in target) return target;
    return this.runs.get(target.key) ?? this.run(params, signal);
  }

  /** The environments whose clusters are watched: those the view shows. */
  watchOnly(environments: readonly DriftParams[]): void {
    if (!this.host.trusted()) return this.watches.watchOnly([]);
    const keys = environments.flatMap((params) => {
      const target = targetOf(this.host, params);
      return 'error' in target ? [] : [target.key];
    });
    this.watches.watchOnly(keys);
  }
}

/** Without the compared sides (unless asked for): the view needs the differences, the diff editor asks per object. */
function answered(result: DriftResult, documents: boolean): DriftResult {
  if ('error' in result || documents) return result;
  return { ...result, objects: result.objects.map(({ desiredObject: _git, liveObject: _live, ...rest }) => rest) };
}

export function driftRequests(requests: DocumentRequests, host: DriftHost): DriftSession {
  const session = new DriftSession(host, (params) => void requests.connection.sendNotification(DriftChangedNotification.type, params));
  requests.connection.onShutdown(() => session.dispose());
  requests.connection.onRequest(DriftRequest.type, async (params: DriftParams, token: CancellationToken): Promise<DriftResult> => {
    const abort = new AbortController();
    const listener = token.onCancellationRequested(() => abort.abort());
    try {
      return answered(await session.run(params, abort.signal), params.documents === true);
    } finally {
      listener.dispose();
    }
  });
  requests.connection.onRequest(DriftDocumentRequest.type, async (params, token): Promise<DriftDocumentResult> => {
    if (!host.trusted()) return { error: UNTRUSTED_DRIFT };
    const abort = new AbortController();
    const listener = token.onCancellationRequested(() => abort.abort());
    try {
      const drift = await session.last(params, abort.signal);
      if (!('objects' in drift)) return { error: drift.error };
      const object = drift.objects.find((candidate) => isObject(candidate, params.object));
      if (!object)
        return { error: `${params.object.kind} ${params.object.name} is not in ${params.environment}'s drift: refresh the Drift view.` };
      return { text: documentText(object, params.side) };
    } finally {
      listener.dispose();
    }
  });
  requests.connection.onRequest(KubeContextsRequest.type, (params): KubeContextsResult => {
    if (!host.trusted()) return { error: UNTRUSTED_DRIFT };
    const projects = host.projects();
    const project = (params.folder && projects.find((p) => p.root === params.folder)) || projects[0];
    const kubeconfig = kubeconfigSetting(host.settings());
    const loaded = loadKubeconfig({
      ...(kubeconfig ? { kubeconfig } : {}),
      env: process.env,
      cwd: project?.root ?? process.cwd(),
    });
    if ('error' in loaded) return loaded;
    return { files: loaded.files, ...(loaded.currentContext ? { current: loaded.currentContext } : {}), contexts: loaded.contexts };
  });
  requests.connection.onNotification(WatchDriftNotification.type, (params) =>
    session.watchOnly(Array.isArray(params?.environments) ? params.environments : []),
  );
  return session;
}

/** The live object of a difference's object as the last run compared it. */
export function liveObjectOf(drift: EnvironmentDrift, ref: DriftObjectRef): Json | undefined {
  return drift.objects.find((object) => isObject(object, ref))?.liveObject;
}
