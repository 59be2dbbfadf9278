import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TypeUrl } from '../../xds/resource-types.js';
import { defaultMeshTimeoutSpec } from './schema.js';
import {
  assertPassesPgv,
  generateProxyConfig,
  grpcDecoded,
  grpcRoute,
  INBOUND,
  OUTBOUND,
  resourceOf,
  srcPath,
  storedPolicy,
  testGoldenCases,
  threeProtocolProxy,
} from '../core/testkit/index.js';

const { Listener, RouteConfiguration, Cluster } = TypeUrl;
const meshDefault = storedPolicy('MeshTimeout', 'mesh-timeout-all-default', defaultMeshTimeoutSpec());
const timeout = (name: string, spec: Record<string, unknown>) => storedPolicy('MeshTimeout', name, spec);
const toBackend = (conf: unknown) =>
  timeout('backend-timeouts', { to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, default: conf }] });

/** The typed config of the first network filter of the listener's first chain. */
const firstFilter = (listener: any) => listener.filterChains[0].filters[0].typedConfig;
const firstRoute = (routeConfig: any) => routeConfig.virtualHosts[0].routes[0].route;

test('envoy: the default MeshTimeout bounds connects, idle connections, streams and requests, outbound and inbound', () => {
  const config = generateProxyConfig(threeProtocolProxy('envoy', [meshDefault]));
  assert.deepEqual(config.warnings, []);
  for (const cluster of ['backend', 'db', 'greeter', 'localhost:8081'])
    assert.equal(resourceOf(config, Cluster, cluster).connectTimeout, '5s', cluster);
  const outboundHcm = firstFilter(resourceOf(config, Listener, OUTBOUND.backend));
  assert.deepEqual(outboundHcm.commonHttpProtocolOptions, { idleTimeout: '3600s' });
  assert.equal(outboundHcm.streamIdleTimeout, '1800s');
  assert.deepEqual(firstRoute(resourceOf(config, RouteConfiguration, 'outbound:backend')), {
    cluster: 'backend',
    timeout: '15s',
    idleTimeout: '1800s',
  });
  assert.equal(firstFilter(resourceOf(config, Listener, OUTBOUND.db)).idleTimeout, '3600s');
  const inboundHcm = firstFilter(resourceOf(config, Listener, INBOUND));
  assert.equal(inboundHcm.streamIdleTimeout, '1800s');
  assert.equal(firstRoute(inboundHcm.routeConfig).timeout, '15s');
  assertPassesPgv(config);
});

test('envoy: a to entry naming the destination overrides the mesh default for that destination only', () => {
  const config = generateProxyConfig(
    threeProtocolProxy('envoy', [meshDefault, toBackend({ http: { requestTimeout: '2s', maxStreamDuration: '1m' } })]),
  );
  const backend = firstRoute(resourceOf(config, RouteConfiguration, 'outbound:backend'));
  assert.equal(backend.timeout, '2s');
  assert.equal(backend.idleTimeout, '1800s', 'fields the override leaves out come from the mesh default');
  assert.deepEqual(backend.maxStreamDuration, { maxStreamDuration: '60s' });
  assert.equal(firstRoute(resourceOf(config, RouteConfiguration, 'outbound:greeter')).timeout, '15s');
  assertPassesPgv(config);
});

test('envoy: rules override from for every request an inbound receives, HCM and inline routes alike', () => {
  const inbound = timeout('inbound-rules', {
    rules: [
      {
        default: {
          idleTimeout: '10m',
          http: { requestTimeout: '3s', requestHeadersTimeout: '500ms', maxConnectionDuration: '2h' },
        },
      },
    ],
  });
  const hcm = firstFilter(
    resourceOf(generateProxyConfig(threeProtocolProxy('envoy', [meshDefault, inbound])), Listener, INBOUND),
  );
  assert.deepEqual(hcm.commonHttpProtocolOptions, { idleTimeout: '600s', maxConnectionDuration: '7200s' });
  assert.equal(hcm.requestHeadersTimeout, '0.500s');
  assert.equal(firstRoute(hcm.routeConfig).timeout, '3s');
});

