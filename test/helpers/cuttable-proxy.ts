// An HTTP CONNECT proxy between a test and the API server (a kubeconfig's proxy-url), as corporate proxies tunnel
// TLS: it can refuse new tunnels and cut the open ones, as a network failure would.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

/** A proxy that tunnels TLS, and can refuse new tunnels and cut the open ones. */
export class CuttableProxy {
  readonly server: Server = createServer();
  readonly sockets = new Set<Socket>();
  tunnels = 0;
  refusing = false;

  constructor() {
    this.server.on('connect', (request: { url?: string }, client: Socket, head: Buffer) => {
      if (this.refusing) return client.destroy();
      this.tunnels++;
      const [host, port] = (request.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
      }
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** Cuts every open tunnel, as a network failure would. */
  cut(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  close(): void {
    this.cut();
    this.server.close();
  }
}
