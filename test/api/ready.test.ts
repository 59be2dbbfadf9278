/**
 * Readiness and stale data: `GET /ready` says whether the store answers, and
 * while it does not every response carries the time it stopped, writes are
 * refused with 503 in Kuma's error format, and nothing is half written.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { outageSwitch, type OutageSwitch } from '../../src/store/testing.js';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
let outage: OutageSwitch | undefined;

before(async () => {
  api = await startTestApi({
    wrapStore: (store) => {
      outage = outageSwitch(store);
      return outage.store;
    },
  });
});
after(() => api.close());

const timeout = {
  type: 'MeshTimeout',
  mesh: 'default',
  name: 'during-outage',
  spec: { targetRef: { kind: 'Mesh' }, to: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '1m' } }] },
};

test('GET /ready is 200 while the store answers, with no stale-data header anywhere', async () => {
  const ready = await api.app.inject({ method: 'GET', url: '/ready' });
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(ready.json(), { ready: true, store: { available: true } });
  assert.equal(ready.headers['koguma-store-unavailable-since'], undefined);
  const meshes = await api.app.inject({ method: 'GET', url: '/meshes' });
  assert.equal(meshes.headers['koguma-store-unavailable-since'], undefined);
});

test('while the store is down: /ready is 503 with since when, every answer says so, writes get 503 and store nothing', async () => {
  outage!.down();
  try {
    const ready = await api.app.inject({ method: 'GET', url: '/ready' });
    assert.equal(ready.statusCode, 503);
    const body = ready.json() as {
      ready: boolean;
      store: { available: boolean; unavailableSince: string; reason: string };
    };
    assert.equal(body.ready, false);
    assert.equal(body.store.available, false);
    assert.ok(!Number.isNaN(Date.parse(body.store.unavailableSince)));
    assert.equal(ready.headers['koguma-store-unavailable-since'], body.store.unavailableSince);

    const index = await api.app.inject({ method: 'GET', url: '/' });
    assert.equal(index.statusCode, 200, 'what needs no store is still served');
    assert.equal(index.headers['koguma-store-unavailable-since'], body.store.unavailableSince);

    const put = await api.app.inject({
      method: 'PUT',
      url: '/meshes/default/meshtimeouts/during-outage',
      payload: timeout,
    });
    assert.equal(put.statusCode, 503);
    assert.match(String(put.headers['content-type']), /^application\/json/);
    assert.equal((put.json() as { status: number; type: string }).status, 503);
    assert.equal(put.headers['koguma-store-unavailable-since'], body.store.unavailableSince);
  } finally {
    outage!.up();
  }
  const after = await api.app.inject({ method: 'GET', url: '/meshes/default/meshtimeouts/during-outage' });
  assert.equal(after.statusCode, 404, 'the refused write stored nothing');
  assert.equal(after.headers['koguma-store-unavailable-since'], undefined);
  assert.equal((await api.app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
});
