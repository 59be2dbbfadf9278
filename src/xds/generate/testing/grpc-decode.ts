/**
 * Test support: what grpc-js-xds's XdsClient makes of a generated resource,
 * decoded and validated by its own resource types, with a context built from
 * our gRPC bootstrap (with the certificate provider `koguma dp run --proxyless`
 * writes, so mTLS resources decode too). RBAC is enabled first, as `koguma dp
 * run --proxyless` enables it for applications.
 */
import './grpc-rbac-env.js';
import assert from 'node:assert/strict';
import { register } from '@grpc/grpc-js-xds';
import { validateBootstrapConfig } from '@grpc/grpc-js-xds/build/src/xds-bootstrap.js';
import { ClusterResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/cluster-resource-type.js';
import { EndpointResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/endpoint-resource-type.js';
import { ListenerResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/listener-resource-type.js';
import { RouteConfigurationResourceType } from '@grpc/grpc-js-xds/build/src/xds-resource-type/route-config-resource-type.js';
import type {
  XdsDecodeContext,
  XdsResourceType,
} from '@grpc/grpc-js-xds/build/src/xds-resource-type/xds-resource-type.js';
import { grpcBootstrap } from '../../bootstrap/index.js';
import { TypeUrl } from '../../resource-types.js';
import type { EncodedResource } from '../../snapshot.js';

// Registers the router filter, among others: without it no HTTP filter chain validates.
register();

export const grpcBootstrapForTests = validateBootstrapConfig(
  grpcBootstrap({
    nodeId: 'default.test',
    serverUri: '127.0.0.1:5678',
    certificateFiles: {
      certificateFile: '/certs/cert.pem',
      privateKeyFile: '/certs/key.pem',
      caCertificateFile: '/certs/ca.pem',
      refreshInterval: '1s',
    },
  }),
);
const context: XdsDecodeContext = { bootstrap: grpcBootstrapForTests, server: grpcBootstrapForTests.xdsServers[0]! };

const resourceTypes: Partial<Record<TypeUrl, XdsResourceType>> = {
  [TypeUrl.Listener]: ListenerResourceType.get(),
  [TypeUrl.RouteConfiguration]: RouteConfigurationResourceType.get(),
  [TypeUrl.Cluster]: ClusterResourceType.get(),
  [TypeUrl.ClusterLoadAssignment]: EndpointResourceType.get(),
};

/** The decoded, validated value (protobufjs field names); fails the test on a resource grpc-js-xds rejects. */
export function grpcDecoded(resource: EncodedResource): Record<string, any> {
  const type = resourceTypes[resource.typeUrl];
  assert.ok(type, `grpc-js-xds has no resource type for ${resource.typeUrl}`);
  const result = type.decode(context, { type_url: resource.any.typeUrl, value: Buffer.from(resource.any.value) });
  assert.equal(result.error, undefined, `${resource.name}: ${result.error}`);
  assert.equal(result.name, resource.name);
  return result.value as Record<string, any>;
}
