/**
 * The ResourceStore contract. Every implementation (memory, PGlite, PostgreSQL)
 * passes one contract suite (test/contract/store.contract.ts).
 *
 * Rules every implementation keeps:
 * - Writes are atomic: `createAll` stores every draft or none.
 * - `update` and `delete` take the version the writer read; a different stored
 *   version fails with KogumaError('Conflict') and changes nothing.
 * - Deleting a Mesh deletes every resource whose `mesh` is that mesh, in the
 *   same transaction.
 * - Filters and paging run in the store (SQL), never over a full list in memory
 *   (the memory store excepted, which is memory).
 * - Lists are ordered by name, then mesh.
 * - Every committed change is announced to `watch` listeners once per resource,
 *   on every instance sharing the store, after commit, in commit order, and
 *   never skipped: each carries its position in the store's change log (`seq`),
 *   and an instance that lost its connection reads the log from where it was.
 *   When the log no longer reaches back that far, listeners get a `resync`
 *   event instead and must reload what they keep.
 * - A store that cannot be reached says so (`health`) and recovers by itself.
 */
import type { Resource, ResourceDraft, ResourceKey } from '../api/index.js';
import type { RecordKey, RecordMerge } from './owned-records.js';

export interface ListQuery {
  readonly kind: string;
  /** Only resources of this mesh; omitted for global kinds or to list across meshes. */
  readonly mesh?: string;
  /** Substring of the name. */
  readonly nameContains?: string;
  /** Exactly these names (a reader catching up with a batch of changed resources). */
  readonly names?: readonly string[];
  /** Exact label matches, all of them. */
  readonly labels?: Readonly<Record<string, string>>;
  /** `key=value` entries of the kind's tag index, all of them. */
  readonly tags?: readonly string[];
  /** Kuma's fuzzy tag selector: for each, an entry of the tag index with this key whose value contains `contains`. */
  readonly tagsContaining?: readonly TagContains[];
  /** Conditions on the spec, all of them. */
  readonly spec?: readonly SpecCondition[];
  readonly offset: number;
  readonly limit: number;
}

export interface TagContains {
  readonly key: string;
  /** A substring of the value; empty: any value. */
  readonly contains: string;
}

/**
 * A condition on the value at `path` (object keys from the spec's root):
 * there or not (`present`; JSON null counts as absent), or, as text, equal or
 * not equal to a value (`notEquals` also holds when nothing is there).
 */
export type SpecCondition =
  | { readonly path: readonly string[]; readonly present: boolean }
  | { readonly path: readonly string[]; readonly equals: string }
  | { readonly path: readonly string[]; readonly notEquals: string };

export interface ListPage {
  /** Count of all matching resources, not only this page. */
  readonly total: number;
  readonly items: readonly Resource[];
}

export type ChangeOp = 'created' | 'updated' | 'deleted';

export interface ChangeEvent extends ResourceKey {
  readonly op: ChangeOp;
  /** The version written, or for a deletion the last version stored. */
  readonly version: number;
  /** Position in the store's change log: increasing in commit order (gaps allowed). */
  readonly seq: number;
}

/** Changes up to `seq` can no longer be read one by one: reload everything kept from the store. */
export interface ResyncEvent {
  readonly op: 'resync';
  readonly seq: number;
}

export type StoreEvent = ChangeEvent | ResyncEvent;

export type ChangeListener = (event: StoreEvent) => void;

export interface StoreHealth {
  readonly available: boolean;
  /** Since when the store has not answered; only while unavailable. */
  readonly since?: Date;
  /** The last failure, for operators; only while unavailable. */
  readonly reason?: string;
}

/** The self-registered Dataplane a lease is about. */
export interface LeaseKey {
  readonly mesh: string;
  readonly name: string;
}

/** What `leftOpen` asks for. */
export interface LeftOpenQuery {
  /**
   * `lapsed`: the subscriptions of other instances whose heartbeat is older
   * than `instanceTtlMs` (dead ones; an instance with no heartbeat at all is
   * not judged). `own`: this instance's, whatever its heartbeat (a previous
   * life of its id, or a clean stop).
   */
  readonly of: 'lapsed' | 'own';
  readonly instanceTtlMs: number;
  /** At most this many answers (one per record and instance). */
  readonly limit: number;
}

/** A DataplaneInsight record holding a subscription still open from `instanceId`. */
export interface LeftOpenSubscription {
  readonly mesh: string;
  readonly name: string;
  readonly instanceId: string;
  /** The instance's last heartbeat: when it was last known alive. Absent when it has none. */
  readonly lastSeen?: Date;
}

