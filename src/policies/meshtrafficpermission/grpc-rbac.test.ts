/**
 * The HTTP RBAC filter judged by grpc-js-xds, which enforces it on proxyless
 * gRPC servers (gRFC A41): a server listener carrying the filter must pass its
 * listener validation, and its own RBAC engine, parsed from the bytes a server
 * receives, must let in exactly the clients our interpreter lets in.
 *
 * grpc-js-xds registers the filter only when GRPC_XDS_EXPERIMENTAL_RBAC=true
 * at load time, so the test kit, which sets it, is imported before the library.
 */
import { grpcBootstrapForTests, matchedOn } from '../core/testkit/index.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toBinary } from '@bufbuild/protobuf';
import { ListenerResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/listener-resource-type.js';
import { parseTopLevelFilterConfig } from '@grpc/grpc-js-xds/build/src/http-filter.js';
import { ListenerSchema, type Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import type { Resource } from '../../api/resource.js';
import { generateGrpcResources } from '../../xds/generate/grpc.js';
import type { ProxyContext } from '../../xds/generate/proxy-context.js';
import { permissionCases } from './cases.js';
import { meshTrafficPermissionPlugin } from './plugin.js';
import { httpRbacFilter, trafficPermissionRbac } from './rbac.js';
import { engineAllows, inputFor, type Peer } from './testing.js';

const context = { bootstrap: grpcBootstrapForTests, server: grpcBootstrapForTests.xdsServers[0]! };

/** The server listener the gRPC generator builds for backend-1 under mesh mTLS, guarded by the plugin with these permissions. */
function serverListener(policies: readonly Resource[]): Listener {
  const matched = matchedOn([0], ...policies);
  const ctx: ProxyContext = {
    mesh: 'default',
    name: 'backend-1',
    flavour: 'grpc',
    address: '10.0.0.2',
    inbounds: [
      {
        address: '10.0.0.2',
        port: 50051,
        serviceAddress: '10.0.0.2',
        servicePort: 50051,
        service: 'backend',
        protocol: 'grpc',
        tags: { 'kuma.io/service': 'backend' },
      },
    ],
    outbounds: [],
    destinations: new Map(),
    tls: { mesh: 'default', mode: 'STRICT', trustedRootsPem: '' },
    policies: new Map([['MeshTrafficPermission', matched]]),
  };
  const resources = meshTrafficPermissionPlugin.apply(generateGrpcResources(ctx), {
    proxy: ctx,
    matched,
    warn: assert.fail,
  });
  const [listener] = resources.listeners;
  assert.ok(listener, 'the generator built a server listener');
  return listener;
}

/** What grpc-js-xds's RBAC engine sees of a call: the fields rbac.js reads. */
function callInfo(peer: Peer) {
  return {
    tls: peer.hasCertificate,
    peerCertificate: peer.hasCertificate
      ? { subjectaltname: peer.uriSans.map((san) => `URI:${san}`).join(', '), subject: {} }
      : null,
    headers: new Map(),
    urlPath: '/backend.Backend/Call',
    destinationIp: '10.0.0.2',
    destinationPort: 50051,
    sourceIp: '10.0.0.1',
  };
}

for (const c of permissionCases) {
  test(`${c.name}: grpc-js-xds accepts a server listener carrying the filter`, () => {
    const bytes = toBinary(ListenerSchema, serverListener(c.policies));
    const result = ListenerResourceType.get().decode(context, {
      type_url: 'type.googleapis.com/envoy.config.listener.v3.Listener',
      value: Buffer.from(bytes),
    });
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
