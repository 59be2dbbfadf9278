/**
 * The gRPC judge of generated configuration: what grpc-js-xds's XdsClient
 * makes of each resource a proxyless application subscribes to, decoded and
 * validated by its own resource types (xds/generate/testing/grpc-decode.ts).
 * Secrets are left out: `koguma dp run --proxyless` fetches them, the
 * application never does.
 */
import { grpcDecoded } from '../../../xds/generate/testing/grpc-decode.js';
import assert from 'node:assert/strict';
import type { ProxyResources } from '../../../xds/generate/index.js';
import { TypeUrl, type EncodedResource } from '../../../xds/index.js';
import { encodeProxyResources } from './proxy-build.js';

export { grpcBootstrapForTests, grpcDecoded } from '../../../xds/generate/testing/grpc-decode.js';

/** grpc-js-xds decodes and accepts every resource but the secrets. */
export function assertGrpcJsXdsAccepts(config: { readonly resources: readonly EncodedResource[] }): void {
  for (const resource of config.resources) if (resource.typeUrl !== TypeUrl.Secret) grpcDecoded(resource);
}

/** A plugin's output encoded, then decoded by grpc-js-xds, secrets left out; by `<type>/<name>`, e.g. `Listener/backend`. */
export function decodeWithGrpcJsXds(resources: ProxyResources): Map<string, Record<string, any>> {
  const decoded = new Map<string, Record<string, any>>();
  for (const resource of encodeProxyResources(resources)) {
    if (resource.typeUrl === TypeUrl.Secret) continue;
    decoded.set(`${resource.typeUrl.split('.').at(-1)}/${resource.name}`, grpcDecoded(resource));
  }
  return decoded;
}

/** The decoded route configuration a proxyless client gets for a destination (`outbound:<service>`). */
export function grpcRoute(
  config: { readonly resources: readonly EncodedResource[] },
  service: string,
): Record<string, any> {
  const resource = config.resources.find(
    (r) => r.typeUrl === TypeUrl.RouteConfiguration && r.name === `outbound:${service}`,
  );
  assert.ok(resource, `no route configuration for ${service}`);
  return grpcDecoded(resource);
}
