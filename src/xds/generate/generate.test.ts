/**
 * Properties of the base generators that golden files show only by example:
 * determinism, independence from input order, and the promises other
 * components rely on (names, router last, shared resources).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import { TypeUrl } from '../resource-types.js';
import type { EncodedResource } from '../snapshot.js';
import { HttpConnectionManagerSchema } from '../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import type { Listener } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { generateProxyResources } from '../build/testing.js';
import { generateEnvoyResources, ROUTER_FILTER_NAME } from './index.js';
import type { ProxyContext } from './proxy-context.js';
import { caseNames, readCase } from './testing/cases.js';

const versions = (resources: EncodedResource[]): string[] =>
  resources.map((r) => `${r.typeUrl} ${r.name} ${r.version}`);

/** The same proxy with every list and map in reverse order. */
function reversed(ctx: ProxyContext): ProxyContext {
  return {
    ...ctx,
    inbounds: [...ctx.inbounds].reverse(),
    outbounds: [...ctx.outbounds].reverse(),
    destinations: new Map(
      [...ctx.destinations.entries()]
        .reverse()
        .map(([service, d]) => [service, { ...d, endpoints: [...d.endpoints].reverse() }]),
    ),
  };
}

test('identical contexts give identical bytes', () => {
  for (const name of caseNames()) {
    assert.deepEqual(
      versions(generateProxyResources(readCase(name))),
      versions(generateProxyResources(readCase(name))),
      name,
    );
  }
});

test('the order of inbounds, outbounds, destinations and endpoints does not change the output', () => {
  for (const name of caseNames()) {
    const ctx = readCase(name);
    assert.deepEqual(versions(generateProxyResources(reversed(ctx))), versions(generateProxyResources(ctx)), name);
  }
});

test('every HTTP connection manager ends with the router filter, and has it once', () => {
  for (const name of caseNames()) {
    const listeners = generateProxyResources(readCase(name)).filter((r) => r.typeUrl === TypeUrl.Listener);
    for (const { message } of listeners) {
      const listener = message as Listener;
      const packed = [
        ...listener.filterChains.flatMap((chain) =>
          chain.filters.map((f) => (f.configType.case === 'typedConfig' ? f.configType.value : undefined)),
        ),
        listener.apiListener?.apiListener,
      ];
      for (const any of packed) {
        const hcm = any && anyUnpack(any, HttpConnectionManagerSchema);
        if (!hcm) continue;
        const names = hcm.httpFilters.map((f) => f.name);
        assert.equal(names.at(-1), ROUTER_FILTER_NAME, `${name} ${listener.name}`);
        assert.equal(names.filter((n) => n === ROUTER_FILTER_NAME).length, 1, `${name} ${listener.name}`);
      }
    }
  }
});

test('an outbound whose service has no destination gets an empty cluster, not a dangling name', () => {
  const ctx: ProxyContext = { ...readCase('tcp-inbound-outbound'), destinations: new Map() };
  const resources = generateEnvoyResources(ctx);
  assert.deepEqual(
    resources.clusters.map((c) => c.name),
    ['localhost:16379', 'postgres'],
  );
  assert.deepEqual(
    resources.loadAssignments.map((a) => [a.clusterName, a.endpoints.length]),
    [['postgres', 0]],
  );
});

test('localities are one per zone, sorted, each weighted by its endpoint count', () => {
  const [assignment] = generateEnvoyResources(readCase('grpc-service-two-zones')).loadAssignments;
  assert.deepEqual(
    assignment?.endpoints.map((l) => [l.locality?.zone, l.loadBalancingWeight, l.lbEndpoints.length]),
    [
      ['east', 2, 2],
      ['west', 1, 1],
    ],
  );
});

test('endpoints that are not IP addresses are left out and repeated ones kept once', () => {
  const [assignment] = generateEnvoyResources(readCase('endpoint-guards')).loadAssignments;
  const addresses = assignment?.endpoints.flatMap((l) =>
    l.lbEndpoints.map((e) =>
      e.hostIdentifier.case === 'endpoint' ? e.hostIdentifier.value.address?.address.value : undefined,
    ),
  );
  assert.deepEqual(
    addresses?.map((a) => (a && 'address' in a ? a.address : a)),
    ['fd00::2', 'fd00::3'],
  );
});

test('an IPv6 listener name brackets the address', () => {
  const names = generateEnvoyResources(readCase('endpoint-guards')).listeners.map((l) => l.name);
  assert.deepEqual(names, ['inbound:[fd00::10]:8080', 'outbound:[::1]:10003']);
});

test('a gRPC client and a sidecar reaching the same destination share its route configuration and endpoints', () => {
  const grpcCtx = readCase('grpc-client-two-destinations');
  const envoyCtx: ProxyContext = {
    ...grpcCtx,
    flavour: 'envoy',
    outbounds: grpcCtx.outbounds.map((o, i) => ({ ...o, port: 10000 + i })),
  };
  const shared = (ctx: ProxyContext) =>
    versions(
      generateProxyResources(ctx).filter(
        (r) => r.typeUrl === TypeUrl.RouteConfiguration || r.typeUrl === TypeUrl.ClusterLoadAssignment,
      ),
    );
  assert.deepEqual(shared(grpcCtx), shared(envoyCtx));
});

test('proxies consuming the same destination object share its encoded resources; a changed destination is built anew', () => {
  const base = readCase('grpc-client-two-destinations');
  const sidecar = (name: string, destinations: ProxyContext['destinations']): ProxyContext => ({
    ...base,
    name,
    flavour: 'envoy',
    destinations,
    outbounds: base.outbounds.map((o, i) => ({ ...o, port: 10000 + i })),
  });
  const perDestination = (ctx: ProxyContext) =>
    generateProxyResources(ctx).filter(
      (r) =>
        r.typeUrl === TypeUrl.Cluster ||
        r.typeUrl === TypeUrl.ClusterLoadAssignment ||
        r.typeUrl === TypeUrl.RouteConfiguration,
    );
  const first = perDestination(sidecar('a', base.destinations));
  const second = perDestination(sidecar('b', base.destinations));
  assert.ok(first.length > 0);
  assert.equal(first.length, second.length);
  first.forEach((resource, i) =>
    assert.equal(second[i], resource, `${resource.typeUrl} ${resource.name} is one object`),
  );

  // A copy of the same destinations (what MeshView hands out after a change) is rebuilt: equal content, new objects.
  const copied = new Map([...base.destinations].map(([service, d]) => [service, { ...d }]));
  const rebuilt = perDestination(sidecar('c', copied));
  assert.deepEqual(
    rebuilt.map((r) => r.version),
    first.map((r) => r.version),
  );
  rebuilt.forEach((resource, i) => assert.notEqual(resource, first[i]));
});
