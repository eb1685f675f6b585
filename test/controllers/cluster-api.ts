// The Kubernetes API as the test controllers use it, through @kubernetes/client-node (the official client, unchanged):
// server-side apply as a named field manager, merge patches of objects and of their status, lists, reads, deletes.
// Stand-ins for GitOps controllers only: nothing here is part of the product.
import type * as ClientNode from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

// The package is ESM; Node 20.19+ requires it (tsx runs these files as CommonJS).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const clientNode = require('@kubernetes/client-node') as typeof ClientNode;
const { CustomObjectsApi, KubeConfig, KubernetesObjectApi, PatchStrategy, setHeaderOptions } = clientNode;

export type Json = Record<string, unknown>;

export const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The HTTP status of a client-node failure (ApiException.code), or undefined. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * A failure a real controller retries without complaint: the API server busy or starting (5xx, 429), the connection
 * lost. Anything else (a refused patch, an invalid status) is what a test wants to hear about.
 */
export function isTransient(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status >= 500 || status === 429;
  return /ECONNRESET|ECONNREFUSED|socket hang up|ETIMEDOUT/.test(error instanceof Error ? error.message : String(error));
}

export function messageOf(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      return body.slice(0, 300);
    }
  }
  if (isRecord(body) && typeof body.message === 'string') return body.message;
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

export class ClusterApi {
  readonly objects: ClientNode.KubernetesObjectApi;
  readonly custom: ClientNode.CustomObjectsApi;

  constructor(kubeconfig: string, context: string) {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    config.setCurrentContext(context);
    this.objects = KubernetesObjectApi.makeApiClient(config);
    this.custom = config.makeApiClient(CustomObjectsApi);
  }

  async get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<Json | undefined> {
    try {
      return (await this.objects.read({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } })) as unknown as Json;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<Json[]> {
    try {
      const list = await this.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
      return list.items.map((item) => ({ apiVersion, kind, ...(item as unknown as Json) }));
    } catch (error) {
      if (statusOf(error) === 404) return [];
      throw error;
    }
  }

  /** Server-side apply as `manager`, taking every field (as the GitOps controllers do). */
  async apply(object: Json, manager: string): Promise<Json> {
    return await this.objects.patch(object, undefined, undefined, manager, true, PatchStrategy.ServerSideApply);
  }

  /** A JSON merge patch of an object (its metadata and spec; a CRD without a status subresource, its status too). */
  async merge(apiVersion: string, kind: string, namespace: string | undefined, name: string, patch: Json, manager: string): Promise<Json> {
    return await this.objects.patch(
      // The patch's own metadata (a resourceVersion precondition) goes beside the name, not instead of it.
      {
        apiVersion,
        kind,
        ...patch,
        metadata: { ...(isRecord(patch.metadata) ? patch.metadata : {}), name, ...(namespace ? { namespace } : {}) },
      },
      undefined,
      undefined,
      manager,
      undefined,
      PatchStrategy.MergePatch,
    );
  }

  /** A merge patch of a custom resource's status subresource. */
  async mergeStatus(group: string, version: string, plural: string, namespace: string, name: string, status: Json): Promise<void> {
    await this.custom.patchNamespacedCustomObjectStatus(
      { group, version, namespace, plural, name, body: { status } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  async remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<void> {
    try {
      await this.objects.delete(
        { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } },
        undefined,
        undefined,
        undefined,
        undefined,
        'Background',
      );
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }
}
