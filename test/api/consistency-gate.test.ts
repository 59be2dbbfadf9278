/**
 * The consistency gate end to end through the engine and the REST API: a
 * MeshProxyPatch removes the `backend` cluster that web-1's route still
 * sends to. web-1's snapshot is not replaced (it keeps the one it had), the
 * problem shows in its `_overview` and is logged once, web-2 (not patched)
 * keeps getting new configurations; a fixed policy is published and the
 * error is gone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { policyKindNames } from '../../src/cp/catalogue.js';
import { MeshEngine, type ProxySink } from '../../src/mesh/index.js';
import { controlPlaneBuild } from '../../src/xds/build/testing.js';
import type { Cluster } from '../../src/xds/envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import type { ClusterLoadAssignment } from '../../src/xds/envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { ProxyContext } from '../../src/xds/generate/index.js';
import { TypeUrl } from '../../src/xds/resource-types.js';
import { MemorySnapshotCache } from '../../src/xds/server/index.js';
import type { Snapshot } from '../../src/xds/snapshot.js';
import { ConsistencyGate, SnapshotPublisher } from '../../src/xds/sync/index.js';
import { startTestApi, type TestApi } from '../support/api.js';

const PROBLEM = 'route configuration outbound:backend routes to cluster backend, which is not in the snapshot';

const backendDataplane = (name: string, address: string) => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  networking: {
    address,
    inbound: [{ port: 8080, tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'http' } }],
  },
});

const webDataplane = (name: string, labels: Record<string, string>) => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  labels,
  networking: {
    address: '10.0.0.1',
    inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web', 'kuma.io/protocol': 'http' } }],
    outbound: [{ port: 10001, tags: { 'kuma.io/service': 'backend' } }],
  },
});

const proxyPatch = (modification: Record<string, unknown>) => ({
  type: 'MeshProxyPatch',
  mesh: 'default',
  name: 'tune-web-1',
  spec: {
    targetRef: { kind: 'Dataplane', labels: { patched: 'yes' } },
    default: { appendModifications: [{ cluster: modification }] },
  },
});
const removeBackend = proxyPatch({ match: { name: 'backend' }, operation: 'Remove' });
const tuneBackend = proxyPatch({ match: { name: 'backend' }, operation: 'Patch', value: 'connectTimeout: 9s\n' });

let api: TestApi;
let engine: MeshEngine;
const cache = new MemorySnapshotCache();
const logged: { level: string; fields: object; message: string }[] = [];
const gate = new ConsistencyGate({
  log: {
    error: (fields, message) => logged.push({ level: 'error', fields, message }),
    info: (fields, message) => logged.push({ level: 'info', fields, message }),
  },
});
const publisher = new SnapshotPublisher(cache, controlPlaneBuild(), gate);

/** Resolvers waiting for a proxy's next build, by node id. */
const waiting = new Map<string, () => void>();
const sink: ProxySink = {
  update(nodeId: string, context: ProxyContext | undefined) {
    publisher.update(nodeId, context);
    waiting.get(nodeId)?.();
    waiting.delete(nodeId);
  },
  disconnected: (nodeId) => publisher.disconnected(nodeId),
};

/** Makes a change through the API and resolves once every given proxy was built after it. */
async function change(nodeIds: readonly string[], write: () => Promise<void>): Promise<void> {
  const built = nodeIds.map((nodeId) => new Promise<void>((resolve) => waiting.set(nodeId, resolve)));
  await write();
  await Promise.all(built);
}

async function put(document: { type: string; mesh: string; name: string }): Promise<void> {
  const plural = document.type === 'Dataplane' ? 'dataplanes' : 'meshproxypatches';
  const response = await api.app.inject({
    method: 'PUT',
    url: `/meshes/${document.mesh}/${plural}/${document.name}`,
    payload: document,
  });
  assert.ok(response.statusCode < 300, response.body);
}

async function overview(name: string): Promise<Record<string, any>> {
  const response = await api.app.inject({ method: 'GET', url: `/meshes/default/dataplanes/${name}/_overview` });
  assert.equal(response.statusCode, 200, response.body);
  // Kuma leaves the insight out of an overview of a proxy that never connected.
  return response.json().dataplaneInsight ?? {};
}

