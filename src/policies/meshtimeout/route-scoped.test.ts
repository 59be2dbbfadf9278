import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../api/resource.js';
import { TypeUrl } from '../../xds/resource-types.js';
import { defaultMeshTimeoutSpec } from './schema.js';
import {
  assertPassesPgv,
  expectIssues,
  expectValidAsGiven,
  generateProxyConfig,
  grpcDecoded,
  grpcRoute,
  policyDocument,
  resourceOf,
  srcPath,
  storedPolicy,
  testGoldenCases,
  threeProtocolProxy,
} from '../core/testkit/index.js';

const { RouteConfiguration } = TypeUrl;
const meshDefault = storedPolicy('MeshTimeout', 'mesh-timeout-all-default', defaultMeshTimeoutSpec());

/** A MeshHTTPRoute from web to backend sending `prefix` to backend itself. */
const httpRoute = (name: string, prefix: string, labels: Record<string, string> = {}): Resource => ({
  ...storedPolicy('MeshHTTPRoute', name, {
    to: [
      {
        targetRef: { kind: 'MeshService', name: 'backend' },
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: prefix } }], default: {} }],
      },
    ],
  }),
  labels,
});

/** A MeshTimeout for the requests of one MeshHTTPRoute. */
const routeTimeout = (name: string, targetRef: Record<string, unknown>, conf: unknown) =>
  storedPolicy('MeshTimeout', name, {
    targetRef: { kind: 'MeshHTTPRoute', ...targetRef },
    to: [{ targetRef: { kind: 'Mesh' }, default: conf }],
  });

/** The RouteAction of each route to `service`, by route name ('' for the catch-all). */
function actions(config: ReturnType<typeof generateProxyConfig>, service: string): Record<string, any> {
  const routes = resourceOf(config, RouteConfiguration, `outbound:${service}`).virtualHosts[0].routes;
  return Object.fromEntries(routes.map((r: any) => [r.name ?? '', r.route]));
}

const slow = httpRoute('slow-path', '/slow');
const slowTimeout = routeTimeout('slow-requests', { name: 'slow-path' }, { http: { requestTimeout: '1m' } });

test('envoy: a MeshTimeout naming a MeshHTTPRoute times that route only, over the destination conf', () => {
  const config = generateProxyConfig(threeProtocolProxy('envoy', [meshDefault, slow, slowTimeout]));
  const byRoute = actions(config, 'backend');
  assert.equal(byRoute['slow-path'].timeout, '60s');
  assert.equal(
    byRoute['slow-path'].idleTimeout,
    '1800s',
    'fields the route policy leaves out come from the destination conf',
  );
  assert.equal(byRoute[''].timeout, '15s', 'the rest of the traffic to backend keeps the mesh default');
  assert.equal(actions(config, 'greeter')[''].timeout, '15s');
  assert.deepEqual(config.warnings, []);
  assertPassesPgv(config);
});

test('envoy: a route-scoped MeshTimeout applies even with no MeshTimeout for the destination', () => {
  const byRoute = actions(generateProxyConfig(threeProtocolProxy('envoy', [slow, slowTimeout])), 'backend');
  assert.equal(byRoute['slow-path'].timeout, '60s');
  assert.equal(byRoute[''].timeout, undefined);
});

test('envoy: a MeshTimeout naming a route that does not select the proxy changes nothing', () => {
  const bare = generateProxyConfig(threeProtocolProxy('envoy', [meshDefault, slow]));
  const config = generateProxyConfig(
    threeProtocolProxy('envoy', [
      meshDefault,
      slow,
      routeTimeout('other', { name: 'other-route' }, { http: { requestTimeout: '1m' } }),
    ]),
  );
  assert.deepEqual(
    resourceOf(config, RouteConfiguration, 'outbound:backend'),
    resourceOf(bare, RouteConfiguration, 'outbound:backend'),
  );
});

