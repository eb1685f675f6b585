// Live updates of the Drift view: the environments it shows are watched — every kind and namespace their last drift
// run listed, from that list's resourceVersion (node/cluster/scope-watch) — and a change that can change their drift
// is told once (debounced), so the editor asks for the drift again. What can change it: an object git declares or
// one the environment owns, added, deleted, or changed in what drift compares (status, resourceVersion, managedFields
// and timestamps are normalized away, so a rollout's status updates are not news). Watches stop when the view stops
// asking for them.
import { createHash } from 'node:crypto';
import type { Json } from '../../engine/json';
import { normalizeForComparison } from '../../engine/drift/normalize';
import { identityKey, identityOf } from '../../engine/drift/object-identity';
import type { ClusterClient } from '../cluster/cluster-client';
import type { ListedScope } from '../cluster/live-objects';
import { ScopeWatch, type ScopeWatchOptions } from '../cluster/scope-watch';

/** What a drift run listed of an environment: the baseline its watches compare events with. */
export interface EnvironmentListing {
  client: ClusterClient;
  scopes: ListedScope[];
  objects: Json[];
  /** Whether an object counts for the environment's drift: git declares it, or it carries the environment's marks. */
  relevant(object: Json): boolean;
}

interface Known {
  fingerprint: string;
  relevant: boolean;
}

interface Watched {
  listing?: EnvironmentListing;
  known: Map<string, Known>;
  watches: Map<string, ScopeWatch>;
  timer?: ReturnType<typeof setTimeout>;
  /** A failure was told and nothing has succeeded since: the next one is not told again. */
  failing: boolean;
}

export interface DriftWatchesOptions extends ScopeWatchOptions {
  /** Events closer together than this are told once. */
  debounceMs?: number;
}

const scopeKeyOf = (group: string, kind: string, namespace: string | undefined) => `${group}/${kind}/${namespace ?? ''}`;

function fingerprintOf(object: Json): string {
  return createHash('sha1')
    .update(JSON.stringify(normalizeForComparison(object)))
    .digest('base64');
}

export class DriftWatches {
  /** The last listing of every environment a drift run listed, watched or not (so watching can start at once). */
  private readonly listings = new Map<string, EnvironmentListing>();
  private readonly watched = new Map<string, Watched>();

  constructor(
    /** Told the key of an environment whose drift may have changed, and why. */
    private readonly changed: (key: string, why: string) => void,
    private readonly options: DriftWatchesOptions = {},
  ) {}

  /** How many scopes are being watched now (for tests and the log). */
  get watchCount(): number {
    let count = 0;
    for (const state of this.watched.values()) count += state.watches.size;
    return count;
  }

  /** A drift run's listing of an environment: its new baseline; its watches follow when it is watched. */
  listed(key: string, listing: EnvironmentListing): void {
    this.listings.set(key, listing);
    const state = this.watched.get(key);
    if (state) this.follow(state, listing);
  }

  /** Watch these environments (the keys the listings were given under), and stop watching any other. */
  watchOnly(keys: readonly string[]): void {
    const wanted = new Set(keys);
    for (const [key, state] of this.watched) if (!wanted.has(key)) this.unwatch(key, state);
    for (const key of wanted) {
      if (this.watched.has(key)) continue;
      const state: Watched = { known: new Map(), watches: new Map(), failing: false };
      this.watched.set(key, state);
      const listing = this.listings.get(key);
      if (listing) this.follow(state, listing);
    }
  }

  stopAll(): void {
    for (const [key, state] of this.watched) this.unwatch(key, state);
    this.listings.clear();
  }

  private unwatch(key: string, state: Watched): void {
    for (const watch of state.watches.values()) watch.stop();
    clearTimeout(state.timer);
    this.watched.delete(key);
  }

  /** The listing becomes the baseline; scopes listed anew are watched from their list, those no longer listed stop. */
  private follow(state: Watched, listing: EnvironmentListing): void {
    const key = [...this.watched].find(([, s]) => s === state)?.[0];
    if (key === undefined) return;
    state.listing = listing;
    state.known = new Map();
    for (const object of listing.objects) this.remember(state, object);
    const scopes = new Map(listing.scopes.map((scope) => [scopeKeyOf(scope.resource.group, scope.resource.kind, scope.namespace), scope]));
    for (const [scopeKey, watch] of state.watches) {
      // Another client (the kubeconfig changed) or a scope gone: its watch goes.
      if (!scopes.has(scopeKey) || watch.client !== listing.client) {
        watch.stop();
        state.watches.delete(scopeKey);
      }
    }
    for (const [scopeKey, scope] of scopes) {
      if (state.watches.has(scopeKey)) continue;
      state.watches.set(
        scopeKey,
        new ScopeWatch(
          listing.client,
          scope,
          {
            event: (type, object) => this.onEvent(key, state, type, object),
            relisted: (objects) => this.onRelisted(key, state, scopeKey, objects),
            failed: (failure) => {
              if (state.failing) return;
              state.failing = true;
              this.tell(key, state, `the watch of ${scope.resource.kind} failed: ${failure.message}`);
            },
          },
          this.options,
        ),
      );
    }
  }

  private remember(state: Watched, object: Json): { key: string; previous?: Known; now: Known } | undefined {
    const identity = identityOf(object);
    if (!identity) return undefined;
    const key = identityKey(identity);
    const previous = state.known.get(key);
    const now = { fingerprint: fingerprintOf(object), relevant: state.listing?.relevant(object) ?? false };
    state.known.set(key, now);
    return { key, ...(previous ? { previous } : {}), now };
  }

  private onEvent(key: string, state: Watched, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: Json): void {
    state.failing = false;
    if (type === 'DELETED') {
      const identity = identityOf(object);
      if (!identity) return;
      const previous = state.known.get(identityKey(identity));
      state.known.delete(identityKey(identity));
      if (previous?.relevant || state.listing?.relevant(object)) this.tell(key, state, `${identity.kind} ${identity.name} was deleted`);
      return;
    }
    const seen = this.remember(state, object);
    if (!seen || (seen.previous && seen.previous.fingerprint === seen.now.fingerprint)) return;
    if (seen.now.relevant || seen.previous?.relevant) this.tell(key, state, `${String(object.kind)} ${seen.key.split('/').pop()} changed`);
  }

  /** After a dropped watch: what the scope holds now against what was known of it. */
  private onRelisted(key: string, state: Watched, scopeKey: string, objects: Json[]): void {
    state.failing = false;
    let news = false;
    const present = new Set<string>();
    for (const object of objects) {
      const seen = this.remember(state, object);
      if (!seen) continue;
      present.add(seen.key);
      if ((!seen.previous || seen.previous.fingerprint !== seen.now.fingerprint) && (seen.now.relevant || seen.previous?.relevant))
        news = true;
    }
    for (const [objectKey, known] of state.known) {
      const [group, kind, namespace] = objectKey.split('/');
      if (scopeKeyOf(group!, kind!, namespace || undefined) !== scopeKey || present.has(objectKey)) continue;
      state.known.delete(objectKey);
      if (known.relevant) news = true;
    }
    if (news) this.tell(key, state, 'objects changed while the watch was down');
  }

  private tell(key: string, state: Watched, why: string): void {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      if (this.watched.get(key) === state) this.changed(key, why);
    }, this.options.debounceMs ?? 300);
  }
}
