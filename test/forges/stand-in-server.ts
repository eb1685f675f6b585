// What the forge stand-ins share: an HTTP server on 127.0.0.1 that serves real git (smart HTTP through git's own
// `git http-backend`, so pushes run the bare repositories' hooks), checks the token, records every API request, and
// lets a test make the next matching request fail (a status, or no answer at all).
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  authorization?: string | undefined;
  /** What the stand-in answered (none while a fault hangs). */
  reply?: ApiReply;
}

export interface Fault {
  method: string;
  /** Matched against the path (without the query). */
  path: RegExp;
  /** Answer with this status and body; or `hang` (never answer: a timeout). */
  status?: number;
  body?: unknown;
  hang?: boolean;
  /** How many matching requests it applies to (default 1). */
  times?: number;
}

export interface ApiReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type ApiHandler = (request: RecordedRequest) => ApiReply | Promise<ApiReply>;

export abstract class StandInServer {
  readonly requests: RecordedRequest[] = [];
  private readonly faults: Fault[] = [];
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();
  port = 0;

  constructor(
    /** The folder holding `owner/repo.git` bare repositories. */
    readonly gitRoot: string,
    /** The only token accepted (others get 401). */
    public token: string,
    /** The API's path prefix: `/api/v3`, `/api/v4`. */
    private readonly apiPrefix: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get apiUrl(): string {
    return `${this.url}${this.apiPrefix}`;
  }

  /** Makes the next matching request(s) fail. */
  fail(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** The API requests made with `method` to a path matching `path`. */
  requested(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  /** Whether a request carries the token, as this forge expects it. */
  protected abstract authorized(request: RecordedRequest, headers: IncomingMessage['headers']): boolean;
  protected abstract unauthorized(): ApiReply;
  protected abstract handle(request: RecordedRequest): ApiReply | Promise<ApiReply>;

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.serve(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    try {
      if (!url.pathname.startsWith(`${this.apiPrefix}/`)) return await this.serveGit(request, response, url);
      const raw = await readBody(request);
      let body: unknown;
      try {
        body = raw ? (JSON.parse(raw) as unknown) : undefined;
      } catch {
        body = raw;
      }
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path: url.pathname.slice(this.apiPrefix.length),
        query: url.searchParams,
        body,
        authorization: request.headers.authorization ?? (request.headers['private-token'] as string | undefined),
      };
      this.requests.push(recorded);
      const fault = this.faults.find((f) => f.method === recorded.method && f.path.test(recorded.path));
      if (fault) {
        if (--fault.times! <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
        if (fault.hang) {
          this.hanging.add(response);
          return;
        }
        recorded.reply = { status: fault.status ?? 500, body: fault.body ?? { message: 'Server Error' } };
        return send(response, recorded.reply);
      }
      recorded.reply = this.authorized(recorded, request.headers) ? await this.handle(recorded) : this.unauthorized();
      send(response, recorded.reply);
    } catch (error) {
      send(response, { status: 500, body: { message: `stand-in failure: ${(error as Error).message}` } });
    }
  }

  /** Smart HTTP through `git http-backend` (CGI), pushes allowed to anyone holding the token as password. */
  private async serveGit(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const password = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
    const pushing = url.searchParams.get('service') === 'git-receive-pack' || url.pathname.endsWith('/git-receive-pack');
    if (pushing && password !== this.token) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="stand-in"' });
      response.end();
      return;
    }
    const backend = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: this.gitRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: request.method ?? 'GET',
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        REMOTE_USER: pushing ? 'stand-in' : '',
        REMOTE_ADDR: '127.0.0.1',
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: this.gitRoot,
      },
    });
    if (request.headers['content-encoding'] === 'gzip') {
      const { createGunzip } = await import('node:zlib');
      request.pipe(createGunzip()).pipe(backend.stdin);
    } else request.pipe(backend.stdin);
    const chunks: Buffer[] = [];
    backend.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    backend.stderr.on('data', () => undefined);
    await new Promise<void>((resolve) => backend.on('close', () => resolve()));
    const output = Buffer.concat(chunks);
    const split = output.indexOf('\r\n\r\n');
    const headerText = output.subarray(0, split).toString('utf8');
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of headerText.split('\r\n')) {
      const at = line.indexOf(':');
      const [name, value] = [line.slice(0, at).trim(), line.slice(at + 1).trim()];
      if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
      else if (name) headers[name] = value;
    }
    response.writeHead(status, headers);
    response.end(output.subarray(split + 4));
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, reply: ApiReply): void {
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  response.writeHead(reply.status, { ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...reply.headers });
  response.end(text);
}

/** A timestamp as forges write them. */
export function iso(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