test('envoy: a policy only on inbound traffic leaves outbound resources as generated', () => {
  const bare = generateProxyConfig(threeProtocolProxy('envoy', []));
  const config = generateProxyConfig(
    threeProtocolProxy('envoy', [
      timeout('inbound-only', { from: [{ targetRef: { kind: 'Mesh' }, default: { connectionTimeout: '1s' } }] }),
    ]),
  );
  for (const type of [Listener, RouteConfiguration, Cluster])
    for (const r of bare.resources.filter(
      (r) => r.typeUrl === type && !r.name.startsWith('inbound') && !r.name.startsWith('localhost'),
    ))
      assert.deepEqual(resourceOf(config, type, r.name), resourceOf(bare, type, r.name), r.name);
  assert.equal(resourceOf(config, Cluster, 'localhost:8081').connectTimeout, '1s');
});

test('envoy: a connectionTimeout of 0s is left out with a warning rather than NACKed', () => {
  const config = generateProxyConfig(threeProtocolProxy('envoy', [toBackend({ connectionTimeout: '0s' })]));
  assert.equal(resourceOf(config, Cluster, 'backend').connectTimeout, undefined);
  assert.deepEqual(config.warnings, [
    'MeshTimeout: to backend: connectionTimeout 0s not applied: Envoy requires a connect timeout greater than 0',
  ]);
  assertPassesPgv(config);
});

test('envoy: a generated message shared with other proxies is never changed in place', () => {
  const bare = generateProxyConfig(threeProtocolProxy('envoy', []));
  const before = resourceOf(bare, RouteConfiguration, 'outbound:backend');
  generateProxyConfig(threeProtocolProxy('envoy', [meshDefault]));
  assert.deepEqual(
    resourceOf(generateProxyConfig(threeProtocolProxy('envoy', [])), RouteConfiguration, 'outbound:backend'),
    before,
  );
});

const grpcCases: readonly [string, unknown, string | undefined][] = [
  ['requestTimeout bounds the call', { http: { requestTimeout: '2s' } }, '2s'],
  [
    'the smaller of requestTimeout and maxStreamDuration bounds the call',
    { http: { requestTimeout: '10s', maxStreamDuration: '3s' } },
    '3s',
  ],
  [
    'a disabled requestTimeout defers to maxStreamDuration',
    { http: { requestTimeout: '0s', maxStreamDuration: '4s' } },
    '4s',
  ],
  ['both disabled leave the application deadline alone (0)', { http: { requestTimeout: '0s' } }, '0s'],
  ['connection timeouts alone set no bound', { connectionTimeout: '1s' }, undefined],
];

for (const [name, conf, expected] of grpcCases) {
  test(`grpc: ${name}`, () => {
    const config = generateProxyConfig(threeProtocolProxy('grpc', [toBackend(conf)]));
    const route = firstRoute(resourceOf(config, RouteConfiguration, 'outbound:backend'));
    assert.equal(route.maxStreamDuration?.maxStreamDuration, expected);
    assert.equal(route.timeout, undefined, 'gRPC ignores the route timeout; it is not sent');
    const decoded = grpcRoute(config, 'backend').virtual_hosts[0].routes[0].route;
    if (expected !== undefined)
      assert.ok(decoded.max_stream_duration.max_stream_duration, 'grpc-js-xds reads the bound');
    assertPassesPgv(config);
  });
}

test('grpc: the default MeshTimeout bounds every call by 15s and warns about what gRPC cannot apply', () => {
  const config = generateProxyConfig(threeProtocolProxy('grpc', [meshDefault]));
  for (const service of ['backend', 'db', 'greeter']) {
    assert.deepEqual(
      grpcRoute(config, service).virtual_hosts[0].routes[0].route.max_stream_duration.max_stream_duration,
      { seconds: '15', nanos: 0 },
    );
  }
  assert.deepEqual(config.warnings, [
    ...['backend', 'db', 'greeter'].map(
      (s) =>
        `MeshTimeout: to ${s}: connectionTimeout, idleTimeout, http.streamIdleTimeout not applied: proxyless gRPC bounds a call only by its route's max_stream_duration`,
    ),
    'MeshTimeout: inbound 10.0.0.1:8080: connectionTimeout, idleTimeout, http.requestTimeout, http.streamIdleTimeout not applied: grpc-js-xds servers take no timeouts from xDS',
  ]);
});

