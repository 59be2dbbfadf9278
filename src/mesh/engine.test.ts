import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { type ResourceDraft } from '../api/index.js';
import { kindRegistry, policyKindNames } from '../cp/catalogue.js';
import { createStore, type ResourceStore, type StoreEvent } from '../store/index.js';
import { outageSwitch } from '../store/testing.js';
import type { ProxyContext } from '../xds/generate/proxy-context.js';
import { MeshEngine } from './engine.js';

const DEBOUNCE_MS = 5;

let store: ResourceStore;
let engine: MeshEngine;
let updates: { nodeId: string; context: ProxyContext | undefined }[];

function dataplane(
  mesh: string,
  name: string,
  service: string,
  address: string,
  outbound: string[] = [],
): ResourceDraft {
  return {
    kind: 'Dataplane',
    mesh,
    name,
    labels: {},
    spec: {
      networking: {
        address,
        inbound: [{ port: 8080, tags: { 'kuma.io/service': service } }],
        outbound: outbound.map((s, i) => ({ port: 10000 + i, tags: { 'kuma.io/service': s } })),
      },
    },
  };
}

/** Waits for the events to be applied and the debounce window to pass, then returns and clears the updates. */
async function drain() {
  await engine.settled();
  await sleep(DEBOUNCE_MS * 4);
  const seen = updates;
  updates = [];
  return seen;
}

before(async () => {
  store = await createStore({ type: 'memory', indexTags: kindRegistry.indexTags });
  await store.createAll([
    { kind: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} },
    dataplane('default', 'web-1', 'web', '10.0.0.1', ['backend']),
    dataplane('default', 'admin-1', 'admin', '10.0.0.9', ['billing']),
    dataplane('default', 'backend-1', 'backend', '10.0.0.2'),
  ]);
  updates = [];
  engine = new MeshEngine({
    store,
    debounceMs: DEBOUNCE_MS,
    policyKinds: policyKindNames,
    logger: pino({ level: 'silent' }),
    sink: { update: (nodeId, context) => updates.push({ nodeId, context }) },
  });
  await engine.start();
});
after(async () => {
  await engine.stop();
  await store.close();
});

test('a proxy that connects gets its context built from the dataplanes loaded at start', async () => {
  void engine.connect({ mesh: 'default', name: 'web-1', flavour: 'grpc' });
  void engine.connect({ mesh: 'default', name: 'admin-1', flavour: 'envoy' });
  const seen = await drain();
  assert.deepEqual(seen.map((u) => u.nodeId).sort(), ['default.admin-1', 'default.web-1']);
  const web = seen.find((u) => u.nodeId === 'default.web-1')!.context!;
  assert.equal(web.flavour, 'grpc');
  assert.deepEqual(
    web.destinations.get('backend')!.endpoints.map((e) => e.address),
    ['10.0.0.2'],
  );
});

test('a new endpoint of a service rebuilds only the connected consumers of that service', async () => {
  await store.create(dataplane('default', 'backend-2', 'backend', '10.0.0.3'));
  const seen = await drain();
  assert.deepEqual(
    seen.map((u) => u.nodeId),
    ['default.web-1'],
  );
  assert.deepEqual(
    seen[0]!.context!.destinations.get('backend')!.endpoints.map((e) => e.address),
    ['10.0.0.2', '10.0.0.3'],
  );
});

test('a burst of changes within the debounce window builds each proxy once, with the last state', async () => {
  for (let i = 0; i < 20; i++) {
    const current = await store.get({ kind: 'Dataplane', mesh: 'default', name: 'backend-2' });
    await store.update(dataplane('default', 'backend-2', 'backend', `10.0.1.${i}`), current!.version);
  }
  const seen = await drain();
  assert.deepEqual(
    seen.map((u) => u.nodeId),
    ['default.web-1'],
  );
  assert.deepEqual(
    seen[0]!.context!.destinations.get('backend')!.endpoints.map((e) => e.address),
    ['10.0.0.2', '10.0.1.19'],
  );
});

