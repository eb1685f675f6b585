// Drift of one environment: each object git declares (rendered) against the cluster's, classified in-sync, drifted,
// missing, extra or unknown, each difference as a JSON pointer with both values and the manager that made it.
// An object is first compared on the fields git sets: equal there, it is in sync without asking the server more.
// Otherwise the server's dry-run apply of git's object (`predict`) says what an apply would store, defaults and
// webhooks included, and that prediction is compared with what is stored — the differences a sync would undo, as
// `kubectl diff --server-side` and Argo CD's server-side diff find them. Without a prediction (no dry-run permission,
// the server refusing the object) the fields git sets are what is compared, and the report says so.
import type { JsonPath } from '../yaml/locate';
import type { ControllerStatus } from './controller-status';
import { compareFieldsGitSets, compareWhole, type Difference } from './compare-objects';
import { ignoredManagers, removeIgnoredFields, rulesFor, type IgnoreRule } from './ignore-rules';
import { listKindAt, managedFieldsOf, ownedByAny, ownerOf, reach, type ManagedFieldsEntry } from './managed-fields';
import { isSecret, normalizeForComparison } from './normalize';
import { identityKey, identityOf, type ObjectIdentity } from './object-identity';
import { describeOwnership, isControlled, isOwned, type Ownership } from './ownership';
import { maskedObject, maskedValue } from './secret-masking';
import { pointerOf, type Json } from '../json';

export type DriftStatus = 'in-sync' | 'drifted' | 'missing' | 'extra' | 'unknown';

export interface DriftDifference {
  /** JSON pointer (RFC 6901) into the live object; list items by index. */
  path: string;
  /** The value git (through the server's prediction) sets; null when it sets none. Secret values `***`. */
  desired: unknown;
  live: unknown;
  /** The managedFields manager that made the live value (null when none owns it or a field above it). */
  manager: string | null;
  /** More on that manager's change: its operation, subresource and time, and the owned field above it it comes from. */
  change?: { operation: string; subresource?: string; time?: string; via?: string };
}

export interface DriftObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  status: DriftStatus;
  differences: DriftDifference[];
  /** Why it could not be read (unknown), or what went wrong comparing it. */
  error?: string;
  /** `dry-run`: against the server's prediction; `fields-git-sets`: only the fields git sets. */
  comparedBy?: 'dry-run' | 'fields-git-sets';
  /** Both sides as compared (normalized, Secret values masked), when asked for. */
  desiredObject?: Json;
  liveObject?: Json;
}

export interface DriftSummary {
  inSync: number;
  drifted: number;
  missing: number;
  extra: number;
  unknown: number;
}

/** A kind (in one namespace, or everywhere) whose live objects could not be read. */
export interface UnreadScope {
  group: string;
  kind: string;
  /** Undefined: in every namespace (the kind is not served, say). */
  namespace?: string;
  reason: string;
}

export interface LiveObjects {
  objects: Json[];
  unread: UnreadScope[];
}

export type Prediction = { ok: true; object: Json } | { ok: false; problem: 'forbidden' | 'refused' | 'failed'; message: string };

export interface DriftInput {
  environment: string;
  /** Git's objects, namespaced as they are applied. */
  desired: readonly Json[];
  live: LiveObjects;
  ownership?: Ownership;
  rules: readonly IgnoreRule[];
  /** The field manager of the dry runs: its fields in a prediction are what git sets. */
  fieldManager: string;
  /** The server's dry-run apply of an object; absent: only the fields git sets are compared. */
  predict?: (object: Json) => Promise<Prediction>;
  /** How many predictions run at once. */
  concurrency?: number;
  /** Keep both sides of each object (for a diff view). */
  documents?: boolean;
  cancelled?: () => boolean;
}

export interface DriftReport {
  objects: DriftObject[];
  summary: DriftSummary;
  /** What the reader should know about how it was compared: fields-only comparisons, rules that do not parse. */
  notes: string[];
}

const scopeKey = (identity: Pick<ObjectIdentity, 'group' | 'kind' | 'namespace'>) =>
  `${identity.group}/${identity.kind}/${identity.namespace ?? ''}`;

function unreadReason(unread: readonly UnreadScope[], identity: ObjectIdentity): string | undefined {
  return unread.find(
    (scope) =>
      scope.group === identity.group &&
      scope.kind === identity.kind &&
      (scope.namespace === undefined || scope.namespace === identity.namespace),
  )?.reason;
}

