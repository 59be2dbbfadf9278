import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import { Cluster_TransportSocketMatchSchema, type Cluster } from './envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { TransportSocketSchema } from './envoy/gen/envoy/config/core/v3/base_pb.js';
import { ConfigSourceSchema } from './envoy/gen/envoy/config/core/v3/config_source_pb.js';
import type { Listener } from './envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { RouteSchema, type Route } from './envoy/gen/envoy/config/route/v3/route_components_pb.js';
import type { RouteConfiguration } from './envoy/gen/envoy/config/route/v3/route_pb.js';
import { UpstreamTlsContextSchema } from './envoy/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import {
  buildApiListener,
  buildClusterLoadAssignment,
  buildEdsCluster,
  buildFilterChain,
  buildHttpConnectionManager,
  buildIdentitySecret,
  buildListener,
  buildRequestMirrorPolicy,
  buildRouteConfiguration,
  buildStaticCluster,
  buildTcpProxy,
  buildTrustSecret,
  buildVirtualHost,
  envoyDownstreamTls,
  envoyUpstreamTls,
  grpcDownstreamTls,
  grpcUpstreamTls,
  httpConnectionManagerFilter,
  nonForwardingRoute,
  routeClusterSpecifier,
  routeToCluster,
  tcpProxyClusterSpecifier,
  tcpProxyFilter,
  TrafficDirection,
} from './generate/builders/index.js';
import { generateProxyResources } from './build/testing.js';
import { caseNames, readCase } from './generate/testing/cases.js';
import { referencesOf } from './resource-references.js';
import { TypeUrl } from './resource-types.js';
import { snapshotProblems } from './snapshot-consistency.js';
import { buildSnapshot, encodeResource, type EncodedResource } from './snapshot.js';

const listener = (l: Listener) => encodeResource(TypeUrl.Listener, l.name, l);
const routes = (r: RouteConfiguration) => encodeResource(TypeUrl.RouteConfiguration, r.name, r);
const cluster = (c: Cluster) => encodeResource(TypeUrl.Cluster, c.name, c);
const endpoints = (name: string) =>
  encodeResource(TypeUrl.ClusterLoadAssignment, name, buildClusterLoadAssignment(name, []));
const local = (name: string) => cluster(buildStaticCluster(name, '127.0.0.1', 8080));

const problemsOf = (...resources: EncodedResource[]): string[] => snapshotProblems(buildSnapshot(resources));
const without = (resources: readonly EncodedResource[], typeUrl: TypeUrl, name: string): EncodedResource[] =>
  resources.filter((r) => !(r.typeUrl === typeUrl && r.name === name));

const outboundHttp = (name: string, rds: string): Listener =>
  buildListener({
    name,
    address: '127.0.0.1',
    port: 10001,
    direction: TrafficDirection.OUTBOUND,
    filterChains: [
      buildFilterChain([
        httpConnectionManagerFilter(buildHttpConnectionManager({ statPrefix: 'out', routes: { rds } })),
      ]),
    ],
  });

const routeTo = (clusters: { cluster: string; weight: number }[], mirror?: string): Route =>
  create(RouteSchema, {
    match: { pathSpecifier: { case: 'prefix', value: '/' } },
    action: {
      case: 'route',
      value: {
        clusterSpecifier: routeClusterSpecifier(clusters),
        requestMirrorPolicies: mirror === undefined ? [] : [buildRequestMirrorPolicy(mirror, 10)],
      },
    },
  });

const tls = {
  identitySecret: 'identity_cert:secret:default',
  trustSecret: 'mesh_ca:secret:default',
  peer: { prefix: 'spiffe://default/' },
} as const;

for (const name of caseNames()) {
  test(`the generators' ${name} case passes the gate`, () => {
    assert.deepEqual(snapshotProblems(buildSnapshot(generateProxyResources(readCase(name)))), []);
  });
}

test('a listener naming a route configuration over RDS needs it in the snapshot', () => {
  const out = listener(outboundHttp('outbound:127.0.0.1:10001', 'outbound:backend'));
  const config = routes(
    buildRouteConfiguration('outbound:backend', [buildVirtualHost('backend', ['*'], [routeToCluster('backend')])]),
  );
  assert.deepEqual(problemsOf(out, config, cluster(buildEdsCluster('backend')), endpoints('backend')), []);
  assert.deepEqual(problemsOf(out, cluster(buildEdsCluster('backend')), endpoints('backend')), [
    'listener outbound:127.0.0.1:10001 names route configuration outbound:backend, which is not in the snapshot',
  ]);
});

