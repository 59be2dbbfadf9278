import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import type { FilterChain } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import { HttpConnectionManagerSchema } from '../../xds/envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { generateEnvoyResources, generateGrpcResources } from '../../xds/generate/index.js';
import type { ProxyContext } from '../../xds/generate/proxy-context.js';
import type { ProxyResources } from '../../xds/generate/resources.js';
import { readCase } from '../../xds/generate/testing/cases.js';
import type { MatchedPolicy } from '../core/match.js';
import { matchedOn } from '../core/testkit/policies.js';
import { meshTrafficPermissionPlugin } from './plugin.js';
import { mtp } from './testing.js';

const allowAll = mtp('allow-all', {
  targetRef: { kind: 'Mesh' },
  from: [{ targetRef: { kind: 'Mesh' }, default: { action: 'Allow' } }],
});

function applied(ctx: ProxyContext, matched: readonly MatchedPolicy[], base?: ProxyResources): ProxyResources {
  const resources = base ?? (ctx.flavour === 'grpc' ? generateGrpcResources(ctx) : generateEnvoyResources(ctx));
  return meshTrafficPermissionPlugin.apply(resources, { proxy: ctx, matched, warn: assert.fail });
}

/** The names of a chain's network filters, and of the HTTP filters of its connection manager. */
function filterNames(chain: FilterChain): string[] {
  return chain.filters.flatMap((filter) => {
    if (filter.configType.case !== 'typedConfig') return [filter.name];
    const hcm = anyUnpack(filter.configType.value, HttpConnectionManagerSchema);
    return hcm ? [filter.name, ...hcm.httpFilters.map((http) => `  ${http.name}`)] : [filter.name];
  });
}

const inboundChains = (resources: ProxyResources): FilterChain[] =>
  resources.listeners.find((l) => l.name.startsWith('inbound:'))!.filterChains;

test('under mesh mTLS with no MeshTrafficPermission the plugin still guards every inbound: nobody may call', () => {
  assert.equal(meshTrafficPermissionPlugin.appliesWithoutPolicies, true);
  const [chain] = inboundChains(applied(readCase('mtls-strict-http'), []));
  assert.deepEqual(filterNames(chain!), [
    'envoy.filters.network.http_connection_manager',
    '  envoy.filters.http.rbac',
    '  envoy.filters.http.router',
  ]);
});

test('PERMISSIVE: the TLS chain gets network RBAC first, the plaintext chain none', () => {
  const [tls, plaintext] = inboundChains(applied(readCase('mtls-permissive-tcp'), []));
  assert.deepEqual(filterNames(tls!), ['envoy.filters.network.rbac', 'envoy.filters.network.tcp_proxy']);
  assert.deepEqual(filterNames(plaintext!), ['envoy.filters.network.tcp_proxy']);
});

test('a proxyless gRPC server under mTLS gets the HTTP RBAC filter in its connection manager', () => {
  const resources = applied(readCase('mtls-grpc-server'), []);
  const server = resources.listeners.find((l) => l.name.startsWith('grpc/server'))!;
  assert.deepEqual(filterNames(server.filterChains[0]!), [
    'envoy.filters.network.http_connection_manager',
    '  envoy.filters.http.rbac',
    '  envoy.filters.http.router',
  ]);
});

test('without mesh mTLS nothing changes, whatever the permissions', () => {
  const ctx = readCase('http-inbound-outbound');
  const base = generateEnvoyResources(ctx);
  assert.equal(applied(ctx, matchedOn([0], allowAll), base), base);
});

test('equal rules from different matched lists give the same listener copy: a rebuild reuses it and its encoding', () => {
  const ctx = readCase('mtls-strict-http');
  const base = generateEnvoyResources(ctx);
  const first = applied(ctx, matchedOn([0], allowAll), base);
  const again = applied(ctx, matchedOn([0], allowAll), base);
  const inbound = (resources: ProxyResources) => resources.listeners.find((l) => l.name.startsWith('inbound:'));
  assert.equal(inbound(again), inbound(first));
  assert.notEqual(inbound(applied(ctx, [], base)), inbound(first), 'other rules, another copy');
});
