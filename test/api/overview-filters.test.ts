/**
 * Kuma's list filters on dataplanes and their overviews, through the API
 * server: `gateway=true|false|builtin|delegated`, `tag=KEY:VALUE` (a tag
 * whose value contains VALUE, every selector on one dataplane), `name=`
 * (substring), in one mesh and across meshes. The dataplanes are those of
 * Kuma's own overview test (gateway-delegated, gateway-builtin, dp-1,
 * dp-no-insights), so the answers can be read against its golden files.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
const get = (url: string) => api.app.inject({ method: 'GET', url });
const namesAt = async (url: string): Promise<string[]> => {
  const response = await get(url);
  assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
  const body = response.json();
  assert.equal(body.total, body.items.length, url);
  return body.items.map((item: { mesh: string; name: string }) => item.name);
};

const gatewayDp = (mesh: string, name: string, type?: 'BUILTIN' | 'DELEGATED') => ({
  type: 'Dataplane',
  mesh,
  name,
  networking: {
    address: '127.0.0.1',
    gateway: { ...(type === undefined ? {} : { type }), tags: { 'kuma.io/service': 'gateway' } },
  },
});
const backendDp = (mesh: string, name: string) => ({
  type: 'Dataplane',
  mesh,
  name,
  networking: {
    address: '127.0.0.1',
    inbound: [{ port: 1234, tags: { 'kuma.io/service': 'backend', version: 'v1', tagcolumn: 'tag:v' } }],
  },
});

before(async () => {
  api = await startTestApi({
    inspection: { status: { get: () => undefined }, snapshots: { get: () => undefined } },
  });
  const put = async (url: string, payload: object) =>
    assert.equal((await api.app.inject({ method: 'PUT', url, payload })).statusCode, 201, url);
  await put('/meshes/mesh1', { type: 'Mesh', name: 'mesh1' });
  await put('/meshes/mesh2', { type: 'Mesh', name: 'mesh2' });
  await put('/meshes/mesh1/dataplanes/gateway-delegated', gatewayDp('mesh1', 'gateway-delegated'));
  await put('/meshes/mesh1/dataplanes/gateway-builtin', gatewayDp('mesh1', 'gateway-builtin', 'BUILTIN'));
  await put('/meshes/mesh1/dataplanes/dp-1', backendDp('mesh1', 'dp-1'));
  await put('/meshes/mesh1/dataplanes/dp-no-insights', backendDp('mesh1', 'dp-no-insights'));
  await put('/meshes/mesh2/dataplanes/gateway-explicit', gatewayDp('mesh2', 'gateway-explicit', 'DELEGATED'));
});
after(() => api.close());

for (const base of ['/meshes/mesh1/dataplanes+insights', '/meshes/mesh1/dataplanes/_overview']) {
  test(`${base}: gateway= selects by gateway role as Kuma does`, async () => {
    assert.deepEqual(await namesAt(base), ['dp-1', 'dp-no-insights', 'gateway-builtin', 'gateway-delegated']);
    assert.deepEqual(await namesAt(`${base}?gateway=true`), ['gateway-builtin', 'gateway-delegated']);
    assert.deepEqual(await namesAt(`${base}?gateway=builtin`), ['gateway-builtin']);
    assert.deepEqual(await namesAt(`${base}?gateway=delegated`), ['gateway-delegated'], 'no type: delegated');
    assert.deepEqual(await namesAt(`${base}?gateway=false`), ['dp-1', 'dp-no-insights']);
    assert.deepEqual(await namesAt(`${base}?gateway=TRUE`), ['gateway-builtin', 'gateway-delegated'], 'any case');
    assert.equal((await namesAt(`${base}?gateway=`)).length, 4, 'empty: no filter');
  });

  test(`${base}: tag= matches a tag whose value contains the text; name= a substring`, async () => {
    assert.deepEqual(await namesAt(`${base}?tag=kuma.io/service:backend`), ['dp-1', 'dp-no-insights']);
    assert.deepEqual(await namesAt(`${base}?tag=kuma.io/service:ck`), ['dp-1', 'dp-no-insights'], 'a substring');
    assert.deepEqual(await namesAt(`${base}?tag=kuma.io/service:backend&tag=version:v1`), ['dp-1', 'dp-no-insights']);
    assert.deepEqual(await namesAt(`${base}?tag=kuma.io/service:backend&tag=version:v2`), []);
    assert.deepEqual(await namesAt(`${base}?tag=tagcolumn:tag:v`), ['dp-1', 'dp-no-insights'], 'a colon in the value');
    assert.deepEqual(await namesAt(`${base}?tag=kuma.io/service:gate`), ['gateway-builtin', 'gateway-delegated']);
    assert.deepEqual(await namesAt(`${base}?tag=version:*`), ['dp-1', 'dp-no-insights'], '*: any value');
    assert.deepEqual(await namesAt(`${base}?name=gateway`), ['gateway-builtin', 'gateway-delegated']);
    assert.deepEqual(await namesAt(`${base}?name=tew`), ['gateway-builtin', 'gateway-delegated']);
    assert.deepEqual(await namesAt(`${base}?name=gateway&gateway=builtin`), ['gateway-builtin'], 'filters combine');
  });
}

test('the filters hold across meshes (/dataplanes/_overview, /dataplanes+insights) and on plain dataplane lists', async () => {
  const everywhere = ['dp-1', 'dp-no-insights', 'gateway-builtin', 'gateway-delegated', 'gateway-explicit'];
  assert.deepEqual(await namesAt('/dataplanes/_overview'), everywhere);
  assert.deepEqual(await namesAt('/dataplanes+insights?gateway=delegated'), ['gateway-delegated', 'gateway-explicit']);
  const page = (await get('/dataplanes/_overview?gateway=true&size=1')).json();
  assert.equal(page.total, 3);
  assert.equal(page.items[0].type, 'DataplaneOverview');
  assert.equal(page.next, 'http://localhost:80/dataplanes/_overview?gateway=true&offset=1&size=1');
  assert.deepEqual(await namesAt('/meshes/mesh1/dataplanes?gateway=builtin'), ['gateway-builtin']);
  assert.deepEqual(await namesAt('/dataplanes?tag=kuma.io/service:end'), ['dp-1', 'dp-no-insights']);
});

test('a gateway mode Kuma does not know, or a tag without KEY:, is a 400 naming the parameter; nothing is listed', async () => {
  for (const [url, route] of [
    ['/meshes/mesh1/dataplanes/_overview?gateway=yes', '/meshes/{mesh}/dataplanes/_overview'],
    ['/dataplanes+insights?gateway=toString', '/dataplanes+insights'],
    ['/meshes/mesh1/dataplanes?gateway=constructor', '/meshes/{mesh}/dataplanes'],
  ] as const) {
    const response = await get(url);
    assert.equal(response.statusCode, 400, url);
    const mode = new URL(url, 'http://x').searchParams.get('gateway')!.toLowerCase();
    assert.deepEqual(response.json().invalid_parameters, [
      { field: `${route}.gateway`, reason: `must be one of true, false, builtin, delegated, not "${mode}"` },
    ]);
    assert.equal(response.json().status, 400);
  }
  const noKey = await get('/meshes/mesh1/dataplanes+insights?tag=:backend');
  assert.equal(noKey.statusCode, 400);
  assert.deepEqual(noKey.json().invalid_parameters, [{ field: 'tag', reason: '":backend" must be KEY:VALUE' }]);
});
