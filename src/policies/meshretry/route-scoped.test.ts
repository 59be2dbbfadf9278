import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../api/resource.js';
import { TypeUrl } from '../../xds/resource-types.js';
import {
  assertPassesPgv,
  generateProxyConfig,
  grpcRoute,
  resourceOf,
  storedPolicy,
  threeProtocolProxy,
} from '../core/testkit/index.js';
import { defaultMeshRetrySpec } from './schema.js';

const meshDefault = storedPolicy('MeshRetry', 'mesh-retry-all-default', defaultMeshRetrySpec());

/** A MeshHTTPRoute from web to `service` for requests with the path prefix. */
const httpRoute = (name: string, service: string, prefix: string): Resource =>
  storedPolicy('MeshHTTPRoute', name, {
    to: [
      {
        targetRef: { kind: 'MeshService', name: service },
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: prefix } }], default: {} }],
      },
    ],
  });

const routeRetry = (name: string, route: string, conf: unknown) =>
  storedPolicy('MeshRetry', name, {
    targetRef: { kind: 'MeshHTTPRoute', name: route },
    to: [{ targetRef: { kind: 'Mesh' }, default: conf }],
  });

/** The retry policy of each route to `service`, by route name ('' for the catch-all). */
function retries(config: ReturnType<typeof generateProxyConfig>, service: string): Record<string, any> {
  const routes = resourceOf(config, TypeUrl.RouteConfiguration, `outbound:${service}`).virtualHosts[0].routes;
  return Object.fromEntries(routes.map((r: any) => [r.name ?? '', r.route.retryPolicy]));
}

test("envoy: a MeshRetry naming a MeshHTTPRoute sets that route's retries, merged over the destination's", () => {
  const payments = httpRoute('payments', 'backend', '/pay');
  const config = generateProxyConfig(
    threeProtocolProxy('envoy', [
      meshDefault,
      payments,
      routeRetry('payments-retry', 'payments', { http: { numRetries: 1, retryOn: ['503'] } }),
    ]),
  );
  const byRoute = retries(config, 'backend');
  assert.equal(byRoute['payments'].numRetries, 1);
  assert.equal(byRoute['payments'].retryOn, 'gateway-error,connect-failure,refused-stream,retriable-status-codes');
  assert.deepEqual(byRoute['payments'].retriableStatusCodes, [503]);
  assert.equal(byRoute['payments'].perTryTimeout, '16s', 'from the mesh default');
  assert.equal(byRoute[''].numRetries, 5, 'other requests keep the mesh default');
  assertPassesPgv(config);
});

test('envoy: numRetries 0 on a route turns retries off there only', () => {
  const payments = httpRoute('payments', 'backend', '/pay');
  const byRoute = retries(
    generateProxyConfig(
      threeProtocolProxy('envoy', [
        meshDefault,
        payments,
        routeRetry('no-retry', 'payments', { http: { numRetries: 0 } }),
      ]),
    ),
    'backend',
  );
  assert.equal(byRoute['payments'], undefined);
  assert.equal(byRoute[''].numRetries, 5);
});

test('grpc: a route-scoped MeshRetry reaches grpc-js-xds on that route only, with its warnings named after the route', () => {
  const slow = httpRoute('greeter-slow', 'greeter', '/pkg.Greeter');
  const config = generateProxyConfig(
    threeProtocolProxy('grpc', [
      slow,
      routeRetry('greeter-slow-retry', 'greeter-slow', {
        grpc: { numRetries: 2, retryOn: ['Unavailable'], perTryTimeout: '1s' },
      }),
    ]),
  );
  const decoded = grpcRoute(config, 'greeter').virtual_hosts[0].routes;
  assert.equal(decoded.length, 2);
  assert.equal(decoded[0].route.retry_policy.num_retries.value, 2);
  assert.equal(decoded[1].route.retry_policy, null, 'the catch-all has no retry policy');
  assert.deepEqual(config.warnings, [
    'MeshRetry: route greeter-slow to greeter: grpc.perTryTimeout not applied: grpc-js-xds has no per-attempt timeout',
  ]);
});