/** What an instance says of itself with each heartbeat, for operators (`GET /_instances`). */
export interface InstanceAbout {
  readonly hostname?: string;
  /** Where its REST API and its DP server listen, once they do. */
  readonly apiUrl?: string;
  readonly xdsUrl?: string;
}

/** An instance sharing the store, as its heartbeats tell. */
export interface InstanceRecord extends InstanceAbout {
  readonly id: string;
  /** Its first heartbeat since it last started (or since its row was made). */
  readonly startTime: Date;
  readonly lastHeartbeat: Date;
}

/**
 * Registration leases: which control-plane instance serves the proxy of a
 * self-registered Dataplane, shared through the store so that a live instance
 * removes the Dataplanes of proxies whose instance died or let them go.
 */
export interface RegistrationLeases {
  /** This instance now serves the proxy; `version` is the Dataplane version it wrote. */
  hold(key: LeaseKey, version: number): Promise<void>;
  /** The proxy's last stream here ended: removable after the delay unless held again, here or elsewhere. */
  release(key: LeaseKey, version: number): Promise<void>;
  /** A clean shutdown: every lease of this instance is released now. */
  releaseAll(): Promise<void>;
  /** Tells the other instances this one is alive. */
  heartbeat(): Promise<void>;
  /**
   * Deletes the Dataplanes whose lease was released more than `removalDelayMs`
   * ago, or whose instance stopped heartbeating (dead after `instanceTtlMs`)
   * more than `removalDelayMs` ago; a Dataplane written again since (a newer
   * version) is left alone. Returns what was removed.
   */
  sweep(removalDelayMs: number, instanceTtlMs: number): Promise<LeaseKey[]>;
  /**
   * DataplaneInsight records with a subscription left open by an instance
   * that is gone (see LeftOpenQuery), ordered by mesh and name. Once a lapsed
   * instance has nothing left open, it is remembered as done and costs no
   * further search until it heartbeats again; most calls answer from the
   * instances' heartbeats alone.
   */
  leftOpen(query: LeftOpenQuery): Promise<LeftOpenSubscription[]>;
  /** Every instance with a heartbeat on record (a cleanly stopped one has none), by id. */
  instances(): Promise<InstanceRecord[]>;
}

export interface ResourceStore {
  get(key: ResourceKey): Promise<Resource | undefined>;
  list(query: ListQuery): Promise<ListPage>;
  /** Fails with Conflict when the resource exists. */
  create(draft: ResourceDraft): Promise<Resource>;
  /** All or nothing; Conflict when any exists. */
  createAll(drafts: readonly ResourceDraft[]): Promise<Resource[]>;
  /** NotFound when missing, Conflict when the stored version is not `expectedVersion`. */
  update(draft: ResourceDraft, expectedVersion: number): Promise<Resource>;
  /** NotFound when missing; Conflict when `expectedVersion` is given and differs. Mesh and owners (owned-records.ts) cascade. */
  delete(key: ResourceKey, expectedVersion?: number): Promise<void>;
  /**
   * Writes records of an owned kind (owned-records.ts: a DataplaneInsight) in
   * one transaction, without version checks: `merge` sees each stored record
   * and says what to store. A key whose owner does not exist is skipped.
   * Resolves with the number of records written.
   */
  writeRecords(kind: string, keys: readonly RecordKey[], merge: RecordMerge): Promise<number>;
  /** Listens to committed changes; returns the function that stops listening. */
  watch(listener: ChangeListener): () => void;
  /** The change-log position of the newest committed change; Unavailable when the store cannot be read. */
  head(): Promise<number>;
  /** Resolves once every change up to `seq` has been delivered to `watch` listeners. */
  delivered(seq: number): Promise<void>;
  /** Whether the store answers now, and since when it has not. */
  health(): StoreHealth;
  /** The registration leases of the instance `instanceId`; `about` is asked what to record with each heartbeat. */
  leases(instanceId: string, about?: () => InstanceAbout): RegistrationLeases;
  /** A stable id of this store's cluster, created on first use. */
  clusterId(): Promise<string>;
  /** Which implementation this is, for logs and `/config`. */
  readonly description: string;
  close(): Promise<void>;
}

/** Builds the `tags` index of a resource (from the kind registry). */
export type TagIndexer = (kind: string, spec: unknown) => string[];
