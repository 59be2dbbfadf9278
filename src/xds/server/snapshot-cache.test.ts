import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Snapshot } from '../snapshot.js';
import { MemorySnapshotCache } from './snapshot-cache.js';
import { cluster, snapshotOf } from './test-support.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const s1 = snapshotOf(cluster('a', 1));
const s2 = snapshotOf(cluster('a', 2));
const s3 = snapshotOf(cluster('a', 3));

describe('MemorySnapshotCache', () => {
  it('get returns the newest snapshot; clear forgets it', () => {
    const cache = new MemorySnapshotCache();
    assert.equal(cache.get('default.web-1'), undefined);
    cache.set('default.web-1', s1);
    cache.set('default.web-1', s2);
    assert.equal(cache.get('default.web-1'), s2);
    cache.clear('default.web-1');
    assert.equal(cache.get('default.web-1'), undefined);
  });

  it('a watch on a node with a snapshot is handed it soon after, not during, the call', async () => {
    const cache = new MemorySnapshotCache();
    cache.set('default.web-1', s1);
    const seen: Snapshot[] = [];
    cache.watch('default.web-1', (s) => seen.push(s));
    assert.deepEqual(seen, []);
    await tick();
    assert.deepEqual(seen, [s1]);
  });

  it('coalesces: several sets in a row notify once, with the newest snapshot only', async () => {
    const cache = new MemorySnapshotCache();
    const seen: Snapshot[] = [];
    cache.watch('default.web-1', (s) => seen.push(s));
    cache.set('default.web-1', s1);
    cache.set('default.web-1', s2);
    cache.set('default.web-1', s3);
    await tick();
    assert.deepEqual(seen, [s3]);
    cache.set('default.web-1', s3);
    await tick();
    assert.deepEqual(seen, [s3], 'the same snapshot is never handed twice');
  });

  it('watches only their node, and stop at cancel', async () => {
    const cache = new MemorySnapshotCache();
    const seen: string[] = [];
    const cancel = cache.watch('default.web-1', () => seen.push('web-1'));
    cache.watch('default.web-2', () => seen.push('web-2'));
    cache.set('default.web-1', s1);
    await tick();
    cancel();
    cache.set('default.web-1', s2);
    cache.set('default.web-2', s2);
    await tick();
    assert.deepEqual(seen, ['web-1', 'web-2']);
  });

  it('a second watch gets the current snapshot without the first seeing it again', async () => {
    const cache = new MemorySnapshotCache();
    const first: Snapshot[] = [];
    const second: Snapshot[] = [];
    cache.watch('default.web-1', (s) => first.push(s));
    cache.set('default.web-1', s1);
    await tick();
    cache.watch('default.web-1', (s) => second.push(s));
    await tick();
    assert.deepEqual(first, [s1]);
    assert.deepEqual(second, [s1]);
  });

  it('clear keeps watches: streams keep their last snapshot and see the next set', async () => {
    const cache = new MemorySnapshotCache();
    const seen: Snapshot[] = [];
    cache.watch('default.web-1', (s) => seen.push(s));
    cache.set('default.web-1', s1);
    cache.clear('default.web-1');
    await tick();
    assert.deepEqual(seen, [], 'nothing to hand out after a clear');
    cache.set('default.web-1', s2);
    await tick();
    assert.deepEqual(seen, [s2]);
  });

  it('a throwing listener does not stop the others', async () => {
    const errors: unknown[] = [];
    const cache = new MemorySnapshotCache({ onListenerError: (error) => errors.push(error) });
    const seen: Snapshot[] = [];
    cache.watch('default.web-1', () => {
      throw new Error('boom');
    });
    cache.watch('default.web-1', (s) => seen.push(s));
    cache.set('default.web-1', s1);
    await tick();
    assert.deepEqual(seen, [s1]);
    assert.equal(errors.length, 1);
  });
});
