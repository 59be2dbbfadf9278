/**
 * The Envoy sidecar flavour: a proxy's inbounds and outbounds as listeners,
 * clusters, route configurations and endpoints.
 *
 *   inbound  10.0.0.1:8080 ─► listener inbound:10.0.0.1:8080
 *              http/http2/grpc: HCM, inline route config inbound:<service> ─┐
 *              tcp: tcp_proxy ──────────────────────────────────────────────┴► cluster localhost:<servicePort>
 *                                                                              (STATIC, serviceAddress:servicePort)
 *   outbound 127.0.0.1:10001 ─► listener outbound:127.0.0.1:10001
 *              http-ish: HCM, RDS outbound:<service> ─┐
 *              tcp: tcp_proxy ────────────────────────┴► cluster <service> (EDS over ADS)
 *                                                         └► ClusterLoadAssignment <service>, a locality per zone
 *
 * An inbound's routes are inlined (as Kuma does): they change with the
 * listener, and two inbounds of one service on different ports would
 * otherwise contend for one route name. A local cluster is shared by inbounds
 * with the same service port; the first inbound in (address, port) order
 * decides its address and protocol.
 */
import {
  buildEdsCluster,
  buildFilterChain,
  buildHttpConnectionManager,
  buildListener,
  buildRouteConfiguration,
  buildStaticCluster,
  buildTcpProxy,
  buildVirtualHost,
  buildClusterLoadAssignment,
  httpConnectionManagerFilter,
  routeToCluster,
  tcpProxyFilter,
  TrafficDirection,
} from './builders/index.js';
import type { Filter } from '../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import type { RouteConfiguration } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import { byAddressThenPort, destinationOf, destinationsOf, isHttp2Protocol, isHttpProtocol, localitiesOf } from './destinations.js';
import {
  inboundListenerName,
  inboundRouteName,
  localClusterName,
  outboundListenerName,
  outboundRouteName,
  serviceClusterName,
  statName,
} from './names.js';
import type { InboundContext, OutboundContext, ProxyContext } from './proxy-context.js';
import { ResourceCollector, type ProxyResources } from './resources.js';

/** `<name>` with one virtual host `*` sending everything to `cluster`. Shared with the gRPC flavour. */
export function singleClusterRouteConfiguration(name: string, service: string, cluster: string): RouteConfiguration {
  return buildRouteConfiguration(name, [buildVirtualHost(service, ['*'], [routeToCluster(cluster)])]);
}

function inboundFilter(inbound: InboundContext, cluster: string): Filter {
  if (!isHttpProtocol(inbound.protocol)) return tcpProxyFilter(buildTcpProxy(statName(cluster), cluster));
  const routeConfig = singleClusterRouteConfiguration(inboundRouteName(inbound.service), inbound.service, cluster);
  return httpConnectionManagerFilter(buildHttpConnectionManager({ statPrefix: statName(cluster), routes: { routeConfig } }));
}

function addInbound(out: ResourceCollector, inbound: InboundContext): void {
  const cluster = localClusterName(inbound.servicePort);
  out.cluster(buildStaticCluster(cluster, inbound.serviceAddress, inbound.servicePort, { http2: isHttp2Protocol(inbound.protocol) }));
  out.listener(
    buildListener({
      name: inboundListenerName(inbound.address, inbound.port),
      address: inbound.address,
      port: inbound.port,
      direction: TrafficDirection.INBOUND,
      filterChains: [buildFilterChain([inboundFilter(inbound, cluster)])],
    }),
  );
}

function addOutbound(out: ResourceCollector, ctx: ProxyContext, outbound: OutboundContext): void {
  const destination = destinationOf(ctx, outbound.service);
  const cluster = serviceClusterName(outbound.service);
  let filter: Filter;
  if (isHttpProtocol(destination.protocol)) {
    const routeName = outboundRouteName(outbound.service);
    out.routeConfiguration(singleClusterRouteConfiguration(routeName, outbound.service, cluster));
    filter = httpConnectionManagerFilter(buildHttpConnectionManager({ statPrefix: statName(cluster), routes: { rds: routeName } }));
  } else {
    filter = tcpProxyFilter(buildTcpProxy(statName(cluster), cluster));
  }
  out.listener(
    buildListener({
      name: outboundListenerName(outbound.address, outbound.port),
      address: outbound.address,
      port: outbound.port,
      direction: TrafficDirection.OUTBOUND,
      filterChains: [buildFilterChain([filter])],
    }),
  );
}

export function generateEnvoyResources(ctx: ProxyContext): ProxyResources {
  const out = new ResourceCollector();
  for (const inbound of [...ctx.inbounds].sort(byAddressThenPort)) addInbound(out, inbound);
  for (const outbound of [...ctx.outbounds].sort(byAddressThenPort)) addOutbound(out, ctx, outbound);
  for (const destination of destinationsOf(ctx)) {
    const cluster = serviceClusterName(destination.service);
    out.cluster(buildEdsCluster(cluster, { http2: isHttp2Protocol(destination.protocol) }));
    out.loadAssignment(buildClusterLoadAssignment(cluster, localitiesOf(destination)));
  }
  return out.resources();
}
