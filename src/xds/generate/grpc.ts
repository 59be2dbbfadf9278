/**
 * The proxyless gRPC flavour: the same proxy context as resources a gRPC
 * application resolves itself, within the subset grpc-js-xds accepts
 * (gRFC A27 client, A28 routing, A36 server, A39 HTTP filters).
 *
 *   client dials xds:///backend
 *     ─► Listener backend (api_listener: HCM, rds over ADS, router last)
 *     ─► RouteConfiguration outbound:backend (virtual host *, prefix / ─► cluster backend)
 *     ─► Cluster backend (EDS over ADS, ROUND_ROBIN)
 *     ─► ClusterLoadAssignment backend (a weighted locality per zone)
 *   server binds 10.0.0.2:50051
 *     ─► Listener grpc/server?xds.resource.listening_address=10.0.0.2:50051
 *          (address 10.0.0.2:50051, one filter chain: HCM with an inline route
 *           config inbound:<service>, virtual host *, non_forwarding_action)
 *
 * The route configuration keeps the Envoy flavour's name and content, so a
 * gRPC client and a sidecar with the same destination share one encoded
 * resource. The application must bind exactly the inbound's address and port:
 * grpc-js-xds compares the listener's socket_address with what it bound.
 *
 * What grpc-js-xds 1.14 validates, and how each resource here satisfies it:
 * - listener-resource-type.js: `api_listener.api_listener.type_url` is the
 *   HttpConnectionManager; `rds.config_source.ads` set; with
 *   EXPERIMENTAL_FAULT_INJECTION (default on) http filter names unique and the
 *   router filter last, and only last; `listener_filters` empty;
 *   `use_original_dst` unset; a server filter chain has exactly one filter, an
 *   HCM; no `transport_socket` (plaintext until certificates are wired in).
 * - route-config-resource-type.js (inline server routes too): domains with at
 *   most one wildcard, at its start or end (`*`); every route has a `match`
 *   with a `prefix` path specifier; the action is `route` with a `cluster`
 *   specifier, or `non_forwarding_action` (server.js rejects calls on any
 *   other action).
 * - cluster-resource-type.js: `lb_policy` ROUND_ROBIN (no
 *   `load_balancing_policy`); type EDS with `eds_cluster_config.eds_config.ads`;
 *   the name does not start with `xdstp:`, so `service_name` may stay empty.
 * - endpoint-resource-type.js: every locality set; no duplicate locality;
 *   socket addresses with `port_value` and an IP literal, no duplicates;
 *   priorities 0 only. xds-dependency-manager.js drops a locality without
 *   `load_balancing_weight` and endpoints not UNKNOWN or HEALTHY: every
 *   locality is weighted and health_status is left UNKNOWN.
 * - server.js: the listener has `address.socket_address` equal to the bound
 *   host and port.
 */
import {
  buildFilterChain,
  grpcDownstreamTls,
  buildHttpConnectionManager,
  buildListener,
  buildRouteConfiguration,
  buildVirtualHost,
  httpConnectionManagerFilter,
  nonForwardingRoute,
  TrafficDirection,
} from './builders/index.js';
import type { Listener } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import {
  grpcApiListenerOf,
  grpcClusterOf,
  loadAssignmentOf,
  outboundRouteOf,
  tlsKeyOf,
  type TlsKey,
} from './destination-resources.js';
import { addSecrets } from './envoy.js';
import { byString, destinationOf, destinationsOf } from './destinations.js';
import { GRPC_CERTIFICATE_PROVIDER, grpcServerListenerName, inboundRouteName, statName } from './names.js';
import type { InboundContext, ProxyContext } from './proxy-context.js';
import { inboundOriginsOf, type DestinationOrigin } from './origins.js';
import { ResourceCollector, type ProxyResources } from './resources.js';
import { onePerObjectPair } from './shared.js';

/**
 * Once per (InboundContext, mesh TLS) pair (shared.ts). With mTLS the server
 * requires a client certificate in both modes: grpc-js-xds cannot tell TLS
 * from plaintext on one port (server.js accepts only `raw_buffer` filter
 * chain matches), so a proxyless server cannot be PERMISSIVE.
 */
const serverListenerOf = onePerObjectPair((inbound: InboundContext, key: TlsKey): Listener => {
  const name = grpcServerListenerName(inbound.address, inbound.port);
  const routeConfig = buildRouteConfiguration(inboundRouteName(inbound.service), [
    buildVirtualHost(inbound.service, ['*'], [nonForwardingRoute()]),
  ]);
  const tls = 'plaintext' in key ? undefined : key;
  // RBAC, with mTLS, is the MeshTrafficPermission plugin's to add, in the proxy build (xds/build).
  const hcm = buildHttpConnectionManager({
    statPrefix: statName(inboundRouteName(inbound.service)),
    routes: { routeConfig },
  });
  return buildListener({
    name,
    address: inbound.address,
    port: inbound.port,
    direction: TrafficDirection.INBOUND,
    filterChains: [
      buildFilterChain(
        [httpConnectionManagerFilter(hcm)],
        tls ? { transportSocket: grpcDownstreamTls(GRPC_CERTIFICATE_PROVIDER) } : {},
      ),
    ],
  });
});

export function generateGrpcResources(ctx: ProxyContext): ProxyResources {
  const out = new ResourceCollector();
  const tls = tlsKeyOf(ctx.tls);
  for (const origin of inboundOriginsOf(ctx)) out.listener(serverListenerOf(origin.inbound, tls), origin);
  const services = [...new Set(ctx.outbounds.map((o) => o.service))].sort(byString);
  for (const service of services) {
    const destination = destinationOf(ctx, service);
    out.listener(grpcApiListenerOf(destination), { kind: 'client', service });
    out.routeConfiguration(outboundRouteOf(destination), { kind: 'destination', service });
  }
  for (const destination of destinationsOf(ctx)) {
    const origin: DestinationOrigin = { kind: 'destination', service: destination.service };
    out.cluster(grpcClusterOf(destination, tls), origin);
    out.loadAssignment(loadAssignmentOf(destination), origin);
  }
  addSecrets(out, ctx);
  return out.resources();
}
