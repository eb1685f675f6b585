// A watch of one kind in one namespace, as client-go's reflector keeps one: `?watch=true&resourceVersion=…` from a
// LIST's resourceVersion, events read line by line, bookmarks kept; the server's own end of a watch (timeoutSeconds) is
// followed by a watch from the last resourceVersion seen; a dropped connection (on Node 20 a response that emits
// 'close' without 'end'), silence past the timeout, or a 410 Gone by a LIST again and a watch from there, with a pause
// that grows while the server cannot be reached.
import { isRecord, type Json } from '../../engine/json';
import type { ClusterClient, ClusterFailure } from './cluster-client';
import { Discovery } from './discovery';
import { listAll, type ListedScope } from './live-objects';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ScopeWatchHandlers {
  /** An object added, changed or deleted (with apiVersion and kind as the scope's). */
  event(type: WatchEventType, object: Json): void;
  /** The scope listed again after a drop: every object it holds now. */
  relisted(objects: Json[]): void;
  /** The scope could not be listed again (the watch retries, with a growing pause). */
  failed(failure: ClusterFailure): void;
}

export interface ScopeWatchOptions {
  /** The server ends each watch after this long (it asks again from the last resourceVersion); default 300. */
  timeoutSeconds?: number;
  /** The first pause before listing again after a failure; it doubles up to maxPauseMs. */
  pauseMs?: number;
  maxPauseMs?: number;
}

type Ending = { how: 'ended' } | { how: 'dropped' } | { how: 'gone' } | { how: 'failed'; failure: ClusterFailure };

export class ScopeWatch {
  private stopped = false;
  private current: (() => void) | undefined;
  private pause: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;
  private resourceVersion: string;
  private readonly apiVersion: string;

  constructor(
    readonly client: ClusterClient,
    readonly scope: ListedScope,
    private readonly handlers: ScopeWatchHandlers,
    private readonly options: ScopeWatchOptions = {},
  ) {
    this.resourceVersion = scope.resourceVersion;
    this.apiVersion = scope.resource.group ? `${scope.resource.group}/${scope.resource.version}` : scope.resource.version;
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.current?.();
    clearTimeout(this.pause);
    this.wake?.();
  }

  private async run(): Promise<void> {
    let pauseMs = this.options.pauseMs ?? 1000;
    let relist = false;
    while (!this.stopped) {
      if (relist) {
        const listed = await listAll(this.client, this.scope);
        if (this.stopped) return;
        if (!listed.ok) {
          this.handlers.failed(listed);
          await this.sleep(pauseMs);
          pauseMs = Math.min(pauseMs * 2, this.options.maxPauseMs ?? 30_000);
          continue;
        }
        pauseMs = this.options.pauseMs ?? 1000;
        if (listed.resourceVersion) this.resourceVersion = listed.resourceVersion;
        this.handlers.relisted(listed.objects);
        relist = false;
      }
      const ending = await this.watchOnce();
      if (this.stopped) return;
      if (ending.how === 'ended') continue;
      if (ending.how === 'failed' && ending.failure.problem !== 'gone') {
        this.handlers.failed(ending.failure);
        await this.sleep(pauseMs);
        pauseMs = Math.min(pauseMs * 2, this.options.maxPauseMs ?? 30_000);
      }
      relist = true;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.pause = setTimeout(resolve, ms);
    });
  }

  /** One watch request, read until it ends; how it ended. */
  private async watchOnce(): Promise<Ending> {
    const timeoutSeconds = this.options.timeoutSeconds ?? 300;
    const opened = await this.client.stream(Discovery.pathOf(this.scope.resource, this.scope.namespace), {
      query: {
        watch: 'true',
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: 'true',
        timeoutSeconds,
        labelSelector: this.scope.labelSelector,
      },
    });
    if (!opened.ok) return { how: 'failed', failure: opened };
    if (this.stopped) {
      opened.stop();
      return { how: 'ended' };
    }
    this.current = () => opened.stop();
    const { response } = opened;
    return new Promise<Ending>((resolve) => {
      let buffered = '';
      let ended = false;
      let gone = false;
      // Silence longer than the server's own timeout (with bookmarks about once a minute): the connection is dead.
      let silence: ReturnType<typeof setTimeout> | undefined;
      const listen = () => {
        clearTimeout(silence);
        silence = setTimeout(() => opened.stop(), (timeoutSeconds + 60) * 1000);
      };
      listen();
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        listen();
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line && this.handleLine(line) === 'gone') {
            gone = true;
            opened.stop();
          }
        }
      });
      response.on('end', () => (ended = true));
      // A reset connection also emits 'error'; 'close' follows it, and says how the watch ended.
      response.on('error', () => undefined);
      response.on('close', () => {
        clearTimeout(silence);
        this.current = undefined;
        resolve(gone ? { how: 'gone' } : ended ? { how: 'ended' } : { how: 'dropped' });
      });
    });
  }

  private handleLine(line: string): 'gone' | undefined {
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      return undefined;
    }
    if (!isRecord(event) || !isRecord(event.object)) return undefined;
    const object = event.object;
    if (event.type === 'ERROR') return object.code === 410 ? 'gone' : undefined;
    const metadata = isRecord(object.metadata) ? object.metadata : {};
    if (typeof metadata.resourceVersion === 'string') this.resourceVersion = metadata.resourceVersion;
    if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED')
      this.handlers.event(event.type, { ...object, apiVersion: this.apiVersion, kind: this.scope.resource.kind });
    return undefined;
  }
}
