// A stand-in for argocd-server's REST API (what `argocd app sync` without --core talks to): HTTP on 127.0.0.1, bearer
// tokens checked as Argo CD checks them (unknown or expired: 401 Unauthenticated; an account without the right: 403
// PermissionDenied), and the three operations a deploy uses, acting on the real API server's Application as
// argocd-server v3.5.1 does (server/application/application.go): `GET /api/v1/applications/{name}` reads it; `POST
// …/sync` sets its `operation` (the revision, prune, the Application's syncOptions, `initiatedBy` = the token's
// account, the request's infos; refused while another operation is in progress) and leaves the sync to the Argo CD
// test controller; `PATCH …` applies a merge patch and keeps what Patch keeps (spec, labels, annotations, finalizers).
// Errors are grpc-gateway's body ({code, error, message}); every request and answer is recorded, and
// argocd-server-openapi.ts checks them against Argo CD's published OpenAPI description. Test-only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClusterApi, isRecord, messageOf, statusOf, type Json } from './cluster-api';

/** An API token argocd-server knows: whose it is, whether it may sync, whether it expired. */
export interface ArgoCdAccount {
  account: string;
  canSync: boolean;
  expired?: boolean;
}

export interface ArgoCdServerRequest {
  method: string;
  /** The operation's path template (`/api/v1/applications/{name}/sync`), or the raw path when it is none of them. */
  operation: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  authorization?: string;
  reply: { status: number; body: unknown };
}

// grpc codes as grpc-gateway maps them to HTTP statuses.
const GRPC = {
  invalidArgument: [3, 400],
  notFound: [5, 404],
  permissionDenied: [7, 403],
  failedPrecondition: [9, 400],
  unauthenticated: [16, 401],
} as const;

const APPLICATION = '/api/v1/applications/{name}';
const SYNC = '/api/v1/applications/{name}/sync';

