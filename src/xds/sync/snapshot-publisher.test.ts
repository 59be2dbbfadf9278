import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProxyContext } from '../generate/index.js';
import { TypeUrl } from '../resource-types.js';
import { MemorySnapshotCache } from '../server/index.js';
import { controlPlaneBuild } from '../build/testing.js';
import { SnapshotPublisher } from './snapshot-publisher.js';

const backend = {
  service: 'backend',
  protocol: 'grpc' as const,
  endpoints: [{ address: '10.0.0.2', port: 8080, zone: '', tags: { 'kuma.io/service': 'backend' } }],
};

function client(name: string): ProxyContext {
  return {
    mesh: 'default',
    name,
    flavour: 'grpc',
    address: '10.0.0.1',
    inbounds: [],
    outbounds: [{ address: '127.0.0.1', port: 10000, service: 'backend' }],
    destinations: new Map([['backend', backend]]),
  };
}

test('proxies that share a destination share its encoded resources as one object', () => {
  const cache = new MemorySnapshotCache();
  const publisher = new SnapshotPublisher(cache, controlPlaneBuild());
  publisher.update('default.web-1', client('web-1'));
  publisher.update('default.web-2', client('web-2'));
  const a = cache.get('default.web-1')!;
  const b = cache.get('default.web-2')!;
  const clusterA = a.resources.get(TypeUrl.Cluster)!.get('backend')!;
  assert.equal(b.resources.get(TypeUrl.Cluster)!.get('backend'), clusterA, 'the same EncodedResource object');
  assert.equal(a.versions.get(TypeUrl.Cluster), b.versions.get(TypeUrl.Cluster));
  assert.equal(a.resources.get(TypeUrl.Listener)!.has('backend'), true);
});

test('a proxy without a Dataplane is cleared from the cache', () => {
  const cache = new MemorySnapshotCache();
  const publisher = new SnapshotPublisher(cache, controlPlaneBuild());
  publisher.update('default.web-1', client('web-1'));
  publisher.update('default.web-1', undefined);
  assert.equal(cache.get('default.web-1'), undefined);
});

test('in an mTLS mesh nothing is published until the mesh CA is loaded and the proxy has a certificate; then the Secrets come with it', async () => {
  const { pino } = await import('pino');
  const { createMemoryStore } = await import('../../store/memory.js');
  const { MeshSecurityRegistry } = await import('../../mtls/mesh-security.js');
  const { createIssuanceLimiter } = await import('../../mtls/index.js');
  const { WorkloadIdentities } = await import('./workload-identities.js');
  const logger = pino({ level: 'silent' });
  const store = createMemoryStore();
  await store.create({ kind: 'Mesh', mesh: '', name: 'default', labels: {}, spec: {} });
  const rebuilds: string[] = [];
  const meshes = new MeshSecurityRegistry({
    store,
    switchDelayMs: 1_000,
    onChange: (mesh) => rebuilds.push(`mesh ${mesh}`),
    logger,
  });
  const identities = new WorkloadIdentities({
    limiter: createIssuanceLimiter(),
    onIssued: (nodeId) => rebuilds.push(nodeId),
    logger,
  });
  const cache = new MemorySnapshotCache();
  const publisher = new SnapshotPublisher(cache, controlPlaneBuild({ meshes, identities }));
  const proxy: ProxyContext = {
    ...client('web-1'),
    inbounds: [
      {
        address: '10.0.0.1',
        port: 8080,
        serviceAddress: '127.0.0.1',
        servicePort: 8080,
        service: 'web',
        protocol: 'grpc',
        tags: { 'kuma.io/service': 'web' },
      },
    ],
  };

  publisher.update('default.web-1', proxy);
  assert.equal(cache.get('default.web-1'), undefined, 'the mesh CA is not loaded yet');

  await meshes.meshChanged('default', true, {
    mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] },
  });
  publisher.update('default.web-1', proxy);
  assert.equal(cache.get('default.web-1'), undefined, 'no certificate yet');
  for (let i = 0; i < 200 && !rebuilds.includes('default.web-1'); i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(rebuilds.includes('default.web-1'), 'the issuer asks for a rebuild');

  publisher.update('default.web-1', proxy);
  const snapshot = cache.get('default.web-1');
  assert.ok(snapshot);
  assert.deepEqual([...snapshot.resources.get(TypeUrl.Secret)!.keys()].sort(), [
    'identity_cert:secret:default',
    'mesh_ca:secret:default',
  ]);
  const cluster = snapshot.resources.get(TypeUrl.Cluster)!.get('backend')!.message as {
    transportSocket?: { name: string };
  };
  assert.equal(cluster.transportSocket?.name, 'envoy.transport_sockets.tls');
  identities.close();
  meshes.close();
});