test('envoy: a route-scoped MeshTimeout selects routes by labels, and among two the smaller name wins', () => {
  const labelled = httpRoute('reports', '/reports', { team: 'finance' });
  const byLabel = routeTimeout('b-finance', { labels: { team: 'finance' } }, { http: { requestTimeout: '2m' } });
  const byName = routeTimeout('a-reports', { name: 'reports' }, { http: { requestTimeout: '3m' } });
  const byRoute = actions(
    generateProxyConfig(threeProtocolProxy('envoy', [meshDefault, slow, labelled, byLabel, byName])),
    'backend',
  );
  assert.equal(byRoute['reports'].timeout, '180s');
  assert.equal(byRoute['slow-path'].timeout, '15s', 'the label selects one route of two');
});

test('envoy: rules merged from two MeshHTTPRoutes take the timeouts of policies naming either', () => {
  const twin = httpRoute('slow-twin', '/slow');
  const byRoute = actions(
    generateProxyConfig(threeProtocolProxy('envoy', [meshDefault, slow, twin, slowTimeout])),
    'backend',
  );
  const merged = Object.keys(byRoute).find((name) => name.split(',').includes('slow-path'));
  assert.ok(merged, `a route named after slow-path among ${Object.keys(byRoute)}`);
  assert.equal(byRoute[merged].timeout, '60s');
});

test("grpc: a route-scoped MeshTimeout bounds that route's calls by max_stream_duration, and grpc-js-xds reads it", () => {
  const grpcRouteTo = (name: string, method: string): Resource =>
    storedPolicy('MeshHTTPRoute', name, {
      to: [
        {
          targetRef: { kind: 'MeshService', name: 'greeter' },
          rules: [{ matches: [{ path: { type: 'Exact', value: method } }], default: {} }],
        },
      ],
    });
  const config = generateProxyConfig(
    threeProtocolProxy('grpc', [
      meshDefault,
      grpcRouteTo('slow-calls', '/pkg.Greeter/Slow'),
      routeTimeout('slow-calls-timeout', { name: 'slow-calls' }, { http: { requestTimeout: '200ms' } }),
    ]),
  );
  const byRoute = actions(config, 'greeter');
  assert.deepEqual(byRoute['slow-calls'].maxStreamDuration, { maxStreamDuration: '0.200s' });
  assert.deepEqual(byRoute[''].maxStreamDuration, { maxStreamDuration: '15s' });
  const decoded = grpcRoute(config, 'greeter').virtual_hosts[0].routes;
  assert.deepEqual(decoded[0].route.max_stream_duration.max_stream_duration, { seconds: '0', nanos: 200_000_000 });
  for (const resource of config.resources) grpcDecoded(resource);
});

test('validation: a route-scoped MeshTimeout has only to entries for the whole mesh', () => {
  const spec = {
    targetRef: { kind: 'MeshHTTPRoute', name: 'slow-path' },
    to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, default: {} }],
    from: [{ targetRef: { kind: 'Mesh' }, default: {} }],
    rules: [{ default: {} }],
  };
  const why =
    "must not be set when the top-level targetRef is a MeshHTTPRoute: the policy configures that route's requests only";
  expectIssues(policyDocument('MeshTimeout', spec, 'slow-requests'), [
    { field: 'spec.from', reason: why },
    { field: 'spec.rules', reason: why },
    {
      field: 'spec.to[0].targetRef.kind',
      reason: 'must be Mesh or MeshExternalService when the top-level targetRef is MeshHTTPRoute',
    },
  ]);
  expectValidAsGiven(
    policyDocument(
      'MeshTimeout',
      {
        targetRef: { kind: 'MeshHTTPRoute', name: 'slow-path' },
        to: [{ targetRef: { kind: 'Mesh' }, default: { http: { requestTimeout: '1m' } } }],
      },
      'slow-requests',
    ),
  );
});

testGoldenCases(srcPath('src/policies/meshtimeout/testdata'), {
  'route-scoped-envoy': threeProtocolProxy('envoy', [meshDefault, slow, slowTimeout]),
  'route-scoped-grpc': threeProtocolProxy('grpc', [meshDefault, slow, slowTimeout]),
});
