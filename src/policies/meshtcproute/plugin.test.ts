import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import {
  TcpProxySchema,
  type TcpProxy,
} from '../../xds/envoy/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js';
import { assertConsistent } from '../../xds/generate/testing/consistency.js';
import type { ProxyResources } from '../../xds/generate/resources.js';
import {
  assertResourcesPassPgv,
  backendSubset,
  clustersOf,
  encodeProxyResources,
  expectGolden,
  frontendProxy,
  jsonText,
  resourceJson,
  routesOf,
  runPlugin,
  srcPath,
  storedPolicy,
} from '../core/testkit/index.js';
import { meshTcpRoutePlugin } from './plugin.js';

const testdata = srcPath('src/policies/meshtcproute/testdata');

/** A MeshTCPRoute from `frontend` to `backend` with these backendRefs. */
const tcpRoute = (name: string, backendRefs: unknown[]) =>
  storedPolicy('MeshTCPRoute', name, {
    targetRef: { kind: 'MeshService', name: 'frontend' },
    to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, rules: [{ default: { backendRefs } }] }],
  });

const split9010 = tcpRoute('split', [backendSubset('v1', 90), backendSubset('v2', 10)]);

function outboundTcpProxy(resources: ProxyResources): TcpProxy {
  const listener = resources.listeners.find((l) => l.name === 'outbound:127.0.0.1:10001');
  const filter = listener?.filterChains[0]?.filters[0];
  assert.ok(filter?.configType.case === 'typedConfig');
  const tcpProxy = anyUnpack(filter.configType.value, TcpProxySchema);
  assert.ok(tcpProxy);
  return tcpProxy;
}

const weightsOf = (tcpProxy: TcpProxy): [string, number][] => {
  const specifier = tcpProxy.clusterSpecifier;
  if (specifier.case === 'cluster') return [[specifier.value, 1]];
  assert.equal(specifier.case, 'weightedClusters');
  return specifier.value.clusters.map((c) => [c.name, c.weight]);
};

test('a 90/10 split becomes tcp_proxy weighted clusters over two subset clusters', () => {
  const { resources, warnings } = runPlugin(
    meshTcpRoutePlugin,
    frontendProxy('envoy', [split9010], { protocol: 'tcp' }),
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(weightsOf(outboundTcpProxy(resources)), [
    ['backend_version_v1', 90],
    ['backend_version_v2', 10],
  ]);
  assert.deepEqual(
    resources.clusters.map((c) => c.name),
    ['backend', 'backend_version_v1', 'backend_version_v2'],
  );
  const v2 = resources.loadAssignments.find((a) => a.clusterName === 'backend_version_v2');
  assert.equal(v2?.endpoints.flatMap((l) => l.lbEndpoints).length, 1);
});

test('every generated message passes the PGV rules, with and without mTLS', () => {
  for (const mtls of [false, true])
    assertResourcesPassPgv(
      runPlugin(meshTcpRoutePlugin, frontendProxy('envoy', [split9010], { protocol: 'tcp', mtls })).resources,
    );
});

test('one backend left is named as the single cluster; a zero weight sends nothing', () => {
  const policy = tcpRoute('all-v2', [backendSubset('v1', 0), backendSubset('v2')]);
  const { resources } = runPlugin(meshTcpRoutePlugin, frontendProxy('envoy', [policy], { protocol: 'tcp' }));
  assert.deepEqual(weightsOf(outboundTcpProxy(resources)), [['backend_version_v2', 1]]);
  assert.ok(!resources.clusters.some((c) => c.name === 'backend_version_v1'));
});

test('the higher priority MeshTCPRoute decides the backends (lists are replaced, not merged)', () => {
  // Equal in everything but the name: the alphabetically smaller name has the higher priority.
  const { resources } = runPlugin(
    meshTcpRoutePlugin,
    frontendProxy('envoy', [tcpRoute('b-low', [backendSubset('v1')]), tcpRoute('a-high', [backendSubset('v2')])], {
      protocol: 'tcp',
    }),
  );
  assert.deepEqual(weightsOf(outboundTcpProxy(resources)), [['backend_version_v2', 1]]);
});

test('an HTTP destination keeps its connection manager and splits each request on its catch-all route', () => {
  const { base, resources, warnings } = runPlugin(
    meshTcpRoutePlugin,
    frontendProxy('envoy', [split9010], { protocol: 'http' }),
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(resources.listeners, base.listeners);
  assertResourcesPassPgv(resources);
  const routes = routesOf(resources);
  assert.equal(routes.length, 1);
  assert.deepEqual(clustersOf(routes[0]), [
    ['backend_version_v1', 90],
    ['backend_version_v2', 10],
  ]);
});

test('a MeshHTTPRoute on the same HTTP destination takes precedence: the MeshTCPRoute is reported and left out', () => {
  const httpRoute = storedPolicy('MeshHTTPRoute', 'http', {
    targetRef: { kind: 'Mesh' },
    to: [
      {
        targetRef: { kind: 'MeshService', name: 'backend' },
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/a' } }], default: {} }],
      },
    ],
  });
  const { base, resources, warnings } = runPlugin(
    meshTcpRoutePlugin,
    frontendProxy('envoy', [split9010, httpRoute], { protocol: 'http' }),
  );
  assert.deepEqual(resources.routeConfigurations, base.routeConfigurations);
  assert.deepEqual(resources.clusters, base.clusters, 'no subset cluster for a route not applied');
  assert.deepEqual(warnings, [
    'route split to backend: not applied: a MeshHTTPRoute routes backend and takes precedence',
  ]);
});

test('grpc: a MeshTCPRoute is ignored with a warning: proxyless gRPC has no TCP routing', () => {
  const { base, resources, warnings } = runPlugin(meshTcpRoutePlugin, frontendProxy('grpc', [split9010]));
  assert.equal(resources, base);
  assert.deepEqual(warnings, ['route split to backend not applied: proxyless gRPC has no TCP routing']);
});

test('split.envoy: the routed resources pass the consistency gate and equal their golden file', () => {
  const { resources } = runPlugin(
    meshTcpRoutePlugin,
    frontendProxy('envoy', [split9010], { protocol: 'tcp', mtls: true }),
  );
  assertConsistent(encodeProxyResources(resources));
  const relevant = encodeProxyResources(resources).filter((r) => !r.typeUrl.endsWith('Secret'));
  expectGolden(join(testdata, 'split.envoy.golden.json'), jsonText(relevant.map(resourceJson)));
});