test('a route configuration needs every cluster its routes send to, split among or mirror to', () => {
  const vhost = buildVirtualHost(
    'backend',
    ['*'],
    [
      routeTo(
        [
          { cluster: 'v1', weight: 90 },
          { cluster: 'v2', weight: 10 },
        ],
        'shadow',
      ),
      routeTo([{ cluster: 'backend', weight: 1 }]),
    ],
  );
  vhost.requestMirrorPolicies = [buildRequestMirrorPolicy('audit', 1)];
  const config = routes(buildRouteConfiguration('outbound:backend', [vhost]));
  assert.deepEqual(problemsOf(config, local('v1'), local('backend')), [
    'route configuration outbound:backend mirrors to cluster audit, which is not in the snapshot',
    'route configuration outbound:backend routes to cluster v2, which is not in the snapshot',
    'route configuration outbound:backend mirrors to cluster shadow, which is not in the snapshot',
  ]);
  assert.deepEqual(problemsOf(config, local('v1'), local('v2'), local('shadow'), local('audit'), local('backend')), []);
});

test("a listener's inline route configuration needs its clusters, and says which configuration names them", () => {
  const inline = buildRouteConfiguration('inbound:web', [
    buildVirtualHost('web', ['*'], [routeToCluster('localhost:8080')]),
  ]);
  const inbound = buildListener({
    name: 'inbound:10.0.0.1:8080',
    address: '10.0.0.1',
    port: 8080,
    direction: TrafficDirection.INBOUND,
    filterChains: [
      buildFilterChain([
        httpConnectionManagerFilter(buildHttpConnectionManager({ statPrefix: 'in', routes: { routeConfig: inline } })),
      ]),
    ],
  });
  assert.deepEqual(problemsOf(listener(inbound)), [
    'listener inbound:10.0.0.1:8080 (inline route configuration inbound:web) routes to cluster localhost:8080, which is not in the snapshot',
  ]);
  assert.deepEqual(problemsOf(listener(inbound), local('localhost:8080')), []);
});

test('a TCP proxy needs its cluster, or every cluster of its split', () => {
  const tcp = (name: string, clusters: { cluster: string; weight: number }[]) => {
    const proxy = buildTcpProxy(name, '');
    proxy.clusterSpecifier = tcpProxyClusterSpecifier(clusters);
    return listener(
      buildListener({
        name,
        address: '127.0.0.1',
        port: 15432,
        direction: TrafficDirection.OUTBOUND,
        filterChains: [buildFilterChain([tcpProxyFilter(proxy)])],
      }),
    );
  };
  assert.deepEqual(problemsOf(tcp('outbound:db', [{ cluster: 'db', weight: 1 }])), [
    'listener outbound:db proxies TCP to cluster db, which is not in the snapshot',
  ]);
  assert.deepEqual(
    problemsOf(
      tcp('outbound:split', [
        { cluster: 'db-a', weight: 1 },
        { cluster: 'db-b', weight: 1 },
      ]),
      local('db-b'),
    ),
    ['listener outbound:split proxies TCP to cluster db-a, which is not in the snapshot'],
  );
});

test('an EDS cluster needs its ClusterLoadAssignment, named by service_name when it has one; other clusters need none', () => {
  assert.deepEqual(problemsOf(cluster(buildEdsCluster('backend'))), [
    'cluster backend takes its endpoints from ClusterLoadAssignment backend, which is not in the snapshot',
  ]);
  const named = buildEdsCluster('backend-v2');
  named.edsClusterConfig!.serviceName = 'backend';
  assert.deepEqual(problemsOf(cluster(named), endpoints('backend')), []);
  assert.deepEqual(problemsOf(cluster(named), endpoints('backend-v2')), [
    'cluster backend-v2 takes its endpoints from ClusterLoadAssignment backend, which is not in the snapshot',
  ]);
  assert.deepEqual(problemsOf(local('localhost:8080')), []);
});

test('SDS secrets named by a filter chain or a cluster must be among the proxy’s secrets', () => {
  const inbound = buildListener({
    name: 'inbound:10.0.0.1:8080',
    address: '10.0.0.1',
    port: 8080,
    direction: TrafficDirection.INBOUND,
    filterChains: [
      buildFilterChain([tcpProxyFilter(buildTcpProxy('in', 'localhost:8080'))], {
        transportSocket: envoyDownstreamTls(tls),
      }),
    ],
  });
  const upstream = buildStaticCluster('backend', '10.0.0.2', 8080);
  upstream.transportSocket = envoyUpstreamTls({ ...tls, sni: 'backend' });
  const resources = [listener(inbound), local('localhost:8080'), cluster(upstream)];
  assert.deepEqual(
    problemsOf(
      ...resources,
      encodeResource(TypeUrl.Secret, 'mesh_ca:secret:default', buildTrustSecret('mesh_ca:secret:default', 'roots')),
    ),
    [
      'listener inbound:10.0.0.1:8080 names secret identity_cert:secret:default, which is not in the snapshot',
      'cluster backend names secret identity_cert:secret:default, which is not in the snapshot',
    ],
  );
  const identity = encodeResource(
    TypeUrl.Secret,
    'identity_cert:secret:default',
    buildIdentitySecret('identity_cert:secret:default', 'cert', 'key'),
  );
  const trust = encodeResource(
    TypeUrl.Secret,
    'mesh_ca:secret:default',
    buildTrustSecret('mesh_ca:secret:default', 'roots'),
  );
  assert.deepEqual(problemsOf(...resources, identity, trust), []);

  // Transport socket matches are chosen per endpoint: their secrets count too.
  const matched = buildStaticCluster('matched', '10.0.0.3', 8080);
  matched.transportSocketMatches = [
    create(Cluster_TransportSocketMatchSchema, {
      name: 'tls',
      transportSocket: envoyUpstreamTls({ ...tls, sni: 'matched' }),
    }),
  ];
  assert.equal(problemsOf(cluster(matched), trust).length, 1);
});