test('a policy targeting the Mesh rebuilds every connected proxy of its mesh, and the proxies see it', async () => {
  await store.create({
    kind: 'MeshTimeout',
    mesh: 'default',
    name: 't',
    labels: {},
    spec: { targetRef: { kind: 'Mesh' }, to: [{ targetRef: { kind: 'Mesh' }, default: { connectionTimeout: '2s' } }] },
  });
  const seen = await drain();
  assert.deepEqual(seen.map((u) => u.nodeId).sort(), ['default.admin-1', 'default.web-1']);
  assert.deepEqual(
    seen[0]!.context!.policies?.get('MeshTimeout')?.map((m) => m.policy.name),
    ['t'],
  );
});

test('a policy that only configures traffic to one service rebuilds only the selected proxies that call it', async () => {
  const timeout = {
    kind: 'MeshTimeout',
    mesh: 'default',
    name: 'to-billing',
    labels: {},
    spec: {
      targetRef: { kind: 'Mesh' },
      to: [{ targetRef: { kind: 'MeshService', name: 'billing' }, default: { connectionTimeout: '3s' } }],
    },
  };
  await store.create(timeout);
  // admin-1 calls billing; web-1 calls backend only.
  assert.deepEqual(
    (await drain()).map((u) => u.nodeId),
    ['default.admin-1'],
  );
  await store.delete(timeout);
  assert.deepEqual(
    (await drain()).map((u) => u.nodeId),
    ['default.admin-1'],
  );
});

test('a policy rebuilds only the proxies its old or new version selects', async () => {
  const policy = (service: string) => ({
    kind: 'MeshRetry',
    mesh: 'default',
    name: 'r',
    labels: {},
    spec: {
      targetRef: { kind: 'MeshService', name: service },
      to: [{ targetRef: { kind: 'Mesh' }, default: { tcp: { maxConnectAttempt: 2 } } }],
    },
  });
  await store.create(policy('admin'));
  assert.deepEqual(
    (await drain()).map((u) => u.nodeId),
    ['default.admin-1'],
  );
  const current = await store.get({ kind: 'MeshRetry', mesh: 'default', name: 'r' });
  await store.update(policy('web'), current!.version);
  assert.deepEqual(
    (await drain()).map((u) => u.nodeId).sort(),
    ['default.admin-1', 'default.web-1'],
    'the old and the new selection',
  );
  await store.delete({ kind: 'MeshRetry', mesh: 'default', name: 'r' });
  assert.deepEqual(
    (await drain()).map((u) => u.nodeId),
    ['default.web-1'],
  );
});

test('a MeshService rebuilds the connected proxies that call or implement its service, which then see its labels', async () => {
  const meshService = { kind: 'MeshService', mesh: 'default', name: 'billing', labels: { tier: 'gold' }, spec: {} };
  await store.create(meshService);
  // admin-1 calls billing; web-1 calls backend only.
  const seen = await drain();
  assert.deepEqual(
    seen.map((u) => u.nodeId),
    ['default.admin-1'],
  );
  assert.deepEqual(seen[0]!.context!.destinations.get('billing')?.labels, { tier: 'gold' });
  await store.delete(meshService);
  assert.deepEqual(
    (await drain()).map((u) => u.nodeId),
    ['default.admin-1'],
  );
});

test("deleting a proxy's own dataplane sends it an undefined context; a disconnected proxy gets nothing", async () => {
  engine.disconnect('default.admin-1');
  await store.delete({ kind: 'Dataplane', mesh: 'default', name: 'admin-1' });
  await store.delete({ kind: 'Dataplane', mesh: 'default', name: 'backend-1' });
  const seen = await drain();
  assert.deepEqual(
    seen.map((u) => u.nodeId),
    ['default.web-1'],
  );
  assert.deepEqual(
    seen[0]!.context!.destinations.get('backend')!.endpoints.map((e) => e.address),
    ['10.0.1.19'],
  );
  await store.delete({ kind: 'Dataplane', mesh: 'default', name: 'web-1' });
  const gone = await drain();
  assert.deepEqual(gone, [{ nodeId: 'default.web-1', context: undefined }]);
});

