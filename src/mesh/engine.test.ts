import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { kindRegistry, type ResourceDraft } from '../api/index.js';
import { createStore, type ResourceStore } from '../store/index.js';
import type { ProxyContext } from '../xds/generate/proxy-context.js';
import { MeshEngine } from './engine.js';

const DEBOUNCE_MS = 5;

let store: ResourceStore;
let engine: MeshEngine;
let updates: { nodeId: string; context: ProxyContext | undefined }[];

function dataplane(mesh: string, name: string, service: string, address: string, outbound: string[] = []): ResourceDraft {
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
  engine.connect({ mesh: 'default', name: 'web-1', flavour: 'grpc' });
  engine.connect({ mesh: 'default', name: 'admin-1', flavour: 'envoy' });
  const seen = await drain();
  assert.deepEqual(seen.map((u) => u.nodeId).sort(), ['default.admin-1', 'default.web-1']);
  const web = seen.find((u) => u.nodeId === 'default.web-1')!.context!;
  assert.equal(web.flavour, 'grpc');
  assert.deepEqual(web.destinations.get('backend')!.endpoints.map((e) => e.address), ['10.0.0.2']);
});

test('a new endpoint of a service rebuilds only the connected consumers of that service', async () => {
  await store.create(dataplane('default', 'backend-2', 'backend', '10.0.0.3'));
  const seen = await drain();
  assert.deepEqual(seen.map((u) => u.nodeId), ['default.web-1']);
  assert.deepEqual(seen[0]!.context!.destinations.get('backend')!.endpoints.map((e) => e.address), ['10.0.0.2', '10.0.0.3']);
});

test('a burst of changes within the debounce window builds each proxy once, with the last state', async () => {
  for (let i = 0; i < 20; i++) {
    const current = await store.get({ kind: 'Dataplane', mesh: 'default', name: 'backend-2' });
    await store.update(dataplane('default', 'backend-2', 'backend', `10.0.1.${i}`), current!.version);
  }
  const seen = await drain();
  assert.deepEqual(seen.map((u) => u.nodeId), ['default.web-1']);
  assert.deepEqual(seen[0]!.context!.destinations.get('backend')!.endpoints.map((e) => e.address), ['10.0.0.2', '10.0.1.19']);
});

test('a policy change rebuilds every connected proxy of its mesh', async () => {
  await store.create({ kind: 'MeshTimeout', mesh: 'default', name: 't', labels: {}, spec: { targetRef: { kind: 'Mesh' } } });
  const seen = await drain();
  assert.deepEqual(seen.map((u) => u.nodeId).sort(), ['default.admin-1', 'default.web-1']);
});

test('deleting a proxy\'s own dataplane sends it an undefined context; a disconnected proxy gets nothing', async () => {
  engine.disconnect('default.admin-1');
  await store.delete({ kind: 'Dataplane', mesh: 'default', name: 'admin-1' });
  await store.delete({ kind: 'Dataplane', mesh: 'default', name: 'backend-1' });
  const seen = await drain();
  assert.deepEqual(seen.map((u) => u.nodeId), ['default.web-1']);
  assert.deepEqual(seen[0]!.context!.destinations.get('backend')!.endpoints.map((e) => e.address), ['10.0.1.19']);
  await store.delete({ kind: 'Dataplane', mesh: 'default', name: 'web-1' });
  const gone = await drain();
  assert.deepEqual(gone, [{ nodeId: 'default.web-1', context: undefined }]);
});