test('names served by other means are not required: static secrets, certificate providers, sources other than ADS', () => {
  // SDS configs without a config source name static secrets of Envoy's bootstrap.
  const bootstrapTls = create(UpstreamTlsContextSchema, {
    commonTlsContext: {
      tlsCertificateSdsSecretConfigs: [{ name: 'static-cert' }],
      validationContextType: { case: 'validationContextSdsSecretConfig', value: { name: 'static-ca' } },
    },
  });
  const staticSecrets = buildStaticCluster('backend', '10.0.0.2', 8080);
  staticSecrets.transportSocket = create(TransportSocketSchema, {
    name: 'envoy.transport_sockets.tls',
    configType: { case: 'typedConfig', value: anyPack(UpstreamTlsContextSchema, bootstrapTls) },
  });
  assert.deepEqual(problemsOf(cluster(staticSecrets)), []);

  // Proxyless gRPC names certificate provider instances of its bootstrap.
  const grpcClient = buildEdsCluster('backend');
  grpcClient.transportSocket = grpcUpstreamTls('koguma', { exact: 'spiffe://default/backend' });
  const grpcServer = buildListener({
    name: 'grpc/server?xds.resource.listening_address=10.0.0.1:50051',
    address: '10.0.0.1',
    port: 50051,
    direction: TrafficDirection.INBOUND,
    filterChains: [buildFilterChain([], { transportSocket: grpcDownstreamTls('koguma') })],
  });
  assert.deepEqual(problemsOf(cluster(grpcClient), endpoints('backend'), listener(grpcServer)), []);

  const fromFile = create(ConfigSourceSchema, {
    configSourceSpecifier: { case: 'pathConfigSource', value: { path: '/etc/xds.yaml' } },
  });
  const edsFromFile = buildEdsCluster('from-a-file');
  edsFromFile.edsClusterConfig!.edsConfig = fromFile;
  assert.deepEqual(problemsOf(cluster(edsFromFile)), [], 'endpoints from a file are not served here');
  const rdsFromFile = buildHttpConnectionManager({ statPrefix: 'out', routes: { rds: 'from-a-file' } });
  if (rdsFromFile.routeSpecifier.case === 'rds') rdsFromFile.routeSpecifier.value.configSource = fromFile;
  const listenerFromFile = buildListener({
    name: 'outbound:file',
    address: '127.0.0.1',
    port: 10009,
    direction: TrafficDirection.OUTBOUND,
    filterChains: [buildFilterChain([httpConnectionManagerFilter(rdsFromFile)])],
  });
  assert.deepEqual(problemsOf(listener(listenerFromFile)), [], 'nor routes');
});

test("a listener's default filter chain is checked like the others", () => {
  const withDefault = buildListener({
    name: 'inbound:passthrough',
    address: '0.0.0.0',
    port: 15001,
    direction: TrafficDirection.INBOUND,
    filterChains: [],
  });
  withDefault.defaultFilterChain = buildFilterChain([tcpProxyFilter(buildTcpProxy('passthrough', 'pass_through'))]);
  assert.deepEqual(problemsOf(listener(withDefault)), [
    'listener inbound:passthrough proxies TCP to cluster pass_through, which is not in the snapshot',
  ]);
});

test('proxyless gRPC: a client api listener needs its route configuration, a server listener with non-forwarding routes needs nothing', () => {
  const api = buildApiListener(
    'backend',
    buildHttpConnectionManager({ statPrefix: 'backend', routes: { rds: 'outbound:backend' } }),
  );
  assert.deepEqual(problemsOf(listener(api)), [
    'listener backend names route configuration outbound:backend, which is not in the snapshot',
  ]);
  const server = buildListener({
    name: 'grpc/server?xds.resource.listening_address=10.0.0.1:50051',
    address: '10.0.0.1',
    port: 50051,
    direction: TrafficDirection.INBOUND,
    filterChains: [
      buildFilterChain([
        httpConnectionManagerFilter(
          buildHttpConnectionManager({
            statPrefix: 'in',
            routes: {
              routeConfig: buildRouteConfiguration('inbound:web', [
                buildVirtualHost('web', ['*'], [nonForwardingRoute()]),
              ]),
            },
          }),
        ),
      ]),
    ],
  });
  assert.deepEqual(problemsOf(listener(server)), []);
});

