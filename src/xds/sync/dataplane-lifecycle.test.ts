import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { kindRegistry, KogumaError } from '../../api/index.js';
import { ResourceManager } from '../../manager/index.js';
import type { ConnectedProxy } from '../../mesh/index.js';
import { createStore, type ResourceStore } from '../../store/index.js';
import type { NodeIdentity } from '../server/index.js';
import { DataplaneLifecycle } from './dataplane-lifecycle.js';

const REMOVAL_DELAY_MS = 30;

let store: ResourceStore;
let manager: ResourceManager;
let lifecycle: DataplaneLifecycle;
const connected = new Map<string, ConnectedProxy>();

const document = (name: string, port = 8080) => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  networking: { address: '10.0.0.1', inbound: [{ port, tags: { 'kuma.io/service': 'web' } }] },
});

const identity = (name: string, metadata: Record<string, unknown>): NodeIdentity => ({ mesh: 'default', name, nodeId: `default.${name}`, metadata });
const carrying = (name: string, port = 8080) => identity(name, { 'dataplane.resource': JSON.stringify(document(name, port)), 'koguma.io/proxy-flavour': 'grpc' });
const key = (name: string) => ({ kind: 'Dataplane', mesh: 'default', name });

before(async () => {
  store = await createStore({ type: 'memory', indexTags: kindRegistry.indexTags });
  manager = new ResourceManager(store, kindRegistry);
  await manager.ensureDefaultMesh();
  lifecycle = new DataplaneLifecycle({
    manager,
    removalDelayMs: REMOVAL_DELAY_MS,
    logger: pino({ level: 'silent' }),
    engine: {
      connect: (proxy) => void connected.set(`${proxy.mesh}.${proxy.name}`, proxy),
      disconnect: (nodeId) => void connected.delete(nodeId),
    },
  });
});
after(async () => {
  lifecycle.stop();
  await store.close();
});

test('a proxy carrying its Dataplane registers it and is connected with its flavour', async () => {
  await lifecycle.open(carrying('web-1'));
  assert.ok(await store.get(key('web-1')));
  assert.deepEqual(connected.get('default.web-1'), { mesh: 'default', name: 'web-1', flavour: 'grpc' });
});

test('the Dataplane is removed a while after the last stream ends, not while another is open', async () => {
  await lifecycle.open(carrying('web-2'));
  await lifecycle.open(carrying('web-2'));
  lifecycle.close(carrying('web-2'));
  await sleep(REMOVAL_DELAY_MS * 3);
  assert.ok(await store.get(key('web-2')), 'one stream is still open');
  assert.ok(connected.has('default.web-2'));
  lifecycle.close(carrying('web-2'));
  assert.ok(!connected.has('default.web-2'));
  await sleep(REMOVAL_DELAY_MS * 3);
  assert.equal(await store.get(key('web-2')), undefined);
});

test('a proxy that reconnects within the delay keeps its Dataplane', async () => {
  await lifecycle.open(carrying('web-3'));
  lifecycle.close(carrying('web-3'));
  await lifecycle.open(carrying('web-3'));
  await sleep(REMOVAL_DELAY_MS * 3);
  assert.ok(await store.get(key('web-3')));
});

test('a Dataplane written again elsewhere meanwhile (another instance) is not removed', async () => {
  await lifecycle.open(carrying('web-4'));
  lifecycle.close(carrying('web-4'));
  await manager.put(document('web-4', 9090));
  await sleep(REMOVAL_DELAY_MS * 3);
  assert.ok(await store.get(key('web-4')));
});

test('indirect mode writes and removes nothing; an unknown flavour or an invalid Dataplane is refused', async () => {
  await manager.put(document('api-made'));
  await lifecycle.open(identity('api-made', {}));
  assert.equal(connected.get('default.api-made')?.flavour, 'envoy');
  lifecycle.close(identity('api-made', {}));
  await sleep(REMOVAL_DELAY_MS * 3);
  assert.ok(await store.get(key('api-made')));

  await assert.rejects(lifecycle.open(identity('odd', { 'koguma.io/proxy-flavour': 'nginx' })), (error: KogumaError) => {
    assert.deepEqual(error.invalidParameters, [{ field: 'node.metadata["koguma.io/proxy-flavour"]', reason: 'must be one of: envoy, grpc' }]);
    return true;
  });
  await assert.rejects(lifecycle.open(carrying('bad', 70000)), (error: KogumaError) => error.code === 'InvalidInput');
  assert.equal(await store.get(key('bad')), undefined);
});
