import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { KogumaError } from '../../api/index.js';
import { kindRegistry } from '../../cp/catalogue.js';
import { ResourceManager } from '../../manager/index.js';
import type { ConnectedProxy } from '../../mesh/index.js';
import { createStore, type ResourceStore } from '../../store/index.js';
import type { NodeIdentity } from '../server/index.js';
import { DataplaneLifecycle } from './dataplane-lifecycle.js';
import { LeaseKeeper } from './lease-keeper.js';
import { outageSwitch, type OutageSwitch } from '../../store/testing.js';

const REMOVAL_DELAY_MS = 30;
const INSTANCE_TTL_MS = 60;
const logger = pino({ level: 'silent' });

let store: ResourceStore;
let outage: OutageSwitch;
let manager: ResourceManager;
let keeper: LeaseKeeper;
let lifecycle: DataplaneLifecycle;
const connected = new Map<string, ConnectedProxy>();
/** The Dataplanes the fake engine knows, as a real one would have loaded them. */
const known = new Set<string>();

const document = (name: string, port = 8080) => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  networking: { address: '10.0.0.1', inbound: [{ port, tags: { 'kuma.io/service': 'web' } }] },
});

const identity = (name: string, metadata: Record<string, unknown>): NodeIdentity => ({
  mesh: 'default',
  name,
  nodeId: `default.${name}`,
  metadata,
});
const carrying = (name: string, port = 8080) =>
  identity(name, { 'dataplane.resource': JSON.stringify(document(name, port)), 'koguma.io/proxy-flavour': 'grpc' });
const key = (name: string) => ({ kind: 'Dataplane', mesh: 'default', name });
let streams = 0;
/** A stream of a proxy that reconnects (it holds configuration already): registered ready at once. */
const resumed = () => ({ streamId: `s${++streams}`, resumed: true });

const keeperOf = (instanceId: string) =>
  new LeaseKeeper({
    leases: store.leases(instanceId),
    removalDelayMs: REMOVAL_DELAY_MS,
    instanceTtlMs: INSTANCE_TTL_MS,
    // The tests tick by hand.
    heartbeatIntervalMs: 3_600_000,
    logger,
  });

/** Ticks `keeper` until `check` holds, at most 100 times with 20 ms between: removal takes the delay and a sweep. */
async function tickUntil(what: string, check: () => Promise<boolean>, ticking: LeaseKeeper = keeper): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    await ticking.tick();
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`never happened: ${what}`);
}

/** Ticks past the removal delay (and the instance TTL) several times. */
async function ticksPastTheDelay(ticking: LeaseKeeper = keeper): Promise<void> {
  for (let tick = 0; tick < 4; tick += 1) {
    await new Promise((resolve) => setTimeout(resolve, INSTANCE_TTL_MS));
    await ticking.tick();
  }
}

const gone = (name: string) => async () => (await store.get(key(name))) === undefined;

before(async () => {
  const memory = await createStore({ type: 'memory', indexTags: kindRegistry.indexTags });
  outage = outageSwitch(memory);
  store = outage.store;
  manager = new ResourceManager(store, kindRegistry);
  await manager.ensureDefaultMesh();
  keeper = keeperOf('cp-1');
  await keeper.start();
  lifecycle = new DataplaneLifecycle({
    manager,
    leases: keeper,
    logger,
    registrationRetryMs: 10,
    engine: {
      connect: async (proxy) => void connected.set(`${proxy.mesh}.${proxy.name}`, proxy),
      disconnect: (nodeId) => void connected.delete(nodeId),
      knows: (mesh, name) => known.has(`${mesh}.${name}`),
    },
  });
});
after(async () => {
  lifecycle.stop();
  await keeper.stop();
  await store.close();
});

test('a proxy carrying its Dataplane registers it and is connected with its flavour', async () => {
  await lifecycle.open(carrying('web-1'), resumed());
  assert.ok(await store.get(key('web-1')));
  assert.deepEqual(connected.get('default.web-1'), { mesh: 'default', name: 'web-1', flavour: 'grpc' });
});

test('the Dataplane is removed a while after the last stream ends, not while another is open', async () => {
  await lifecycle.open(carrying('web-2'), resumed());
  await lifecycle.open(carrying('web-2'), resumed());
  lifecycle.close(carrying('web-2'), resumed());
  await ticksPastTheDelay();
  assert.ok(await store.get(key('web-2')), 'one stream is still open');
  assert.ok(connected.has('default.web-2'));
  lifecycle.close(carrying('web-2'), resumed());
  assert.ok(!connected.has('default.web-2'));
  await tickUntil('web-2 removed', gone('web-2'));
});

test('a proxy that reconnects within the delay keeps its Dataplane', async () => {
  await lifecycle.open(carrying('web-3'), resumed());
  lifecycle.close(carrying('web-3'), resumed());
  await lifecycle.open(carrying('web-3'), resumed());
  await ticksPastTheDelay();
  assert.ok(await store.get(key('web-3')));
});

test('a Dataplane written again elsewhere meanwhile (another instance) is not removed', async () => {
  await lifecycle.open(carrying('web-4'), resumed());
  lifecycle.close(carrying('web-4'), resumed());
  await manager.put(document('web-4', 9090));
  await ticksPastTheDelay();
  assert.ok(await store.get(key('web-4')));
});