test('grpc: the api listener keeps no idle_timeout, which grpc-js-xds would take as a deadline for every call', () => {
  const config = generateProxyConfig(threeProtocolProxy('grpc', [meshDefault, toBackend({ idleTimeout: '1s' })]));
  const hcm = resourceOf(config, Listener, 'backend').apiListener.apiListener;
  assert.equal(hcm.commonHttpProtocolOptions, undefined);
  for (const resource of config.resources) grpcDecoded(resource);
});

test('grpc: clusters and listeners are as generated: gRPC reads no connect timeout', () => {
  const bare = generateProxyConfig(threeProtocolProxy('grpc', []));
  const config = generateProxyConfig(threeProtocolProxy('grpc', [meshDefault]));
  for (const type of [Listener, Cluster])
    for (const r of bare.resources.filter((r) => r.typeUrl === type))
      assert.deepEqual(resourceOf(config, type, r.name), resourceOf(bare, type, r.name));
});

const testdata = srcPath('src/policies/meshtimeout/testdata');
const goldenCases = {
  'defaults-envoy': threeProtocolProxy('envoy', [meshDefault]),
  'defaults-grpc': threeProtocolProxy('grpc', [meshDefault]),
  'backend-override-envoy': threeProtocolProxy('envoy', [
    meshDefault,
    toBackend({ connectionTimeout: '1s', http: { requestTimeout: '2s', maxStreamDuration: '1m' } }),
  ]),
  'backend-override-grpc': threeProtocolProxy('grpc', [
    meshDefault,
    toBackend({ connectionTimeout: '1s', http: { requestTimeout: '2s', maxStreamDuration: '1m' } }),
  ]),
};

testGoldenCases(testdata, goldenCases);

test('subset clusters get the connect timeout of their service, and only of their own service', () => {
  const subsets = [
    { kind: 'MeshServiceSubset', name: 'backend', tags: { version: 'v1' }, weight: 90 },
    { kind: 'MeshServiceSubset', name: 'backend', tags: { version: 'v2' }, weight: 10 },
  ];
  const split = storedPolicy('MeshHTTPRoute', 'split', {
    to: [
      {
        targetRef: { kind: 'MeshService', name: 'backend' },
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], default: { backendRefs: subsets } }],
      },
    ],
  });
  const config = generateProxyConfig(
    threeProtocolProxy('envoy', [split, meshDefault, toBackend({ connectionTimeout: '1s' })]),
  );
  for (const name of ['backend', 'backend_version_v1', 'backend_version_v2'])
    assert.equal(resourceOf(config, Cluster, name).connectTimeout, '1s', name);
  assert.equal(resourceOf(config, Cluster, 'db').connectTimeout, '5s');
  assertPassesPgv(config);
});

test('a subset cluster gets the settings of the service it splits, even when another service is named like it', () => {
  // backend's subset version=v1 is named backend_version_v1, which reads like a subset of the service backend_version: only its origin tells.
  const split = storedPolicy('MeshHTTPRoute', 'split', {
    to: [
      {
        targetRef: { kind: 'MeshService', name: 'backend' },
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            default: { backendRefs: [{ kind: 'MeshServiceSubset', name: 'backend', tags: { version: 'v1' } }] },
          },
        ],
      },
    ],
  });
  const toLookalike = timeout('lookalike-timeouts', {
    to: [{ targetRef: { kind: 'MeshService', name: 'backend_version' }, default: { connectionTimeout: '7s' } }],
  });
  const proxy = threeProtocolProxy('envoy', [split, meshDefault, toBackend({ connectionTimeout: '1s' }), toLookalike]);
  const lookalike = {
    service: 'backend_version',
    protocol: 'http' as const,
    endpoints: [{ address: '10.0.0.9', port: 8080, zone: '', tags: { 'kuma.io/service': 'backend_version' } }],
  };
  const config = generateProxyConfig({
    ...proxy,
    outbounds: [...proxy.outbounds, { address: '127.0.0.1', port: 10004, service: 'backend_version' }],
    destinations: new Map([...proxy.destinations, ['backend_version', lookalike]]),
  });
  assert.equal(resourceOf(config, Cluster, 'backend_version_v1').connectTimeout, '1s');
  assert.equal(resourceOf(config, Cluster, 'backend_version').connectTimeout, '7s');
  assertPassesPgv(config);
});
