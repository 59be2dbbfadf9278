import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  closeSubscriptions,
  isOnline,
  MAX_SUBSCRIPTIONS,
  mergeInsight,
  type DiscoverySubscription,
} from './dataplane-insight.js';

const sub = (id: string, cp: string, connect: number, disconnect?: number): DiscoverySubscription => ({
  id,
  controlPlaneInstanceId: cp,
  connectTime: new Date(connect * 1000).toISOString(),
  ...(disconnect === undefined ? {} : { disconnectTime: new Date(disconnect * 1000).toISOString() }),
  status: {},
});

test('a proxy that moved to another instance: the old subscription is closed at the new one’s connect time', () => {
  const stored = { subscriptions: [sub('1', 'cp-a', 10)] };
  const merged = mergeInsight(stored, { subscriptions: [sub('7', 'cp-b', 20)] });
  assert.deepEqual(merged.subscriptions, [sub('1', 'cp-a', 10, 20), sub('7', 'cp-b', 20)]);
  assert.equal(isOnline(merged), true);
});

test('a late write from the old instance does not reopen what the newer stream closed, nor close the newer one', () => {
  const stored = { subscriptions: [sub('1', 'cp-a', 10, 20), sub('7', 'cp-b', 20)] };
  const merged = mergeInsight(stored, { subscriptions: [sub('1', 'cp-a', 10)] });
  assert.deepEqual(merged.subscriptions, [sub('1', 'cp-a', 10, 20), sub('7', 'cp-b', 20)]);
});

test('a subscription replaces its stored copy by instance and id; the same id from another instance is another stream', () => {
  const stored = { subscriptions: [sub('1', 'cp-a', 10), sub('1', 'cp-b', 5, 8)] };
  const merged = mergeInsight(stored, { subscriptions: [sub('1', 'cp-a', 10, 30)] });
  assert.deepEqual(merged.subscriptions, [sub('1', 'cp-b', 5, 8), sub('1', 'cp-a', 10, 30)]);
  assert.equal(isOnline(merged), false);
});

test('only the newest subscriptions are kept, and the certificate is the writer’s when it has one', () => {
  let insight = mergeInsight(undefined, { subscriptions: [sub('0', 'cp-a', 0)], mTLS: { issuedBackend: 'ca-1' } });
  for (let i = 1; i < 12; i += 1) insight = mergeInsight(insight, { subscriptions: [sub(String(i), 'cp-a', i)] });
  assert.equal(insight.subscriptions?.length, MAX_SUBSCRIPTIONS);
  assert.equal(insight.subscriptions?.at(-1)?.id, '11');
  assert.deepEqual(insight.mTLS, { issuedBackend: 'ca-1' }, 'kept from the stored record');
  assert.equal(insight.subscriptions?.filter((s) => s.disconnectTime === undefined).length, 1);
});

test('no subscription, or only closed ones: offline', () => {
  assert.equal(isOnline(undefined), false);
  assert.equal(isOnline({ subscriptions: [] }), false);
  assert.equal(isOnline({ subscriptions: [sub('1', 'cp-a', 1, 2)] }), false);
});

test('a gone instance’s open subscription is closed when it was last seen, or at its own last update if later', () => {
  const stored = {
    subscriptions: [
      sub('1', 'cp-a', 10, 15),
      { ...sub('2', 'cp-a', 20), status: { lastUpdateTime: new Date(40_000).toISOString() } },
      sub('3', 'cp-b', 30),
    ],
  };
  const closed = closeSubscriptions(stored, new Map([['cp-a', new Date(35_000)]]));
  assert.deepEqual(closed?.subscriptions, [
    sub('1', 'cp-a', 10, 15),
    { ...sub('2', 'cp-a', 20, 40), status: { lastUpdateTime: new Date(40_000).toISOString() } },
    sub('3', 'cp-b', 30),
  ]);
  assert.deepEqual(
    closeSubscriptions(stored, new Map([['cp-b', undefined]]))?.subscriptions?.at(-1),
    sub('3', 'cp-b', 30, 30),
    'without a last heartbeat: at its connect time',
  );
});

test('closing is idempotent and commutes: a second closer, or one for another instance first, changes nothing of the first', () => {
  const stored = { subscriptions: [sub('1', 'cp-a', 10), sub('2', 'cp-b', 20)] };
  const a = new Map([['cp-a', new Date(12_000)]]);
  const b = new Map([['cp-b', new Date(25_000)]]);
  const once = closeSubscriptions(stored, a)!;
  assert.equal(closeSubscriptions(once, a), undefined, 'nothing left to close: no write');
  assert.deepEqual(closeSubscriptions(once, b), closeSubscriptions(closeSubscriptions(stored, b)!, a));
  assert.equal(isOnline(closeSubscriptions(once, b)), false);
});

test("the metadata (the proxy's features) is the newest stream's: an older stream's late write keeps what is stored", () => {
  const newer = mergeInsight(undefined, {
    subscriptions: [sub('7', 'cp-b', 20)],
    metadata: { features: ['feature-new'] },
  });
  assert.deepEqual(newer.metadata, { features: ['feature-new'] });
  const late = mergeInsight(newer, { subscriptions: [sub('1', 'cp-a', 10)], metadata: { features: ['feature-old'] } });
  assert.deepEqual(late.metadata, { features: ['feature-new'] });
  const silent = mergeInsight(newer, { subscriptions: [sub('7', 'cp-b', 20, 30)] });
  assert.deepEqual(silent.metadata, { features: ['feature-new'] }, 'a write without metadata keeps the stored one');
});