test('a batch larger than one build slice reaches every proxy once, and a change made while it drains is built too', async () => {
  // A sink slow enough that a few proxies fill a build slice, so the batch takes several turns of the event loop.
  const names = Array.from({ length: 12 }, (_, i) => `slice-${i}`);
  await store.createAll(
    names.map((name, i) => dataplane('default', name, 'slice', `10.1.0.${i + 1}`, ['slice-backend'])),
  );
  await drain();
  const seen: string[] = [];
  const slowEngine = new MeshEngine({
    store,
    debounceMs: DEBOUNCE_MS,
    policyKinds: policyKindNames,
    logger: pino({ level: 'silent' }),
    sink: {
      update: (nodeId) => {
        seen.push(nodeId);
        const until = performance.now() + 2;
        while (performance.now() < until);
      },
    },
  });
  await slowEngine.start();
  try {
    for (const name of names) void slowEngine.connect({ mesh: 'default', name, flavour: 'envoy' });
    await sleep(DEBOUNCE_MS + 1);
    // Draining has started: a new endpoint of their destination marks them all again.
    await store.create(dataplane('default', 'slice-backend-1', 'slice-backend', '10.1.1.1'));
    for (let i = 0; i < 200 && seen.length < names.length * 2; i++) await sleep(5);
    await slowEngine.settled();
    await sleep(DEBOUNCE_MS * 4 + 2 * names.length * 2);
    const counts = new Map<string, number>();
    for (const nodeId of seen) counts.set(nodeId, (counts.get(nodeId) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), names.map((n) => `default.${n}`).sort());
    // Each built once for the connect and once for the new endpoint, or once if the endpoint arrived before its turn.
    for (const [nodeId, count] of counts) assert.ok(count === 1 || count === 2, `${nodeId} built ${count} times`);
    assert.ok(seen.length > names.length, 'the change during draining rebuilt at least the proxies already built');
  } finally {
    await slowEngine.stop();
  }
});

/**
 * A store whose change delivery lags (as NOTIFY over a network does), can go
 * deaf (a lost LISTEN connection), and can be told to resync; `delivered`
 * waits for the lagging delivery, as the SQL store's does.
 */
async function laggingStore(inner: ResourceStore, lagMs: number) {
  const listeners = new Set<(event: StoreEvent) => void>();
  let deaf = false;
  // What was committed before is read by listing, not delivered.
  let deliveredSeq = await inner.head();
  const waiters = new Set<{ seq: number; resolve: () => void }>();
  const deliver = (event: StoreEvent) => {
    for (const listener of listeners) listener(event);
    deliveredSeq = Math.max(deliveredSeq, event.seq);
    for (const waiter of waiters)
      if (waiter.seq <= deliveredSeq) {
        waiters.delete(waiter);
        waiter.resolve();
      }
  };
  inner.watch((event) => {
    if (deaf) return;
    setTimeout(() => deliver(event), lagMs);
  });
  const store: ResourceStore = {
    ...inner,
    watch: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    delivered: (seq) =>
      seq <= deliveredSeq || deaf ? Promise.resolve() : new Promise((resolve) => waiters.add({ seq, resolve })),
  };
  return {
    store,
    goDeaf: () => void (deaf = true),
    resync: async () => {
      deaf = false;
      deliver({ op: 'resync', seq: await inner.head() });
    },
  };
}

test('a proxy that reconnects is built from every change committed before it connected, however late their delivery', async () => {
  const inner = await createStore({ type: 'memory', indexTags: kindRegistry.indexTags });
  await inner.createAll([
    { kind: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} },
    dataplane('default', 'web-1', 'web', '10.0.0.1', ['backend']),
    dataplane('default', 'backend-1', 'backend', '10.0.0.2'),
  ]);
  const lagging = await laggingStore(inner, 100);
  const built: { nodeId: string; context: ProxyContext | undefined }[] = [];
  const late = new MeshEngine({
    store: lagging.store,
    debounceMs: DEBOUNCE_MS,
    policyKinds: policyKindNames,
    logger: pino({ level: 'silent' }),
    sink: { update: (nodeId, context) => built.push({ nodeId, context }) },
  });
  await late.start();
  try {
    await late.connect({ mesh: 'default', name: 'web-1', flavour: 'envoy' });
    late.disconnect('default.web-1');
    await inner.create(dataplane('default', 'backend-2', 'backend', '10.0.0.3'));
    built.length = 0;
    // Reconnects while the new endpoint is still on its way to the engine.
    await late.connect({ mesh: 'default', name: 'web-1', flavour: 'envoy' });
    assert.equal(built.length, 1, 'built before connect resolved');
    assert.deepEqual(
      built[0]!.context!.destinations.get('backend')!.endpoints.map((e) => e.address),
      ['10.0.0.2', '10.0.0.3'],
    );
  } finally {
    await late.stop();
    await inner.close();
  }
});

