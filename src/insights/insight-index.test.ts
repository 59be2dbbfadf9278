import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResourceDraft } from '../api/index.js';
import { createMemoryStore } from '../store/memory.js';
import type { ResourceStore } from '../store/index.js';
import { InsightIndex } from './insight-index.js';
import { meshInsightDocument, serviceInsightItems } from './insight-documents.js';

const mesh = (name: string): ResourceDraft => ({ kind: 'Mesh', mesh: '', name, labels: {}, spec: {} });
const dataplane = (m: string, name: string, service: string): ResourceDraft => ({
  kind: 'Dataplane',
  mesh: m,
  name,
  labels: {},
  spec: { networking: { address: '10.0.0.1', inbound: [{ port: 1, tags: { 'kuma.io/service': service } }] } },
});
const connected = (stored: unknown) => ({
  spec: {
    subscriptions: [
      ...(((stored as { spec?: { subscriptions?: unknown[] } })?.spec?.subscriptions ?? []) as unknown[]),
      { id: 's', controlPlaneInstanceId: 'cp', connectTime: new Date().toISOString(), status: {} },
    ],
  },
});
const policy = (m: string, name: string): ResourceDraft => ({
  kind: 'MeshTimeout',
  mesh: m,
  name,
  labels: {},
  spec: { targetRef: { kind: 'Mesh' } },
});
const kinds = [
  { name: 'Mesh', scope: 'Global' as const, isPolicy: false },
  { name: 'Dataplane', scope: 'Mesh' as const, isPolicy: false },
  { name: 'MeshTimeout', scope: 'Mesh' as const, isPolicy: true },
];

/** A store that counts the reads made through it. */
function counting(store: ResourceStore): { store: ResourceStore; reads: () => number } {
  let reads = 0;
  return {
    store: {
      ...store,
      get: (key) => ((reads += 1), store.get(key)),
      list: (query) => ((reads += 1), store.list(query)),
    },
    reads: () => reads,
  };
}

async function started(store: ResourceStore): Promise<InsightIndex> {
  const index = new InsightIndex({ store, kinds: kinds.map((k) => k.name) });
  await index.start();
  return index;
}

test('what is already stored is loaded; later changes are applied from their events', async () => {
  const store = createMemoryStore();
  await store.createAll([mesh('shop'), dataplane('shop', 'web-1', 'web'), policy('shop', 't1')]);
  const index = await started(store);
  assert.equal(index.mesh('shop')?.aggregate.dataplanes.total, 1);

  await store.create(dataplane('shop', 'web-2', 'web'));
  await store.writeRecords('DataplaneInsight', [{ mesh: 'shop', name: 'web-2' }], connected);
  await store.create(policy('shop', 't2'));
  await index.settled();
  const doc = meshInsightDocument('shop', index.mesh('shop')!, kinds) as Record<string, any>;
  assert.deepEqual(doc['dataplanes'], { total: 2, online: 1, offline: 1, partiallyDegraded: 0 });
  assert.deepEqual(doc['policies'], { MeshTimeout: { total: 2 } });
  assert.deepEqual(doc['resources'], { Dataplane: { total: 2 }, MeshTimeout: { total: 2 } });
  const [web] = serviceInsightItems('shop', index.mesh('shop')!);
  assert.deepEqual((web?.document as Record<string, unknown>)['dataplanes'], { total: 2, online: 1, offline: 1 });
  assert.equal((web?.document as Record<string, unknown>)['status'], 'partially_degraded');
  index.stop();
});

test('a change costs a bounded number of reads, however many dataplanes the mesh has', async () => {
  const inner = createMemoryStore();
  await inner.create(mesh('big'));
  await inner.createAll(Array.from({ length: 500 }, (_, i) => dataplane('big', `dp-${i}`, `svc-${i % 10}`)));
  const { store, reads } = counting(inner);
  const index = await started(store);
  const before = reads();
  await inner.writeRecords('DataplaneInsight', [{ mesh: 'big', name: 'dp-7' }], connected);
  await inner.create(policy('big', 'p'));
  await index.settled();
  assert.ok(reads() - before <= 2, `one insight and one policy change took ${reads() - before} reads`);
  assert.equal(index.mesh('big')?.aggregate.dataplanes.online, 1);
  index.stop();
});

test('a mesh deleted while its proxies change: its state goes at once, nothing fails, other meshes are untouched', async () => {
  const store = createMemoryStore();
  await store.createAll([mesh('a'), mesh('b'), dataplane('a', 'x', 'web'), dataplane('b', 'y', 'web')]);
  const index = await started(store);
  const writes = store.writeRecords('DataplaneInsight', [{ mesh: 'a', name: 'x' }], connected);
  await store.delete({ kind: 'Mesh', mesh: '', name: 'a' });
  await writes;
  await store.writeRecords('DataplaneInsight', [{ mesh: 'a', name: 'x' }], connected);
  await index.settled();
  assert.equal(index.mesh('a'), undefined);
  assert.equal(index.insightOf('a', 'x'), undefined);
  assert.deepEqual(index.meshNames(), ['b']);
  assert.equal(index.mesh('b')?.aggregate.dataplanes.total, 1);
  await store.create(mesh('a'));
  await index.settled();
  assert.equal(index.mesh('a')?.aggregate.dataplanes.total, 0, 'a mesh created again starts empty');
  index.stop();
});

test('a resync loads everything again', async () => {
  const inner = createMemoryStore();
  await inner.createAll([mesh('m'), dataplane('m', 'x', 'web')]);
  let emit: ((event: { op: 'resync'; seq: number }) => void) | undefined;
  const store: ResourceStore = {
    ...inner,
    watch: (listener) => {
      emit = listener;
      return inner.watch(listener);
    },
  };
  const index = await started(store);
  await inner.create(dataplane('m', 'y', 'web'));
  await index.settled();
  assert.equal(index.mesh('m')?.aggregate.dataplanes.total, 2);
  emit!({ op: 'resync', seq: 0 });
  await index.settled();
  assert.equal(index.mesh('m')?.aggregate.dataplanes.total, 2, 'the same after a reload: nothing counted twice');
  index.stop();
});
