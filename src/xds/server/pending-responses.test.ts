import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PendingResponses } from './pending-responses.js';

/** The plain definition: a map of unanswered responses, the oldest dropped past the limit. */
class BoundedMap {
  private readonly versions = new Map<string, string>();
  constructor(private readonly limit: number) {}
  add(nonce: string, version: string): void {
    this.versions.set(nonce, version);
    if (this.versions.size > this.limit) this.versions.delete(this.versions.keys().next().value!);
  }
  take(nonce: string): string | undefined {
    const version = this.versions.get(nonce);
    this.versions.delete(nonce);
    return version;
  }
}

describe('PendingResponses', () => {
  it('hands out the version sent under a nonce once', () => {
    const pending = new PendingResponses(4);
    pending.add('1', 'v1');
    pending.add('2', 'v2');
    assert.equal(pending.take('1'), 'v1');
    assert.equal(pending.take('1'), undefined);
    assert.equal(pending.take('2'), 'v2');
    assert.equal(pending.take('never sent'), undefined);
  });

  it('with a limit of one, keeps only the newest response', () => {
    const pending = new PendingResponses(1);
    pending.add('1', 'v1');
    pending.add('2', 'v2');
    assert.equal(pending.take('1'), undefined);
    assert.equal(pending.take('2'), 'v2');
  });

  it('keeps exactly what a bounded map of unanswered responses keeps, whatever the order of sends and answers', () => {
    for (const limit of [1, 2, 3, 32]) {
      let seed = limit;
      const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
      const pending = new PendingResponses(limit);
      const reference = new BoundedMap(limit);
      let sent = 0;
      for (let step = 0; step < 5000; step++) {
        if (random(3) === 0) {
          sent++;
          pending.add(String(sent), `v${sent}`);
          reference.add(String(sent), `v${sent}`);
        } else {
          const nonce = String(sent - random(limit + 3));
          assert.equal(pending.take(nonce), reference.take(nonce), `limit ${limit}, step ${step}, nonce ${nonce}`);
        }
      }
    }
  });
});