test('while the store cannot be read, a connecting proxy gets the last good state, and changes read then are applied once it answers', async () => {
  const inner = await createStore({ type: 'memory', indexTags: kindRegistry.indexTags });
  await inner.createAll([
    { kind: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} },
    dataplane('default', 'web-1', 'web', '10.0.0.1', ['backend']),
    dataplane('default', 'backend-1', 'backend', '10.0.0.2'),
  ]);
  const outage = outageSwitch(inner);
  const built: { nodeId: string; context: ProxyContext | undefined }[] = [];
  const engineOfOutage = new MeshEngine({
    store: outage.store,
    debounceMs: DEBOUNCE_MS,
    policyKinds: policyKindNames,
    logger: pino({ level: 'silent' }),
    sink: { update: (nodeId, context) => built.push({ nodeId, context }) },
  });
  await engineOfOutage.start();
  try {
    outage.down();
    await engineOfOutage.connect({ mesh: 'default', name: 'web-1', flavour: 'envoy' });
    assert.deepEqual(
      built
        .at(-1)!
        .context!.destinations.get('backend')!
        .endpoints.map((e) => e.address),
      ['10.0.0.2'],
      'the last good state',
    );
    // Another instance writes; the engine hears it but cannot read the resource yet.
    await inner.create(dataplane('default', 'backend-2', 'backend', '10.0.0.3'));
    await sleep(50);
    outage.up();
    await engineOfOutage.settled();
    await sleep(DEBOUNCE_MS * 4);
    assert.deepEqual(
      built
        .at(-1)!
        .context!.destinations.get('backend')!
        .endpoints.map((e) => e.address),
      ['10.0.0.2', '10.0.0.3'],
    );
  } finally {
    outage.up();
    await engineOfOutage.stop();
    await inner.close();
  }
});

test('a resync loads everything again: changes never heard are applied, meshes gone are dropped', async () => {
  const inner = await createStore({ type: 'memory', indexTags: kindRegistry.indexTags });
  await inner.createAll([
    { kind: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} },
    dataplane('default', 'web-1', 'web', '10.0.0.1', ['backend']),
    dataplane('default', 'backend-1', 'backend', '10.0.0.2'),
    { kind: 'Mesh', mesh: '', name: 'old', labels: {}, spec: {} },
    dataplane('old', 'lonely', 'lonely', '10.9.0.1'),
  ]);
  const lagging = await laggingStore(inner, 0);
  const built: { nodeId: string; context: ProxyContext | undefined }[] = [];
  const meshes: string[] = [];
  const resyncing = new MeshEngine({
    store: lagging.store,
    debounceMs: DEBOUNCE_MS,
    policyKinds: policyKindNames,
    logger: pino({ level: 'silent' }),
    sink: { update: (nodeId, context) => built.push({ nodeId, context }) },
    meshListener: { meshChanged: async (mesh, exists) => void meshes.push(`${mesh}:${exists}`) },
  });
  await resyncing.start();
  try {
    await resyncing.connect({ mesh: 'default', name: 'web-1', flavour: 'envoy' });
    lagging.goDeaf();
    await inner.create(dataplane('default', 'backend-2', 'backend', '10.0.0.3'));
    await inner.delete({ kind: 'Mesh', mesh: '', name: 'old' });
    meshes.length = 0;
    built.length = 0;
    await lagging.resync();
    await resyncing.settled();
    await sleep(DEBOUNCE_MS * 4);
    assert.deepEqual(
      built.map((b) => b.nodeId),
      ['default.web-1'],
    );
    assert.deepEqual(
      built[0]!.context!.destinations.get('backend')!.endpoints.map((e) => e.address),
      ['10.0.0.2', '10.0.0.3'],
    );
    assert.deepEqual(meshes.sort(), ['default:true', 'old:false']);
    assert.deepEqual(resyncing.dataplanesOf('old'), []);
  } finally {
    await resyncing.stop();
    await inner.close();
  }
});
