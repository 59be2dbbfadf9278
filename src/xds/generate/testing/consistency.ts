/**
 * The consistency gate in tests: a proxy's resources, as the publisher would
 * put them in a snapshot, refer only to names among themselves. Every golden
 * configuration passes it, so a generator or plugin that leaves a dangling
 * name fails its own tests rather than being held back in production.
 */
import assert from 'node:assert/strict';
import { snapshotProblems } from '../../snapshot-consistency.js';
import { buildSnapshot, type EncodedResource } from '../../snapshot.js';

export function assertConsistent(resources: Iterable<EncodedResource>): void {
  assert.deepEqual(snapshotProblems(buildSnapshot(resources)), [], 'every name the resources refer to is among them');
}