const snapshotOf = (name: string): Snapshot => {
  const snapshot = cache.get(`default.${name}`);
  assert.ok(snapshot, `${name} has a snapshot`);
  return snapshot;
};
const endpointCount = (snapshot: Snapshot): number =>
  (
    snapshot.resources.get(TypeUrl.ClusterLoadAssignment)!.get('backend')!.message as ClusterLoadAssignment
  ).endpoints.reduce((n, l) => n + l.lbEndpoints.length, 0);

before(async () => {
  api = await startTestApi({ inspection: { status: { get: () => undefined }, snapshots: cache, consistency: gate } });
  await put(backendDataplane('backend-1', '10.0.1.1'));
  await put(webDataplane('web-1', { patched: 'yes' }));
  await put(webDataplane('web-2', {}));
  engine = new MeshEngine({
    store: api.store,
    sink,
    debounceMs: 1,
    logger: pino({ level: 'silent' }),
    policyKinds: policyKindNames,
  });
  await engine.start();
  await engine.connect({ mesh: 'default', name: 'web-1', flavour: 'envoy' });
  await engine.connect({ mesh: 'default', name: 'web-2', flavour: 'envoy' });
});

after(async () => {
  await engine.stop();
  await api.close();
});

test('a patch that leaves a route without its cluster is not served: the proxy keeps its snapshot, the overview says why', async () => {
  const before = snapshotOf('web-1');
  assert.ok(before.resources.get(TypeUrl.Cluster)!.has('backend'));
  assert.equal((await overview('web-1'))['consistencyError'], undefined);

  await change(['default.web-1'], () => put(removeBackend));
  assert.equal(snapshotOf('web-1'), before, 'the cache still holds the last good snapshot');
  const insight = await overview('web-1');
  assert.deepEqual(insight['consistencyError'].problems, [PROBLEM]);
  assert.equal(
    insight['consistencyError'].error,
    'configuration not published, the proxy keeps its last one: 1 reference does not resolve',
  );
  assert.ok(!Number.isNaN(Date.parse(insight['consistencyError'].time)));
  assert.equal((await overview('web-2'))['consistencyError'], undefined, 'web-2 is not patched');
  assert.deepEqual(logged, [
    {
      level: 'error',
      fields: { nodeId: 'default.web-1', problems: [PROBLEM] },
      message: `configuration of default.web-1 not published, the proxy keeps its last one: ${PROBLEM}`,
    },
  ]);
});

test('while web-1 is held back, a change both proxies see reaches web-2 only, and the same problem is not logged again', async () => {
  const heldWeb1 = snapshotOf('web-1');
  const lastWeb2 = snapshotOf('web-2');
  await change(['default.web-1', 'default.web-2'], () => put(backendDataplane('backend-2', '10.0.1.2')));
  assert.equal(snapshotOf('web-1'), heldWeb1);
  assert.equal(endpointCount(snapshotOf('web-1')), 1);
  assert.notEqual(snapshotOf('web-2'), lastWeb2);
  assert.equal(endpointCount(snapshotOf('web-2')), 2, 'web-2 gets the new endpoint');
  assert.deepEqual((await overview('web-1'))['consistencyError'].problems, [PROBLEM]);
  assert.equal(logged.length, 1);
});

test('a fixed policy is published and the error clears', async () => {
  const held = snapshotOf('web-1');
  await change(['default.web-1'], () => put(tuneBackend));
  const published = snapshotOf('web-1');
  assert.notEqual(published, held);
  assert.equal(
    (published.resources.get(TypeUrl.Cluster)!.get('backend')!.message as Cluster).connectTimeout?.seconds,
    9n,
  );
  assert.equal(endpointCount(published), 2, 'with everything that changed meanwhile');
  assert.equal((await overview('web-1'))['consistencyError'], undefined);
  assert.deepEqual(logged.at(-1), {
    level: 'info',
    fields: { nodeId: 'default.web-1' },
    message: 'the configuration of default.web-1 is consistent again and published',
  });
});
