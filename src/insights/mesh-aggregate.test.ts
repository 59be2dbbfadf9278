import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dataplaneFacts } from './dataplane-facts.js';
import { MeshAggregate } from './mesh-aggregate.js';

const online = {
  subscriptions: [{ id: '1', controlPlaneInstanceId: 'cp', connectTime: '2020-01-01T00:00:00Z', status: {} }],
};
const inbound = (service: string, extra: object = {}) => ({ port: 1, tags: { 'kuma.io/service': service }, ...extra });
const sidecar = (...inbounds: object[]) => ({ networking: { address: '10.0.0.1', inbound: inbounds } });
const gateway = (service: string, type?: string) => ({
  networking: { address: '10.0.0.1', gateway: { tags: { 'kuma.io/service': service }, ...(type ? { type } : {}) } },
});
const now = new Date(0);

test('status as Kuma decides it: connected and every inbound ready, some, none; gateways by connection only', () => {
  assert.equal(dataplaneFacts(sidecar(inbound('a')), online).status, 'online');
  assert.equal(dataplaneFacts(sidecar(inbound('a')), undefined).status, 'offline');
  assert.equal(
    dataplaneFacts(sidecar(inbound('a'), inbound('b', { health: { ready: false } })), online).status,
    'partiallyDegraded',
  );
  assert.equal(dataplaneFacts(sidecar(inbound('a', { state: 'NotReady' })), online).status, 'offline');
  assert.equal(dataplaneFacts(gateway('gw'), online).status, 'online');
  assert.equal(dataplaneFacts(gateway('gw', 'BUILTIN'), online).type, 'gatewayBuiltin');
  assert.equal(dataplaneFacts(gateway('gw'), online).type, 'gatewayDelegated');
  assert.deepEqual(dataplaneFacts(sidecar(inbound('a'), inbound('b', { state: 'Ignored' })), online).services, ['a']);
});

test('a change moves one dataplane between counters; removing everything leaves nothing behind', () => {
  const mesh = new MeshAggregate();
  const offlineWeb = dataplaneFacts(sidecar(inbound('web')), undefined);
  const onlineWeb = dataplaneFacts(sidecar(inbound('web')), { ...online, mTLS: { issuedBackend: 'ca-1' } });
  const gw = dataplaneFacts(gateway('edge', 'BUILTIN'), online);
  mesh.replace(undefined, offlineWeb, now);
  mesh.replace(undefined, gw, now);
  assert.deepEqual(mesh.dataplanes, { total: 2, online: 1, offline: 1, partiallyDegraded: 0 });
  assert.equal(mesh.services.get('web')?.offline, 1);

  mesh.replace(offlineWeb, onlineWeb, now);
  assert.deepEqual(mesh.dataplanes, { total: 2, online: 2, offline: 0, partiallyDegraded: 0 });
  assert.deepEqual(mesh.byType.standard, { total: 1, online: 1, offline: 0, partiallyDegraded: 0 });
  assert.deepEqual(mesh.byType.gatewayBuiltin, { total: 1, online: 1, offline: 0, partiallyDegraded: 0 });
  assert.deepEqual([...mesh.issuedBackends.keys()], ['ca-1']);
  assert.deepEqual(
    { online: mesh.services.get('web')?.online, backends: [...mesh.services.get('web')!.issuedBackends] },
    { online: 1, backends: [['ca-1', 1]] },
  );
  assert.deepEqual([...mesh.services.get('edge')!.byType], [['gateway_builtin', 1]]);

  mesh.replace(onlineWeb, undefined, now);
  mesh.replace(gw, undefined, now);
  assert.deepEqual(mesh.dataplanes, { total: 0, online: 0, offline: 0, partiallyDegraded: 0 });
  assert.equal(mesh.services.size, 0);
  assert.equal(mesh.issuedBackends.size, 0);
  assert.equal(mesh.kumaDp.size, 0);
});

test('incremental counts equal a count from scratch after a random walk of changes', () => {
  const variants = [
    dataplaneFacts(sidecar(inbound('a')), undefined),
    dataplaneFacts(sidecar(inbound('a')), online),
    dataplaneFacts(sidecar(inbound('a'), inbound('b', { health: { ready: false } })), online),
    dataplaneFacts(gateway('g'), online),
    dataplaneFacts(gateway('g', 'BUILTIN'), undefined),
    undefined,
  ];
  let seed = 7;
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const current = new Map<number, (typeof variants)[number]>();
  const incremental = new MeshAggregate();
  for (let step = 0; step < 2000; step += 1) {
    const dp = random(50);
    const next = variants[random(variants.length)];
    incremental.replace(current.get(dp), next, now);
    current.set(dp, next);
  }
  const scratch = new MeshAggregate();
  for (const facts of current.values()) scratch.replace(undefined, facts, now);
  assert.deepEqual(incremental.dataplanes, scratch.dataplanes);
  assert.deepEqual(incremental.byType, scratch.byType);
  assert.deepEqual([...incremental.kumaDp], [...scratch.kumaDp]);
  const services = (m: MeshAggregate) =>
    [...m.services].map(([name, s]) => [name, s.online, s.offline, [...s.byType]]).sort();
  assert.deepEqual(services(incremental), services(scratch));
});
