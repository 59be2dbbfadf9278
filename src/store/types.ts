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
 *   on every instance sharing the store (LISTEN/NOTIFY for SQL), after commit.
 */
import type { Resource, ResourceDraft, ResourceKey } from '../api/resource.js';

export interface ListQuery {
  readonly kind: string;
  /** Only resources of this mesh; omitted for global kinds or to list across meshes. */
  readonly mesh?: string;
  /** Substring of the name. */
  readonly nameContains?: string;
  /** Exact label matches, all of them. */
  readonly labels?: Readonly<Record<string, string>>;
  /** `key=value` entries of the kind's tag index, all of them. */
  readonly tags?: readonly string[];
  readonly offset: number;
  readonly limit: number;
}

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
}

export type ChangeListener = (event: ChangeEvent) => void;

export interface ResourceStore {
  get(key: ResourceKey): Promise<Resource | undefined>;
  list(query: ListQuery): Promise<ListPage>;
  /** Fails with Conflict when the resource exists. */
  create(draft: ResourceDraft): Promise<Resource>;
  /** All or nothing; Conflict when any exists. */
  createAll(drafts: readonly ResourceDraft[]): Promise<Resource[]>;
  /** NotFound when missing, Conflict when the stored version is not `expectedVersion`. */
  update(draft: ResourceDraft, expectedVersion: number): Promise<Resource>;
  /** NotFound when missing; Conflict when `expectedVersion` is given and differs. Mesh cascades. */
  delete(key: ResourceKey, expectedVersion?: number): Promise<void>;
  /** Listens to committed changes; returns the function that stops listening. */
  watch(listener: ChangeListener): () => void;
  /** A stable id of this store's cluster, created on first use. */
  clusterId(): Promise<string>;
  /** Which implementation this is, for logs and `/config`. */
  readonly description: string;
  close(): Promise<void>;
}

/** Builds the `tags` index of a resource (from the kind registry). */
export type TagIndexer = (kind: string, spec: unknown) => string[];
