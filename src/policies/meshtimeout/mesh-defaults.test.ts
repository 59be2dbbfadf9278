/**
 * The timeout and retry policies every new mesh gets (manager/mesh-defaults.ts)
 * together on one proxy of each flavour: what a user sees before writing any
 * policy. Pinned as golden files so a change to the defaults or to either
 * plugin shows up in review.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { initialPolicyDrafts } from '../../manager/mesh-defaults.js';
import { TypeUrl } from '../../xds/resource-types.js';
import {
  assertPassesPgv,
  expectGolden,
  generateProxyConfig,
  goldenText,
  grpcDecoded,
  grpcRoute,
  resourceOf,
  srcPath,
  storedPolicy,
  threeProtocolProxy,
} from '../core/testkit/index.js';

// The circuit breaker default has its own plugin and tests; left out so these files change only with timeouts and retries.
const defaults = initialPolicyDrafts('default', ['MeshCircuitBreaker']).map((draft) =>
  storedPolicy(draft.kind, draft.name, draft.spec),
);
const testdata = srcPath('src/policies/meshtimeout/testdata');

test('a new mesh has a default MeshTimeout and MeshRetry named as Kuma names them', () => {
  assert.deepEqual(
    defaults.map((p) => `${p.kind}/${p.name}`),
    ['MeshTimeout/mesh-timeout-all-default', 'MeshRetry/mesh-retry-all-default'],
  );
});

test('envoy: with the mesh defaults an HTTP route has a 15s timeout and 5 retries of 16s each, within the route timeout', () => {
  const config = generateProxyConfig(threeProtocolProxy('envoy', defaults));
  const route = resourceOf(config, TypeUrl.RouteConfiguration, 'outbound:backend').virtualHosts[0].routes[0].route;
  assert.equal(route.timeout, '15s');
  assert.equal(route.retryPolicy.numRetries, 5);
  expectGolden(join(testdata, 'mesh-defaults-envoy.golden.json'), goldenText(config, { warningsFirst: true }));
  assertPassesPgv(config);
});

test('grpc: with the mesh defaults a proxyless call is bounded by 15s and retried on gRPC statuses', () => {
  const config = generateProxyConfig(threeProtocolProxy('grpc', defaults));
  const route = grpcRoute(config, 'greeter').virtual_hosts[0].routes[0].route;
  assert.deepEqual(route.max_stream_duration.max_stream_duration, { seconds: '15', nanos: 0 });
  assert.equal(route.retry_policy.retry_on, 'cancelled,resource-exhausted,unavailable');
  expectGolden(join(testdata, 'mesh-defaults-grpc.golden.json'), goldenText(config, { warningsFirst: true }));
  assertPassesPgv(config);
  for (const resource of config.resources) grpcDecoded(resource);
});
