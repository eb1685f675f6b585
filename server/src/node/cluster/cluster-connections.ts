// The clusters a process talks to, one client per kubeconfig context, kept (with their open connections) across the
// drift runs of an editor session; the CLI closes them when it is done.
import { ClusterClient, type ClusterFailure, type RequestLog } from './cluster-client';
import type { Kubeconfig } from './kubeconfig';

export class ClusterConnections {
  private readonly clients = new Map<string, ClusterClient>();

  constructor(private readonly options: { timeoutMs?: number; log?: RequestLog } = {}) {}

  /** The client of a context (a new one, or the one kept, with its credentials read again). */
  async connect(kubeconfig: Kubeconfig, context: string): Promise<ClusterClient | ClusterFailure> {
    const key = `${kubeconfig.files.join('\0')}\0${context}`;
    const kept = this.clients.get(key);
    if (kept) {
      const failed = await kept.refresh();
      return failed ?? kept;
    }
    const resolved = kubeconfig.forContext(context);
    if (!resolved.ok) return { ok: false, problem: 'invalid', message: resolved.error };
    const client = await ClusterClient.connect(context, resolved.config, this.options);
    if (client instanceof ClusterClient) this.clients.set(key, client);
    return client;
  }

  closeAll(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