test('real builds with a resource taken out: each dangling name is reported, in both flavours', () => {
  const grpc = generateProxyResources(readCase('grpc-client-two-destinations'));
  assert.deepEqual(snapshotProblems(buildSnapshot(without(grpc, TypeUrl.RouteConfiguration, 'outbound:billing'))), [
    'listener billing names route configuration outbound:billing, which is not in the snapshot',
  ]);
  assert.deepEqual(snapshotProblems(buildSnapshot(without(grpc, TypeUrl.Cluster, 'backend'))), [
    'route configuration outbound:backend routes to cluster backend, which is not in the snapshot',
  ]);
  assert.deepEqual(snapshotProblems(buildSnapshot(without(grpc, TypeUrl.ClusterLoadAssignment, 'billing'))), [
    'cluster billing takes its endpoints from ClusterLoadAssignment billing, which is not in the snapshot',
  ]);

  const mtlsGrpc = generateProxyResources(readCase('mtls-grpc-client'));
  assert.deepEqual(
    snapshotProblems(buildSnapshot(mtlsGrpc.filter((r) => r.typeUrl !== TypeUrl.Secret))),
    [],
    'proxyless TLS names certificate providers, not secrets',
  );

  const envoy = generateProxyResources(readCase('mtls-strict-http'));
  assert.deepEqual(snapshotProblems(buildSnapshot(without(envoy, TypeUrl.Secret, 'mesh_ca:secret:default'))), [
    'listener inbound:10.0.0.1:8080 names secret mesh_ca:secret:default, which is not in the snapshot',
    'cluster backend names secret mesh_ca:secret:default, which is not in the snapshot',
  ]);
  assert.deepEqual(snapshotProblems(buildSnapshot(without(envoy, TypeUrl.Cluster, 'localhost:8081'))), [
    'listener inbound:10.0.0.1:8080 (inline route configuration inbound:web) routes to cluster localhost:8081, which is not in the snapshot',
  ]);
  const tcp = generateProxyResources(readCase('tcp-inbound-outbound'));
  assert.deepEqual(snapshotProblems(buildSnapshot(without(tcp, TypeUrl.Cluster, 'postgres'))), [
    'listener outbound:127.0.0.1:15432 proxies TCP to cluster postgres, which is not in the snapshot',
  ]);
});

test('the references of a message are read once per object: proxies sharing a resource share the reading', () => {
  const shared = routes(
    buildRouteConfiguration('outbound:backend', [buildVirtualHost('backend', ['*'], [routeToCluster('backend')])]),
  );
  const first = referencesOf(shared);
  assert.equal(referencesOf({ ...shared }), first, 'the same list for the same message, not a second reading');
  assert.deepEqual(first, [{ typeUrl: TypeUrl.Cluster, name: 'backend', verb: 'routes to' }]);
});

test('checked against the previous consistent snapshot, only changed resources are read, and a removal still finds every dangling name', () => {
  const grpc = generateProxyResources(readCase('grpc-client-two-destinations'));
  const before = buildSnapshot(grpc);
  assert.deepEqual(snapshotProblems(before), []);

  // A removed route configuration: the unchanged listener that names it is reported all the same.
  const removed = buildSnapshot(without(grpc, TypeUrl.RouteConfiguration, 'outbound:billing'));
  assert.deepEqual(snapshotProblems(removed, before), snapshotProblems(removed));
  assert.deepEqual(snapshotProblems(removed, before), [
    'listener billing names route configuration outbound:billing, which is not in the snapshot',
  ]);

  // A new listener naming a route configuration nobody serves: found among the changed resources.
  const added = buildSnapshot([...grpc, listener(outboundHttp('outbound:127.0.0.1:10009', 'outbound:nowhere'))]);
  assert.deepEqual(snapshotProblems(added, before), [
    'listener outbound:127.0.0.1:10009 names route configuration outbound:nowhere, which is not in the snapshot',
  ]);

  // Unchanged resources are not read again: what the previous snapshot already held is taken as checked
  // (which is why only an admitted, consistent snapshot may be given as the previous one).
  const dangling = [...grpc, listener(outboundHttp('outbound:127.0.0.1:10009', 'outbound:nowhere'))];
  assert.equal(snapshotProblems(buildSnapshot(dangling)).length, 1);
  assert.deepEqual(snapshotProblems(buildSnapshot(dangling), buildSnapshot(dangling)), []);
});
