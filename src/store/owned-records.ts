/**
 * Records the control plane keeps about a resource, owned by it: a Dataplane's
 * DataplaneInsight (same mesh and name), written by the instance that holds
 * the proxy's stream. A record never outlives its owner: deleting the owner
 * deletes it in the same transaction (as deleting a Mesh deletes what is in
 * it), and `writeRecords` skips a record whose owner is gone, so a proxy
 * disconnecting from a half-deleted mesh leaves nothing behind.
 */
import { KogumaError, type Resource } from '../api/index.js';

/** Owned kind → the kind of its owner. */
export const ownerKindOf: Readonly<Record<string, string>> = { DataplaneInsight: 'Dataplane' };

/** The kinds a resource of `kind` owns. */
export const ownedKindsOf = (kind: string): string[] =>
  Object.entries(ownerKindOf).flatMap(([owned, owner]) => (owner === kind ? [owned] : []));

export function ownerKindFor(kind: string): string {
  const owner = ownerKindOf[kind];
  if (owner === undefined) throw new KogumaError('InvalidInput', `${kind} is not a record the control plane keeps`);
  return owner;
}

export interface RecordKey {
  readonly mesh: string;
  readonly name: string;
}

/** What to store for one record: its labels and spec. */
export interface RecordContent {
  readonly labels?: Readonly<Record<string, string>>;
  readonly spec: Readonly<Record<string, unknown>>;
}

/**
 * Given the stored record (or nothing), what to store now, or undefined to
 * leave it as it is. Runs inside the write, so it sees the last writer's record.
 */
export type RecordMerge = (stored: Resource | undefined, key: RecordKey) => RecordContent | undefined;
