import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamInbox } from './stream-inbox.js';
import { cluster, snapshotOf } from './test-support.js';

describe('StreamInbox', () => {
  it('hands out requests in order, then the newest snapshot only, then the end', async () => {
    const inbox = new StreamInbox<string>();
    const s1 = snapshotOf(cluster('a', 1));
    const s2 = snapshotOf(cluster('a', 2));
    inbox.offer(s1);
    inbox.push('r1');
    inbox.offer(s2);
    inbox.push('r2');
    inbox.end();
    assert.deepEqual(await inbox.next(), { kind: 'request', request: 'r1' });
    assert.deepEqual(await inbox.next(), { kind: 'request', request: 'r2' });
    assert.deepEqual(await inbox.next(), { kind: 'end' });
  });

  it('a waiting stream wakes on a snapshot; a slow one gets the newest only', async () => {
    const inbox = new StreamInbox<string>();
    const s1 = snapshotOf(cluster('a', 1));
    const s2 = snapshotOf(cluster('a', 2));
    const waiting = inbox.next();
    inbox.offer(s1);
    assert.deepEqual(await waiting, { kind: 'snapshot', snapshot: s1 });
    inbox.offer(s1);
    inbox.offer(s2);
    assert.deepEqual(await inbox.next(), { kind: 'snapshot', snapshot: s2 });
  });

  it('roomFor holds the request pump until the stream catches up', async () => {
    const inbox = new StreamInbox<number>();
    inbox.push(1);
    inbox.push(2);
    let released = false;
    const room = inbox.roomFor(2).then(() => (released = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(released, false);
    await inbox.next();
    await room;
    assert.equal(released, true);
  });
});