function base(identity: ObjectIdentity): Pick<DriftObject, 'apiVersion' | 'kind' | 'namespace' | 'name'> {
  return {
    apiVersion: identity.apiVersion,
    kind: identity.kind,
    ...(identity.namespace ? { namespace: identity.namespace } : {}),
    name: identity.name,
  };
}

/** Both sides prepared for comparison: normalized, the rules' fields removed. */
function prepared(object: Json, rules: readonly IgnoreRule[], problems: Set<string>): Json {
  const copy = normalizeForComparison(object);
  for (const problem of removeIgnoredFields(copy, rules)) problems.add(problem);
  return copy;
}

/**
 * Of a prediction's differences, those in fields the dry run's manager owns: git's, not a webhook's or a default's. A
 * Secret's stringData is stored in data: the manager that applied `stringData/x` made `data/x`.
 */
function setByGit(differences: Difference[], predicted: Json, predictedEntries: ManagedFieldsEntry[], fieldManager: string): Difference[] {
  const own = predictedEntries.filter((entry) => entry.manager === fieldManager);
  if (!own.length) return differences;
  const secret = isSecret(predicted);
  const owns = (path: JsonPath) =>
    own.some((entry) => {
      const found = reach(entry.fields, predicted, path);
      return found.ownsPath || found.ownsInside;
    });
  return differences.filter(
    (difference) => owns(difference.path) || (secret && difference.path[0] === 'data' && owns(['stringData', ...difference.path.slice(1)])),
  );
}

async function inPool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

