// Requests to one cluster's API server: authenticated as its kubeconfig context says (client-node applies certificates,
// tokens and exec plugins), over kept-alive connections, each with a timeout and cancellable, every failure turned
// into a sentence a person can act on (unreachable, timed out, untrusted certificate, 401, 403, ...). Requests are
// counted, so that tests and the bench can hold the drift to one LIST per kind and namespace plus the dry runs.
import http from 'node:http';
import https from 'node:https';
import { createSecureContext } from 'node:tls';
import type { KubeConfig } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

export type ClusterProblem =
  'unreachable' | 'timeout' | 'certificate' | 'unauthorized' | 'forbidden' | 'not-found' | 'gone' | 'invalid' | 'server' | 'cancelled';

export interface ClusterFailure {
  ok: false;
  problem: ClusterProblem;
  status?: number;
  message: string;
  /** The API server's answer (a Status), when it gave one: a 409's conflicts are in its details. */
  body?: unknown;
}

export type ClusterResponse = { ok: true; status: number; body: unknown } | ClusterFailure;

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: string;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

/** A response being streamed (a watch): read `response`; `stop()` ends it. */
export interface ClusterStream {
  ok: true;
  response: http.IncomingMessage;
  stop(): void;
}

/** One line per request sent, for tests and the bench: `GET /api/v1/namespaces/shop/configmaps?limit=500`. */
export type RequestLog = (method: string, path: string) => void;

const DEFAULT_TIMEOUT_MS = 30_000;
/** Parallel requests to one API server: what the dry runs and LISTs share. */
export const MAX_SOCKETS = 8;

export class ClusterClient {
  requests = 0;
  private closed = false;

  /** Watches hold their connection open: they get an agent of their own, so they never take the requests' sockets. */
  private streamAgent: http.Agent | undefined;

  private constructor(
    readonly context: string,
    readonly server: string,
    private readonly agent: http.Agent,
    private readonly makeAgent: (maxSockets: number) => http.Agent,
    private headers: Record<string, string>,
    private readonly config: KubeConfig,
    private readonly timeoutMs: number,
    private readonly log: RequestLog | undefined,
  ) {}

