/**
 * What a proxy gets for each destination service, built once per
 * DestinationContext object (shared.ts) and shared by every proxy, of either
 * flavour, that consumes the service:
 *
 *   destination ─┬─ ClusterLoadAssignment <service>        both flavours
 *                ├─ RouteConfiguration outbound:<service>  Envoy (http-ish) and gRPC
 *                ├─ Cluster <service>                      per flavour: Envoy sets HTTP/2 options
 *                └─ Listener <service> (api_listener)      gRPC only
 */
import type { Cluster } from '../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import type { ClusterLoadAssignment } from '../envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { Listener } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import type { RouteConfiguration } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import {
  buildApiListener,
  buildClusterLoadAssignment,
  buildEdsCluster,
  buildHttpConnectionManager,
  buildRouteConfiguration,
  buildVirtualHost,
  routeToCluster,
} from './builders/index.js';
import { isHttp2Protocol, localitiesOf } from './destinations.js';
import { outboundRouteName, serviceClusterName, statName } from './names.js';
import type { DestinationContext } from './proxy-context.js';
import { onePerObject } from './shared.js';

/** `<name>` with one virtual host `*` sending everything to `cluster`. */
export function singleClusterRouteConfiguration(name: string, service: string, cluster: string): RouteConfiguration {
  return buildRouteConfiguration(name, [buildVirtualHost(service, ['*'], [routeToCluster(cluster)])]);
}

export const loadAssignmentOf = onePerObject(
  (destination: DestinationContext): ClusterLoadAssignment =>
    buildClusterLoadAssignment(serviceClusterName(destination.service), localitiesOf(destination)),
);

/** The route configuration an outbound HTTP listener (Envoy) or a gRPC client's api_listener names over RDS. */
export const outboundRouteOf = onePerObject(
  (destination: DestinationContext): RouteConfiguration =>
    singleClusterRouteConfiguration(outboundRouteName(destination.service), destination.service, serviceClusterName(destination.service)),
);

export const envoyClusterOf = onePerObject(
  (destination: DestinationContext): Cluster =>
    buildEdsCluster(serviceClusterName(destination.service), { http2: isHttp2Protocol(destination.protocol) }),
);

// No HTTP/2 protocol options: gRPC always speaks HTTP/2 and ignores them.
export const grpcClusterOf = onePerObject((destination: DestinationContext): Cluster => buildEdsCluster(serviceClusterName(destination.service)));

/** The listener a gRPC client resolves for `xds:///<service>`. */
export const grpcApiListenerOf = onePerObject(
  (destination: DestinationContext): Listener =>
    buildApiListener(
      destination.service,
      buildHttpConnectionManager({ statPrefix: statName(destination.service), routes: { rds: outboundRouteName(destination.service) } }),
    ),
);
