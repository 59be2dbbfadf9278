import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProxyContext } from '../generate/index.js';
import { TypeUrl } from '../resource-types.js';
import { MemorySnapshotCache } from '../server/index.js';
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
  const publisher = new SnapshotPublisher(cache);
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
  const publisher = new SnapshotPublisher(cache);
  publisher.update('default.web-1', client('web-1'));
  publisher.update('default.web-1', undefined);
  assert.equal(cache.get('default.web-1'), undefined);
});
