/**
 * `GET /_instances` and `GET /_nacks` over real HTTP: the instances sharing
 * the store with their heartbeats and proxies, and the newest NACKs across
 * meshes, from the insight records whichever instance wrote them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DiscoverySubscription, SubscriptionStatus } from '../../src/insights/index.js';
import { dataplane } from '../support/api.js';
import { LIVE_INSTANCE, startLiveApi, type LiveApi } from '../support/live-api.js';

let api: LiveApi;
const get = async (path: string): Promise<{ status: number; body: any }> => {
  const response = await fetch(`${api.url}${path}`);
  return { status: response.status, body: await response.json() };
};
const put = async (path: string, body: unknown) => {
  const response = await fetch(`${api.url}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(response.status < 300, `${path}: ${await response.text()}`);
};
const nackAt = (second: number, error: string) => ({
  version: `v${second}`,
  error,
  time: `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`,
});
const subscription = (
  instance: string,
  status: SubscriptionStatus,
  disconnectTime?: string,
): DiscoverySubscription => ({
  id: `${instance}-1`,
  controlPlaneInstanceId: instance,
  connectTime: '2026-01-01T00:00:00.000Z',
  ...(disconnectTime === undefined ? {} : { disconnectTime }),
  status,
});

before(async () => {
  api = await startLiveApi();
  await put('/meshes/blue', { type: 'Mesh', name: 'blue' });
  await put('/meshes/default/dataplanes/a', dataplane('default', 'a', 'web'));
  await put('/meshes/blue/dataplanes/b', dataplane('blue', 'b', 'api'));
  await put('/meshes/blue/dataplanes/c', dataplane('blue', 'c', 'api'));
  await api.writeInsight('default', 'a', {
    subscriptions: [subscription(LIVE_INSTANCE, { cds: { lastNack: nackAt(1, 'oldest') } })],
  });
  await api.writeInsight('blue', 'b', {
    subscriptions: [
      subscription('cp-other', {
        lds: { lastNack: nackAt(3, 'newest') },
        eds: { lastNack: nackAt(2, 'middle') },
      }),
    ],
  });
  await api.writeInsight('blue', 'c', {
    subscriptions: [subscription('cp-other', {}, '2026-01-01T00:00:05.000Z')],
  });
});
after(async () => {
  await api.close();
});

test('the newest NACKs come first, across meshes, with the instance that held the stream', async () => {
  const { status, body } = await get('/_nacks');
  assert.equal(status, 200);
  assert.deepEqual(body.items, [
    { mesh: 'blue', name: 'b', type: 'lds', ...nackAt(3, 'newest'), instance: 'cp-other' },
    { mesh: 'blue', name: 'b', type: 'eds', ...nackAt(2, 'middle'), instance: 'cp-other' },
    { mesh: 'default', name: 'a', type: 'cds', ...nackAt(1, 'oldest'), instance: LIVE_INSTANCE },
  ]);
  assert.deepEqual(
    (await get('/_nacks?size=1')).body.items.map((n: { error: string }) => n.error),
    ['newest'],
  );
});

test('a size out of 1..100 is a 400 naming size', async () => {
  for (const size of ['0', '101', 'ten']) {
    const { status, body } = await get(`/_nacks?size=${size}`);
    assert.equal(status, 400, size);
    assert.equal(body.invalid_parameters[0].field, 'size');
  }
});

test('instances are listed with their heartbeat, liveness and the proxies they hold', async () => {
  const self = api.store.leases(LIVE_INSTANCE, () => ({ hostname: 'cp-host', apiUrl: api.url }));
  const other = api.store.leases('cp-other');
  await self.heartbeat();
  await other.heartbeat();
  const { status, body } = await get('/_instances');
  assert.equal(status, 200);
  assert.equal(body.total, 2);
  const [first, second] = body.items;
  assert.deepEqual(
    { ...second, startTime: undefined, lastHeartbeat: undefined },
    {
      id: LIVE_INSTANCE,
      hostname: 'cp-host',
      apiUrl: api.url,
      startTime: undefined,
      lastHeartbeat: undefined,
      alive: true,
      self: true,
      proxies: 1,
    },
  );
  assert.deepEqual([first.id, first.self, first.alive, first.proxies], ['cp-other', false, true, 1]);
  assert.ok(Date.parse(first.startTime) <= Date.parse(first.lastHeartbeat));
  await other.releaseAll();
  assert.deepEqual(
    (await get('/_instances')).body.items.map((i: { id: string }) => i.id),
    [LIVE_INSTANCE],
    'a stopped instance is gone',
  );
});
