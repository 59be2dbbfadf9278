/**
 * Koguma's filters of dataplane overviews for the GUI: `status=` and
 * `proxyType=`, applied before paging (so `total` and `next` count matches),
 * in one mesh and across meshes, with the overview's top-level `proxyType`,
 * and unknown values refused with a 400 naming the parameter.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dataplane } from '../support/api.js';
import { startLiveApi, type LiveApi } from '../support/live-api.js';

let api: LiveApi;
const get = async (path: string): Promise<{ status: number; body: any }> => {
  const response = await fetch(`${api.url}${path}`);
  return { status: response.status, body: await response.json() };
};
const names = async (path: string): Promise<string[]> => {
  const { status, body } = await get(path);
  assert.equal(status, 200, `${path}: ${JSON.stringify(body)}`);
  return body.items.map((item: { name: string }) => item.name);
};
const put = async (path: string, body: unknown) => {
  const response = await fetch(`${api.url}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(response.status < 300, `${path}: ${await response.text()}`);
};
const open = (proxyType: string, disconnectTime?: string) => ({
  subscriptions: [
    {
      id: '1',
      controlPlaneInstanceId: 'cp',
      connectTime: '2026-01-01T00:00:00.000Z',
      ...(disconnectTime === undefined ? {} : { disconnectTime }),
      status: {},
    },
  ],
  metadata: { proxyType },
});

before(async () => {
  api = await startLiveApi();
  await put('/meshes/m2', { type: 'Mesh', name: 'm2' });
  const degraded = dataplane('default', 'degraded', 'web');
  degraded.networking.inbound.push({
    port: 9090,
    servicePort: 90,
    tags: { 'kuma.io/service': 'web', 'kuma.io/protocol': 'http' },
    health: { ready: false },
  } as (typeof degraded.networking.inbound)[number]);
  await put('/meshes/default/dataplanes/degraded', degraded);
  for (const name of ['envoy-on', 'grpc-on', 'envoy-off', 'unknown'])
    await put(`/meshes/default/dataplanes/${name}`, dataplane('default', name, 'web'));
  await put('/meshes/m2/dataplanes/grpc-m2', dataplane('m2', 'grpc-m2', 'web'));
  await api.writeInsight('default', 'degraded', open('envoy'));
  await api.writeInsight('default', 'envoy-on', open('envoy'));
  await api.writeInsight('default', 'grpc-on', open('grpc'));
  await api.writeInsight('default', 'envoy-off', open('envoy', '2026-01-01T00:01:00.000Z'));
  await api.writeInsight('m2', 'grpc-m2', open('grpc'));
});
after(async () => {
  await api.close();
});

test('the overview says which proxy it is, or null before any has connected', async () => {
  assert.equal((await get('/meshes/default/dataplanes/grpc-on/_overview')).body.proxyType, 'grpc');
  assert.equal((await get('/meshes/default/dataplanes/envoy-on/_overview')).body.proxyType, 'envoy');
  assert.equal((await get('/meshes/default/dataplanes/unknown/_overview')).body.proxyType, null);
});

test('status= keeps the proxies of that status, several values allowed', async () => {
  const base = '/meshes/default/dataplanes/_overview';
  assert.deepEqual(await names(`${base}?status=online`), ['envoy-on', 'grpc-on']);
  assert.deepEqual(await names(`${base}?status=offline`), ['envoy-off', 'unknown']);
  assert.deepEqual(await names(`${base}?status=partially_degraded`), ['degraded']);
  assert.deepEqual(await names(`${base}?status=online,partially_degraded`), ['degraded', 'envoy-on', 'grpc-on']);
});

test('proxyType= keeps envoys or proxyless gRPC applications, in one mesh or across meshes', async () => {
  assert.deepEqual(await names('/meshes/default/dataplanes/_overview?proxyType=grpc'), ['grpc-on']);
  assert.deepEqual(await names('/dataplanes/_overview?proxyType=grpc'), ['grpc-m2', 'grpc-on']);
  assert.deepEqual(await names('/dataplanes/_overview?proxyType=envoy&status=online'), ['envoy-on']);
});

test('filters apply before paging: total and next count the matches', async () => {
  const first = await get('/meshes/default/dataplanes/_overview?status=online,partially_degraded&size=2');
  assert.equal(first.body.total, 3);
  assert.deepEqual(
    first.body.items.map((i: { name: string }) => i.name),
    ['degraded', 'envoy-on'],
  );
  assert.ok(first.body.next);
  const next = new URL(first.body.next);
  const second = await get(`${next.pathname}${next.search}`);
  assert.deepEqual(
    second.body.items.map((i: { name: string }) => i.name),
    ['grpc-on'],
  );
  assert.equal(second.body.next, null);
});

test('an unknown value is a 400 naming the parameter; an unknown mesh is still a 404', async () => {
  const status = await get('/meshes/default/dataplanes/_overview?status=sleeping');
  assert.equal(status.status, 400);
  assert.equal(status.body.invalid_parameters[0].field, '/meshes/{mesh}/dataplanes/_overview.status');
  const type = await get('/dataplanes/_overview?proxyType=nginx');
  assert.equal(type.status, 400);
  assert.equal(type.body.invalid_parameters[0].field, '/dataplanes/_overview.proxyType');
  assert.equal((await get('/meshes/nowhere/dataplanes/_overview?status=online')).status, 404);
});
