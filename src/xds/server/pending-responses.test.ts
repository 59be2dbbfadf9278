import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PendingResponses } from './pending-responses.js';

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

  it('forgets the oldest unanswered response past its limit', () => {
    const pending = new PendingResponses(1);
    pending.add('1', 'v1');
    pending.add('2', 'v2');
    assert.equal(pending.take('1'), undefined);
    assert.equal(pending.take('2'), 'v2');
  });
});
