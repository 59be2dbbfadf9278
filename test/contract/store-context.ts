/**
 * What the store contract cases share: the store under test, names no other
 * case uses, and the capabilities that decide which cases apply.
 *
 * Cases share one database per suite (opening a PGlite database costs seconds),
 * so each case works in meshes and kinds of its own and never sees another
 * case's resources.
 */
import assert from 'node:assert/strict';
import { isKogumaError, type ErrorCode } from '../../src/api/index.js';
import type { ResourceStore, TagIndexer } from '../../src/store/index.js';

/** Opens a store instance on the suite's database. */
export type MakeStore = (options: { indexTags: TagIndexer }) => Promise<ResourceStore>;

export interface StoreTraits {
  /** Closing the store and opening it again finds every resource (PGlite with a data dir, PostgreSQL). */
  readonly persistent: boolean;
  /** Several instances may be open at once on one database and hear each other's changes (PostgreSQL). */
  readonly sharedByInstances: boolean;
}

export interface ContractContext {
  readonly traits: StoreTraits;
  /** The store under test (a new instance after `reopen`). */
  readonly store: ResourceStore;
  /** A name unique within the suite, e.g. a mesh of the case's own. */
  unique(prefix: string): string;
  /** A second instance on the same database when instances share one; the store itself otherwise. */
  peer(): Promise<ResourceStore>;
  /** Closes the store and opens it again on the same data. */
  reopen(): Promise<ResourceStore>;
}

/** Asserts that a promise rejects with a KogumaError of this code; returns the error. */
export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isKogumaError(error), `expected a KogumaError, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected a rejection with ${code}, but it resolved`);
}
