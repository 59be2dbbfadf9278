/**
 * The HTTP RBAC filter judged by grpc-js-xds, which enforces it on proxyless
 * gRPC servers (gRFC A41): a server listener carrying the filter must pass its
 * listener validation, and its own RBAC engine, parsed from the bytes a server
 * receives, must let in exactly the clients our interpreter lets in.
 *
 * grpc-js-xds registers the filter only when GRPC_XDS_EXPERIMENTAL_RBAC=true
 * at load time, so the variable is set before the library is imported (node
 * --test runs each file in its own process).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toBinary } from '@bufbuild/protobuf';
import { ListenerSchema } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { grpcBootstrap } from '../../xds/bootstrap/index.js';
import {
  buildFilterChain,
  buildHttpConnectionManager,
  buildListener,
  buildRouteConfiguration,
  buildVirtualHost,
  httpConnectionManagerFilter,
  nonForwardingRoute,
  TrafficDirection,
} from '../../xds/generate/builders/index.js';
import { permissionCases } from './cases.js';
import { httpRbacFilter, trafficPermissionRbac, type TrafficPermissionInput } from './rbac.js';
import { engineAllows, inputFor, type Peer } from './testing.js';

process.env['GRPC_XDS_EXPERIMENTAL_RBAC'] = 'true';
const { register } = await import('@grpc/grpc-js-xds');
const { validateBootstrapConfig } = await import('@grpc/grpc-js-xds/build/src/xds-bootstrap.js');
const { ListenerResourceType } = await import('@grpc/grpc-js-xds/build/src/xds-resource-type/listener-resource-type.js');
const { parseTopLevelFilterConfig } = await import('@grpc/grpc-js-xds/build/src/http-filter.js');
register();

const bootstrap = validateBootstrapConfig(grpcBootstrap({ nodeId: 'default.backend-1', serverUri: '127.0.0.1:5678' }));
const context = { bootstrap, server: bootstrap.xdsServers[0]! };

/** A proxyless server listener as the gRPC generator builds one, with the RBAC filter before the router. */
function serverListener(input: TrafficPermissionInput) {
  const routeConfig = buildRouteConfiguration('inbound:backend', [buildVirtualHost('backend', ['*'], [nonForwardingRoute()])]);
  const hcm = buildHttpConnectionManager({ statPrefix: 'inbound_backend', routes: { routeConfig }, httpFilters: [httpRbacFilter(input)] });
  return buildListener({
    name: 'grpc/server?xds.resource.listening_address=10.0.0.2:50051',
    address: '10.0.0.2',
    port: 50051,
    direction: TrafficDirection.INBOUND,
    filterChains: [buildFilterChain([httpConnectionManagerFilter(hcm)])],
  });
}

/** What grpc-js-xds's RBAC engine sees of a call: the fields rbac.js reads. */
function callInfo(peer: Peer) {
  return {
    tls: peer.hasCertificate,
    peerCertificate: peer.hasCertificate ? { subjectaltname: peer.uriSans.map((san) => `URI:${san}`).join(', '), subject: {} } : null,
    headers: new Map(),
    urlPath: '/backend.Backend/Call',
    destinationIp: '10.0.0.2',
    destinationPort: 50051,
    sourceIp: '10.0.0.1',
  };
}

for (const c of permissionCases) {
  test(`${c.name}: grpc-js-xds accepts a server listener carrying the filter`, () => {
    const bytes = toBinary(ListenerSchema, serverListener(inputFor(c.policies)));
    const result = ListenerResourceType.get().decode(context, { type_url: 'type.googleapis.com/envoy.config.listener.v3.Listener', value: Buffer.from(bytes) });
    assert.equal(result.error, undefined);
  });

  test(`${c.name}: grpc-js-xds's own engine lets in exactly the clients Envoy's would`, () => {
    const input = inputFor(c.policies);
    const filter = httpRbacFilter(input);
    assert.equal(filter.configType.case, 'typedConfig');
    const any = filter.configType.value;
    const parsed = parseTopLevelFilterConfig({ type_url: any.typeUrl, value: Buffer.from(any.value) }, false);
    assert.ok(parsed, 'grpc-js-xds could not parse the RBAC config');
    const enforced = trafficPermissionRbac(input).rules;
    for (const [who, peer] of c.expect) {
      assert.equal(parsed.config.apply(callInfo(peer)), engineAllows(enforced, peer), who);
    }
  });
}