function grpcError(code: keyof typeof GRPC, message: string): { status: number; body: Json } {
  const [grpcCode, status] = GRPC[code];
  return { status, body: { code: grpcCode, error: message, message } };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export class ArgoCdServerStandIn {
  readonly requests: ArgoCdServerRequest[] = [];
  private server: Server | undefined;
  private readonly api: ClusterApi;
  port = 0;

  constructor(
    kubeconfig: string,
    context: string,
    /** The namespace argocd-server runs in: where an Application without appNamespace is. */
    private readonly namespace: string,
    /** The tokens it knows. */
    readonly tokens: Record<string, ArgoCdAccount>,
  ) {
    this.api = new ClusterApi(kubeconfig, context);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.serve(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const raw = await readBody(request);
    let body: unknown;
    try {
      body = raw ? (JSON.parse(raw) as unknown) : undefined;
    } catch {
      body = raw;
    }
    const match = /^\/api\/v1\/applications\/([^/]+)(\/sync)?$/.exec(url.pathname);
    const operation = match ? (match[2] ? SYNC : APPLICATION) : url.pathname;
    const authorization = request.headers.authorization;
    let reply: { status: number; body: unknown };
    try {
      reply = await this.answer(
        request.method ?? 'GET',
        match ? decodeURIComponent(match[1]!) : undefined,
        operation,
        url,
        body,
        authorization,
      );
    } catch (error) {
      reply = grpcError('failedPrecondition', `stand-in failure: ${messageOf(error)}`);
      reply.status = 500;
    }
    // What goes over the wire (client-node hands out Dates for timestamps): the JSON text, read back.
    reply = { status: reply.status, body: JSON.parse(JSON.stringify(reply.body ?? null)) as unknown };
    this.requests.push({
      method: request.method ?? 'GET',
      operation,
      path: url.pathname,
      query: url.searchParams,
      body,
      ...(authorization ? { authorization } : {}),
      reply,
    });
    response.writeHead(reply.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(reply.body));
  }

  private async answer(
    method: string,
    name: string | undefined,
    operation: string,
    url: URL,
    body: unknown,
    authorization: string | undefined,
  ): Promise<{ status: number; body: unknown }> {
    // Authentication first, as argocd-server's interceptors do, for every API path.
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    const account = token ? this.tokens[token] : undefined;
    if (!token) return grpcError('unauthenticated', 'no session information');
    if (!account) return grpcError('unauthenticated', 'invalid session: token signature is invalid');
    if (account.expired) return grpcError('unauthenticated', 'invalid session: token has invalid claims: token is expired');
    if (!name || !['GET', 'POST', 'PATCH'].includes(method) || (operation === SYNC) !== (method === 'POST'))
      return { status: 404, body: { code: 5, error: 'Not Found', message: 'Not Found' } };
    const request = isRecord(body) ? body : {};
    const appNamespace =
      (method === 'GET' ? url.searchParams.get('appNamespace') : typeof request.appNamespace === 'string' ? request.appNamespace : '') ||
      this.namespace;
    const application = await this.api.get('argoproj.io/v1alpha1', 'Application', appNamespace, name);
    const project = isRecord(application?.spec) && typeof application.spec.project === 'string' ? application.spec.project : 'default';
    // argocd-server answers "permission denied" for an Application it does not have, so that names cannot be probed.
    const denied = (action: string) =>
      grpcError(
        'permissionDenied',
        `permission denied: applications, ${action}, ${project}/${name}, sub: ${account.account}, iat: 2026-01-01T00:00:00Z`,
      );
    if (!application) return denied(method === 'GET' ? 'get' : method === 'POST' ? 'sync' : 'update');
    if (method === 'GET') return { status: 200, body: application };
    if (!account.canSync) return denied(method === 'POST' ? 'sync' : 'update');
    const metadata = isRecord(application.metadata) ? application.metadata : {};
    if (method === 'POST') {
      if (application.operation) return grpcError('failedPrecondition', 'another operation is already in progress');
      const spec = isRecord(application.spec) ? application.spec : {};
      const syncOptions = isRecord(spec.syncPolicy) ? spec.syncPolicy.syncOptions : undefined;
      const requested = isRecord(request.syncOptions) ? request.syncOptions.items : undefined;
      const sync: Json = {
        ...(isRecord(spec.source) ? { source: spec.source } : {}),
        revision: typeof request.revision === 'string' && request.revision ? request.revision : 'HEAD',
        ...(request.prune === true ? { prune: true } : {}),
        ...(request.dryRun === true ? { dryRun: true } : {}),
        ...(Array.isArray(requested ?? syncOptions) ? { syncOptions: requested ?? syncOptions } : {}),
      };
      try {
        const updated = await this.api.merge(
          'argoproj.io/v1alpha1',
          'Application',
          appNamespace,
          name,
          {
            // SetAppOperation: an Update on the Application read, so one that changed meanwhile is a conflict.
            metadata: { resourceVersion: metadata.resourceVersion },
            operation: {
              sync,
              initiatedBy: { username: account.account },
              ...(Array.isArray(request.infos) ? { info: request.infos } : {}),
            },
            status: { operationState: null },
          },
          'argocd-server',
        );
        return { status: 200, body: updated };
      } catch (error) {
        if (statusOf(error) === 409) return grpcError('failedPrecondition', 'another operation is already in progress');
        throw error;
      }
    }
    // PATCH: the patch applied to the Application, then spec, labels, annotations and finalizers kept (updateApp).
    if (request.patchType !== 'merge' && request.patchType !== 'json' && request.patchType !== undefined)
      return grpcError('invalidArgument', `Patch type '${JSON.stringify(request.patchType)}' is not supported`);
    if (request.patchType !== 'merge') return grpcError('invalidArgument', 'the stand-in applies merge patches only');
    let patch: unknown;
    try {
      patch = JSON.parse(typeof request.patch === 'string' ? request.patch : '');
    } catch (error) {
      return grpcError('invalidArgument', `error calculating merge patch: ${(error as Error).message}`);
    }
    if (!isRecord(patch)) return grpcError('invalidArgument', 'error calculating merge patch: not an object');
    const patchMetadata = isRecord(patch.metadata) ? patch.metadata : {};
    const kept: Json = {
      metadata: {
        resourceVersion: metadata.resourceVersion,
        ...('labels' in patchMetadata ? { labels: patchMetadata.labels } : {}),
        ...('annotations' in patchMetadata ? { annotations: patchMetadata.annotations } : {}),
        ...('finalizers' in patchMetadata ? { finalizers: patchMetadata.finalizers } : {}),
      },
      ...('spec' in patch ? { spec: patch.spec } : {}),
    };
    const updated = await this.api.merge('argoproj.io/v1alpha1', 'Application', appNamespace, name, kept, 'argocd-server');
    return { status: 200, body: updated };
  }
}
