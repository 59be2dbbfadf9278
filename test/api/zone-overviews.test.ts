/**
 * Overviews of zones and zone proxies through a real control plane's HTTP
 * server: Kuma's shapes (the resource's spec with its insight beside it, or
 * without one), their other paths, paging and filters, and the refusals.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningControlPlane } from '../../src/cp/index.js';
import { killAll, startTestControlPlane } from '../cli/harness.js';
import { jsonCall, putOk, type JsonAnswer } from '../support/json-call.js';

let cp: RunningControlPlane;

const call = (method: string, path: string, body?: unknown): Promise<JsonAnswer> =>
  jsonCall(cp.apiUrl, method, path, body);

const put = (path: string, body: unknown): Promise<void> => putOk(cp.apiUrl, path, body);

const kds = {
  id: 'kds-1',
  globalInstanceId: 'global-1',
  zoneInstanceId: 'east-cp-1',
  connectTime: '2026-01-01T00:00:00Z',
  status: { lastUpdateTime: '2026-01-01T00:00:01Z' },
};
const xds = {
  id: 'xds-1',
  controlPlaneInstanceId: 'cp-1',
  connectTime: '2026-01-01T00:00:00Z',
  status: { lastUpdateTime: '2026-01-01T00:00:01Z' },
};

before(async () => {
  cp = await startTestControlPlane();
  await put('/zones/east', { type: 'Zone', name: 'east' });
  await put('/zones/west', { type: 'Zone', name: 'west', enabled: false });
  await put('/zone-ingresses/ingress-east', {
    type: 'ZoneIngress',
    name: 'ingress-east',
    labels: { 'kuma.io/zone': 'default' },
    zone: 'default',
    networking: { address: '10.0.0.1', advertisedAddress: '1.2.3.4', advertisedPort: 10001, port: 10001 },
  });
  await put('/zoneegresses/egress-1', {
    type: 'ZoneEgress',
    name: 'egress-1',
    networking: { address: '10.0.0.2', port: 10002 },
  });
  // Insights are the control plane's to write: straight into the store, as a connected zone or proxy leaves them.
  await cp.store.create({ kind: 'ZoneInsight', mesh: '', name: 'east', labels: {}, spec: { subscriptions: [kds] } });
  await cp.store.create({
    kind: 'ZoneIngressInsight',
    mesh: '',
    name: 'ingress-east',
    labels: {},
    spec: { subscriptions: [xds] },
  });
});
after(async () => {
  killAll();
  await cp.close();
});

test('GET /zones/_overview lists ZoneOverviews: the zone with its insight, or without one', async () => {
  const { status, body } = await call('GET', '/zones/_overview');
  assert.equal(status, 200);
  assert.equal(body.total, 2);
  const [east, west] = body.items;
  assert.deepEqual(Object.keys(east), [
    'type',
    'name',
    'creationTime',
    'modificationTime',
    'kri',
    'zone',
    'zoneInsight',
  ]);
  assert.equal(east.type, 'ZoneOverview');
  assert.equal(east.name, 'east');
  assert.deepEqual(east.zone, {});
  assert.deepEqual(east.zoneInsight, { subscriptions: [kds] });
  assert.deepEqual(
    { type: west.type, name: west.name, zone: west.zone, zoneInsight: west.zoneInsight },
    { type: 'ZoneOverview', name: 'west', zone: { enabled: false }, zoneInsight: undefined },
  );
});

test('GET /zones/{name}/_overview, and Kuma’s older /zones+insights paths, answer the same', async () => {
  const one = await call('GET', '/zones/east/_overview');
  assert.equal(one.status, 200);
  assert.equal(one.body.type, 'ZoneOverview');
  assert.deepEqual(one.body.zoneInsight, { subscriptions: [kds] });
  assert.deepEqual((await call('GET', '/zones+insights/east')).body, one.body);
  assert.equal((await call('GET', '/zones+insights')).body.total, 2);
});

test('zone overviews page and filter by name as lists do', async () => {
  const page = await call('GET', '/zones/_overview?size=1');
  assert.deepEqual(
    page.body.items.map((i: { name: string }) => i.name),
    ['east'],
  );
  assert.equal(page.body.total, 2);
  assert.match(page.body.next, /\/zones\/_overview\?offset=1&size=1$/);
  const named = await call('GET', '/zones/_overview?name=wes');
  assert.deepEqual(
    named.body.items.map((i: { name: string }) => i.name),
    ['west'],
  );
});

test('an unknown zone is a 404 and a bad size a 400, in Kuma’s error shape', async () => {
  const missing = await call('GET', '/zones/north/_overview');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.title, 'Could not retrieve a resource');
  assert.equal(missing.body.status, 404);
  const badSize = await call('GET', '/zones/_overview?size=-1');
  assert.equal(badSize.status, 400);
  assert.equal(badSize.body.status, 400);
  assert.equal((await call('GET', '/zone-ingresses/nowhere/_overview')).status, 404);
  assert.equal((await call('GET', '/zoneegresses/_overview?size=abc')).status, 400);
});

test('zone ingress overviews, under both paths, with filter[labels.kuma.io/zone]', async () => {
  for (const path of ['/zone-ingresses/_overview', '/zoneingresses/_overview', '/zoneingresses+insights']) {
    const { status, body } = await call('GET', path);
    assert.equal(status, 200, path);
    assert.equal(body.total, 1, path);
    const [overview] = body.items;
    assert.equal(overview.type, 'ZoneIngressOverview');
    assert.equal(overview.zoneIngress.networking.advertisedAddress, '1.2.3.4');
    assert.deepEqual(overview.zoneIngressInsight, { subscriptions: [xds] });
  }
  const inZone = await call('GET', '/zone-ingresses/_overview?filter%5Blabels.kuma.io%2Fzone%5D=default');
  assert.equal(inZone.body.total, 1);
  const elsewhere = await call('GET', '/zone-ingresses/_overview?filter%5Blabels.kuma.io%2Fzone%5D=east');
  assert.deepEqual([elsewhere.body.total, elsewhere.body.items], [0, []]);
  const one = await call('GET', '/zone-ingresses/ingress-east/_overview');
  assert.equal(one.body.name, 'ingress-east');
});

test('zone egress overviews: the egress without an insight until one is written', async () => {
  const { status, body } = await call('GET', '/zoneegresses/_overview');
  assert.equal(status, 200);
  assert.equal(body.total, 1);
  assert.equal(body.items[0].type, 'ZoneEgressOverview');
  assert.deepEqual(body.items[0].zoneEgress, { networking: { address: '10.0.0.2', port: 10002 } });
  assert.equal(body.items[0].zoneEgressInsight, undefined);
  assert.deepEqual((await call('GET', '/zoneegressoverviews/egress-1')).body, body.items[0]);
});
