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
  buildFilterChain,
  buildHttpConnectionManager,
  buildListener,
  buildStaticCluster,
  buildTcpProxy,
  httpConnectionManagerFilter,
  tcpProxyFilter,
  TrafficDirection,
} from './builders/index.js';
import type { Filter } from '../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import { envoyClusterOf, loadAssignmentOf, outboundRouteOf, singleClusterRouteConfiguration } from './destination-resources.js';
import { byAddressThenPort, destinationOf, destinationsOf, isHttp2Protocol, isHttpProtocol } from './destinations.js';
import {
  inboundListenerName,
  inboundRouteName,
  localClusterName,
  outboundListenerName,
  outboundRouteName,
  serviceClusterName,
  statName,
} from './names.js';
import type { DestinationContext, InboundContext, OutboundContext, ProxyContext } from './proxy-context.js';
import { ResourceCollector, type ProxyResources } from './resources.js';
import { onePerObject, onePerObjectPair } from './shared.js';

function inboundFilter(inbound: InboundContext, cluster: string): Filter {
  if (!isHttpProtocol(inbound.protocol)) return tcpProxyFilter(buildTcpProxy(statName(cluster), cluster));
  const routeConfig = singleClusterRouteConfiguration(inboundRouteName(inbound.service), inbound.service, cluster);
  return httpConnectionManagerFilter(buildHttpConnectionManager({ statPrefix: statName(cluster), routes: { routeConfig } }));
}

/** An inbound's listener and local cluster; once per InboundContext object (shared.ts). */
const inboundResourcesOf = onePerObject((inbound: InboundContext) => {
  const cluster = localClusterName(inbound.servicePort);
  return {
    cluster: buildStaticCluster(cluster, inbound.serviceAddress, inbound.servicePort, { http2: isHttp2Protocol(inbound.protocol) }),
    listener: buildListener({
      name: inboundListenerName(inbound.address, inbound.port),
      address: inbound.address,
      port: inbound.port,
      direction: TrafficDirection.INBOUND,
      filterChains: [buildFilterChain([inboundFilter(inbound, cluster)])],
    }),
  };
});

/** An outbound's listener: HCM over RDS for a destination speaking HTTP, tcp_proxy otherwise. */
const outboundListenerOf = onePerObjectPair((outbound: OutboundContext, destination: DestinationContext) => {
  const cluster = serviceClusterName(outbound.service);
  const filter = isHttpProtocol(destination.protocol)
    ? httpConnectionManagerFilter(buildHttpConnectionManager({ statPrefix: statName(cluster), routes: { rds: outboundRouteName(outbound.service) } }))
    : tcpProxyFilter(buildTcpProxy(statName(cluster), cluster));
  return buildListener({
    name: outboundListenerName(outbound.address, outbound.port),
    address: outbound.address,
    port: outbound.port,
    direction: TrafficDirection.OUTBOUND,
    filterChains: [buildFilterChain([filter])],
  });
});

function addInbound(out: ResourceCollector, inbound: InboundContext): void {
  const { cluster, listener } = inboundResourcesOf(inbound);
  out.cluster(cluster);
  out.listener(listener);
}

function addOutbound(out: ResourceCollector, ctx: ProxyContext, outbound: OutboundContext): void {
  const destination = destinationOf(ctx, outbound.service);
  if (isHttpProtocol(destination.protocol)) out.routeConfiguration(outboundRouteOf(destination));
  out.listener(outboundListenerOf(outbound, destination));
}

export function generateEnvoyResources(ctx: ProxyContext): ProxyResources {
  const out = new ResourceCollector();
  for (const inbound of [...ctx.inbounds].sort(byAddressThenPort)) addInbound(out, inbound);
  for (const outbound of [...ctx.outbounds].sort(byAddressThenPort)) addOutbound(out, ctx, outbound);
  for (const destination of destinationsOf(ctx)) {
    out.cluster(envoyClusterOf(destination));
    out.loadAssignment(loadAssignmentOf(destination));
  }
  return out.resources();
}
