/**
 * RouteConfiguration: named virtual hosts, served over RDS or inlined in a
 * connection manager.
 */
import { create } from '@bufbuild/protobuf';
import type { VirtualHost } from '../../envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { RouteConfigurationSchema, type RouteConfiguration } from '../../envoy/gen/envoy/config/route/v3/route_pb.js';

export function buildRouteConfiguration(name: string, virtualHosts: readonly VirtualHost[]): RouteConfiguration {
  return create(RouteConfigurationSchema, { name, virtualHosts: [...virtualHosts] });
}
