/**
 * Virtual hosts and routes. A route here matches a path prefix and either
 * forwards to one cluster or, on a gRPC server, lets the call through to the
 * application (`non_forwarding_action`, gRFC A36).
 */
import { create } from '@bufbuild/protobuf';
import {
  RouteSchema,
  VirtualHostSchema,
  type Route,
  type VirtualHost,
} from '../../envoy/gen/envoy/config/route/v3/route_components_pb.js';

export function buildVirtualHost(name: string, domains: readonly string[], routes: readonly Route[]): VirtualHost {
  return create(VirtualHostSchema, { name, domains: [...domains], routes: [...routes] });
}

/** Every request whose path starts with `prefix` goes to `cluster`. */
export function routeToCluster(cluster: string, prefix = '/'): Route {
  return create(RouteSchema, {
    match: { pathSpecifier: { case: 'prefix', value: prefix } },
    action: { case: 'route', value: { clusterSpecifier: { case: 'cluster', value: cluster } } },
  });
}

/** A gRPC server route: the call is served by the application itself. */
export function nonForwardingRoute(prefix = '/'): Route {
  return create(RouteSchema, {
    match: { pathSpecifier: { case: 'prefix', value: prefix } },
    action: { case: 'nonForwardingAction', value: {} },
  });
}