test('the proxies of an instance that stops heartbeating are removed by a live one; a clean stop hands them over at once', async () => {
  // Another instance registers two proxies, then dies without a word: its leases lapse.
  const dead = keeperOf('cp-dead');
  await dead.start();
  const theirs = new DataplaneLifecycle({
    manager,
    leases: dead,
    logger,
    engine: { connect: async () => {}, disconnect: () => {}, knows: () => false },
  });
  await theirs.open(carrying('crashed-1'), resumed());
  await theirs.open(carrying('crashed-2'), resumed());
  await dead.tick();
  // One of them reconnects here before the delay is over: it stays.
  await lifecycle.open(carrying('crashed-2'), resumed());
  await tickUntil('crashed-1 removed by cp-1', gone('crashed-1'));
  assert.ok(await store.get(key('crashed-2')), 'the proxy that reconnected here keeps its Dataplane');

  // A clean stop releases every lease at once: removed after the delay, though the heartbeat is fresh.
  const leaving = keeperOf('cp-leaving');
  await leaving.start();
  const leavingLifecycle = new DataplaneLifecycle({
    manager,
    leases: leaving,
    logger,
    engine: { connect: async () => {}, disconnect: () => {}, knows: () => false },
  });
  await leavingLifecycle.open(carrying('handed-over'), resumed());
  await leaving.stop();
  await tickUntil('handed-over removed by cp-1', gone('handed-over'));
});

test('while the store is down, a proxy the engine knows is served and registered once the store is back; an unknown one is refused', async () => {
  await lifecycle.open(carrying('outage-1'), resumed());
  lifecycle.close(carrying('outage-1'), resumed());
  known.add('default.outage-1');
  outage.down();
  try {
    await lifecycle.open(carrying('outage-1', 9191), resumed());
    assert.ok(connected.has('default.outage-1'), 'connected with the last good state');
    await assert.rejects(
      lifecycle.open(carrying('outage-new'), resumed()),
      (error: KogumaError) => error.code === 'Unavailable',
    );
    assert.ok(!connected.has('default.outage-new'));
  } finally {
    outage.up();
  }
  const portOf = async () =>
    ((await store.get(key('outage-1')))?.spec['networking'] as { inbound: { port: number }[] } | undefined)?.inbound[0]
      ?.port;
  await tickUntil('the registration that waited for the store written', async () => (await portOf()) === 9191);
  // Its lease was written too: once it goes away, it is removed like any other.
  lifecycle.close(carrying('outage-1'), resumed());
  await tickUntil('outage-1 removed', gone('outage-1'));
});

test('indirect mode writes and removes nothing; an unknown flavour or an invalid Dataplane is refused', async () => {
  await manager.put(document('api-made'));
  await lifecycle.open(identity('api-made', {}), resumed());
  assert.equal(connected.get('default.api-made')?.flavour, 'envoy');
  lifecycle.close(identity('api-made', {}), resumed());
  await ticksPastTheDelay();
  assert.ok(await store.get(key('api-made')));

  await assert.rejects(
    lifecycle.open(identity('odd', { 'koguma.io/proxy-flavour': 'nginx' }), resumed()),
    (error: KogumaError) => {
      assert.deepEqual(error.invalidParameters, [
        { field: 'node.metadata["koguma.io/proxy-flavour"]', reason: 'must be one of: envoy, grpc' },
      ]);
      return true;
    },
  );
  await assert.rejects(
    lifecycle.open(carrying('bad', 70000), resumed()),
    (error: KogumaError) => error.code === 'InvalidInput',
  );
  assert.equal(await store.get(key('bad')), undefined);
});

const readiness = async (name: string) =>
  ((await store.get(key(name)))?.spec['networking'] as { inbound: { health?: { ready?: boolean } }[] }).inbound.map(
    (inbound) => inbound.health?.ready ?? true,
  );

test('a proxy that has just started takes no traffic until it accepts its listeners; one that reconnects is never taken out', async () => {
  const starting = { streamId: 'fresh-1', resumed: false };
  await lifecycle.open(carrying('fresh'), starting);
  assert.deepEqual(await readiness('fresh'), [false], 'registered, inbounds not ready');
  lifecycle.ready(carrying('fresh'), starting);
  await tickUntil('fresh marked ready', async () => (await readiness('fresh')).every((ready) => ready));
  // The control plane restarted: the same proxy reconnects holding its configuration.
  lifecycle.close(carrying('fresh'), starting);
  await lifecycle.open(carrying('fresh'), { streamId: 'fresh-2', resumed: true });
  assert.deepEqual(await readiness('fresh'), [true], 'a reconnect keeps its endpoints');
  // The agent's certificate stream never accepts listeners: it never holds registration back.
  await lifecycle.open(carrying('certs-first'), { streamId: 'certs-1', resumed: false, certificatesOnly: true });
  assert.deepEqual(await readiness('certs-first'), [true]);
});

test('a proxy whose stream ends before it accepted its listeners stays not ready', async () => {
  const starting = { streamId: 'never-1', resumed: false };
  await lifecycle.open(carrying('never-ready'), starting);
  lifecycle.close(carrying('never-ready'), starting);
  lifecycle.ready(carrying('never-ready'), starting);
  await keeper.tick();
  assert.deepEqual(await readiness('never-ready'), [false]);
});

test("a proxy whose agent says it is leaving is taken out of callers' endpoints at once, its Dataplane kept until it goes", async () => {
  await lifecycle.open(carrying('leaver'), resumed());
  assert.deepEqual(await readiness('leaver'), [true]);
  await lifecycle.leaving(carrying('leaver'));
  assert.deepEqual(await readiness('leaver'), [false]);
  assert.ok(connected.has('default.leaver'), 'still served while it drains');
  // An API-made Dataplane is the operator's: a leaving agent changes nothing.
  await manager.put(document('api-leaver'));
  await lifecycle.leaving(identity('api-leaver', {}));
  assert.deepEqual(await readiness('api-leaver'), [true]);
});
