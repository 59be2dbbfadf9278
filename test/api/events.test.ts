/**
 * `GET /_events` over real HTTP: the hello, a resource event for every
 * committed change (names only, never a Secret's data), proxy events from
 * the insights (connect, ACK, NACK, disconnect), the mesh filter, the cap on
 * streams, and streams ended when the server closes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dataplane } from '../support/api.js';
import { startLiveApi, type LiveApi } from '../support/live-api.js';
import { openEvents, type SseReader } from '../support/sse.js';

let api: LiveApi;
const readers: SseReader[] = [];
const open = async (path = '/_events', headers: Record<string, string> = {}) => {
  const reader = await openEvents(`${api.url}${path}`, headers);
  readers.push(reader);
  return reader;
};
const put = async (path: string, body: unknown) => {
  const response = await fetch(`${api.url}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(response.status < 300, `${path}: ${await response.text()}`);
};

before(async () => {
  api = await startLiveApi({ eventLimits: { maxStreams: 3 } });
});
after(async () => {
  for (const reader of readers) await reader.close();
  await api.close();
});

test('a stream opens with the retry delay and a hello naming the instance and the store health', async () => {
  const events = await open();
  assert.equal(events.response.status, 200);
  assert.match(events.response.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal((await events.next()).retry, 2000);
  const hello = await events.next();
  assert.equal(hello.event, 'hello');
  assert.equal(hello.data.instance, 'test-instance');
  assert.deepEqual(hello.data.store, { available: true });
  await events.close();
});

test('every committed change is a resource event; a Secret is named, its data never sent', async () => {
  const events = await open();
  await events.event('hello');
  await put('/meshes/ev', { type: 'Mesh', name: 'ev' });
  assert.deepEqual((await events.event('resource', (d) => d.type === 'Mesh' && d.name === 'ev')).data, {
    op: 'create',
    type: 'Mesh',
    mesh: null,
    name: 'ev',
    version: 1,
  });
  await put('/meshes/ev/secrets/token', { type: 'Secret', mesh: 'ev', name: 'token', data: 'c2VjcmV0LXZhbHVl' });
  const secret = await events.event('resource', (d) => d.type === 'Secret' && d.name === 'token');
  assert.deepEqual(secret.data, { op: 'create', type: 'Secret', mesh: 'ev', name: 'token', version: 1 });
  await put('/meshes/ev/secrets/token', { type: 'Secret', mesh: 'ev', name: 'token', data: 'b3RoZXI=' });
  assert.equal((await events.event('resource', (d) => d.name === 'token')).data.op, 'update');
  const deleted = await fetch(`${api.url}/meshes/ev/secrets/token`, { method: 'DELETE' });
  assert.equal(deleted.status, 200);
  assert.equal((await events.event('resource', (d) => d.name === 'token')).data.op, 'delete');
  await events.close();
});

test('?mesh= keeps the events of that mesh and of the Mesh itself', async () => {
  await put('/meshes/other', { type: 'Mesh', name: 'other' });
  await put('/meshes/kept', { type: 'Mesh', name: 'kept' });
  const events = await open('/_events?mesh=kept');
  await events.event('hello');
  await put('/meshes/other/dataplanes/skipped', dataplane('other', 'skipped', 'web'));
  await put('/meshes/kept/dataplanes/seen', dataplane('kept', 'seen', 'web'));
  // The first resource event is the kept mesh's, though the other mesh's came first.
  const first = await events.event('resource');
  assert.deepEqual([first.data.mesh, first.data.name], ['kept', 'seen']);
  await events.close();
});

test('a proxy connecting, acknowledging, rejecting and disconnecting is a proxy event each', async () => {
  await put('/meshes/default/dataplanes/px', dataplane('default', 'px', 'web'));
  const events = await open('/_events?mesh=default');
  await events.event('hello');
  const subscription = {
    id: 's1',
    controlPlaneInstanceId: 'cp-a',
    connectTime: '2026-01-01T00:00:00.000Z',
    status: { cds: { ackedVersion: 'v1', lastAckTime: '2026-01-01T00:00:01.000Z' } },
  };
  await api.writeInsight('default', 'px', { subscriptions: [subscription] });
  const connected = await events.event('proxy', (d) => d.name === 'px' && d.change === 'connected');
  assert.deepEqual(connected.data, {
    mesh: 'default',
    name: 'px',
    connected: true,
    change: 'connected',
    instance: 'cp-a',
    time: '2026-01-01T00:00:00.000Z',
  });
  const acked = await events.event('proxy', (d) => d.name === 'px' && d.change === 'ack');
  assert.deepEqual([acked.data.type, acked.data.version], ['cds', 'v1']);
  const nack = { version: 'v2', error: 'bad cluster', time: '2026-01-01T00:00:02.000Z' };
  await api.writeInsight('default', 'px', {
    subscriptions: [{ ...subscription, status: { ...subscription.status, lds: { lastNack: nack } } }],
  });
  const nacked = await events.event('proxy', (d) => d.name === 'px' && d.change === 'nack');
  assert.deepEqual([nacked.data.type, nacked.data.error, nacked.data.instance], ['lds', 'bad cluster', 'cp-a']);
  await api.writeInsight('default', 'px', {
    subscriptions: [{ ...subscription, disconnectTime: '2026-01-01T00:00:03.000Z' }],
  });
  const gone = await events.event('proxy', (d) => d.name === 'px' && d.change === 'disconnected');
  assert.deepEqual([gone.data.connected, gone.data.time], [false, '2026-01-01T00:00:03.000Z']);
  await events.close();
});

test('past the cap on streams a new one is refused with 503 in the error format', async () => {
  const held = [await open(), await open(), await open()];
  for (const events of held) await events.event('hello');
  const refused = await fetch(`${api.url}/_events`);
  assert.equal(refused.status, 503);
  assert.match(((await refused.json()) as { detail: string }).detail, /too many event streams/);
  for (const events of held) await events.close();
});

test('closing the server ends open streams instead of waiting for them', async () => {
  const local = await startLiveApi({ shutdownTimeoutMs: 600_000 });
  const events = await openEvents(`${local.url}/_events`);
  await events.event('hello');
  await local.close();
  await events.ended();
});