export async function driftOf(input: DriftInput): Promise<DriftReport> {
  const problems = new Set<string>();
  const notes: string[] = [];
  const liveByKey = new Map<string, Json>();
  for (const object of input.live.objects) {
    const identity = identityOf(object);
    if (identity) liveByKey.set(identityKey(identity), object);
  }
  const forbiddenScopes = new Map<string, string>();
  const results: DriftObject[] = [];
  const desiredKeys = new Set<string>();
  const toPredict: {
    index: number;
    desired: Json;
    live: Json;
    identity: ObjectIdentity;
    rules: IgnoreRule[];
    desiredSide: Json;
    liveSide: Json;
    fallback: Difference[];
  }[] = [];

  const finish = (
    index: number,
    identity: ObjectIdentity,
    differences: Difference[],
    live: Json,
    liveSide: Json,
    rules: readonly IgnoreRule[],
    extra: Partial<DriftObject>,
  ) => {
    const entries = managedFieldsOf(live);
    const managers = ignoredManagers(rules);
    const kept = managers.length ? differences.filter((d) => !ownedByAny(liveSide, d.path, managers, entries)) : differences;
    const secret = isSecret(live);
    results[index] = {
      ...base(identity),
      status: kept.length ? 'drifted' : 'in-sync',
      differences: kept.map((difference) => {
        const owner = ownerOf(liveSide, difference.path, entries);
        return {
          path: pointerOf(difference.path),
          desired: maskedValue(secret, difference.path, difference.desired) ?? null,
          live: maskedValue(secret, difference.path, difference.live) ?? null,
          manager: owner?.manager ?? null,
          ...(owner
            ? {
                change: {
                  operation: owner.operation,
                  ...(owner.subresource ? { subresource: owner.subresource } : {}),
                  ...(owner.time ? { time: owner.time } : {}),
                  ...(owner.via ? { via: pointerOf(owner.via) } : {}),
                },
              }
            : {}),
        };
      }),
      ...extra,
    };
  };

  input.desired.forEach((desired, index) => {
    const identity = identityOf(desired)!;
    const key = identityKey(identity);
    desiredKeys.add(key);
    const unread = unreadReason(input.live.unread, identity);
    if (unread) {
      results[index] = { ...base(identity), status: 'unknown', differences: [], error: unread };
      return;
    }
    const live = liveByKey.get(key);
    if (!live) {
      results[index] = {
        ...base(identity),
        status: 'missing',
        differences: [],
        ...(input.documents ? { desiredObject: maskedObject(desired) } : {}),
      };
      return;
    }
    const rules = rulesFor(input.rules, identity, input.environment);
    const desiredSide = prepared(desired, rules, problems);
    const liveSide = prepared(live, rules, problems);
    const entries = managedFieldsOf(live);
    const fallback = compareFieldsGitSets(desiredSide, liveSide, (path) => listKindAt(liveSide, path, entries));
    const documents = input.documents ? { desiredObject: maskedObject(desiredSide), liveObject: maskedObject(liveSide) } : {};
    if (!fallback.length || !input.predict) {
      finish(index, identity, fallback, live, liveSide, rules, { comparedBy: 'fields-git-sets', ...documents });
      return;
    }
    toPredict.push({ index, desired, live, identity, rules, desiredSide, liveSide, fallback });
  });

  await inPool(toPredict, input.concurrency ?? 8, async ({ index, desired, live, identity, rules, desiredSide, liveSide, fallback }) => {
    const documents = (desiredSide: Json) =>
      input.documents ? { desiredObject: maskedObject(desiredSide), liveObject: maskedObject(liveSide) } : {};
    const forbidden = forbiddenScopes.get(scopeKey(identity));
    const prediction: Prediction = forbidden
      ? { ok: false, problem: 'forbidden', message: forbidden }
      : input.cancelled?.()
        ? { ok: false, problem: 'failed', message: 'cancelled' }
        : await input.predict!(desired);
    if (prediction.ok) {
      const predictedSide = prepared(prediction.object, rules, problems);
      const differences = setByGit(
        compareWhole(predictedSide, liveSide),
        predictedSide,
        managedFieldsOf(prediction.object),
        input.fieldManager,
      );
      finish(index, identity, differences, live, liveSide, rules, { comparedBy: 'dry-run', ...documents(predictedSide) });
      return;
    }
    if (prediction.problem === 'forbidden') {
      if (!forbidden) {
        forbiddenScopes.set(scopeKey(identity), prediction.message);
        notes.push(
          `${identity.kind} objects${identity.namespace ? ` in ${identity.namespace}` : ''}: compared on the fields git sets only, as no dry run is allowed (${prediction.message}).`,
        );
      }
      finish(index, identity, fallback, live, liveSide, rules, { comparedBy: 'fields-git-sets', ...documents(desiredSide) });
      return;
    }
    const why =
      prediction.problem === 'refused'
        ? `the API server refuses git's version: ${prediction.message}`
        : `the dry run failed: ${prediction.message}`;
    finish(index, identity, fallback, live, liveSide, rules, {
      comparedBy: 'fields-git-sets',
      error: `${why} (compared on the fields git sets)`,
      ...documents(desiredSide),
    });
  });

  const extras: DriftObject[] = [];
  if (input.ownership) {
    for (const [key, live] of liveByKey) {
      if (desiredKeys.has(key) || isControlled(live) || !isOwned(input.ownership, live)) continue;
      const identity = identityOf(live)!;
      extras.push({
        ...base(identity),
        status: 'extra',
        differences: [],
        ...(input.documents ? { liveObject: maskedObject(normalizeForComparison(live)) } : {}),
      });
    }
  } else if (input.desired.length) {
    notes.push('Objects only in the cluster are not looked for: nothing marks which live objects are this environment’s.');
  }
  if (input.ownership && input.desired.length) notes.push(`Objects only in the cluster: those of ${describeOwnership(input.ownership)}.`);
  notes.push(...problems);

  const objects = [...results, ...extras].sort(byIdentity);
  const count = (status: DriftStatus) => objects.filter((object) => object.status === status).length;
  return {
    objects,
    summary: {
      inSync: count('in-sync'),
      drifted: count('drifted'),
      missing: count('missing'),
      extra: count('extra'),
      unknown: count('unknown'),
    },
    notes,
  };
}

/** Code-unit order: names are ASCII, and localeCompare is slow on thousands of objects. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function byIdentity(a: DriftObject, b: DriftObject): number {
  return compareText(a.kind, b.kind) || compareText(a.namespace ?? '', b.namespace ?? '') || compareText(a.name, b.name);
}

/** One environment's drift, as the CLI and the Drift view show it. */
export interface EnvironmentDrift {
  environment: string;
  /** The kubeconfig context compared with (null: none could be chosen). */
  context: string | null;
  objects: DriftObject[];
  summary: DriftSummary;
  /** The GitOps controllers' own view: the environment's Application or Flux object, and those it declares. */
  controllers: ControllerStatus[];
  notes: string[];
  /** What kept all or part of it from being compared (it is then an error: exit 2). */
  error?: string;
  /** Why it is not compared at all, without being an error (its source is another repository). */
  skipped?: string;
  /** Requests sent to the API server for it. */
  requests: number;
}