  /** A client for the current context of `config` (client-node's, one context). */
  static async connect(
    context: string,
    config: KubeConfig,
    options: { timeoutMs?: number; log?: RequestLog } = {},
  ): Promise<ClusterClient | ClusterFailure> {
    const cluster = config.getCurrentCluster();
    if (!cluster) return { ok: false, problem: 'invalid', message: `the context "${context}" has no cluster.` };
    const prepared = await authenticate(context, config);
    if ('problem' in prepared) return prepared;
    const { tls, headers } = prepared;
    let makeAgent: (maxSockets: number) => http.Agent;
    if (cluster.proxyUrl) {
      // The proxy agents client-node makes (HTTP CONNECT, SOCKS), kept as they are.
      makeAgent = () => tls.agent as http.Agent;
    } else if (cluster.server.startsWith('http:')) {
      if (!cluster.skipTLSVerify)
        return {
          ok: false,
          problem: 'invalid',
          message: `the context "${context}" uses plain HTTP (${cluster.server}) without insecure-skip-tls-verify: refused, as client-node refuses it.`,
        };
      makeAgent = (maxSockets) => new http.Agent({ keepAlive: true, maxSockets });
    } else {
      // One TLS context for every connection: made once (not per socket), and not part of the agent's per-request
      // connection key (which would join the PEM texts on every request).
      const secureContext = createSecureContext({
        ...(tls.ca ? { ca: tls.ca } : {}),
        ...(tls.cert ? { cert: tls.cert } : {}),
        ...(tls.key ? { key: tls.key } : {}),
        ...(tls.pfx ? { pfx: tls.pfx } : {}),
        ...(tls.passphrase ? { passphrase: tls.passphrase } : {}),
      });
      makeAgent = (maxSockets) =>
        new https.Agent({
          keepAlive: true,
          maxSockets,
          secureContext,
          ...(tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
          ...(tls.servername ? { servername: tls.servername } : {}),
        });
    }
    return new ClusterClient(
      context,
      cluster.server,
      makeAgent(MAX_SOCKETS),
      makeAgent,
      headers,
      config,
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      options.log,
    );
  }

  /** Credentials again (an exec plugin's token may have expired since the last run). */
  async refresh(): Promise<ClusterFailure | undefined> {
    const prepared = await authenticate(this.context, this.config);
    if ('problem' in prepared) return prepared;
    this.headers = prepared.headers;
    return undefined;
  }

  close(): void {
    this.closed = true;
    this.agent.destroy();
    this.streamAgent?.destroy();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private urlOf(method: string, path: string, options: RequestOptions): URL {
    const query = Object.entries(options.query ?? {})
      .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
      .join('&');
    const url = new URL(this.server.replace(/\/$/, '') + path + (query ? `?${query}` : ''));
    this.requests++;
    this.log?.(method, url.pathname + url.search);
    return url;
  }

  /**
   * A GET whose response is read as it streams (a watch): resolves with the response once its headers arrive (within
   * the timeout), or with why not. The caller reads it, and ends it with `stop()` (or the signal).
   */
  stream(path: string, options: RequestOptions = {}): Promise<ClusterStream | ClusterFailure> {
    if (this.closed) return Promise.resolve({ ok: false, problem: 'cancelled', message: 'the connection was closed' });
    if (options.signal?.aborted) return Promise.resolve({ ok: false, problem: 'cancelled', message: 'cancelled' });
    const url = this.urlOf('GET', path, options);
    const transport = url.protocol === 'http:' ? http : https;
    this.streamAgent ??= this.makeAgent(Infinity);
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: ClusterStream | ClusterFailure) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const request = transport.request(url, {
        method: 'GET',
        agent: this.streamAgent!,
        headers: { ...this.headers, Accept: 'application/json' },
      });
      const stop = () => request.destroy();
      options.signal?.addEventListener('abort', stop, { once: true });
      const timer = setTimeout(() => {
        settle({
          ok: false,
          problem: 'timeout',
          message: `the API server at ${this.server} did not answer within ${this.timeoutMs / 1000} s`,
        });
        request.destroy();
      }, this.timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => settle(this.networkFailure(error)));
      request.on('close', () => options.signal?.removeEventListener('abort', stop));
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) return settle({ ok: true, response, stop });
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error: NodeJS.ErrnoException) => settle(this.networkFailure(error)));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? (JSON.parse(text) as unknown) : undefined;
          } catch {
            // Not JSON: kept as text for the message.
          }
          settle(this.statusFailure(status, body));
        });
      });
      request.end();
    });
  }

  request(method: string, path: string, options: RequestOptions = {}): Promise<ClusterResponse> {
    if (this.closed) return Promise.resolve({ ok: false, problem: 'cancelled', message: 'the connection was closed' });
    if (options.signal?.aborted) return Promise.resolve({ ok: false, problem: 'cancelled', message: 'cancelled' });
    const url = this.urlOf(method, path, options);
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise<ClusterResponse>((resolve) => {
      let settled = false;
      const settle = (response: ClusterResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(response);
      };
      const request = transport.request(url, {
        method,
        agent: this.agent,
        headers: {
          ...this.headers,
          Accept: options.accept ?? 'application/json',
          ...(options.body !== undefined
            ? { 'Content-Type': options.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(options.body) }
            : {}),
        },
      });
      const timer = setTimeout(() => {
        settle({
          ok: false,
          problem: 'timeout',
          message: `the API server at ${this.server} did not answer within ${this.timeoutMs / 1000} s`,
        });
        request.destroy();
      }, this.timeoutMs);
      const onAbort = () => {
        settle({ ok: false, problem: 'cancelled', message: 'cancelled' });
        request.destroy();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (error: NodeJS.ErrnoException) => settle(this.networkFailure(error)));
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error: NodeJS.ErrnoException) => settle(this.networkFailure(error)));
        response.on('aborted', () => settle(this.networkFailure(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? (JSON.parse(text) as unknown) : undefined;
          } catch {
            // Not JSON (a proxy's error page): kept as text for the message.
          }
          const status = response.statusCode ?? 0;
          settle(status >= 200 && status < 300 ? { ok: true, status, body } : { ...this.statusFailure(status, body), body });
        });
      });
      if (options.body !== undefined) request.write(options.body);
      request.end();
    });
  }

  networkFailure(error: NodeJS.ErrnoException): ClusterFailure {
    const code = error.code ?? '';
    const detail = `${error.message}`;
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|ERR_TLS/.test(code))
      return {
        ok: false,
        problem: 'certificate',
        message: `the API server at ${this.server} has a certificate this kubeconfig does not trust (${detail})`,
      };
    if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/.test(detail))
      return { ok: false, problem: 'unreachable', message: `the connection to the API server at ${this.server} was lost (${detail})` };
    return { ok: false, problem: 'unreachable', message: `cannot reach the API server at ${this.server} (${detail})` };
  }

  private statusFailure(status: number, body: unknown): ClusterFailure {
    const said =
      typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string'
        ? (body as { message: string }).message
        : typeof body === 'string' && body.trim()
          ? body.trim().split('\n')[0]!.slice(0, 300)
          : `HTTP ${status}`;
    if (status === 401)
      return {
        ok: false,
        problem: 'unauthorized',
        status,
        message: `the API server at ${this.server} refused the credentials of context "${this.context}" (401 Unauthorized): they are wrong or expired — log in again or fix the kubeconfig`,
      };
    if (status === 403) return { ok: false, problem: 'forbidden', status, message: said };
    if (status === 404) return { ok: false, problem: 'not-found', status, message: said };
    if (status === 410) return { ok: false, problem: 'gone', status, message: said };
    if (status >= 500) return { ok: false, problem: 'server', status, message: `the API server failed (HTTP ${status}): ${said}` };
    return { ok: false, problem: 'invalid', status, message: said };
  }
}

interface TlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  pfx?: Buffer;
  passphrase?: string;
  rejectUnauthorized?: boolean;
  servername?: string;
  agent?: unknown;
  headers?: Record<string, string | string[] | number>;
  auth?: string;
}

/** The TLS material and headers client-node derives from the context (running an exec plugin if there is one). */
async function authenticate(
  context: string,
  config: KubeConfig,
): Promise<{ tls: TlsOptions; headers: Record<string, string> } | ClusterFailure> {
  const tls: TlsOptions = {};
  try {
    await config.applyToHTTPSOptions(tls);
  } catch (error) {
    return {
      ok: false,
      problem: 'unauthorized',
      message: `the credentials of context "${context}" cannot be read: ${(error as Error).message}`,
    };
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(tls.headers ?? {})) headers[key] = Array.isArray(value) ? value.join(', ') : String(value);
  if (tls.auth) headers.Authorization = `Basic ${Buffer.from(tls.auth).toString('base64')}`;
  return { tls, headers };
}
